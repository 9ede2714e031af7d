use sea_orm::entity::prelude::*;

/// An enterprise buyer's agreed price for a product or one batch, for a period, from a minimum
/// quantity.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contract_prices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub buyer_id: i64,
    pub product_id: Option<i64>,
    pub batch_id: Option<i64>,
    pub price_fen: i64,
    pub min_quantity: Option<i64>,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
