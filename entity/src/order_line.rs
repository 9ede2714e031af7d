use sea_orm::entity::prelude::*;

/// One line of an order. `unit_price_fen` is copied from the batch when the order is placed and
/// never changes with later price changes.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "order_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub line_no: i32,
    pub batch_id: i64,
    pub quantity: i64,
    pub unit_price_fen: i64,
    pub amount_fen: i64,
    /// Σ net grams of the line's live weigh tickets; `None` until weighed.
    pub weighed_g: Option<i64>,
    /// The amount to pay once weighed: net weight × price for `by_weight`, else `amount_fen`.
    pub final_amount_fen: Option<i64>,
    /// The weighed quantity is outside the tolerance.
    pub flagged: bool,
    /// When the station marked the line weighed; `None` while it is being weighed (or after a
    /// void re-opened it).
    pub weighing_completed_at: Option<DateTimeUtc>,
    /// What the line holds from its batch beyond `quantity`, in the batch's unit: weight taken
    /// above what the line held as it was weighed; once complete, the weighed net less the
    /// quantity (negative when the shortfall went back to stock). Always 0 for `by_piece`.
    pub stock_beyond_order: i64,
    /// The commission rule in force when the order was placed, copied here and never changed.
    pub commission_rule_id: Option<i64>,
    pub commission_bp: Option<i64>,
    pub commission_fen_per_jin: Option<i64>,
    /// `[{"collective_id": 1, "shares": 1}, …]` as the rule had them.
    pub commission_shares: Option<Json>,
    /// Priced by the selling platform per item: weighing does not change the amount.
    pub fixed_amount: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
