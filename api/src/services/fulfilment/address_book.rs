//! A buyer's address book: several addresses, at most one the default, which a parcel order
//! placed without a recipient goes to.

use crate::db::Db;
use crate::dto::fulfilment::{AddressOut, RecipientIn};
use crate::error::{AppError, AppResult, Validator};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use zhunong_entity::{buyer, buyer_address};

/// The most addresses one buyer keeps.
pub const MAX_ADDRESSES: u64 = 20;

/// # Errors
/// 404 unknown buyer.
pub async fn list(db: &impl ConnectionTrait, buyer_id: i64) -> AppResult<Vec<AddressOut>> {
    crate::services::must_find::<buyer::Entity, _>(db, buyer_id, "buyer").await?;
    Ok(buyer_address::Entity::find()
        .filter(buyer_address::Column::BuyerId.eq(buyer_id))
        .order_by_desc(buyer_address::Column::IsDefault)
        .order_by_asc(buyer_address::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Adds an address; the first, or one marked so, becomes the default.
///
/// # Errors
/// 404 unknown buyer; 422 bad fields or a full book.
pub async fn add(
    db: &Db,
    buyer_id: i64,
    a: RecipientIn,
    make_default: bool,
) -> AppResult<AddressOut> {
    let mut v = Validator::default();
    super::recipients::check(&mut v, &a, "");
    v.finish()?;
    db.write(async |tx| {
        crate::services::must_find::<buyer::Entity, _>(tx, buyer_id, "buyer").await?;
        let count = buyer_address::Entity::find()
            .filter(buyer_address::Column::BuyerId.eq(buyer_id))
            .count(tx)
            .await?;
        if count >= MAX_ADDRESSES {
            return Err(AppError::field(
                "buyer_id",
                format!("a buyer keeps at most {MAX_ADDRESSES} addresses"),
            ));
        }
        let is_default = make_default || count == 0;
        if is_default {
            clear_default(tx, buyer_id).await?;
        }
        let row = buyer_address::ActiveModel {
            buyer_id: Set(buyer_id),
            name: Set(a.name.trim().to_owned()),
            phone: Set(a.phone.trim().to_owned()),
            province: Set(a.province.trim().to_owned()),
            city: Set(a.city.trim().to_owned()),
            district: Set(a.district.trim().to_owned()),
            street: Set(a.street.trim().to_owned()),
            detail: Set(a.detail.trim().to_owned()),
            raw_text: Set(a.raw_text.clone()),
            is_default: Set(is_default),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        Ok(row.into())
    })
    .await
}

async fn clear_default(tx: &crate::db::Tx, buyer_id: i64) -> AppResult<()> {
    buyer_address::Entity::update_many()
        .col_expr(buyer_address::Column::IsDefault, Expr::value(false))
        .filter(buyer_address::Column::BuyerId.eq(buyer_id))
        .exec(tx)
        .await?;
    Ok(())
}

/// Makes the address the buyer's default.
///
/// # Errors
/// 404 unknown address (or not this buyer's).
pub async fn make_default(db: &Db, buyer_id: i64, address_id: i64) -> AppResult<AddressOut> {
    db.write(async |tx| {
        let a = find(tx, buyer_id, address_id).await?;
        clear_default(tx, buyer_id).await?;
        let mut m: buyer_address::ActiveModel = a.into();
        m.is_default = Set(true);
        Ok(m.update(tx).await?.into())
    })
    .await
}

/// Removes an address; if it was the default, the oldest left becomes it.
///
/// # Errors
/// 404 unknown address (or not this buyer's).
pub async fn remove(db: &Db, buyer_id: i64, address_id: i64) -> AppResult<()> {
    db.write(async |tx| {
        let a = find(tx, buyer_id, address_id).await?;
        buyer_address::Entity::delete_by_id(a.id).exec(tx).await?;
        if a.is_default
            && let Some(next) = buyer_address::Entity::find()
                .filter(buyer_address::Column::BuyerId.eq(buyer_id))
                .order_by_asc(buyer_address::Column::Id)
                .one(tx)
                .await?
        {
            let mut m: buyer_address::ActiveModel = next.into();
            m.is_default = Set(true);
            m.update(tx).await?;
        }
        Ok(())
    })
    .await
}

async fn find(
    tx: &crate::db::Tx,
    buyer_id: i64,
    address_id: i64,
) -> AppResult<buyer_address::Model> {
    buyer_address::Entity::find_by_id(address_id)
        .filter(buyer_address::Column::BuyerId.eq(buyer_id))
        .one(tx)
        .await?
        .ok_or(AppError::NotFound("address"))
}
