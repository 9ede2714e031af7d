//! Payments, commission rules, the ledger, grower statements and income reports.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zhunong_entity::enums::{
    Channel, EntryKind, IncomeCategory, PaymentMethod, PaymentStatus, RuleScope, TransactionKind,
};
use zhunong_entity::{grower_statement, ledger_entry, ledger_transaction, payment};

/// Money received (positive `amount_fen`) or refunded (negative, with a reason).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordPayment {
    #[schema(example = 2910)]
    pub amount_fen: i64,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    /// Required for a refund.
    pub reason: Option<String>,
    /// When the money moved; now if absent.
    pub paid_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentOut {
    pub id: i64,
    pub order_id: i64,
    pub amount_fen: i64,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    pub reason: Option<String>,
    pub paid_at: DateTime<Utc>,
    pub recorded_by: i64,
}

impl From<payment::Model> for PaymentOut {
    fn from(m: payment::Model) -> Self {
        Self {
            id: m.id,
            order_id: m.order_id,
            amount_fen: m.amount_fen,
            method: m.method,
            reference: m.reference,
            reason: m.reason,
            paid_at: m.paid_at,
            recorded_by: m.recorded_by,
        }
    }
}

/// A payment as recorded and where the order now stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentReceipt {
    pub payment: PaymentOut,
    pub order_id: i64,
    pub due_fen: i64,
    pub paid_fen: i64,
    pub payment_status: PaymentStatus,
    /// The order settled with this payment (or was re-settled after a refund).
    pub settled: bool,
}

/// One collective's part of a commission or of shared income.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Share {
    pub collective_id: i64,
    #[schema(minimum = 1)]
    pub shares: u64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRule {
    pub scope: RuleScope,
    /// For `batch` scope.
    pub batch_id: Option<i64>,
    /// For `product` scope.
    pub product_id: Option<i64>,
    /// For `channel` scope.
    pub channel: Option<Channel>,
    /// Basis points of the final amount (3333 = 33.33 %).
    #[schema(example = 3333)]
    pub basis_points: i64,
    /// Fixed fen per jin of weighed net weight, added before the one rounding.
    #[serde(default)]
    pub fen_per_jin: i64,
    #[serde(deserialize_with = "crate::dto::date::strict")]
    pub valid_from: NaiveDate,
    #[serde(default, deserialize_with = "crate::dto::date::strict_opt")]
    pub valid_to: Option<NaiveDate>,
    pub note: Option<String>,
    pub shares: Vec<Share>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleOut {
    pub id: i64,
    pub scope: RuleScope,
    pub batch_id: Option<i64>,
    pub product_id: Option<i64>,
    pub channel: Option<Channel>,
    pub basis_points: i64,
    pub fen_per_jin: i64,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub note: Option<String>,
    pub shares: Vec<Share>,
    pub created_at: DateTime<Utc>,
}

/// `GET /batches/{id}/commission-rules`: the day to look at (default today).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RulesOnQuery {
    #[serde(default, deserialize_with = "crate::dto::date::strict_opt")]
    #[param(value_type = Option<String>, format = Date)]
    pub on: Option<NaiveDate>,
}

/// The rule an order placed through `channel` would copy onto its line of this batch;
/// `rule` is null when none applies (the line then carries no commission).
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleForChannel {
    pub channel: Channel,
    pub rule: Option<RuleOut>,
}

/// Which commission rule applies to a batch on a day, channel by channel.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchRules {
    pub batch_id: i64,
    pub on: NaiveDate,
    pub channels: Vec<RuleForChannel>,
}

/// Secretary's settlement of several delivered, paid orders.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettleOrders {
    pub order_ids: Vec<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Skipped {
    pub order_id: i64,
    /// `not_found`, `already_settled`, `not_delivered` or `not_fully_paid`.
    #[schema(value_type = String)]
    pub code: SkipCode,
    pub reason: String,
}

/// Why an order was not settled by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipCode {
    NotFound,
    AlreadySettled,
    NotDelivered,
    NotFullyPaid,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SettleOutcome {
    pub settled: Vec<i64>,
    pub skipped: Vec<Skipped>,
}

/// Other collective income, shared among collectives by shares (四村联建).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostIncome {
    pub category: IncomeCategory,
    #[schema(example = 25_000_000)]
    pub amount_fen: i64,
    #[serde(deserialize_with = "crate::dto::date::strict")]
    pub occurred_on: NaiveDate,
    pub description: String,
    pub shares: Vec<Share>,
    /// `occurred_on` falls in a month the books have closed: book it in the first open month
    /// instead, its description noting the month it belongs to. Without it, such a date is
    /// refused (409 `posting_month_closed`).
    #[serde(default)]
    pub late: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryOut {
    pub account: String,
    pub entry_kind: EntryKind,
    pub collective_id: Option<i64>,
    pub grower_id: Option<i64>,
    pub category: Option<IncomeCategory>,
    pub amount_fen: i64,
    pub quantity_g: i64,
}

impl From<ledger_entry::Model> for EntryOut {
    fn from(m: ledger_entry::Model) -> Self {
        Self {
            account: m.account,
            entry_kind: m.entry_kind,
            collective_id: m.collective_id,
            grower_id: m.grower_id,
            category: m.category,
            amount_fen: m.amount_fen,
            quantity_g: m.quantity_g,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TransactionOut {
    pub id: i64,
    pub kind: TransactionKind,
    pub order_id: Option<i64>,
    pub reverses_id: Option<i64>,
    pub description: String,
    pub occurred_on: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub entries: Vec<EntryOut>,
}

impl TransactionOut {
    pub fn new(t: ledger_transaction::Model, entries: Vec<ledger_entry::Model>) -> Self {
        Self {
            id: t.id,
            kind: t.kind,
            order_id: t.order_id,
            reverses_id: t.reverses_id,
            description: t.description,
            occurred_on: t.occurred_on,
            created_at: t.created_at,
            entries: entries.into_iter().map(EntryOut::from).collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerFilter {
    pub order_id: Option<i64>,
    pub kind: Option<TransactionKind>,
    pub collective_id: Option<i64>,
    pub grower_id: Option<i64>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordPayout {
    pub amount_fen: i64,
    pub method: PaymentMethod,
    pub reference: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatementOut {
    pub id: i64,
    pub grower_id: i64,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub quantity_g: i64,
    pub sales_fen: i64,
    pub commission_fen: i64,
    /// The platforms' fees (less subsidies) the grower bore, where they come off the commission
    /// base; `payable_fen` is sales less commission less these.
    pub platform_fees_fen: i64,
    pub payable_fen: i64,
    pub paid_out_fen: i64,
    pub opening_balance_fen: i64,
    pub balance_fen: i64,
    pub issued_at: DateTime<Utc>,
}

impl From<grower_statement::Model> for StatementOut {
    fn from(m: grower_statement::Model) -> Self {
        Self {
            id: m.id,
            grower_id: m.grower_id,
            period_from: m.period_from,
            period_to: m.period_to,
            quantity_g: m.quantity_g,
            sales_fen: m.sales_fen,
            commission_fen: m.commission_fen,
            platform_fees_fen: m.platform_fees_fen,
            payable_fen: m.payable_fen,
            paid_out_fen: m.paid_out_fen,
            opening_balance_fen: m.opening_balance_fen,
            balance_fen: m.balance_fen,
            issued_at: m.issued_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IncomeQuery {
    pub collective_id: i64,
    pub year: i32,
    /// `json` (default), `csv` or `xlsx`.
    #[serde(default)]
    pub format: crate::dto::reports::ExportFormat,
    /// For CSV and XLSX: `readable` (default, 元 and 斤) or `with_integers` (also 分 and 克).
    #[serde(default)]
    pub units: crate::dto::reports::Units,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `json` (default), `csv` or `xlsx`.
    #[serde(default)]
    pub format: crate::dto::reports::ExportFormat,
    /// For CSV and XLSX: `readable` (default, 元 and 斤) or `with_integers` (also 分 and 克).
    #[serde(default)]
    pub units: crate::dto::reports::Units,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryMonths {
    pub category: IncomeCategory,
    /// Income in fen for January … December.
    pub months_fen: Vec<i64>,
    pub total_fen: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IncomeReport {
    pub collective_id: i64,
    pub year: i32,
    pub categories: Vec<CategoryMonths>,
    pub months_fen: Vec<i64>,
    pub total_fen: i64,
    pub previous_year_total_fen: i64,
    /// Change against the previous year in percent, exact to two decimals ("45.89"); null when
    /// the previous year had no income.
    pub change_percent: Option<String>,
}
