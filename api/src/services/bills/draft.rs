//! One item of a bill as matched, before it is written.

use chrono::{DateTime, Utc};
use zhunong_entity::enums::BillClass;

#[derive(Debug, Clone)]
pub struct Draft {
    pub class: BillClass,
    pub rows: Vec<usize>,
    pub platform_ref: Option<String>,
    pub merchant_ref: Option<String>,
    pub occurred_at: Option<DateTime<Utc>>,
    pub bill_amount_fen: i64,
    pub books_amount_fen: i64,
    pub fee_fen: i64,
    pub subsidy_fen: i64,
    pub order_id: Option<i64>,
    /// The payments the bill confirmed (a matched item); the first is the item's payment.
    pub confirms: Vec<i64>,
    /// The payment the item is about, confirmed or not.
    pub payment_id: Option<i64>,
    /// Whether its fees and subsidies go into the ledger now (not when an earlier bill already
    /// put them there for the same order).
    pub post_fees: bool,
}

impl Draft {
    /// What only the books have: a payment or an order the bill lacks.
    pub fn books_only(
        order_id: i64,
        payment_id: Option<i64>,
        platform_ref: Option<String>,
        at: DateTime<Utc>,
        books_fen: i64,
    ) -> Self {
        Self {
            class: BillClass::BooksOnly,
            rows: Vec::new(),
            platform_ref,
            merchant_ref: None,
            occurred_at: Some(at),
            bill_amount_fen: 0,
            books_amount_fen: books_fen,
            fee_fen: 0,
            subsidy_fen: 0,
            order_id: Some(order_id),
            confirms: Vec::new(),
            payment_id,
            post_fees: false,
        }
    }
}
