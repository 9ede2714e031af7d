//! After-sales cases (售后): opening one, the office's answers, what the buyer sees.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhunong_entity::enums::{CaseDecision, CaseKind, CaseReason, CaseStatus};

/// A claim, by the helper, the secretary, or the buyer on their own page.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    /// Staff only: the order (the buyer's page knows it from its link).
    pub order_id: Option<i64>,
    /// `refund` (仅退款, the default), `reship` (补寄) or `return_refund` (退货退款).
    pub kind: Option<CaseKind>,
    pub reason: CaseReason,
    /// Up to 500 characters.
    pub note: Option<String>,
    /// The lines it is about; left out, all of them.
    pub line_ids: Option<Vec<i64>>,
    /// The money asked back, in fen.
    pub claimed_fen: Option<i64>,
    /// The damaged weight in grams, or the damaged count.
    pub claimed_g: Option<i64>,
    pub claimed_count: Option<i64>,
}

/// The office's answer. `agree` refunds the claim in full, `partly_agree` refunds `amount_fen`,
/// both through the ordinary refund path; `reject` needs a reason the buyer can read; `reship`
/// sends a free box of the same goods.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideCase {
    pub decision: DecisionIn,
    pub amount_fen: Option<i64>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionIn {
    Agree,
    PartlyAgree,
    Reject,
    Reship,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseOut {
    pub id: i64,
    pub order_id: i64,
    /// e.g. `ZN000042`.
    pub order_number: String,
    pub kind: CaseKind,
    pub reason: CaseReason,
    pub note: Option<String>,
    pub line_ids: Vec<i64>,
    pub claimed_fen: Option<i64>,
    pub claimed_g: Option<i64>,
    pub claimed_count: Option<i64>,
    pub status: CaseStatus,
    pub decision: Option<CaseDecision>,
    pub decided_fen: Option<i64>,
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub reship_order_id: Option<i64>,
    pub deadline_at: DateTime<Utc>,
    /// Open past its deadline.
    pub overdue: bool,
    /// Seconds left to answer (negative once overdue); null once answered.
    pub seconds_left: Option<i64>,
    pub reopened: bool,
    pub opened_by_buyer: bool,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Paths of the photos (`/api/v1/after-sales/{id}/photos/{photo}`).
    pub photo_ids: Vec<i64>,
    /// What the order has been paid, less refunds, and what an agreement in full would leave:
    /// the money effect shown before confirming.
    pub paid_fen: i64,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    pub order_id: Option<i64>,
}

/// A case as the buyer sees it on their page.
#[derive(Debug, Serialize, ToSchema)]
pub struct BuyerCase {
    pub id: i64,
    pub kind: CaseKind,
    pub reason: CaseReason,
    pub status: CaseStatus,
    pub decision: Option<CaseDecision>,
    pub decided_fen: Option<i64>,
    pub decision_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub photos: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoOut {
    pub id: i64,
    pub case_id: i64,
    pub content_type: String,
    pub size: i64,
}
