//! Writing an import's new orders, a group at a time, set-based: one statement per table for the
//! whole group (orders, lines, their sales figures, recipients, shop rows, payments, audit rows),
//! after taking the group's stock batch by batch. The single order a refused group falls back to
//! goes the same way, as a group of one.
//!
//! A new order takes its stock as a helper's order does (conditional UPDATEs in batch order), so
//! shop and helper orders placed at the same moment never oversell. It is confirmed, goes by
//! parcel to the shop's recipient, and is paid in full through the platform (`platform`): the
//! payment row is written with it. A new, confirmed order is neither delivered nor settled and
//! the shop's buyer has no webhooks, so the general payment path's settlement and event would
//! only read. Its amount is what the village earns for the goods ([`ShopRow::sale_fen`]), and
//! weighing does not change it (`fixed_amount`).

use super::apply::{Refused, Terms};
use super::plan::NewLine;
use crate::db::Tx;
use crate::domain::money::div_round_half_up;
use crate::domain::shop_export::ShopRow;
use crate::domain::units::BatchId;
use crate::error::{AppError, Invariant};
use crate::services::reports::facts::{self as sales_facts, BatchInfo, OrderFigures};
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, EntityTrait, IntoActiveModel, Set};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use zhunong_entity::enums::{
    AuditAction, AuditEntity, BuyerKind, Channel, Fulfilment, OrderStatus, PaymentMethod,
    PaymentStatus, Pricing,
};
use zhunong_entity::{audit_log, batch, order, order_line, order_recipient, payment};
use zhunong_entity::{shop_order, shop_order_line};

/// One order to create: the file's rows and the planned lines, one per row.
pub struct NewOrder<'a> {
    pub rows: &'a [ShopRow],
    pub lines: &'a [NewLine],
    pub live_session_id: Option<i64>,
}

/// Counts orders placed through the shop, once their transaction has committed.
pub fn count_placed(n: usize) {
    for _ in 0..n {
        crate::metrics::order_placed(Channel::DouyinShop.as_str());
    }
}

/// Creates `group` inside `tx`; answers their ids, in the group's order.
///
/// # Errors
/// [`Refused::Because`] when a batch is short (the caller writes the group again one by one).
pub async fn create(
    tx: &Tx,
    terms: &Terms<'_>,
    group: &[NewOrder<'_>],
) -> Result<Vec<i64>, Refused> {
    let mut needs: BTreeMap<BatchId, i64> = BTreeMap::new();
    for l in group.iter().flat_map(|o| o.lines) {
        *needs.entry(BatchId::new(l.batch_id)).or_default() += l.quantity;
    }
    let taken = crate::services::orders::stock::take(tx, &needs).await?;
    if let Some(short) = taken.short.first() {
        return Err(Refused::Because(format!(
            "库存不足：批次 {} 已不够（同时有别的订单）",
            short.get()
        )));
    }
    let infos = batch_infos(terms, &taken.locked)?;
    let now = chrono::Utc::now();
    let mut heads = Vec::with_capacity(group.len());
    let mut all_lines = Vec::with_capacity(group.len());
    for o in group {
        let lines = line_models(terms, o)?;
        heads.push(head(terms, o, &lines, now));
        all_lines.push(lines);
    }
    // Stored in one statement; each order found again by its view token, which is random and
    // unique, so nothing depends on the order the database answers in.
    let tokens: Vec<String> = heads
        .iter()
        .map(|h| match &h.view_token {
            sea_orm::ActiveValue::Set(Some(t)) => t.clone(),
            _ => String::new(),
        })
        .collect();
    let mut stored: HashMap<String, order::Model> = order::Entity::insert_many(heads)
        .exec_with_returning(tx)
        .await?
        .into_iter()
        .map(|o| (o.view_token.clone().unwrap_or_default(), o))
        .collect();
    let orders: Vec<order::Model> = tokens
        .iter()
        .map(|t| {
            stored
                .remove(t)
                .invariant("every order inserted is returned")
        })
        .collect::<Result<_, _>>()?;
    let line_rows = all_lines.iter().zip(&orders).flat_map(|(lines, o)| {
        lines.iter().map(move |l| {
            let mut a = order_line::Model {
                order_id: o.id,
                ..l.clone()
            }
            .into_active_model()
            .reset_all();
            a.id = NotSet;
            a
        })
    });
    let mut by_order: HashMap<i64, Vec<order_line::Model>> = HashMap::new();
    for l in order_line::Entity::insert_many(line_rows)
        .exec_with_returning(tx)
        .await?
    {
        by_order.entry(l.order_id).or_default().push(l);
    }
    for lines in by_order.values_mut() {
        lines.sort_by_key(|l| l.line_no);
    }
    let mut facts = Vec::new();
    for o in &orders {
        let figures = OrderFigures {
            order: o,
            lines: by_order.get(&o.id).map_or(&[], Vec::as_slice),
            batches: &infos,
            buyer_kind: BuyerKind::Individual.as_str(),
            refunds_fen: 0,
            shipping_cost_fen: 0,
        };
        facts.extend(sales_facts::rows(&figures, tx.local_offset())?);
    }
    sales_facts::insert_rows(tx, &facts).await?;
    write_shop_rows(tx, terms, group, &orders, &by_order).await?;
    write_payments(tx, terms, group, &orders).await?;
    let shows: BTreeSet<i64> = group.iter().filter_map(|o| o.live_session_id).collect();
    for session in shows {
        tx.notify(crate::db::hub::Notice::LiveSession(session))
            .await?;
    }
    Ok(orders.iter().map(|o| o.id).collect())
}

fn batch_infos(
    terms: &Terms<'_>,
    locked: &HashMap<BatchId, batch::Model>,
) -> Result<HashMap<i64, BatchInfo>, AppError> {
    let mut out = HashMap::with_capacity(locked.len());
    for b in locked.values() {
        let pricing = *terms
            .pricing
            .get(&b.id)
            .invariant("every batch has its pricing")?;
        out.insert(
            b.id,
            BatchInfo {
                product_id: b.product_id,
                grower_id: b.grower_id,
                by_weight: pricing == Pricing::ByWeight,
            },
        );
    }
    Ok(out)
}

/// The order's lines as they will be stored (ids are the database's).
fn line_models(terms: &Terms<'_>, o: &NewOrder<'_>) -> Result<Vec<order_line::Model>, AppError> {
    let mut models = Vec::with_capacity(o.lines.len());
    for (i, (l, r)) in o.lines.iter().zip(o.rows).enumerate() {
        let pricing = *terms
            .pricing
            .get(&l.batch_id)
            .invariant("every batch has its pricing")?;
        let amount = r.sale_fen();
        // The price per jin or per piece the box came to, for the pick list and the slip; the
        // amount is the shop's and stays exact.
        let per = if pricing == Pricing::ByWeight { 500 } else { 1 };
        let unit = div_round_half_up(
            i128::from(amount) * per,
            i128::from(std::cmp::max(l.quantity, 1)),
        );
        let rule = terms.rules.get(&l.batch_id);
        models.push(
            crate::services::orders::insert::SoldLine {
                line_no: i + 1,
                batch_id: l.batch_id,
                quantity: l.quantity,
                unit_price_fen: i64::try_from(unit).unwrap_or(i64::MAX),
                amount_fen: amount,
                rule,
                shares: match rule {
                    Some(r) => Some(crate::services::stored_shares::to_json(&r.shares)?),
                    None => None,
                },
                fixed: true,
            }
            .model(),
        );
    }
    Ok(models)
}

/// The order row: confirmed, by parcel, paid in full, sold when the shop says it was paid.
fn head(
    terms: &Terms<'_>,
    o: &NewOrder<'_>,
    lines: &[order_line::Model],
    now: chrono::DateTime<chrono::Utc>,
) -> order::ActiveModel {
    let first = &o.rows[0];
    let total: i64 = lines.iter().map(|l| l.amount_fen).sum();
    order::ActiveModel {
        buyer_id: Set(terms.buyer_id),
        channel: Set(Channel::DouyinShop),
        status: Set(OrderStatus::Confirmed),
        payment_status: Set(PaymentStatus::Paid),
        paid_fen: Set(total),
        total_fen: Set(total),
        note: Set(Some(format!("抖店订单 {}", first.order_id))),
        created_by: Set(terms.caller.user_id),
        created_at: Set(first.paid_at.unwrap_or(now)),
        updated_at: Set(now),
        confirmed_at: Set(Some(now)),
        cancelled_at: Set(None),
        live_session_id: Set(o.live_session_id),
        fulfilment: Set(Fulfilment::Parcel),
        view_token: Set(Some(crate::domain::shipping::new_view_token())),
        ..Default::default()
    }
}

/// The recipients, the shop's order rows and its line rows.
async fn write_shop_rows(
    tx: &Tx,
    terms: &Terms<'_>,
    group: &[NewOrder<'_>],
    orders: &[order::Model],
    lines: &HashMap<i64, Vec<order_line::Model>>,
) -> Result<(), Refused> {
    let now = chrono::Utc::now();
    let cut = |s: &str, n: usize| s.trim().chars().take(n).collect::<String>();
    order_recipient::Entity::insert_many(orders.iter().zip(group).map(|(o, new)| {
        let p = &new.rows[0].recipient;
        order_recipient::ActiveModel {
            order_id: Set(o.id),
            name: Set(cut(&p.name, 50)),
            phone: Set(cut(&p.phone, 20)),
            province: Set(cut(&p.province, 20)),
            city: Set(cut(&p.city, 20)),
            district: Set(cut(&p.district, 20)),
            street: Set(cut(&p.street, 50)),
            detail: Set(cut(&p.detail, 200)),
            raw_text: Set(None),
            unsure: Set(String::new()),
            created_at: Set(now),
        }
    }))
    .exec_without_returning(tx)
    .await?;
    let sum = |rows: &[ShopRow], f: fn(&ShopRow) -> i64| rows.iter().map(f).sum::<i64>();
    shop_order::Entity::insert_many(orders.iter().zip(group).map(|(o, new)| {
        let first = &new.rows[0];
        shop_order::ActiveModel {
            order_id: Set(o.id),
            platform_order_id: Set(first.order_id.clone()),
            state: Set(cut(&first.state_word, 64)),
            goods_fen: Set(sum(new.rows, |r| r.goods_fen)),
            shipping_fen: Set(sum(new.rows, |r| r.shipping_fen)),
            paid_fen: Set(sum(new.rows, |r| r.paid_fen)),
            platform_discount_fen: Set(sum(new.rows, |r| r.platform_discount_fen)),
            shop_discount_fen: Set(sum(new.rows, |r| r.shop_discount_fen)),
            host_discount_fen: Set(sum(new.rows, |r| r.host_discount_fen)),
            refunded_fen: Set(0),
            paid_at: Set(o.created_at),
            import_id: Set(terms.import_id),
            shipped_back_at: Set(None),
        }
    }))
    .exec_without_returning(tx)
    .await?;
    let line_rows = orders.iter().zip(group).flat_map(|(o, new)| {
        lines
            .get(&o.id)
            .into_iter()
            .flatten()
            .zip(new.rows)
            .map(|(l, r)| shop_order_line::ActiveModel {
                order_line_id: Set(l.id),
                order_id: Set(o.id),
                sub_order_id: Set(r.sub_order_id.clone()),
                sku_code: Set(r.sku_code.clone()),
                state: Set(cut(&r.after_sale_word, 64)),
                refunded_fen: Set(0),
            })
    });
    shop_order_line::Entity::insert_many(line_rows)
        .exec_without_returning(tx)
        .await?;
    Ok(())
}

/// The platform's payment of each order in full, with its audit row.
async fn write_payments(
    tx: &Tx,
    terms: &Terms<'_>,
    group: &[NewOrder<'_>],
    orders: &[order::Model],
) -> Result<(), Refused> {
    let now = chrono::Utc::now();
    let user = terms.caller.user_id;
    let paid = payment::Entity::insert_many(orders.iter().zip(group).map(|(o, new)| {
        payment::ActiveModel {
            order_id: Set(o.id),
            amount_fen: Set(o.total_fen),
            method: Set(PaymentMethod::Platform),
            reference: Set(Some(format!("抖店 {}", new.rows[0].order_id))),
            reason: Set(None),
            paid_at: Set(o.created_at),
            recorded_by: Set(user),
            created_at: Set(now),
            ..Default::default()
        }
    }))
    .exec_with_returning(tx)
    .await?;
    audit_log::Entity::insert_many(paid.iter().map(|p| audit_log::ActiveModel {
        at: Set(now),
        actor_user_id: Set(Some(user)),
        action: Set(AuditAction::RecordPayment),
        entity: Set(AuditEntity::Order),
        entity_id: Set(p.order_id),
        before: Set(None),
        after: Set(Some(serde_json::json!({
            "payment_id": p.id,
            "amount_fen": p.amount_fen,
            "method": p.method,
            "reference": p.reference,
            "paid_fen": p.amount_fen,
            "due_fen": p.amount_fen,
        }))),
        ..Default::default()
    }))
    .exec_without_returning(tx)
    .await?;
    Ok(())
}
