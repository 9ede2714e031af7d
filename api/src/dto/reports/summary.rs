//! The dashboard's cards (`GET /api/v1/reports/sales/summary`).

use super::{Comparison, SalesMetrics};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

/// One card of the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SummaryCard {
    /// `today`, `week`, `month` or `year`.
    pub period: String,
    /// `今日`, `本周`, `本月`, `本年`.
    pub label: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The same days a year earlier (29 February → 28 February).
    pub compare_from: NaiveDate,
    pub compare_to: NaiveDate,
    pub metrics: SalesMetrics,
    pub compared: Comparison,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SalesSummary {
    pub date: NaiveDate,
    pub cards: Vec<SummaryCard>,
    /// Everything committed before this instant is in the answer (a replica's replay position,
    /// or the moment the primary was read).
    pub as_of: chrono::DateTime<chrono::Utc>,
    /// `replica` or `primary`: which database answered.
    pub read_from: crate::db::replica::ReadFrom,
}

#[derive(Debug, serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// The local date the cards run to (`YYYY-MM-DD`); today if absent.
    #[serde(default, deserialize_with = "crate::dto::date::strict_opt")]
    #[param(value_type = Option<String>, example = "2026-09-30")]
    pub date: Option<NaiveDate>,
}
