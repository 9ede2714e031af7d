//! The collective's books as tables for CSV and XLSX: a month's vouchers (one line a row, or one
//! block a voucher) and the trial balance with its balances on the side they stand.

use super::table::Cell;
use crate::dto::books::{BalanceOut, IncomeStatementOut, TrialBalanceOut, VouchersOut};

/// How a voucher file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One voucher line a row, each row carrying its voucher's date and number.
    Lines,
    /// Each voucher under a heading row with its date, number and 摘要, then its lines and
    /// their total, then a blank row.
    Blocks,
}

const VOUCHER_HEADERS: [&str; 10] = [
    "日期",
    "凭证字号",
    "摘要",
    "科目编码",
    "科目名称",
    "辅助核算",
    "借方金额（元）",
    "贷方金额（元）",
    "附件张数",
    "制单",
];

fn text(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

fn blank() -> Cell {
    Cell::Text(String::new())
}

/// The month's vouchers as rows.
pub fn vouchers(v: &VouchersOut, layout: Layout) -> (Vec<String>, Vec<Vec<Cell>>) {
    let headers = VOUCHER_HEADERS.map(String::from).to_vec();
    let mut rows = Vec::new();
    for x in &v.vouchers {
        if layout == Layout::Blocks {
            rows.push(vec![
                Cell::Date(x.date),
                text(&x.number),
                text(&x.summary),
                blank(),
                blank(),
                blank(),
                blank(),
                blank(),
                Cell::Int(x.attachments),
                text(&x.made_by),
            ]);
        }
        for l in &x.lines {
            let (date, no, summary, attachments, maker) = match layout {
                Layout::Lines => (
                    Cell::Date(x.date),
                    text(&x.number),
                    text(&x.summary),
                    Cell::Int(x.attachments),
                    text(&x.made_by),
                ),
                Layout::Blocks => (blank(), blank(), blank(), blank(), blank()),
            };
            rows.push(vec![
                date,
                no,
                summary,
                Cell::Code(l.account_code.clone()),
                text(&l.account_name),
                text(l.auxiliary.as_deref().unwrap_or("")),
                Cell::Yuan(l.debit_fen),
                Cell::Yuan(l.credit_fen),
                attachments,
                maker,
            ]);
        }
        if layout == Layout::Blocks {
            rows.push(vec![
                blank(),
                blank(),
                text("合计"),
                blank(),
                blank(),
                blank(),
                Cell::Yuan(x.total_fen),
                Cell::Yuan(x.total_fen),
                blank(),
                blank(),
            ]);
            rows.push(vec![blank(); VOUCHER_HEADERS.len()]);
        }
    }
    rows.push(vec![
        blank(),
        blank(),
        text(&format!("本月合计（{} 张凭证）", v.vouchers.len())),
        blank(),
        blank(),
        blank(),
        Cell::Yuan(v.debit_total_fen),
        Cell::Yuan(v.credit_total_fen),
        blank(),
        blank(),
    ]);
    (headers, rows)
}

const TRIAL_HEADERS: [&str; 9] = [
    "科目编码",
    "科目名称",
    "辅助核算",
    "期初借方（元）",
    "期初贷方（元）",
    "本期借方（元）",
    "本期贷方（元）",
    "期末借方（元）",
    "期末贷方（元）",
];

/// A signed balance on the side it stands: (debit, credit).
fn sides(fen: i64) -> [Cell; 2] {
    if fen >= 0 {
        [Cell::Yuan(fen), Cell::Yuan(0)]
    } else {
        [Cell::Yuan(0), Cell::Yuan(-fen)]
    }
}

fn figures(b: &BalanceOut) -> Vec<Cell> {
    let [od, oc] = sides(b.opening_fen);
    let [cd, cc] = sides(b.closing_fen);
    vec![
        od,
        oc,
        Cell::Yuan(b.debit_fen),
        Cell::Yuan(b.credit_fen),
        cd,
        cc,
    ]
}

/// The trial balance as rows: each account, then its auxiliary items, then the totals.
pub fn trial_balance(t: &TrialBalanceOut) -> (Vec<String>, Vec<Vec<Cell>>) {
    let headers = TRIAL_HEADERS.map(String::from).to_vec();
    let mut rows = Vec::new();
    for a in &t.accounts {
        let mut row = vec![
            Cell::Code(a.account_code.clone()),
            text(&a.account_name),
            blank(),
        ];
        row.extend(figures(&a.balance));
        rows.push(row);
        for i in &a.items {
            let mut row = vec![
                Cell::Code(a.account_code.clone()),
                text(&a.account_name),
                text(&i.auxiliary),
            ];
            row.extend(figures(&i.balance));
            rows.push(row);
        }
    }
    let mut total = vec![blank(), text("合计"), blank()];
    // The totals' balances on each side: the sum of the accounts' debit and credit balances.
    let side_sum = |f: fn(&BalanceOut) -> i64, debit: bool| -> i64 {
        t.accounts
            .iter()
            .map(|a| f(&a.balance))
            .filter(|x| (*x >= 0) == debit)
            .map(i64::abs)
            .sum()
    };
    total.extend([
        Cell::Yuan(side_sum(|b| b.opening_fen, true)),
        Cell::Yuan(side_sum(|b| b.opening_fen, false)),
        Cell::Yuan(t.totals.debit_fen),
        Cell::Yuan(t.totals.credit_fen),
        Cell::Yuan(side_sum(|b| b.closing_fen, true)),
        Cell::Yuan(side_sum(|b| b.closing_fen, false)),
    ]);
    rows.push(total);
    (headers, rows)
}

/// The income statement as rows: each line with this period's and the year before's figure
/// (empty where the bookkeeper keeps it).
pub fn income_statement(s: &IncomeStatementOut) -> (Vec<String>, Vec<Vec<Cell>>) {
    let headers = ["项目", "本年金额（元）", "上年同期（元）"]
        .map(String::from)
        .to_vec();
    let figure = |f: Option<i64>| f.map_or_else(blank, Cell::Yuan);
    let rows = s
        .lines
        .iter()
        .map(|l| {
            vec![
                text(&l.label),
                figure(l.current_fen),
                figure(l.previous_fen),
            ]
        })
        .collect();
    (headers, rows)
}
