//! The public finance sheet (财务公开): what it holds, and the requests that draft, check and
//! publish it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhunong_entity::enums::{Chart, SheetStatus};

/// Longest note the office may write in one of the sheet's free-text categories.
pub const MAX_NOTE_CHARS: usize = 2000;

/// One line of income or spending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SheetItem {
    /// The day, for an item that is one voucher; none for a month's sales summed.
    pub date: Option<NaiveDate>,
    pub text: String,
    pub amount_fen: i64,
}

/// An income or spending account of the chart, its total and its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SheetAccount {
    pub account_code: String,
    pub account_name: String,
    pub total_fen: i64,
    pub items: Vec<SheetItem>,
}

/// An asset account's balance at the period's end (debit positive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SheetBalance {
    pub account_code: String,
    pub account_name: String,
    pub closing_fen: i64,
}

/// What the collective owes a party, or is owed by it, at the period's end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SheetDebt {
    pub account_code: String,
    pub account_name: String,
    /// `种植户 王飞`, `集体 东村`: a grower's name and nothing else of them.
    pub party: String,
    /// Owed by the collective (a credit balance).
    pub owed_by_collective_fen: i64,
    /// Owed to the collective (a debit balance).
    pub owed_to_collective_fen: i64,
}

/// A product behind the commission income: its settled sales in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SheetSale {
    pub product: String,
    pub quantity_g: i64,
    pub pieces: i64,
    pub net_sales_fen: i64,
    pub commission_fen: i64,
}

/// The categories the books do not hold, in the office's words; empty means none this period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SheetNotes {
    /// 财务计划
    #[serde(default)]
    pub plan: String,
    /// 各类资源
    #[serde(default)]
    pub resources: String,
    /// 收益分配
    #[serde(default)]
    pub distribution: String,
    /// 其他
    #[serde(default)]
    pub other: String,
}

/// A sheet's figures as drafted, in the rule's eight categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FinanceSheetContent {
    pub collective_name: String,
    pub chart: Chart,
    /// `2026-Q4` or `2026-11`.
    pub period: String,
    /// `2026年第四季度`, `2026年11月`.
    pub period_text: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Whether every month of the period was closed when the figures were drawn.
    pub books_closed: bool,
    pub income: Vec<SheetAccount>,
    pub income_total_fen: i64,
    pub spending: Vec<SheetAccount>,
    pub spending_total_fen: i64,
    pub assets: Vec<SheetBalance>,
    pub debts: Vec<SheetDebt>,
    /// What the collective owes growers at the period's end, all told.
    pub owed_to_growers_fen: i64,
    /// The products whose sales the commission came from, largest first.
    pub top_sales: Vec<SheetSale>,
    pub notes: SheetNotes,
}

/// One version of a finance sheet.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FinanceSheetOut {
    pub id: i64,
    pub collective_id: i64,
    pub period: String,
    pub version: i32,
    pub status: SheetStatus,
    pub status_label: String,
    pub content: FinanceSheetContent,
    pub drafted_by: String,
    pub drafted_at: DateTime<Utc>,
    pub checked_by: Option<String>,
    pub checked_at: Option<DateTime<Utc>>,
    pub check_note: Option<String>,
    pub published_by: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub replaced_at: Option<DateTime<Utc>>,
    /// The public page of this version: `/gongkai/1/2026-Q4?v=2`.
    pub public_path: String,
}

/// Drafts a sheet for a quarter or month that is over; for a period published already, the
/// draft is its next version (a correction).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftSheet {
    /// `2026-Q4` or `2026-11`.
    #[schema(example = "2026-Q3")]
    pub period: String,
    #[serde(default)]
    pub notes: SheetNotes,
}

/// Changes a draft's notes; its figures are drawn again from the books, and a check already
/// given is withdrawn.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditSheet {
    pub notes: SheetNotes,
}

/// The finance group's sign-off.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckSheet {
    /// What the group noted, if anything (at most 500 characters).
    pub note: Option<String>,
}
