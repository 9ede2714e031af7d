use crate::enums::GrowerKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "growers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub collective_id: i64,
    pub name: String,
    pub kind: GrowerKind,
    pub phone: Option<String>,
    /// Planted area in whole mu (亩).
    pub area_mu: Option<i64>,
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
