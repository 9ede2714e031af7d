//! Bills from the platforms, reconciled against the books.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zhunong_entity::enums::{BillClass, BillKind, BillResolution};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BillParams {
    /// The file's name, for the bill's record.
    pub file_name: Option<String>,
    /// Minutes a bill line and a payment may be apart and still be matched when no number ties
    /// them (default `bill_time_tolerance_minutes`, 30).
    #[param(minimum = 0, maximum = 10080)]
    pub time_tolerance_minutes: Option<i64>,
    /// Fen two amounts may differ by and still be the same (default `bill_amount_tolerance_fen`,
    /// 0).
    #[param(minimum = 0, maximum = 10000)]
    pub amount_tolerance_fen: Option<i64>,
}

/// The items of one class, and their money.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClassTotal {
    pub class: BillClass,
    pub items: i64,
    pub bill_amount_fen: i64,
    pub books_amount_fen: i64,
    /// Bill − books.
    pub diff_fen: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BillOut {
    pub id: i64,
    pub kind: BillKind,
    pub file_name: String,
    pub merchant_no: Option<String>,
    pub period_from: DateTime<Utc>,
    pub period_to: DateTime<Utc>,
    /// The bill's lines read.
    pub lines: i64,
    /// The goods money of its lines, refunds negative.
    pub amount_fen: i64,
    /// The fees the platform kept, and the subsidies it added, as the bill says.
    pub fee_fen: i64,
    pub subsidy_fen: i64,
    /// Whether the fees came off their orders' commission base (the setting
    /// `fees_reduce_commission_base` when the bill was applied; default false). False: commission
    /// stays on net sales and the fees are the collective's cost of selling. True: commission is
    /// on net sales less the fees, and the grower is owed that less the commission.
    pub fees_reduce_commission_base: bool,
    pub time_tolerance_minutes: i64,
    pub amount_tolerance_fen: i64,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    /// Every class, with its count and money (zero where none).
    pub classes: Vec<ClassTotal>,
    /// Exceptions (anything not matched) not yet resolved.
    pub open_exceptions: i64,
    /// True when this very file had been applied before: nothing was done again, and this is
    /// the earlier bill.
    pub already_applied: bool,
    /// The file's headers that were read, and those not recognised (on the upload's answer).
    pub columns_used: Vec<String>,
    pub columns_unknown: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BillItemOut {
    pub id: i64,
    pub bill_id: i64,
    pub class: BillClass,
    /// The file's row numbers (empty for what only the books have).
    pub rows: Vec<i64>,
    pub platform_ref: Option<String>,
    pub merchant_ref: Option<String>,
    pub occurred_at: Option<DateTime<Utc>>,
    pub bill_amount_fen: i64,
    pub books_amount_fen: i64,
    /// Bill − books.
    pub diff_fen: i64,
    pub fee_fen: i64,
    pub subsidy_fen: i64,
    pub order_id: Option<i64>,
    pub order_number: Option<String>,
    pub payment_id: Option<i64>,
    pub transaction_id: Option<i64>,
    pub resolution: Option<BillResolution>,
    pub note: Option<String>,
    pub resolved_by: Option<i64>,
    pub resolved_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BillItemsParams {
    /// Only this class.
    pub class: Option<BillClass>,
    /// Only the exceptions (not matched), resolved or not.
    #[serde(default)]
    pub exceptions: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExceptionsFileParams {
    /// `csv` (the default) or `xlsx`.
    pub format: Option<String>,
}

/// What the office does about an exception: `payment_recorded` records the money the bill has
/// and the books lack as a payment on the order; `fee_recorded` records what the books have and
/// the bill lacks as the platform's fee; `explained` keeps a note. An item is resolved once.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveItem {
    pub resolution: BillResolution,
    /// Required to explain; kept with the others.
    #[schema(example = "买家线下补付，已收现金")]
    pub note: Option<String>,
}
