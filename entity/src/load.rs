use crate::enums::LoadStatus;
use sea_orm::entity::prelude::*;

/// One truck trip: open → loaded → departed → delivered.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "loads")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub plate: String,
    pub driver_name: String,
    pub driver_phone: String,
    pub destination: String,
    pub planned_date: Date,
    pub capacity_kg: Option<i64>,
    pub status: LoadStatus,
    /// Σ net grams of the orders on the load.
    pub total_net_g: i64,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub loaded_at: Option<DateTimeUtc>,
    pub departed_at: Option<DateTimeUtc>,
    pub delivered_at: Option<DateTimeUtc>,
    pub received_by: Option<String>,
    pub handover_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
