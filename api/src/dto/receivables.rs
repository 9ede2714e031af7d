//! The settlement screen's lists: delivered orders that await money, and orders settled.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zhunong_entity::enums::PaymentStatus;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReceivableFilter {
    /// An order number (`ZN000042`), or part of the buyer's name, company or phone.
    #[param(max_length = 50)]
    pub q: Option<String>,
}

/// A delivered order not yet settled: the money it still waits for.
#[derive(Debug, Serialize, ToSchema)]
pub struct Receivable {
    pub order_id: i64,
    /// `ZN000042`.
    pub number: String,
    pub buyer_id: i64,
    pub buyer_name: String,
    pub buyer_phone: Option<String>,
    /// An enterprise's company.
    pub buyer_company: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// The final amount (after weighing), else the ordered amount.
    pub due_fen: i64,
    pub paid_fen: i64,
    /// `due_fen - paid_fen`: what recording it in full settles the order with.
    pub outstanding_fen: i64,
    pub payment_status: PaymentStatus,
}

/// One page of receivables, with totals over all of them.
#[derive(Debug, Serialize, ToSchema)]
pub struct Receivables {
    pub items: Vec<Receivable>,
    pub page: u64,
    pub per_page: u64,
    /// Delivered orders awaiting money (matching `q`), over all pages.
    pub total: u64,
    /// What they still owe together, in fen.
    pub outstanding_fen: i64,
    /// Delivered orders paid in full but not settled: none, unless they were paid before
    /// settlement became automatic. `POST /settlements` settles them.
    pub fully_paid_unsettled: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SettledFilter {
    /// Settled on or after this local date (`YYYY-MM-DD`).
    #[serde(default, deserialize_with = "crate::dto::date::strict_opt")]
    #[param(value_type = Option<String>, example = "2026-09-01")]
    pub from: Option<NaiveDate>,
    /// Settled on or before this local date (`YYYY-MM-DD`).
    #[serde(default, deserialize_with = "crate::dto::date::strict_opt")]
    #[param(value_type = Option<String>, example = "2026-09-30")]
    pub to: Option<NaiveDate>,
    /// An order number, or part of the buyer's name, company or phone.
    #[param(max_length = 50)]
    pub q: Option<String>,
}

/// An order that was settled: its money went to the grower and the collective.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettledOrder {
    pub order_id: i64,
    pub number: String,
    pub buyer_id: i64,
    pub buyer_name: String,
    pub settled_at: Option<DateTime<Utc>>,
    /// What was received and settled (less any refund since).
    pub paid_fen: i64,
    pub settlement_transaction_id: Option<i64>,
}
