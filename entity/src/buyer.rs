use crate::enums::BuyerKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "buyers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: BuyerKind,
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub company: Option<String>,
    /// Enterprise contacts: a JSON array of `{name, phone, title}`.
    pub contacts: Json,
    pub payment_terms: Option<String>,
    /// What the live room knows them by (抖音昵称).
    pub douyin_nickname: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the buyer's personal data was erased (PIPL art. 47); the row stays, pseudonymised.
    pub erased_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
