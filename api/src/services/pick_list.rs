//! The pick list: for a day's confirmed orders (or one load), what to take from which batch,
//! per order, with totals per product.

use crate::dto::pick_list::{PickBatch, PickList, PickListQuery, PickOrder, PickProduct};
use crate::error::{AppError, AppResult};
use chrono::{Duration, FixedOffset, TimeZone};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeMap, HashMap};
use zhunong_entity::enums::OrderStatus;
use zhunong_entity::{batch, buyer, order, order_line, product};

/// # Errors
/// 422 unless exactly one of `date` and `load_id` is given.
pub async fn pick_list(
    db: &impl ConnectionTrait,
    q: PickListQuery,
    utc_offset_minutes: i32,
) -> AppResult<PickList> {
    let mut find = order::Entity::find().order_by_asc(order::Column::Id);
    match (q.date, q.load_id) {
        (Some(date), None) => {
            let offset = FixedOffset::east_opt(utc_offset_minutes * 60)
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("bad UTC offset")))?;
            let start = offset
                .from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
                .single()
                .ok_or_else(|| AppError::field("date", "not a day"))?
                .with_timezone(&chrono::Utc);
            find = find
                .filter(order::Column::Status.eq(OrderStatus::Confirmed))
                .filter(order::Column::ConfirmedAt.gte(start))
                .filter(order::Column::ConfirmedAt.lt(start + Duration::days(1)));
        }
        (None, Some(load_id)) => find = find.filter(order::Column::LoadId.eq(load_id)),
        _ => return Err(AppError::field("date", "give either date or load_id")),
    }
    let orders = find.all(db).await?;
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.is_in(orders.iter().map(|o| o.id).collect::<Vec<_>>()))
        .order_by_asc(order_line::Column::OrderId)
        .order_by_asc(order_line::Column::LineNo)
        .all(db)
        .await?;
    let buyers: HashMap<i64, String> =
        crate::services::rows::by_id::<buyer::Entity>(db, orders.iter().map(|o| o.buyer_id))
            .await?
            .into_iter()
            .map(|(id, b)| (id, b.name))
            .collect();
    let order_buyer: HashMap<i64, i64> = orders.iter().map(|o| (o.id, o.buyer_id)).collect();
    let batches: HashMap<i64, batch::Model> =
        crate::services::rows::by_id::<batch::Entity>(db, lines.iter().map(|l| l.batch_id)).await?;
    let products: HashMap<i64, product::Model> =
        crate::services::rows::by_id::<product::Entity>(db, batches.values().map(|b| b.product_id))
            .await?;

    let mut per_batch: BTreeMap<i64, PickBatch> = BTreeMap::new();
    let mut per_product: BTreeMap<i64, PickProduct> = BTreeMap::new();
    for l in &lines {
        let Some(b) = batches.get(&l.batch_id) else {
            continue;
        };
        let Some(p) = products.get(&b.product_id) else {
            continue;
        };
        let entry = per_batch.entry(b.id).or_insert_with(|| PickBatch {
            batch_id: b.id,
            batch_code: b.code.clone(),
            product_name: p.name.clone(),
            pricing: p.pricing,
            unit_label: p.unit_label.clone(),
            storage_place: b.storage_place.clone(),
            total_quantity: 0,
            orders: Vec::new(),
        });
        entry.total_quantity += l.quantity;
        entry.orders.push(PickOrder {
            order_id: l.order_id,
            number: crate::domain::order_number::format(l.order_id),
            buyer_name: order_buyer
                .get(&l.order_id)
                .and_then(|b| buyers.get(b))
                .cloned()
                .unwrap_or_default(),
            quantity: l.quantity,
        });
        per_product
            .entry(p.id)
            .or_insert_with(|| PickProduct {
                product_id: p.id,
                product_name: p.name.clone(),
                pricing: p.pricing,
                unit_label: p.unit_label.clone(),
                total_quantity: 0,
            })
            .total_quantity += l.quantity;
    }
    Ok(PickList {
        date: q.date,
        load_id: q.load_id,
        batches: per_batch.into_values().collect(),
        products: per_product.into_values().collect(),
    })
}
