//! The ship-back file: the shop's orders that left in a parcel with a tracking number, in the
//! shop's batch-shipping (批量发货) upload layout (订单号, 物流公司, 运单号), so one upload marks them
//! all shipped in 抖店. Each file remembers the orders it gave out; `only_new` gives only the
//! rest. An order sent in several parcels is given out with the first of them that has left,
//! as the shop takes one waybill per order.

use crate::db::Db;
use crate::error::AppResult;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::BTreeMap;
use zhunong_entity::enums::ParcelStatus;
use zhunong_entity::{parcel, parcel_item, shop_order};

/// The file, and the orders it gives out marked as given out.
///
/// # Errors
/// Database errors.
pub async fn file(db: &Db, only_new: bool) -> AppResult<String> {
    db.write(async |tx| {
        let mut q = shop_order::Entity::find().order_by_asc(shop_order::Column::OrderId);
        if only_new {
            q = q.filter(shop_order::Column::ShippedBackAt.is_null());
        }
        let orders = q.all(tx).await?;
        let ids: Vec<i64> = orders.iter().map(|o| o.order_id).collect();
        let mut parcels_of: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for chunk in ids.chunks(500) {
            for item in parcel_item::Entity::find()
                .filter(parcel_item::Column::OrderId.is_in(chunk.to_vec()))
                .order_by_asc(parcel_item::Column::ParcelId)
                .all(tx)
                .await?
            {
                parcels_of
                    .entry(item.order_id)
                    .or_default()
                    .push(item.parcel_id);
            }
        }
        let mut parcel_ids: Vec<i64> = parcels_of.values().flatten().copied().collect();
        parcel_ids.sort_unstable();
        parcel_ids.dedup();
        let mut parcels = BTreeMap::new();
        for chunk in parcel_ids.chunks(500) {
            for p in parcel::Entity::find()
                .filter(parcel::Column::Id.is_in(chunk.to_vec()))
                .filter(parcel::Column::Status.ne(ParcelStatus::Packed))
                .filter(parcel::Column::TrackingNo.is_not_null())
                .all(tx)
                .await?
            {
                parcels.insert(p.id, p);
            }
        }
        let mut out = String::from("\u{feff}");
        out.push_str(&crate::render::csv_row(&[
            "订单号".to_owned(),
            "物流公司".to_owned(),
            "运单号".to_owned(),
        ]));
        let mut given = Vec::new();
        for o in &orders {
            // The first of its parcels that has left with a tracking number.
            let Some(p) = parcels_of
                .get(&o.order_id)
                .and_then(|ids| ids.iter().find_map(|id| parcels.get(id)))
            else {
                continue;
            };
            let carrier = crate::domain::shipping::carrier_name(&p.carrier).unwrap_or(&p.carrier);
            // Plain digits, not Excel's `="…"` text form: the file is for the shop's upload.
            out.push_str(&crate::render::csv_row(&[
                o.platform_order_id.clone(),
                carrier.to_owned(),
                p.tracking_no.clone().unwrap_or_default(),
            ]));
            given.push(o.order_id);
        }
        for chunk in given.chunks(500) {
            shop_order::Entity::update_many()
                .col_expr(
                    shop_order::Column::ShippedBackAt,
                    Expr::value(chrono::Utc::now()),
                )
                .filter(shop_order::Column::OrderId.is_in(chunk.to_vec()))
                .exec(tx)
                .await?;
        }
        Ok(out)
    })
    .await
}
