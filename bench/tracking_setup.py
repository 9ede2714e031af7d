"""Helpers of bench/tracking.sh: the template order, its copies, the timed import, the baseline."""
import json, sqlite3, sys, time, urllib.request

def call(base, path, token=None, body=None, raw=None, ctype="application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method="POST" if data is not None else "GET")
    req.add_header("content-type", ctype)
    if token:
        req.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read() or b"null")

def template(base):
    tok = call(base, "/api/v1/auth/login", body={"username": "admin", "password": "bench-admin-password-1"})["access_token"]
    rec = call(base, "/api/v1/addresses/parse", tok, {"text": "张三 13800001234 安徽省亳州市利辛县张村镇红光村3组"})
    batch = call(base, "/api/v1/batches?status=open&per_page=1", tok)["items"][0]
    qty = 1 if batch.get("pricing") == "by_piece" else 2000
    o = call(base, "/api/v1/orders", tok, {"buyer_id": 3, "channel": "livestream", "fulfilment": "parcel",
                                           "recipient": rec, "lines": [{"batch_id": batch["id"], "quantity": qty}]})
    if o["status"] == "pending":
        call(base, f"/api/v1/orders/{o['id']}/confirm", tok, {})
    line = o["lines"][0]["line_id"]
    call(base, "/api/v1/weighings", tok, {"order_line_id": line, "scale_id": "s1", "crates": [{"gross_g": 2150, "tare_g": 150}]})
    call(base, f"/api/v1/order-lines/{line}/complete-weighing", tok, {})

def copies(db, n, csv_path):
    n = int(n)
    c = sqlite3.connect(db)
    c.row_factory = sqlite3.Row
    tid = c.execute("SELECT MAX(id) FROM orders WHERE fulfilment='parcel' AND status='weighed'").fetchone()[0]
    order = dict(c.execute("SELECT * FROM orders WHERE id=?", (tid,)).fetchone())
    lines = [dict(r) for r in c.execute("SELECT * FROM order_lines WHERE order_id=?", (tid,))]
    tickets = [dict(r) for r in c.execute("SELECT * FROM weigh_tickets WHERE order_id=?", (tid,))]
    rec = dict(c.execute("SELECT * FROM order_recipients WHERE order_id=?", (tid,)).fetchone())
    ins = lambda t, row: c.execute(f"INSERT INTO {t} ({','.join(row)}) VALUES ({','.join('?' * len(row))})", list(row.values()))
    next_o = c.execute("SELECT MAX(id) FROM orders").fetchone()[0] + 1
    next_l = c.execute("SELECT MAX(id) FROM order_lines").fetchone()[0] + 1
    next_t = c.execute("SELECT MAX(id) FROM weigh_tickets").fetchone()[0] + 1
    ids = [tid]
    for k in range(n - 1):
        oid = next_o + k
        ids.append(oid)
        ins("orders", {**order, "id": oid, "view_token": f"bench{oid:038d}"})
        ins("order_recipients", {**rec, "order_id": oid})
        for j, l in enumerate(lines):
            lid = next_l + k * len(lines) + j
            ins("order_lines", {**l, "id": lid, "order_id": oid})
            for m, t in enumerate(x for x in tickets if x["order_line_id"] == l["id"]):
                ins("weigh_tickets", {**t, "id": next_t + k * len(tickets) + m, "order_id": oid, "order_line_id": lid})
    c.commit()
    with open(csv_path, "w", encoding="utf-8") as f:
        f.write("订单号,物流公司,运单号\n")
        for i, oid in enumerate(ids):
            f.write(f"ZN{oid:06d},中通,ZT{i:012d}\n")

def do_import(base, csv_path):
    tok = call(base, "/api/v1/auth/login", body={"username": "admin", "password": "bench-admin-password-1"})["access_token"]
    body = open(csv_path, "rb").read()
    t0 = time.time()
    r = call(base, "/api/v1/parcels/tracking-import", tok, raw=body, ctype="text/csv")
    took = time.time() - t0
    assert r["refused"] == 0 and r["applied"] == len(r["rows"]), {k: r[k] for k in ("applied", "unchanged", "refused")}
    print(f"{took:.3f}")

def baseline(db, csv_path):
    rows = [l.rstrip("\n").split(",") for l in open(csv_path, encoding="utf-8")][1:]
    c = sqlite3.connect(db, isolation_level=None)
    t0 = time.time()
    c.execute("BEGIN IMMEDIATE")
    c.execute("CREATE TEMP TABLE f (order_id INTEGER PRIMARY KEY, tracking TEXT)")
    c.executemany("INSERT INTO f VALUES (?, ?)", [(int(r[0][2:]), r[2]) for r in rows])
    now = "2026-12-05T00:00:00Z"
    c.execute("INSERT INTO parcels (carrier, tracking_no, weight_g, status, packed_by, packed_at, shipped_at, delivered_automatically) "
              "SELECT 'zhongtong', f.tracking, (SELECT SUM(net_g) FROM weigh_tickets t WHERE t.order_id = f.order_id), "
              "'shipped', 1, ?, ?, 0 FROM f", (now, now))
    c.execute("INSERT INTO parcel_items (parcel_id, order_id, order_line_id, weigh_ticket_id) "
              "SELECT p.id, t.order_id, t.order_line_id, t.id FROM weigh_tickets t JOIN f ON f.order_id = t.order_id "
              "JOIN parcels p ON p.tracking_no = f.tracking")
    c.execute("UPDATE orders SET status = 'shipped', shipped_at = ?, updated_at = ? WHERE id IN (SELECT order_id FROM f)", (now, now))
    c.execute("COMMIT")
    print(f"{time.time() - t0:.4f}")

if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    {"template": template, "copies": copies, "import": do_import, "baseline": baseline}[cmd](*args)
