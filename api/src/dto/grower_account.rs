//! A grower's account over a chosen period (a month, a season, a year): what they were owed at
//! its start, what they sold, what the collective kept, what they were paid, and what they are
//! owed at its end; with a line per month and per product, so two seasons print on one page.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountQuery {
    /// First day (`YYYY-MM-DD`), inclusive.
    #[serde(deserialize_with = "crate::dto::date::strict")]
    #[param(value_type = String, example = "2026-07-01")]
    pub from: NaiveDate,
    /// Last day (`YYYY-MM-DD`), inclusive.
    #[serde(deserialize_with = "crate::dto::date::strict")]
    #[param(value_type = String, example = "2026-10-31")]
    pub to: NaiveDate,
}

/// The money of one month (or of the whole period), from the ledger.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct AccountFigures {
    /// Weighed weight settled, in grams.
    pub quantity_g: i64,
    /// Sales settled to the grower (less refunds), in fen.
    pub sales_fen: i64,
    /// What the collective kept as commission.
    pub commission_fen: i64,
    /// The platforms' fees (less subsidies) the grower bore, where they come off the commission
    /// base (`fees_reduce_commission_base`); 0 otherwise.
    pub platform_fees_fen: i64,
    /// `sales_fen - commission_fen - platform_fees_fen`.
    pub payable_fen: i64,
    /// Paid out to the grower.
    pub paid_out_fen: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountMonth {
    /// `2026-09`.
    pub month: String,
    #[serde(flatten)]
    pub figures: AccountFigures,
}

/// One product's sales in the period, from the sales figures by settlement date.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountProduct {
    pub product_id: i64,
    pub product: String,
    pub quantity_g: i64,
    pub pieces: i64,
    pub net_sales_fen: i64,
    pub commission_fen: i64,
    pub payable_fen: i64,
}

/// A payout in the period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountPayout {
    pub occurred_on: NaiveDate,
    pub amount_fen: i64,
    /// `付款给种植户 王飞（现金）`.
    pub description: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GrowerAccount {
    pub grower_id: i64,
    pub grower: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Owed to the grower before `from`.
    pub opening_balance_fen: i64,
    pub totals: AccountFigures,
    /// Owed at the end of `to`: opening + payable − paid out.
    pub closing_balance_fen: i64,
    /// Every month the period touches, oldest first (empty months too).
    pub months: Vec<AccountMonth>,
    pub products: Vec<AccountProduct>,
    pub payouts: Vec<AccountPayout>,
}
