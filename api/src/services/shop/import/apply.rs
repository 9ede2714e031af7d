//! The writes of a committed import, one transaction per order, so a refused order (short stock,
//! a parcel already packed) leaves the rest of the file applied.
//!
//! A new order takes its stock as a helper's order does (conditional UPDATEs in batch order), so
//! shop and helper orders placed at the same moment never oversell. It is confirmed, goes by
//! parcel to the shop's recipient, and is paid in full through the platform (`platform`); the
//! amount is what the village earns for the goods ([`ShopRow::sale_fen`]), and weighing does
//! not change it (`fixed_amount`).

use super::plan::{NewLine, Refund};
use crate::db::Tx;
use crate::domain::caller::Caller;
use crate::domain::money::div_round_half_up;
use crate::domain::shop_export::ShopRow;
use crate::domain::shop_export::values::AfterSale;
use crate::domain::units::{BatchId, OrderId};
use crate::dto::fulfilment::RecipientIn;
use crate::dto::money::RecordPayment;
use crate::error::{AppError, AppResult, Invariant};
use crate::services::audit::{self, Change};
use crate::services::money::payments::write_payment;
use crate::services::money::rules::RuleSnapshot;
use crate::services::orders::insert::{FigureTerms, insert};
use crate::services::reports::facts::BatchInfo;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, ExprTrait, QueryFilter, Set};
use std::collections::{BTreeMap, HashMap};
use zhunong_entity::enums::{AuditAction, AuditEntity};
use zhunong_entity::enums::{
    Channel, Fulfilment, OrderStatus, PaymentMethod, PaymentStatus, Pricing,
};
use zhunong_entity::{order, order_line, payment, shop_order, shop_order_line};

/// What every new order of one import shares.
pub struct Terms<'a> {
    pub caller: &'a Caller,
    pub buyer_id: i64,
    pub import_id: i64,
    pub today: chrono::NaiveDate,
    /// The commission rule in force per batch, for the shop's channel.
    pub rules: &'a HashMap<i64, RuleSnapshot>,
    pub pricing: &'a HashMap<i64, Pricing>,
}

/// Why an order was not written, in the office's words; other errors are the database's.
pub enum Refused {
    Because(String),
    Failed(AppError),
}

impl From<AppError> for Refused {
    fn from(e: AppError) -> Self {
        Self::Failed(e)
    }
}

impl From<sea_orm::DbErr> for Refused {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Failed(e.into())
    }
}

/// Creates the order of `rows` (lines as planned), inside `tx`; answers its id.
///
/// # Errors
/// [`Refused::Because`] for short stock.
pub async fn create(
    tx: &Tx,
    terms: &Terms<'_>,
    rows: &[ShopRow],
    lines: &[NewLine],
    live_session_id: Option<i64>,
) -> Result<i64, Refused> {
    let mut needs: BTreeMap<BatchId, i64> = BTreeMap::new();
    for l in lines {
        *needs.entry(BatchId::new(l.batch_id)).or_default() += l.quantity;
    }
    let taken = crate::services::orders::stock::take(tx, &needs).await?;
    if let Some(short) = taken.short.first() {
        return Err(Refused::Because(format!(
            "库存不足：批次 {} 已不够（同时有别的订单）",
            short.get()
        )));
    }
    let first = &rows[0];
    let mut models = Vec::with_capacity(lines.len());
    let mut batches = HashMap::new();
    for (i, (l, r)) in lines.iter().zip(rows).enumerate() {
        let b = taken
            .locked
            .get(&BatchId::new(l.batch_id))
            .invariant("a line's batch was taken")?;
        let pricing = *terms
            .pricing
            .get(&l.batch_id)
            .invariant("every batch has its pricing")?;
        let by_weight = pricing == Pricing::ByWeight;
        batches.insert(
            b.id,
            BatchInfo {
                product_id: b.product_id,
                grower_id: b.grower_id,
                by_weight,
            },
        );
        let amount = r.sale_fen();
        // The price per jin or per piece the box came to, for the pick list and the slip; the
        // amount is the shop's and stays exact.
        let per = if by_weight { 500 } else { 1 };
        let unit = div_round_half_up(
            i128::from(amount) * per,
            i128::from(std::cmp::max(l.quantity, 1)),
        );
        let rule = terms.rules.get(&l.batch_id);
        models.push(order_line::Model {
            id: 0,
            order_id: 0,
            line_no: i32::try_from(i + 1).unwrap_or(i32::MAX),
            batch_id: l.batch_id,
            quantity: l.quantity,
            unit_price_fen: i64::try_from(unit).unwrap_or(i64::MAX),
            amount_fen: amount,
            weighed_g: None,
            final_amount_fen: None,
            flagged: false,
            weighing_completed_at: None,
            stock_beyond_order: 0,
            commission_rule_id: rule.map(|r| r.rule_id),
            commission_bp: rule.map(|r| r.basis_points),
            commission_fen_per_jin: rule.map(|r| r.fen_per_jin),
            commission_shares: match rule {
                Some(r) => Some(crate::services::stored_shares::to_json(&r.shares)?),
                None => None,
            },
            fixed_amount: true,
        });
    }
    let total: i64 = models.iter().map(|l| l.amount_fen).sum();
    let now = chrono::Utc::now();
    let sold_at = first.paid_at.unwrap_or(now);
    let new_order = order::ActiveModel {
        buyer_id: Set(terms.buyer_id),
        channel: Set(Channel::DouyinShop),
        status: Set(OrderStatus::Confirmed),
        // Paid in full through the platform as it is written: the payment row follows.
        payment_status: Set(PaymentStatus::Paid),
        paid_fen: Set(total),
        total_fen: Set(total),
        note: Set(Some(format!("抖店订单 {}", first.order_id))),
        created_by: Set(terms.caller.user_id),
        created_at: Set(sold_at),
        updated_at: Set(now),
        confirmed_at: Set(Some(now)),
        cancelled_at: Set(None),
        live_session_id: Set(live_session_id),
        fulfilment: Set(Fulfilment::Parcel),
        view_token: Set(Some(crate::domain::shipping::new_view_token())),
        ..Default::default()
    };
    let figure_terms = FigureTerms {
        batches: &batches,
        buyer_kind: zhunong_entity::enums::BuyerKind::Individual.as_str(),
    };
    let (stored, stored_lines) = insert(tx, new_order, models, &figure_terms).await?;
    crate::services::fulfilment::recipients::write_new(tx, stored.id, &recipient(first)).await?;
    shop_order::Entity::insert(shop_order::ActiveModel {
        order_id: Set(stored.id),
        platform_order_id: Set(first.order_id.clone()),
        state: Set(first.state_word.chars().take(64).collect()),
        goods_fen: Set(rows.iter().map(|r| r.goods_fen).sum()),
        shipping_fen: Set(rows.iter().map(|r| r.shipping_fen).sum()),
        paid_fen: Set(rows.iter().map(|r| r.paid_fen).sum()),
        platform_discount_fen: Set(rows.iter().map(|r| r.platform_discount_fen).sum()),
        shop_discount_fen: Set(rows.iter().map(|r| r.shop_discount_fen).sum()),
        host_discount_fen: Set(rows.iter().map(|r| r.host_discount_fen).sum()),
        refunded_fen: Set(0),
        paid_at: Set(sold_at),
        import_id: Set(terms.import_id),
        shipped_back_at: Set(None),
    })
    .exec_without_returning(tx)
    .await?;
    shop_order_line::Entity::insert_many(stored_lines.iter().zip(rows).map(|(l, r)| {
        shop_order_line::ActiveModel {
            order_line_id: Set(l.id),
            order_id: Set(stored.id),
            sub_order_id: Set(r.sub_order_id.clone()),
            sku_code: Set(r.sku_code.clone()),
            state: Set(r.after_sale_word.chars().take(64).collect()),
            refunded_fen: Set(0),
        }
    }))
    .exec_without_returning(tx)
    .await?;
    record_platform_payment(tx, terms.caller, &stored, &first.order_id, sold_at).await?;
    let refunds: Vec<Refund> = stored_lines
        .iter()
        .zip(rows)
        .filter(|(_, r)| r.after_sale == AfterSale::Refunded)
        .map(|(l, r)| Refund {
            line_id: l.id,
            sub_order_id: r.sub_order_id.clone(),
            fen: l.amount_fen,
        })
        .collect();
    refund_lines(tx, terms.caller, stored.id, &refunds, terms.today).await?;
    crate::metrics::order_placed(Channel::DouyinShop.as_str());
    if let Some(session) = live_session_id {
        tx.notify(crate::db::hub::Notice::LiveSession(session))
            .await?;
    }
    Ok(stored.id)
}

/// The payment the platform collected, written with the order: a new, confirmed order is neither
/// delivered nor settled, and the shop's buyer has no webhooks, so the general payment path's
/// settlement and event would only read. The payment row and its audit row are the same.
async fn record_platform_payment(
    tx: &Tx,
    caller: &Caller,
    order: &order::Model,
    platform_id: &str,
    paid_at: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let p = payment::ActiveModel {
        order_id: Set(order.id),
        amount_fen: Set(order.total_fen),
        method: Set(PaymentMethod::Platform),
        reference: Set(Some(format!("抖店 {platform_id}"))),
        reason: Set(None),
        paid_at: Set(paid_at),
        recorded_by: Set(caller.user_id),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    audit::record(
        tx,
        Change::of(
            Some(caller.user_id),
            AuditAction::RecordPayment,
            AuditEntity::Order,
            order.id,
        )
        .after(serde_json::json!({
            "payment_id": p.id,
            "amount_fen": p.amount_fen,
            "method": p.method,
            "reference": p.reference,
            "paid_fen": order.paid_fen,
            "due_fen": order.total_fen,
        })),
    )
    .await?;
    Ok(())
}

/// Refunds each line once: the line's refunded amount moves from 0 only
/// under a conditional UPDATE, so a second import of the same refund finds nothing to do.
/// Answers how many were refunded here.
///
/// # Errors
/// Database errors; a refund beyond what was paid (409).
pub async fn refund_lines(
    tx: &Tx,
    caller: &Caller,
    order_id: i64,
    refunds: &[Refund],
    today: chrono::NaiveDate,
) -> AppResult<usize> {
    let mut done = 0;
    for Refund {
        line_id: line,
        sub_order_id: sub,
        fen,
    } in refunds
    {
        let paid = order::Entity::find_by_id(order_id)
            .one(tx)
            .await?
            .map_or(0, |o| o.paid_fen);
        let back = std::cmp::min(*fen, paid);
        if back <= 0 {
            continue;
        }
        let moved = shop_order_line::Entity::update_many()
            .col_expr(shop_order_line::Column::RefundedFen, Expr::value(back))
            .filter(shop_order_line::Column::OrderLineId.eq(*line))
            .filter(shop_order_line::Column::RefundedFen.eq(0))
            .exec(tx)
            .await?;
        if moved.rows_affected == 0 {
            continue;
        }
        shop_order::Entity::update_many()
            .col_expr(
                shop_order::Column::RefundedFen,
                Expr::col(shop_order::Column::RefundedFen).add(back),
            )
            .filter(shop_order::Column::OrderId.eq(order_id))
            .exec(tx)
            .await?;
        let refund = RecordPayment {
            amount_fen: -back,
            method: PaymentMethod::Platform,
            reference: Some(format!("抖店 子订单 {sub}")),
            reason: Some("抖店售后退款".into()),
            paid_at: None,
        };
        write_payment(tx, caller, OrderId::new(order_id), &refund, today).await?;
        done += 1;
    }
    Ok(done)
}

/// Applies a planned change: the refunds, then the cancellation the shop made.
///
/// # Errors
/// [`Refused::Because`] when the order can no longer be cancelled (packed, shipped, on a load).
pub async fn change(
    tx: &Tx,
    caller: &Caller,
    order_id: i64,
    refunds: &[Refund],
    cancel: bool,
    today: chrono::NaiveDate,
) -> Result<(), Refused> {
    refund_lines(tx, caller, order_id, refunds, today).await?;
    if cancel {
        match crate::services::orders::cancel_in(
            tx,
            caller,
            OrderId::new(order_id),
            Some("抖店订单已关闭"),
        )
        .await
        {
            Ok(_) => {}
            Err(AppError::Conflict { detail, .. }) => {
                return Err(Refused::Because(format!(
                    "抖店已关闭，但本系统无法取消：{detail}"
                )));
            }
            Err(e) => return Err(e.into()),
        }
        shop_order::Entity::update_many()
            .col_expr(shop_order::Column::State, Expr::value("已关闭"))
            .filter(shop_order::Column::OrderId.eq(order_id))
            .exec(tx)
            .await?;
    }
    Ok(())
}

fn recipient(r: &ShopRow) -> RecipientIn {
    let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let p = &r.recipient;
    RecipientIn {
        name: cut(&p.name, 50),
        phone: cut(&p.phone, 20),
        province: cut(&p.province, 20),
        city: cut(&p.city, 20),
        district: cut(&p.district, 20),
        street: cut(&p.street, 50),
        detail: cut(&p.detail, 200),
        raw_text: None,
        unsure: Vec::new(),
    }
}
