use crate::enums::{Channel, RuleScope};
use sea_orm::entity::prelude::*;

/// How much of a sale goes to collectives, for a batch, a product or a channel.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "commission_rules")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub scope: RuleScope,
    pub batch_id: Option<i64>,
    pub product_id: Option<i64>,
    pub channel: Option<Channel>,
    pub basis_points: i64,
    pub fen_per_jin: i64,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub note: Option<String>,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
