use sea_orm::entity::prelude::*;

/// A grower's settlement statement, frozen when issued: it covers ledger transactions after
/// `after_transaction_id` through `through_transaction_id`; later corrections fall on the next.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "grower_statements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub grower_id: i64,
    pub period_from: Date,
    pub period_to: Date,
    pub after_transaction_id: i64,
    pub through_transaction_id: i64,
    pub quantity_g: i64,
    pub sales_fen: i64,
    pub commission_fen: i64,
    /// The platforms' fees the grower bore, where they came off the commission base.
    pub platform_fees_fen: i64,
    pub payable_fen: i64,
    pub paid_out_fen: i64,
    pub opening_balance_fen: i64,
    pub balance_fen: i64,
    pub issued_by: i64,
    pub issued_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
