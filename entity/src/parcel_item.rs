//! One weighed crate in a parcel. A crate travels in one parcel only (a unique index).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "parcel_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub parcel_id: i64,
    pub order_id: i64,
    pub order_line_id: i64,
    pub weigh_ticket_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::parcel::Entity",
        from = "Column::ParcelId",
        to = "super::parcel::Column::Id"
    )]
    Parcel,
}

impl Related<super::parcel::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Parcel.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
