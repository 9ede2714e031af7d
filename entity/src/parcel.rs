//! One express parcel: packed at the station, shipped with a carrier's tracking number,
//! delivered. It carries crates of one order, or of several orders for the same recipient
//! (merged shipping), listed in `parcel_items`.

use crate::enums::ParcelStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "parcels")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// A code from `domain::carriers`.
    pub carrier: String,
    pub tracking_no: Option<String>,
    /// The parcel's weight on the scale, box included.
    pub weight_g: i64,
    pub shipping_cost_fen: Option<i64>,
    pub status: ParcelStatus,
    pub packed_by: i64,
    pub packed_at: DateTimeUtc,
    pub shipped_at: Option<DateTimeUtc>,
    pub delivered_at: Option<DateTimeUtc>,
    /// Counted as delivered by the auto-delivery rule, not by a sign-off.
    pub delivered_automatically: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
