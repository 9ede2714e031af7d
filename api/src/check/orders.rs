//! The orders' rules: paid amounts, possible states, and stored idempotent answers.

use super::{Findings, Rule, Subject, int_rows};
use crate::error::AppResult;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{BTreeMap, BTreeSet};
use zhunong_entity::idempotency_key;

/// An order's paid amount equals the sum of its payments (refunds negative).
pub async fn payments(conn: &impl ConnectionTrait, found: &mut Findings) -> AppResult<()> {
    let rows: Vec<[i64; 3]> = int_rows(
        conn,
        "SELECT o.id, o.paid_fen, CAST(COALESCE(SUM(p.amount_fen), 0) AS BIGINT) \
         FROM orders o LEFT JOIN payments p ON p.order_id = o.id \
         GROUP BY o.id, o.paid_fen HAVING COALESCE(SUM(p.amount_fen), 0) <> o.paid_fen \
         ORDER BY o.id",
    )
    .await?;
    for [id, paid, sum] in rows {
        found.figure(
            Rule::Payments,
            Subject::Order,
            id,
            (sum, paid),
            format!("order {id}: paid_fen is {paid}, its payments sum to {sum}"),
        );
    }
    Ok(())
}

/// The states no order may be in, each a condition on its row (and its lines), with what the
/// terminal says of it.
const IMPOSSIBLE: [(&str, &str); 14] = [
    (
        "(status = 'cancelled') <> (cancelled_at IS NOT NULL)",
        "cancelled_at is set if and only if the order is cancelled",
    ),
    (
        "status IN ('weighed', 'loaded', 'shipped', 'delivered', 'settled') \
         AND final_total_fen IS NULL",
        "a weighed (or later) order has a final amount",
    ),
    (
        "status = 'loaded' AND load_id IS NULL",
        "a loaded order is on a load",
    ),
    (
        "status IN ('delivered', 'settled') AND delivered_at IS NULL",
        "a delivered (or later) order has a delivery time",
    ),
    (
        "(status = 'settled') <> (settled_at IS NOT NULL)",
        "settled_at is set if and only if the order is settled",
    ),
    (
        "settlement_transaction_id IS NOT NULL AND status <> 'settled'",
        "only a settled order has a settlement",
    ),
    (
        "paid_fen < 0 OR paid_fen > COALESCE(final_total_fen, total_fen)",
        "what was paid lies between 0 and the amount due",
    ),
    (
        "NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = orders.id)",
        "an order has lines",
    ),
    (
        "total_fen <> (SELECT COALESCE(SUM(l.amount_fen), 0) FROM order_lines l \
         WHERE l.order_id = orders.id)",
        "the order's total is the sum of its lines",
    ),
    (
        "status IN ('weighed', 'loaded', 'shipped', 'delivered', 'settled') AND (EXISTS (SELECT 1 FROM \
         order_lines l WHERE l.order_id = orders.id AND l.weighing_completed_at IS NULL) \
         OR final_total_fen <> (SELECT COALESCE(SUM(COALESCE(l.final_amount_fen, l.amount_fen)), \
         0) FROM order_lines l WHERE l.order_id = orders.id))",
        "a weighed order has every line weighed, and its final amount is their sum",
    ),
    (
        "load_id IS NOT NULL AND fulfilment <> 'load'",
        "only an order that goes by truck is on a load",
    ),
    (
        "status = 'shipped' AND (shipped_at IS NULL OR fulfilment <> 'parcel')",
        "a shipped order is a parcel order with a shipping time",
    ),
    (
        "fulfilment <> 'parcel' AND EXISTS (SELECT 1 FROM parcel_items i \
         WHERE i.order_id = orders.id)",
        "only a parcel order has parcels",
    ),
    (
        "status IN ('shipped', 'delivered', 'settled') AND fulfilment = 'parcel' AND EXISTS \
         (SELECT 1 FROM parcel_items i JOIN parcels p ON p.id = i.parcel_id \
         WHERE i.order_id = orders.id AND p.status = 'packed')",
        "a shipped order's parcels have all left the station",
    ),
];

/// No order is in an impossible state.
pub async fn states(conn: &impl ConnectionTrait, found: &mut Findings) -> AppResult<()> {
    for (condition, rule) in IMPOSSIBLE {
        let rows: Vec<[i64; 1]> = int_rows(
            conn,
            &format!("SELECT id FROM orders WHERE {condition} ORDER BY id"),
        )
        .await?;
        for [id] in rows {
            found.fact(
                Rule::OrderState,
                Subject::Order,
                id,
                format!("order {id} breaks: {rule}"),
            );
        }
    }
    Ok(())
}

/// How many stored answers are read at a time.
const ANSWERS_PER_READ: u64 = 1000;

/// Every stored 2xx answer to an `Idempotency-Key` names objects that exist: a retry replays
/// it, so it must not point at an order (payment, ticket, transaction) that is not there.
pub async fn idempotent_answers(
    conn: &impl ConnectionTrait,
    found: &mut Findings,
) -> AppResult<()> {
    let mut after = 0i64;
    loop {
        let keys: Vec<(i64, i32, String)> = idempotency_key::Entity::find()
            .select_only()
            .column(idempotency_key::Column::Id)
            .column(idempotency_key::Column::StatusCode)
            .column(idempotency_key::Column::ResponseBody)
            .filter(sea_orm::ColumnTrait::gt(
                &idempotency_key::Column::Id,
                after,
            ))
            .order_by_asc(idempotency_key::Column::Id)
            .limit(ANSWERS_PER_READ)
            .into_tuple()
            .all(conn)
            .await?;
        let Some(last) = keys.last() else {
            return Ok(());
        };
        after = last.0;
        let mut wanted: BTreeMap<(&'static str, i64), Vec<i64>> = BTreeMap::new();
        for (key_id, status, body) in &keys {
            if !(200..300).contains(status) {
                continue;
            }
            let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else {
                found.fact(
                    Rule::Idempotency,
                    Subject::IdempotencyKey,
                    *key_id,
                    format!("stored answer {key_id} is not JSON"),
                );
                continue;
            };
            let mut refs = Vec::new();
            references(&value, &mut refs);
            for r in refs {
                wanted.entry(r).or_default().push(*key_id);
            }
        }
        let mut by_table: BTreeMap<&'static str, BTreeSet<i64>> = BTreeMap::new();
        for (table, id) in wanted.keys() {
            by_table.entry(table).or_default().insert(*id);
        }
        for (table, ids) in by_table {
            let list = ids
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            let present: BTreeSet<i64> = int_rows::<1>(
                conn,
                &format!("SELECT id FROM {table} WHERE id IN ({list})"),
            )
            .await?
            .into_iter()
            .map(|[id]| id)
            .collect();
            for id in ids.difference(&present) {
                for key_id in wanted.get(&(table, *id)).into_iter().flatten() {
                    found.fact(
                        Rule::Idempotency,
                        Subject::IdempotencyKey,
                        *key_id,
                        format!("stored answer {key_id} points at {table} {id}, which is gone"),
                    );
                }
            }
        }
    }
}

/// The stored objects an answer names, by the shape of each JSON object in it: an order (it
/// has lines and a buyer), a payment, a weigh ticket, a ledger transaction, and any `order_id`.
fn references(v: &serde_json::Value, out: &mut Vec<(&'static str, i64)>) {
    match v {
        serde_json::Value::Array(items) => items.iter().for_each(|i| references(i, out)),
        serde_json::Value::Object(o) => {
            let has = |k: &str| o.contains_key(k);
            let id = o.get("id").and_then(serde_json::Value::as_i64);
            let kind = if has("lines") && has("buyer_id") {
                Some("orders")
            } else if has("method") && has("amount_fen") && has("order_id") {
                Some("payments")
            } else if has("gross_g") && has("order_line_id") {
                Some("weigh_tickets")
            } else if has("entries") && has("kind") {
                Some("ledger_transactions")
            } else {
                None
            };
            if let (Some(kind), Some(id)) = (kind, id) {
                out.push((kind, id));
            }
            if let Some(order) = o.get("order_id").and_then(serde_json::Value::as_i64) {
                out.push(("orders", order));
            }
            o.values().for_each(|i| references(i, out));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::references;
    use serde_json::json;

    #[test]
    fn an_answer_names_the_objects_by_their_shape() {
        let mut out = Vec::new();
        references(
            &json!({"id": 7, "buyer_id": 2, "lines": [{"id": 70}],
                    "payments": [{"id": 3, "order_id": 7, "method": "cash", "amount_fen": 5}]}),
            &mut out,
        );
        out.sort_unstable();
        assert_eq!(out, vec![("orders", 7), ("orders", 7), ("payments", 3)]);
    }

    #[test]
    fn a_ticket_and_a_transaction_are_named() {
        let mut out = Vec::new();
        references(
            &json!([{"id": 9, "order_id": 4, "order_line_id": 40, "gross_g": 1},
                    {"id": 11, "kind": "payout", "order_id": null, "entries": []}]),
            &mut out,
        );
        out.sort_unstable();
        assert_eq!(
            out,
            vec![
                ("ledger_transactions", 11),
                ("orders", 4),
                ("weigh_tickets", 9)
            ]
        );
    }
}
