//! Reading a platform's bill: the 抖店 settlement bill (结算账单) and fund bill (资金账单), WeChat
//! Pay's trade bill (ALL) and Alipay's trade bill (业务明细). The kind is known from the header; every line becomes a
//! [`BillLine`] in the same terms: goods money (refunds negative), the fee the platform kept and
//! the subsidy it added, the platform's and the merchant's numbers, and a time.
//!
//! A bill is the platform's own account, so it is taken whole or not at all: a line that cannot
//! be read refuses the file, naming the row.

mod columns;
mod lines;
pub mod matching;

use chrono::{DateTime, FixedOffset, Utc};
pub use columns::Layout;
use columns::{KINDS, KindColumns};
use zhunong_entity::enums::BillKind;

/// One line of a bill, in the books' terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillLine {
    /// The file's row, counted from 1 with the header.
    pub row: usize,
    /// The platform's id of the order or payment (the shop's 订单号, 微信订单号, 支付宝交易号).
    pub platform_ref: String,
    /// The merchant's order number (商户订单号), when the bill has one.
    pub merchant_ref: Option<String>,
    /// A refund's number (商户退款单号, 微信退款单号, 退款批次号/请求号).
    pub refund_ref: Option<String>,
    /// When the money moved (结算时间, 交易时间, 完成时间).
    pub at: DateTime<Utc>,
    /// When the order was placed, where the bill says (the shop's 下单时间).
    pub ordered_at: Option<DateTime<Utc>>,
    /// The goods money: for the shop, 商品总价 − 店铺劵 − 结算前退款金额 (what the books hold as
    /// the order's amount); for a payment bill, the amount paid; a refund is negative.
    pub amount_fen: i64,
    /// What the platform kept (a fee given back on a refund is negative).
    pub fee_fen: i64,
    /// What the platform or the host added.
    pub subsidy_fen: i64,
}

impl BillLine {
    pub fn is_refund(&self) -> bool {
        self.amount_fen < 0
    }
}

/// A whole bill.
#[derive(Debug)]
pub struct Bill {
    pub kind: BillKind,
    /// The merchant number the bill says it is for.
    pub merchant_no: Option<String>,
    pub lines: Vec<BillLine>,
    pub used: Vec<String>,
    pub unknown: Vec<String>,
}

/// Why a file is not a bill that can be applied.
#[derive(Debug, PartialEq, Eq)]
pub enum BillProblem {
    NotATable,
    /// No row is the header of a known bill; the first row's cells.
    NoHeader(Vec<String>),
    TooManyRows(usize),
    Empty,
    /// A row that cannot be read, and why.
    Row(usize, String),
    /// The totals block at the end disagrees with the lines.
    Totals(String),
}

/// Rows searched for the header: Alipay's bills open with a few `#` lines.
const HEADER_SEARCH_ROWS: usize = 20;

/// Reads `bytes` as a bill of any known kind.
///
/// # Errors
/// What makes the file unusable, a row named where there is one.
pub fn read(bytes: &[u8], offset: FixedOffset, max_rows: usize) -> Result<Bill, BillProblem> {
    let mut rows = crate::domain::table_file::rows(bytes).ok_or(BillProblem::NotATable)?;
    let mut preamble: Vec<Vec<String>> = Vec::new();
    let (kind, layout, header_row) = loop {
        let Some(row) = rows.next() else {
            return Err(BillProblem::NoHeader(first_row(&preamble)));
        };
        if let Some((k, l)) = KINDS
            .iter()
            .find_map(|k| Layout::of(k, &row).map(|l| (k, l)))
        {
            break (k, l, preamble.len() + 1);
        }
        preamble.push(row);
        if preamble.len() >= HEADER_SEARCH_ROWS {
            return Err(BillProblem::NoHeader(first_row(&preamble)));
        }
    };
    if rows.count_rest() > max_rows {
        return Err(BillProblem::TooManyRows(max_rows));
    }
    let mut bill = Bill {
        kind: kind.kind,
        merchant_no: lines::account_in_preamble(&preamble),
        lines: Vec::new(),
        used: layout.used.clone(),
        unknown: layout.unknown.clone(),
    };
    read_lines(kind, &layout, rows, header_row, offset, &mut bill)?;
    if bill.lines.is_empty() {
        return Err(BillProblem::Empty);
    }
    Ok(bill)
}

fn first_row(rows: &[Vec<String>]) -> Vec<String> {
    crate::domain::table_file::first_cells(rows)
}

fn read_lines(
    kind: &KindColumns,
    layout: &Layout,
    rows: crate::domain::table_file::Rows<'_>,
    header_row: usize,
    offset: FixedOffset,
    bill: &mut Bill,
) -> Result<(), BillProblem> {
    let mut rows = rows.enumerate().map(|(i, r)| (header_row + 1 + i, r));
    let mut totals_names = None;
    for (n, row) in rows.by_ref() {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let first = crate::domain::table_file::clean(row.first().map_or("", String::as_str));
        // WeChat's detail ends at its totals block; Alipay's at its `#` footer.
        if first.starts_with("总交易单数") {
            totals_names = Some(row);
            break;
        }
        if first.starts_with('#') {
            break;
        }
        let got = match kind.kind {
            BillKind::DouyinSettlement => lines::douyin(layout, &row, n, offset),
            BillKind::DouyinFund => lines::douyin_fund(layout, &row, n, offset),
            BillKind::WechatAll => lines::wechat(layout, &row, n, offset, &mut bill.merchant_no),
            BillKind::Alipay => lines::alipay(layout, &row, n, offset),
        };
        match got {
            Ok(Some(line)) => bill.lines.push(line),
            Ok(None) => {}
            Err(reason) => return Err(BillProblem::Row(n, reason)),
        }
    }
    if let Some(names) = totals_names {
        let values = rows
            .map(|(_, r)| r)
            .find(|r| r.iter().any(|c| !c.trim().is_empty()))
            .ok_or_else(|| BillProblem::Totals("汇总行后缺少数值".into()))?;
        lines::check_wechat_totals(&names, &values, &bill.lines).map_err(BillProblem::Totals)?;
    }
    Ok(())
}
