//! The audit log, read: who changed what, when, with what it was before and after.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// `order`, `order_line`, `weigh_ticket`, `load`, `batch`, `user`, `grower`, `buyer`,
    /// `collective` or `commission_rule`.
    #[param(max_length = 32)]
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    /// Everything about one order: the order itself, its lines (weighing) and its weigh tickets.
    pub order_id: Option<i64>,
    /// Who made the change (a user id).
    pub actor_user_id: Option<i64>,
    /// For example `confirm_order`, `approve_weights`, `reset_password`.
    #[param(max_length = 64)]
    pub action: Option<String>,
    /// From this local date (inclusive, `YYYY-MM-DD`).
    #[serde(default, deserialize_with = "crate::dto::date::strict_opt")]
    #[param(value_type = Option<String>, example = "2026-09-01")]
    pub from: Option<NaiveDate>,
    /// To this local date (inclusive, `YYYY-MM-DD`).
    #[serde(default, deserialize_with = "crate::dto::date::strict_opt")]
    #[param(value_type = Option<String>, example = "2026-09-30")]
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditOut {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    /// The actor's display name (else login name); absent for the service itself.
    pub actor: Option<String>,
    pub action: String,
    /// What a person reads for the action (`确认订单`).
    pub action_label: String,
    /// The entry as one sentence in Chinese: who, what, on what (by name), from what to what,
    /// in 元 and 斤.
    #[schema(
        example = "李站长为订单 ZN000007（王五）的批次「巨峰葡萄 A批」称重 2 筐：称重 9.66 斤，金额 48.30 元"
    )]
    pub summary: String,
    pub entity: String,
    pub entity_id: i64,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}
