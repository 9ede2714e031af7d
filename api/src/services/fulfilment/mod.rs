//! How an order reaches its buyer besides a truck: recipients and address books, pickup points
//! and the pickup hand-over, parcels from the packing table to the buyer's door, and the buyer's
//! own page.

pub mod address_book;
pub mod change;
pub mod export;
pub mod import;
pub mod pack;
pub mod pickup;
pub mod pickup_points;
pub mod progress;
pub mod read;
pub mod recipients;
pub mod slip;
pub mod view;

use crate::db::Tx;
use crate::error::{AppError, AppResult, ErrorCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use zhunong_entity::parcel_item;

/// 409 if any crate of the order is in a parcel: `what` cannot be done to a packed order until
/// its parcels are unpacked. Called after the order's row is locked, so it sees a parcel packed
/// by a request that finished just before.
///
/// # Errors
/// 409 when packed; database errors.
pub async fn refuse_if_packed(tx: &Tx, order_id: i64, what: &str) -> AppResult<()> {
    let packed = parcel_item::Entity::find()
        .filter(parcel_item::Column::OrderId.eq(order_id))
        .count(tx)
        .await?;
    if packed > 0 {
        return Err(AppError::Conflict {
            code: ErrorCode::AlreadyPacked,
            detail: format!(
                "the order is packed in a parcel and cannot be {what}; unpack it first"
            ),
        });
    }
    Ok(())
}
