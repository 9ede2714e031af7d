//! A claim's photos, and the reship order of a case answered by sending the goods again.

use crate::db::Db;
use crate::domain::caller::Caller;
use crate::domain::photos;
use crate::dto::after_sales::PhotoOut;
use crate::dto::fulfilment::RecipientIn;
use crate::dto::orders::{CreateOrder, NewOrderLine};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::services::orders::{self, OrderContext, Placer};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use zhunong_entity::enums::{CaseStatus, Fulfilment};
use zhunong_entity::{
    after_sales_case, after_sales_line, after_sales_photo, order, order_line, order_recipient,
};

/// Adds a photo to an open case: checked to be a JPEG, PNG or WebP by its bytes, stripped of its
/// metadata, at most `max_photos` per case. The size limit is the upload's (413).
///
/// # Errors
/// 404 unknown case; 422 not a picture or one too many; 409 a case no longer open.
pub async fn add(db: &Db, case_id: i64, bytes: &[u8], max_photos: u64) -> AppResult<PhotoOut> {
    let (kind, clean) = photos::strip(bytes)
        .ok_or_else(|| AppError::field("photo", "not a JPEG, PNG or WebP picture"))?;
    db.write(async |tx| {
        let c = crate::services::must_find::<after_sales_case::Entity, _>(
            tx,
            case_id,
            "after-sales case",
        )
        .await?;
        if c.status != CaseStatus::Open {
            return Err(AppError::Conflict {
                code: ErrorCode::InvalidTransition,
                detail: "photos are added to an open case".into(),
            });
        }
        let count = after_sales_photo::Entity::find()
            .filter(after_sales_photo::Column::CaseId.eq(case_id))
            .count(tx)
            .await?;
        if count >= max_photos {
            return Err(AppError::field(
                "photo",
                format!("at most {max_photos} photos per case"),
            ));
        }
        let p = after_sales_photo::ActiveModel {
            case_id: Set(case_id),
            content_type: Set(kind.content_type().to_owned()),
            size: Set(i64::try_from(clean.len()).unwrap_or(i64::MAX)),
            bytes: Set(clean.clone()),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        Ok(PhotoOut {
            id: p.id,
            case_id,
            content_type: p.content_type,
            size: p.size,
        })
    })
    .await
}

/// A photo's type and bytes.
///
/// # Errors
/// 404 unknown photo (or not of this case).
pub async fn get(
    db: &impl sea_orm::ConnectionTrait,
    case_id: i64,
    photo_id: i64,
) -> AppResult<(String, Vec<u8>)> {
    after_sales_photo::Entity::find_by_id(photo_id)
        .filter(after_sales_photo::Column::CaseId.eq(case_id))
        .one(db)
        .await?
        .map(|p| (p.content_type, p.bytes))
        .ok_or(AppError::NotFound("photo"))
}

/// Places the free reship order of a case: the case's lines again, to the same recipient (or
/// pickup point), at no price; it takes stock and is weighed, packed and shipped as any order.
///
/// # Errors
/// As placing an order (409 short stock).
pub async fn place_reship(
    db: &Db,
    caller: &Caller,
    c: &after_sales_case::Model,
    ctx: &OrderContext<'_>,
) -> AppResult<i64> {
    let o = crate::services::must_find::<order::Entity, _>(&db.read, c.order_id, "order").await?;
    let case_lines: Vec<i64> = after_sales_line::Entity::find()
        .filter(after_sales_line::Column::CaseId.eq(c.id))
        .all(&db.read)
        .await?
        .into_iter()
        .map(|l| l.order_line_id)
        .collect();
    let lines: Vec<NewOrderLine> = order_line::Entity::find()
        .filter(order_line::Column::Id.is_in(case_lines))
        .all(&db.read)
        .await?
        .into_iter()
        .map(|l| NewOrderLine {
            batch_id: l.batch_id,
            quantity: l.quantity,
        })
        .collect();
    let recipient = match o.fulfilment {
        Fulfilment::Parcel => order_recipient::Entity::find_by_id(o.id)
            .one(&db.read)
            .await?
            .map(|r| RecipientIn {
                name: r.name,
                phone: r.phone,
                province: r.province,
                city: r.city,
                district: r.district,
                street: r.street,
                detail: r.detail,
                raw_text: r.raw_text,
                unsure: Vec::new(),
            }),
        _ => None,
    };
    let req = CreateOrder {
        buyer_id: o.buyer_id,
        channel: o.channel,
        note: Some(format!(
            "售后补寄（售后单 {}，原订单 {}）",
            c.id,
            crate::domain::order_number::format(o.id)
        )),
        live_session_id: None,
        lines,
        fulfilment: Some(o.fulfilment),
        recipient,
        pickup_point_id: o.pickup_point_id,
    };
    let placed = orders::place(db, ctx, Placer::Reship(caller), req, None).await?;
    serde_json::from_str::<serde_json::Value>(&placed.body)
        .ok()
        .and_then(|v| v["id"].as_i64())
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a placed order answers its id")))
}
