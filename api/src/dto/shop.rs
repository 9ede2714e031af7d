//! The Douyin shop (抖店): SKU maps, order imports and the ship-back file.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Maps a shop SKU code (商家编码) to a batch, or to a product (then its newest open batch is
/// used at each import), and says how much of it one item is.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkuMapIn {
    #[schema(example = "PUTAO-5J")]
    pub sku_code: String,
    pub batch_id: Option<i64>,
    pub product_id: Option<i64>,
    /// One item in the batch's base unit: grams for `by_weight` (2500 for a 5-jin box), pieces
    /// for `by_piece`.
    #[schema(example = 2500, minimum = 1)]
    pub units_per_item: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SkuMapOut {
    pub id: i64,
    pub sku_code: String,
    pub batch_id: Option<i64>,
    pub product_id: Option<i64>,
    pub units_per_item: i64,
    pub updated_by: i64,
    pub updated_at: DateTime<Utc>,
}

impl From<zhunong_entity::shop_sku_map::Model> for SkuMapOut {
    fn from(m: zhunong_entity::shop_sku_map::Model) -> Self {
        Self {
            id: m.id,
            sku_code: m.sku_code,
            batch_id: m.batch_id,
            product_id: m.product_id,
            units_per_item: m.units_per_item,
            updated_by: m.updated_by,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Preview only: every row's outcome as a commit would have it, nothing written but the
    /// import's record.
    #[serde(default)]
    pub dry_run: bool,
    /// The file's name, for the import's record.
    pub file_name: Option<String>,
}

/// What happened to a row: a new order, nothing to change, a change applied (a cancellation or
/// a refund), skipped (not paid yet, or closed before it was ever imported), or refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    New,
    Unchanged,
    Updated,
    Skipped,
    Refused,
}

impl RowOutcome {
    /// The word the office and the results file use.
    pub fn label(self) -> &'static str {
        match self {
            Self::New => "新增",
            Self::Unchanged => "无变化",
            Self::Updated => "已更新",
            Self::Skipped => "跳过",
            Self::Refused => "拒绝",
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowResult {
    /// The row's number in the file.
    pub line: usize,
    pub platform_order_id: String,
    pub sub_order_id: String,
    pub outcome: RowOutcome,
    /// Why, in the office's words; empty for a plain new or unchanged row.
    pub reason: String,
    /// Our order, once it exists.
    pub order_number: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ImportTotals {
    pub rows: i64,
    pub new: i64,
    pub unchanged: i64,
    pub updated: i64,
    pub skipped: i64,
    pub refused: i64,
    /// Σ of what the village earns for the goods of the new orders, in fen.
    pub new_sale_fen: i64,
}

/// A SKU code with no map, and the rows that need it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnmappedSku {
    pub sku_code: String,
    pub product_name: String,
    pub rows: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportOut {
    pub id: i64,
    pub dry_run: bool,
    pub file_name: String,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
    pub totals: ImportTotals,
    /// The file's headers that were read.
    pub columns_used: Vec<String>,
    /// The file's headers that were not recognised (and not read).
    pub columns_unknown: Vec<String>,
    pub unmapped: Vec<UnmappedSku>,
    /// Every row that was not a plain new or unchanged one (at most 1,000; the full list is in
    /// the results file).
    pub rows: Vec<RowResult>,
}

/// An import as the office's history lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportBrief {
    pub id: i64,
    pub dry_run: bool,
    pub file_name: String,
    pub sha256: String,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub totals: ImportTotals,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShipBackParams {
    /// Only the parcels not given out in an earlier ship-back file.
    #[serde(default)]
    pub only_new: bool,
}
