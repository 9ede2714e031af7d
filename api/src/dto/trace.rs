//! Traceability: label requests and the scan counts the office reads.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Which labels to print, and how.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LabelQuery {
    /// Every crate (and box) of this order.
    pub order_id: Option<i64>,
    /// Every crate of every order on this load.
    pub load_id: Option<i64>,
    /// Labels with this batch's own code, for boxes packed ahead (`copies` of them).
    pub batch_id: Option<i64>,
    /// For `batch_id`: how many labels (default 10, one A4 sheet).
    pub copies: Option<usize>,
    /// `a4` (2 × 5 on an A4 sheet, default) or `thermal` (one 60 × 40 mm label per page).
    #[serde(default)]
    pub layout: LabelLayout,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LabelLayout {
    #[default]
    A4,
    Thermal,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ScanQuery {
    /// First local day (`YYYY-MM-DD`); default 30 days before `to`.
    #[serde(default, deserialize_with = "crate::dto::date::strict_opt")]
    #[param(value_type = Option<String>, example = "2026-11-01")]
    pub from: Option<NaiveDate>,
    /// Last local day; default today.
    #[serde(default, deserialize_with = "crate::dto::date::strict_opt")]
    #[param(value_type = Option<String>, example = "2026-11-30")]
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScanDay {
    pub day: NaiveDate,
    pub scans: i64,
}

/// A batch's scans, all its codes together.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchScans {
    pub batch_id: i64,
    pub batch_code: Option<String>,
    pub product_name: String,
    pub scans: i64,
    /// Days with scans, in order.
    pub days: Vec<ScanDay>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScanReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub scans: i64,
    /// Most scanned first.
    pub batches: Vec<BatchScans>,
}
