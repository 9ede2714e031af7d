//! The collective's books: the chart, the mapping of postings to its accounts, vouchers and the
//! trial balance.

use crate::domain::books::chart::{AccountClass, Side};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zhunong_entity::enums::{Chart, PostingKind, TransactionKind};

/// One account of a chart.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChartAccountOut {
    pub code: String,
    pub name: String,
    pub class: AccountClass,
    /// The side its balance normally stands on.
    pub side: Side,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChartOut {
    pub chart: Chart,
    /// The system's name in Chinese.
    pub label: String,
    pub accounts: Vec<ChartAccountOut>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MappingParams {
    /// The day the mapping is read for (default today).
    pub on: Option<NaiveDate>,
}

/// Where one kind of posting goes on a day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MappingRowOut {
    pub posting_kind: PostingKind,
    pub account_code: String,
    pub account_name: String,
    /// The day this mapping has applied from; `null` for the chart's default.
    pub effective_from: Option<NaiveDate>,
    /// The chart's default account for this kind.
    pub default_code: String,
    /// A later change already set, if any: from when, to what.
    pub next: Option<MappingChangeOut>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MappingChangeOut {
    pub effective_from: NaiveDate,
    pub account_code: String,
    pub account_name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MappingOut {
    pub collective_id: i64,
    pub chart: Chart,
    pub on: NaiveDate,
    /// Whether these are the books of the collective that takes the money in and owes the
    /// growers (all of the ledger), or another's (only what is posted to its own account).
    pub keeps_the_books: bool,
    pub rows: Vec<MappingRowOut>,
}

/// Maps a kind of posting to an account of the collective's chart, from a day forward (today or
/// later: the past is never remapped).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MapAccount {
    pub posting_kind: PostingKind,
    pub account_code: String,
    /// Default today.
    pub effective_from: Option<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChooseChart {
    pub chart: Chart,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VoucherParams {
    /// The month, `2026-11`.
    pub month: String,
    /// `json` (the default), `csv` or `xlsx`.
    pub format: Option<String>,
    /// For a file: `lines` (one voucher line per row, the default) or `blocks` (each voucher
    /// under its own heading row, with its totals).
    pub layout: Option<String>,
    /// `true`: only a closed month's vouchers, final (409 `month_open` otherwise).
    pub closed: Option<bool>,
}

/// Closes a month that is over, and every month before it.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseMonth {
    /// `2026-11`.
    pub month: String,
}

/// How far the books are closed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClosedOut {
    /// The last closed month (`2026-11`); `null` when none is.
    pub closed_through: Option<String>,
}

/// One line of a voucher.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VoucherLineOut {
    pub account_code: String,
    pub account_name: String,
    /// The auxiliary item (the grower, the collective), if any.
    pub auxiliary: Option<String>,
    pub debit_fen: i64,
    pub credit_fen: i64,
}

/// One ledger transaction as a voucher (记账凭证).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VoucherOut {
    /// `记-0001`, continuous within the month.
    pub number: String,
    pub date: NaiveDate,
    pub transaction_id: i64,
    /// What the transaction was: a settlement, a reversal, other income, a platform's bill, ….
    pub kind: TransactionKind,
    /// 摘要.
    pub summary: String,
    /// Originals attached: weigh tickets and payments of its order, or the one slip.
    pub attachments: i64,
    /// Who made it (制单).
    pub made_by: String,
    pub lines: Vec<VoucherLineOut>,
    /// Its debits, equal to its credits.
    pub total_fen: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VouchersOut {
    pub collective_id: i64,
    pub chart: Chart,
    pub month: String,
    /// Whether the month is closed: then its vouchers and their numbers are final.
    pub closed: bool,
    pub vouchers: Vec<VoucherOut>,
    pub debit_total_fen: i64,
    pub credit_total_fen: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrialBalanceParams {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// `json` (the default), `csv` or `xlsx`.
    pub format: Option<String>,
}

/// Opening, debit, credit and closing; balances signed, debit positive.
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema)]
pub struct BalanceOut {
    pub opening_fen: i64,
    pub debit_fen: i64,
    pub credit_fen: i64,
    pub closing_fen: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrialItemOut {
    pub auxiliary: String,
    #[serde(flatten)]
    pub balance: BalanceOut,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrialAccountOut {
    pub account_code: String,
    pub account_name: String,
    pub class: AccountClass,
    pub side: Side,
    #[serde(flatten)]
    pub balance: BalanceOut,
    /// Per auxiliary item, where the account has them.
    pub items: Vec<TrialItemOut>,
}

/// The trial balance (科目余额表) of a period: every account with a balance or a movement.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrialBalanceOut {
    pub collective_id: i64,
    pub chart: Chart,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub accounts: Vec<TrialAccountOut>,
    /// Over every account: debits equal credits, and the balances sum to zero.
    pub totals: BalanceOut,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IncomeStatementParams {
    pub year: i32,
    /// The last day counted, for the year to date (default the year's end). The year before is
    /// taken over the same span.
    pub to: Option<NaiveDate>,
    /// `json` (the default), `csv` or `xlsx`.
    pub format: Option<String>,
}

/// One line of the income statement; `null` figures for the distribution lines, which the
/// bookkeeper keeps.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IncomeStatementLineOut {
    pub label: String,
    pub current_fen: Option<i64>,
    pub previous_fen: Option<i64>,
}

/// The income statement (收益及收益分配表) of a year or the year to date, beside the same span of
/// the year before.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IncomeStatementOut {
    pub collective_id: i64,
    pub chart: Chart,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub lines: Vec<IncomeStatementLineOut>,
    /// The year's income (本年收益), and the year before's over the same span.
    pub income_fen: i64,
    pub previous_income_fen: i64,
    /// Change on the year before in percent, to two decimals ("45.89"); null when it had none.
    pub change_percent: Option<String>,
}
