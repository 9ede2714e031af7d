use sea_orm::entity::prelude::*;

/// One weighing (usually one crate) of an order line. Never changed or deleted; a mistake is
/// voided by a `weigh_ticket_void` row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "weigh_tickets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub order_line_id: i64,
    pub gross_g: i64,
    pub tare_g: i64,
    pub net_g: i64,
    pub scale_id: String,
    pub operator_id: i64,
    pub weighed_at: DateTimeUtc,
    pub note: Option<String>,
    /// The stock this crate took from the batch beyond what its line already held; a void gives
    /// back exactly this.
    pub stock_taken: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
