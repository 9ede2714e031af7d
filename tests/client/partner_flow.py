"""A partner's system, written against a client generated from /api/openapi.json: it places a
bulk order with an Idempotency-Key, retries it and gets the same order, reads it back, and lists
only its own orders. Run by tests/client/run.sh; exits non-zero on any mismatch."""

import sys

from zhunong_client import AuthenticatedClient
from zhunong_client.api.partner import (
    partner_get_order,
    partner_list_orders,
    partner_place_order,
)
from zhunong_client.models import PartnerOrder, PartnerOrderLine


def check(ok: bool, what: str) -> None:
    if not ok:
        print(f"FAIL: {what}")
        sys.exit(1)
    print(f"ok: {what}")


def main(base: str, key: str, other_key: str, batch: int) -> None:
    client = AuthenticatedClient(base_url=base, token=key, raise_on_unexpected_status=True)
    body = PartnerOrder(lines=[PartnerOrderLine(batch_id=batch, quantity=3)], note="客户端生成测试")
    first = partner_place_order.sync_detailed(client=client, body=body, idempotency_key="gen-client-0001")
    check(first.status_code == 201, f"the order is placed (201, got {first.status_code})")
    again = partner_place_order.sync_detailed(client=client, body=body, idempotency_key="gen-client-0001")
    check(again.status_code == 201, "the retry is answered as the first was")
    check(again.headers.get("idempotent-replayed") == "true", "the retry says it is a replay")
    check(again.parsed.id == first.parsed.id, f"the retry is the same order ({first.parsed.id})")
    check(again.content == first.content, "byte for byte")
    read = partner_get_order.sync(client=client, id=first.parsed.id)
    check(read.order.id == first.parsed.id and read.order.lines[0].quantity == 3, "the order reads back")
    # Another partner's order, which this partner must not see.
    other = AuthenticatedClient(base_url=base, token=other_key, raise_on_unexpected_status=True)
    theirs = partner_place_order.sync(client=other, body=body, idempotency_key="gen-client-0002")
    mine = partner_list_orders.sync(client=client)
    ids = [o.id for o in mine.items]
    check(ids == [first.parsed.id], f"the list holds its own order only ({ids})")
    hidden = partner_get_order.sync_detailed(
        client=AuthenticatedClient(base_url=base, token=key), id=theirs.id
    )
    check(hidden.status_code == 404, "another partner's order is not found")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
