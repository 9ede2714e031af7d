use sea_orm::entity::prelude::*;

/// Where a partner wants to hear about its orders. Two secrets sign during a rotation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub buyer_id: i64,
    pub url: String,
    /// A JSON array of event types.
    pub events: Json,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_expires_at: Option<DateTimeUtc>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub created_at: DateTimeUtc,
    /// The version of the event bodies this endpoint receives, fixed at registration.
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
