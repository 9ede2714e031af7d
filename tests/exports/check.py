"""Compares what LibreOffice shows of the XLSX downloads with the API's JSON (see run.sh)."""
import csv
import json
import re
import sys
from pathlib import Path

work = Path(sys.argv[1])


def shown(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.reader(f))


def yuan(text):
    """¥1,234.56 as LibreOffice shows it → fen."""
    m = re.fullmatch(r"-?¥?(-?)([\d,]+)\.(\d\d)", text.strip())
    assert m, f"not an amount in yuan: {text!r}"
    fen = int(m.group(2).replace(",", "")) * 100 + int(m.group(3))
    return -fen if text.strip().startswith("-") or m.group(1) else fen


def fail(msg):
    print(f"FAILED: {msg}", file=sys.stderr)
    sys.exit(1)


sales = json.loads((work / "sales.json").read_text())
rows = shown(work / "out" / "sales.csv")
header = rows[0]
if any(h.endswith("（分）") or h.endswith("（克）") for h in header):
    fail(f"integer columns in a default download: {header}")
totals = next((r for r in rows if r and r[0] == "合计"), None)
if totals is None:
    fail("no 合计 row")
net = header.index("净销售额（元）")
if yuan(totals[net]) != sales["totals"]["metrics"]["net_sales_fen"]:
    fail(f"net sales {totals[net]} ≠ {sales['totals']['metrics']['net_sales_fen']} fen")
start = header.index("开始日期")
if not re.fullmatch(r"\d{4}-\d\d-\d\d", rows[1][start]):
    fail(f"the period's first day is not shown as a date: {rows[1][start]!r}")
rate = header.index("净销售额变化率")
rates = [r[rate] for r in rows[1:] if len(r) > rate and r[rate]]
if not rates or not all(x.endswith("%") for x in rates):
    fail(f"percentages not shown as percentages: {rates[:5]}")
if not any("订单数按订单计" in " ".join(r) for r in rows):
    fail("the note on order counts is missing")
print(f"sales report: {len(rows)} rows as LibreOffice shows them; 合计 {totals[net]} matches the API")

income = json.loads((work / "income.json").read_text())
rows = shown(work / "out" / "income.csv")
header = rows[0]
year_col = header.index("全年（元）")
total = next(r for r in rows if len(r) > 1 and r[1] == "合计")
if yuan(total[year_col]) != income["total_fen"]:
    fail(f"income {total[year_col]} ≠ {income['total_fen']} fen")
print(f"collective income: 合计 {total[year_col]} matches the API")
