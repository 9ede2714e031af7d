//! The integrity checks as the office sees them.

use crate::check::{Finding, RuleResult};
use serde::Serialize;
use utoipa::ToSchema;

/// One integrity check, kept: when, by whom, and what it found.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntegrityCheckOut {
    pub id: i64,
    pub checked_at: chrono::DateTime<chrono::Utc>,
    /// The admin who ran it.
    pub run_by: Option<i64>,
    /// True when every invariant held.
    pub ok: bool,
    /// Things found breaking a rule, over all rules.
    pub violations: i64,
    pub took_ms: i64,
    /// Every rule checked, with how many things broke it.
    pub rules: Vec<RuleResult>,
    /// What broke them, with the ids involved (at most `ZHUNONG_CHECK_MAX_LISTED` per rule).
    pub findings: Vec<Finding>,
}
