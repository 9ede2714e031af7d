//! Who a parcel order goes to. Personal data: kept apart from the order so that it can be erased
//! after its retention time without touching the order's money.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_recipients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub order_id: i64,
    pub name: String,
    pub phone: String,
    pub province: String,
    pub city: String,
    pub district: String,
    pub street: String,
    pub detail: String,
    /// The text the address was read from, as pasted.
    pub raw_text: Option<String>,
    /// The fields the address reader was unsure of, comma-separated, for a person to check.
    pub unsure: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
