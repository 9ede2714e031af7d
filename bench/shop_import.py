"""Helpers of bench/shop_import.sh: set up a batch and its SKU map over the API, write an export
of N rows (one 子订单 per order), time its import, time the baseline: the same orders, lines
and shop rows written with one bulk INSERT each, in one transaction, through C SQLite; then time
the reconciliation of the shop's settlement bill for those orders (fees on every one)."""
import csv, io, json, sqlite3, sys, time, urllib.request

HEADER = ["主订单编号", "子订单编号", "选购商品", "商家编码", "商品数量", "商品单价", "订单应付金额", "运费",
          "优惠总金额", "平台实际承担优惠金额", "商家实际承担优惠金额", "达人实际承担优惠金额", "收件人", "收件人手机号",
          "省", "市", "区", "详细地址", "支付完成时间", "流量体裁", "订单状态", "售后状态"]
BASE = 6_950_000_000_000_000_000


def call(base, method, path, token=None, body=None, raw=None, ctype="application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + "/api/v1" + path, data=data, method=method)
    req.add_header("content-type", ctype)
    if token:
        req.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=900) as r:
        return json.loads(r.read() or b"null")


def token(base):
    return call(base, "POST", "/auth/login", body={"username": "secretary", "password": "demo-pass-123"})["access_token"]


def setup(base, rows):
    t = token(base)
    grower = call(base, "GET", "/growers?per_page=1", t)["items"][0]
    product = call(base, "POST", "/products", t, {"name": "压测葡萄", "pricing": "by_piece"})
    batch = call(base, "POST", "/batches", t, {"product_id": product["id"], "grower_id": grower["id"],
                 "harvest_date": "2026-11-20", "quantity": rows * 2, "retail_price_fen": 1250,
                 "enterprise_price_fen": 1000})
    call(base, "PUT", "/shop/sku-maps", t, {"sku_code": "BENCH-1", "batch_id": batch["id"], "units_per_item": 1})
    print(batch["id"])


def export(rows, path):
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(rows):
            w.writerow(["\t%d" % (BASE + i), "\t%d" % (BASE + 10_000_000 + i), "压测葡萄", "BENCH-1", "1", "12.50",
                        "17.50", "5.00", "0.00", "0.00", "0.00", "0.00", "李四", "138****1234", "安徽省", "亳州市",
                        "利辛县", "张村镇红光村3组", "2026-11-28 20:15:03", "直播", "待发货", ""])


def run_import(base, path):
    t = token(base)
    body = open(path, "rb").read()
    start = time.monotonic()
    r = call(base, "POST", "/shop/order-imports?file_name=bench.csv", t, raw=body, ctype="text/csv")
    secs = time.monotonic() - start
    if r["totals"]["new"] != r["totals"]["rows"]:
        sys.exit("the import refused rows: %s" % json.dumps(r["totals"]))
    print("%.3f" % secs)


def run_bill(base, rows, path):
    """The settlement bill of every imported order, 0.69 yuan in fees each; its upload timed."""
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(["结算时间", "订单号", "子订单号", "下单时间", "商品总价", "店铺劵", "平台服务费", "佣金", "结算金额"])
        for i in range(rows):
            w.writerow(["2026-12-01 03:00:00", "\t%d" % (BASE + i), "\t%d" % (BASE + 10_000_000 + i),
                        "2026-11-28 20:15:03", "12.50", "0.00", "-0.06", "-0.63", "11.81"])
    t = token(base)
    body = open(path, "rb").read()
    start = time.monotonic()
    r = call(base, "POST", "/bills?file_name=bench-bill.csv", t, raw=body, ctype="text/csv")
    secs = time.monotonic() - start
    matched = next(c["items"] for c in r["classes"] if c["class"] == "matched")
    if matched != rows or r["fee_fen"] != 69 * rows:
        sys.exit("the bill did not match every order: %s" % json.dumps(r["classes"]))
    print("%.3f" % secs)


def baseline(db, rows, batch):
    """The same orders, lines, recipients, shop rows and payments as single bulk INSERTs."""
    con = sqlite3.connect(db)
    now = "2026-12-05T00:00:00Z"
    start = time.monotonic()
    cur = con.cursor()
    cur.execute("BEGIN")
    top = cur.execute("SELECT COALESCE(MAX(id), 0) FROM orders").fetchone()[0]
    ltop = cur.execute("SELECT COALESCE(MAX(id), 0) FROM order_lines").fetchone()[0]
    ids = range(top + 1, top + rows + 1)
    cur.executemany(
        "INSERT INTO orders (id, buyer_id, channel, status, payment_status, total_fen, created_by, created_at, "
        "updated_at, weights_flagged, paid_fen, weighed_revision, fulfilment, pickup_failures) "
        "VALUES (?, 1, 'douyin_shop', 'confirmed', 'paid', 1250, 1, ?, ?, 0, 1250, 0, 'parcel', 0)",
        [(i, now, now) for i in ids])
    cur.executemany(
        "INSERT INTO order_lines (id, order_id, line_no, batch_id, quantity, unit_price_fen, amount_fen, flagged, "
        "stock_beyond_order, fixed_amount) VALUES (?, ?, 1, ?, 1, 1250, 1250, 0, 0, 1)",
        [(ltop + n + 1, i, batch) for n, i in enumerate(ids)])
    cur.executemany(
        "INSERT INTO order_recipients (order_id, name, phone, province, city, district, street, detail, unsure, "
        "created_at) VALUES (?, '李四', '138****1234', '安徽省', '亳州市', '利辛县', '', '张村镇红光村3组', '', ?)",
        [(i, now) for i in ids])
    cur.executemany(
        "INSERT INTO shop_orders (order_id, platform_order_id, state, goods_fen, shipping_fen, paid_fen, "
        "platform_discount_fen, shop_discount_fen, host_discount_fen, refunded_fen, paid_at, import_id) "
        "VALUES (?, ?, '待发货', 1250, 500, 1750, 0, 0, 0, 0, ?, 1)",
        [(i, str(BASE + n), now) for n, i in enumerate(ids)])
    cur.executemany(
        "INSERT INTO shop_order_lines (order_line_id, order_id, sub_order_id, sku_code, state, refunded_fen) "
        "VALUES (?, ?, ?, 'BENCH-1', '', 0)",
        [(ltop + n + 1, i, str(BASE + 10_000_000 + n)) for n, i in enumerate(ids)])
    cur.executemany(
        "INSERT INTO payments (order_id, amount_fen, method, paid_at, recorded_by, created_at) "
        "VALUES (?, 1250, 'platform', ?, 1, ?)", [(i, now, now) for i in ids])
    cur.execute("UPDATE batches SET stock_qty = stock_qty - ? WHERE id = ?", (rows, batch))
    con.commit()
    print("%.3f" % (time.monotonic() - start))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "setup":
        setup(sys.argv[2], int(sys.argv[3]))
    elif cmd == "export":
        export(int(sys.argv[2]), sys.argv[3])
    elif cmd == "import":
        run_import(sys.argv[2], sys.argv[3])
    elif cmd == "bill":
        run_bill(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif cmd == "baseline":
        baseline(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
