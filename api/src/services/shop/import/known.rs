//! What an import reads before it decides: the SKU maps, the target batches' stock and pricing,
//! the commission rules for the shop's channel and the live shows, once; and for each part of the
//! file, its orders that were imported before (500 ids a read).

use super::ImportContext;
use super::plan::{FileOrder, Stored};
use crate::db::Db;
use crate::domain::shop_export::values::ShopState;
use crate::dto::shop::UnmappedSku;
use crate::error::AppResult;
use crate::services::money::rules::RuleSnapshot;
use crate::services::shop::skus::{self, Target};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, Set,
};
use std::collections::{BTreeMap, HashMap};
use zhunong_entity::enums::{BatchStatus, BuyerKind, Channel, Pricing};
use zhunong_entity::{batch, buyer, live_session, order, order_line, shop_order, shop_order_line};

/// The name of the one buyer that stands for the shop's customers: the recipient of each parcel
/// is on its order, and the people stay in the shop.
pub const SHOP_BUYER: &str = "抖店顾客";

const IDS_PER_READ: usize = 500;
/// Any constant: the advisory lock taken while the shop's buyer is made, on PostgreSQL.
const SHOP_BUYER_LOCK: i64 = 0x007a_6e73_6862;

pub struct Known {
    pub targets: HashMap<String, Target>,
    pub stock: HashMap<i64, (i64, bool)>,
    pub shows: Vec<super::plan::Show>,
    pub rules: HashMap<i64, RuleSnapshot>,
    pub pricing: HashMap<i64, Pricing>,
}

/// # Errors
/// Database errors.
pub async fn load(db: &Db, ctx: &ImportContext<'_>) -> AppResult<Known> {
    let read = &db.read;
    let targets = skus::targets(read).await?;
    let mut batch_ids: Vec<i64> = targets.values().map(|t| t.batch_id).collect();
    batch_ids.sort_unstable();
    batch_ids.dedup();
    let stock: HashMap<i64, (i64, bool)> = batch::Entity::find()
        .filter(batch::Column::Id.is_in(batch_ids.clone()))
        .all(read)
        .await?
        .into_iter()
        .map(|b| (b.id, (b.stock_qty, b.status == BatchStatus::Open)))
        .collect();
    let products = ctx.facts.batch_products(read, &batch_ids).await?;
    let mut pricing = HashMap::with_capacity(products.len());
    for (b, p) in &products {
        pricing.insert(*b, ctx.facts.pricing(read, *p).await?);
    }
    let pairs: Vec<(i64, i64)> = products.iter().map(|(b, p)| (*b, *p)).collect();
    let rules = ctx
        .rules
        .in_force(read, Channel::DouyinShop, &pairs, ctx.today)
        .await?;
    let shows = live_session::Entity::find()
        .filter(live_session::Column::StartedAt.is_not_null())
        .all(read)
        .await?
        .into_iter()
        .filter_map(|s| Some((s.id, s.started_at?, s.ended_at)))
        .collect();
    Ok(Known {
        targets,
        stock,
        shows,
        rules,
        pricing,
    })
}

/// The orders of `orders` imported before, by platform id.
///
/// # Errors
/// Database errors.
pub async fn stored(db: &Db, orders: &[FileOrder]) -> AppResult<HashMap<String, Stored>> {
    let ids: Vec<String> = orders.iter().map(|o| o.platform_id.clone()).collect();
    let mut stored = HashMap::new();
    for chunk in ids.chunks(IDS_PER_READ) {
        stored.extend(stored_orders(&db.read, chunk).await?);
    }
    Ok(stored)
}

async fn stored_orders(
    read: &impl ConnectionTrait,
    ids: &[String],
) -> AppResult<HashMap<String, Stored>> {
    let shop = shop_order::Entity::find()
        .filter(shop_order::Column::PlatformOrderId.is_in(ids.to_vec()))
        .all(read)
        .await?;
    if shop.is_empty() {
        return Ok(HashMap::new());
    }
    let order_ids: Vec<i64> = shop.iter().map(|s| s.order_id).collect();
    let orders: HashMap<i64, order::Model> = order::Entity::find()
        .filter(order::Column::Id.is_in(order_ids.clone()))
        .all(read)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let dues: HashMap<i64, i64> = order_line::Entity::find()
        .filter(order_line::Column::OrderId.is_in(order_ids.clone()))
        .all(read)
        .await?
        .into_iter()
        .map(|l| (l.id, l.final_amount_fen.unwrap_or(l.amount_fen)))
        .collect();
    let mut lines: HashMap<i64, HashMap<String, (i64, i64, i64)>> = HashMap::new();
    for l in shop_order_line::Entity::find()
        .filter(shop_order_line::Column::OrderId.is_in(order_ids))
        .all(read)
        .await?
    {
        let due = dues.get(&l.order_line_id).copied().unwrap_or(0);
        lines
            .entry(l.order_id)
            .or_default()
            .insert(l.sub_order_id, (l.order_line_id, due, l.refunded_fen));
    }
    Ok(shop
        .into_iter()
        .filter_map(|s| {
            let o = orders.get(&s.order_id)?;
            Some((
                s.platform_order_id,
                Stored {
                    order_id: o.id,
                    status: o.status,
                    paid_fen: o.paid_fen,
                    lines: lines.remove(&s.order_id).unwrap_or_default(),
                },
            ))
        })
        .collect())
}

/// Our order of a platform id, if imported.
///
/// # Errors
/// Database errors.
pub async fn stored_order_id(
    read: &impl ConnectionTrait,
    platform_id: &str,
) -> AppResult<Option<i64>> {
    Ok(shop_order::Entity::find()
        .filter(shop_order::Column::PlatformOrderId.eq(platform_id))
        .one(read)
        .await?
        .map(|s| s.order_id))
}

/// The buyer the shop's orders are placed for, made on the first import.
///
/// # Errors
/// Database errors.
pub async fn shop_buyer(db: &Db) -> AppResult<i64> {
    let query = || {
        buyer::Entity::find()
            .filter(buyer::Column::Name.eq(SHOP_BUYER))
            .filter(buyer::Column::DouyinNickname.eq(SHOP_BUYER))
            .filter(buyer::Column::ErasedAt.is_null())
    };
    let existing: Option<i64> = query()
        .select_only()
        .column(buyer::Column::Id)
        .into_tuple()
        .one(&db.read)
        .await?;
    if let Some(id) = existing {
        return Ok(id);
    }
    db.write(async |tx| {
        // Two imports starting at once on PostgreSQL would each find no buyer and make one:
        // the second waits here and then finds the first's (SQLite has one writer anyway).
        if tx.get_database_backend() == DbBackend::Postgres {
            tx.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({SHOP_BUYER_LOCK})"))
                .await?;
        }
        if let Some(id) = query()
            .select_only()
            .column(buyer::Column::Id)
            .into_tuple()
            .one(tx)
            .await?
        {
            return Ok(id);
        }
        let now = chrono::Utc::now();
        let created = buyer::Entity::insert(buyer::ActiveModel {
            kind: Set(BuyerKind::Individual),
            name: Set(SHOP_BUYER.into()),
            phone: Set(None),
            address: Set(None),
            company: Set(None),
            contacts: Set(serde_json::json!([])),
            payment_terms: Set(None),
            douyin_nickname: Set(Some(SHOP_BUYER.into())),
            created_at: Set(now),
            updated_at: Set(now),
            erased_at: Set(None),
            ..Default::default()
        })
        .exec(tx)
        .await?;
        Ok(created.last_insert_id)
    })
    .await
}

/// The SKU codes of the file's paid orders without a map, with a product name and how many rows
/// need each (unpaid and closed orders take no stock, so they need none), gathered part by part.
#[derive(Default)]
pub struct Unmapped(BTreeMap<String, (String, i64)>);

impl Unmapped {
    pub fn add(&mut self, orders: &[FileOrder], targets: &HashMap<String, Target>) {
        let paid = orders.iter().filter(|o| o.rows[0].state == ShopState::Paid);
        for r in paid.flat_map(|o| &o.rows) {
            if !targets.contains_key(&r.sku_code) {
                let e = self
                    .0
                    .entry(r.sku_code.clone())
                    .or_insert_with(|| (r.product_name.clone(), 0));
                e.1 += 1;
            }
        }
    }

    pub fn list(self) -> Vec<UnmappedSku> {
        self.0
            .into_iter()
            .map(|(sku_code, (product_name, rows))| UnmappedSku {
                sku_code,
                product_name,
                rows,
            })
            .collect()
    }
}
