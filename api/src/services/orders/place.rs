//! Placing an order.
//!
//! One write transaction: take stock from each batch with a conditional UPDATE in batch-id order
//! (a fixed order means two multi-line orders cannot deadlock), then insert the order, its lines
//! and their sales figures ([`super::insert`]), and the idempotency record. Any short line rolls
//! everything back. On PostgreSQL the round trips are those of the bare SQL: BEGIN, one UPDATE
//! per batch, two INSERTs, COMMIT.
//!
//! When the stock is taken:
//! - a small order (the hot path) takes it first, and prices its lines from the locked rows
//!   (`RETURNING`);
//! - a bulk order on PostgreSQL takes it last, just before the commit. Its lines, facts and log
//!   rows take several milliseconds to write, and every other order on the same batches would
//!   wait that long behind its row locks: at 8 partners sending 200-line orders, the orders
//!   queued one behind another. It prices its lines from the batches as read when the order
//!   arrived, so a price changed while it is in flight does not apply to it, as for an order
//!   that arrived a moment earlier. Stock and a batch's status are checked by the UPDATE itself,
//!   so it never oversells nor sells from a closed batch.

use super::insert::FigureTerms;
use crate::db::hub::Notice;
use crate::db::{Db, Tx};
use crate::domain::caller::Caller;
use crate::domain::money::{self, MAX_QUANTITY};
use crate::domain::units::{BatchId, BuyerId, Fen};
use crate::dto::orders::{CreateOrder, OrderOut};
use crate::error::{AppError, AppResult, Invariant, Validator};
use crate::services::audit::{self, Change};
use crate::services::contract_prices;
use crate::services::facts::Facts;
pub use crate::services::idempotency::Placed;
use crate::services::idempotency::{self, Keyed, Outcome};
use crate::services::live;
use crate::services::money::rules::RulesCache;
use crate::services::reports::facts::BatchInfo;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use std::collections::{BTreeMap, HashMap};
use zhunong_entity::enums::{AuditAction, AuditEntity};
use zhunong_entity::enums::{BuyerKind, Channel, OrderStatus, PaymentStatus, Pricing};
use zhunong_entity::{batch, order};

/// What placing an order needs besides the request: caches, the notice hub, limits, the day.
pub struct OrderContext<'a> {
    pub facts: &'a Facts,
    pub rules: &'a RulesCache,
    pub max_lines: usize,
    pub today: chrono::NaiveDate,
    /// How long a request waits for an earlier one with the same `Idempotency-Key`.
    pub in_flight_wait: std::time::Duration,
    /// Channels whose orders are confirmed as they are placed (`ZHUNONG_AUTO_CONFIRM_CHANNELS`).
    pub auto_confirm: &'a [Channel],
}

/// Who is placing the order: staff (the buyer is named in the request) or a partner system
/// (always for its own buyer; the key's creator is recorded as the user).
#[derive(Clone, Copy)]
pub enum Placer<'a> {
    Staff(&'a Caller),
    Partner {
        acting_user: i64,
    },
    /// An after-sales reship (补寄): the goods again, at no price.
    Reship(&'a Caller),
}

impl Placer<'_> {
    fn user_id(self) -> i64 {
        match self {
            Self::Staff(c) | Self::Reship(c) => c.user_id,
            Self::Partner { acting_user } => acting_user,
        }
    }

    fn is_partner(self) -> bool {
        matches!(self, Self::Partner { .. })
    }
}

fn validate(req: &CreateOrder, max_lines: usize, partner: bool) -> AppResult<()> {
    let mut v = Validator::default();
    v.check(
        !req.lines.is_empty(),
        "lines",
        "an order needs at least one line",
    );
    v.check(
        req.lines.len() <= max_lines,
        "lines",
        format!("at most {max_lines} lines per order"),
    );
    v.check(
        (req.channel == Channel::PartnerApi) == partner,
        "channel",
        "partner_api orders come through the partner API",
    );
    v.check(
        req.channel != Channel::DouyinShop,
        "channel",
        "douyin_shop orders come from the shop's order export (POST /shop/order-imports)",
    );
    v.check(
        req.live_session_id.is_none() || req.channel == Channel::Livestream,
        "channel",
        "orders in a live session are livestream orders",
    );
    v.opt_text(req.note.as_deref(), "note", 500);
    v.check(
        !(partner && req.fulfilment == Some(zhunong_entity::enums::Fulfilment::Pickup)),
        "fulfilment",
        "a partner's order goes by load or parcel",
    );
    for (i, line) in req.lines.iter().enumerate() {
        v.check(
            (1..=MAX_QUANTITY).contains(&line.quantity),
            format!("lines[{i}].quantity"),
            format!("must be between 1 and {MAX_QUANTITY}"),
        );
        v.check(
            line.batch_id > 0,
            format!("lines[{i}].batch_id"),
            "must be a batch id",
        );
    }
    v.finish()
}

/// Places an order, or replays the stored answer for a repeated `Idempotency-Key`.
///
/// # Errors
/// 422 for invalid fields, unknown buyer or batch, or a reused key with another body; 409 for
/// short stock (listing every short line) or a closed batch.
pub async fn place(
    db: &Db,
    ctx: &OrderContext<'_>,
    placer: Placer<'_>,
    req: CreateOrder,
    keyed: Option<Keyed>,
) -> AppResult<Placed> {
    validate(&req, ctx.max_lines, placer.is_partner())?;
    let placed = idempotency::keyed_write_prepared(
        db,
        keyed.as_ref(),
        ctx.in_flight_wait,
        async || prepare(&db.read, ctx, placer, &req).await,
        async |tx, prepared| write_order(tx, &db.read, ctx, placer, &req, prepared).await,
    )
    .await;
    match &placed {
        Ok(p) if !p.replayed => crate::metrics::order_placed(req.channel.as_str()),
        Err(AppError::InsufficientStock(_)) => crate::metrics::stock_refused(),
        _ => {}
    }
    placed
}

/// The reads made before the transaction.
async fn prepare(
    read: &crate::db::Reader,
    ctx: &OrderContext<'_>,
    placer: Placer<'_>,
    req: &CreateOrder,
) -> AppResult<Prepared> {
    let (db, facts) = (read, ctx.facts);
    let buyer_kind = facts
        .buyer_kind(db, req.buyer_id)
        .await?
        .ok_or_else(|| AppError::field("buyer_id", format!("no buyer with id {}", req.buyer_id)))?;
    // The quantity per batch, in batch-id order: lines on one batch count together.
    let mut needs: BTreeMap<BatchId, i64> = BTreeMap::new();
    for l in &req.lines {
        *needs.entry(BatchId::new(l.batch_id)).or_default() += l.quantity;
    }

    // The commission rule in force is copied onto each line; found before the transaction so
    // the stock row lock is held no longer for it.
    let batch_ids: Vec<i64> = needs.keys().map(|b| b.get()).collect();
    let products = facts.batch_products(db, &batch_ids).await?;
    let pairs: Vec<(i64, i64)> = products.iter().map(|(b, p)| (*b, *p)).collect();
    let rules = ctx
        .rules
        .in_force(db, req.channel, &pairs, ctx.today)
        .await?;
    let contract = if placer.is_partner() {
        contract_prices::for_order(db, BuyerId::new(req.buyer_id), &products, &needs, ctx.today)
            .await?
    } else {
        HashMap::new()
    };
    let live = match req.live_session_id {
        Some(session) => Some(live::terms_for_order(db, session, &batch_ids).await?),
        None => None,
    };
    // How each batch is priced, looked up once per batch however many lines share it.
    let mut pricing = HashMap::new();
    for (batch, product) in &products {
        pricing.insert(*batch, facts.pricing(db, *product).await?);
    }
    let fulfilment =
        crate::services::fulfilment::recipients::resolve(db, req.buyer_id, &req.fulfilment_in())
            .await?;
    let seen = if super::stock::takes_stock_last(db.get_database_backend(), &needs) {
        let rows = batch::Entity::find()
            .filter(batch::Column::Id.is_in(batch_ids.clone()))
            .all(db)
            .await?;
        // An unknown batch is reported by the usual path (422 naming its line).
        (rows.len() == needs.len())
            .then(|| rows.into_iter().map(|b| (BatchId::new(b.id), b)).collect())
    } else {
        None
    };
    Ok(Prepared {
        seen,
        fulfilment,
        needs,
        buyer_kind,
        rules,
        contract,
        live,
        pricing,
    })
}

/// What was looked up before the transaction, so that the stock row locks are held no longer
/// than the writes need.
struct Prepared {
    /// For an order that takes its stock last, its batches as read before the transaction.
    seen: Option<HashMap<BatchId, zhunong_entity::batch::Model>>,
    /// How the order will reach its buyer, with the recipient to write.
    fulfilment: crate::services::fulfilment::recipients::Resolved,
    /// The quantity per batch, in batch-id order.
    needs: BTreeMap<BatchId, i64>,
    buyer_kind: BuyerKind,
    rules: HashMap<i64, crate::services::money::rules::RuleSnapshot>,
    contract: HashMap<i64, i64>,
    live: Option<live::LiveTerms>,
    /// How each batch's product is priced (by weight or by piece).
    pricing: HashMap<i64, zhunong_entity::enums::Pricing>,
}

/// The transaction's part: stock, limits, the order and its lines; the first answer.
async fn write_order(
    tx: &Tx,
    read: &crate::db::Reader,
    ctx: &OrderContext<'_>,
    placer: Placer<'_>,
    req: &CreateOrder,
    p: &Prepared,
) -> AppResult<(Outcome, String)> {
    let Prepared {
        seen,
        fulfilment,
        needs,
        buyer_kind,
        rules,
        contract,
        live,
        pricing,
    } = p;
    let (buyer_kind, facts) = (*buyer_kind, ctx.facts);
    let locked_first = match seen {
        Some(_) => None,
        None => Some(super::stock::take_for_order(tx, read, req, needs, live.as_ref()).await?),
    };
    let locked = seen
        .as_ref()
        .or(locked_first.as_ref())
        .invariant("an order's batches are read or locked")?;

    let mut shares = HashMap::new();
    for (batch, rule) in rules.iter() {
        shares.insert(
            *batch,
            crate::services::stored_shares::to_json(&rule.shares)?,
        );
    }
    let mut lines = Vec::with_capacity(req.lines.len());
    for (i, l) in req.lines.iter().enumerate() {
        let b = locked
            .get(&BatchId::new(l.batch_id))
            .invariant("a line's batch was taken")?;
        let unit_price = Fen::new(match (&live, buyer_kind) {
            _ if matches!(placer, Placer::Reship(_)) => 0,
            _ if contract.contains_key(&l.batch_id) => contract[&l.batch_id],
            (Some(terms), _) => terms
                .featured
                .get(&l.batch_id)
                .map_or(b.retail_price_fen, |f| f.live_price_fen),
            (None, BuyerKind::Enterprise) => b.enterprise_price_fen,
            (None, BuyerKind::Individual) => b.retail_price_fen,
        });
        let pricing = *pricing
            .get(&l.batch_id)
            .invariant("every ordered batch has its pricing")?;
        let amount = money::line_amount_fen(pricing, l.quantity, unit_price)
            .ok_or_else(|| AppError::field(format!("lines[{i}].quantity"), "amount too large"))?;
        lines.push(
            super::insert::SoldLine {
                line_no: i + 1,
                batch_id: l.batch_id,
                quantity: l.quantity,
                unit_price_fen: unit_price.get(),
                amount_fen: amount.get(),
                rule: rules.get(&l.batch_id),
                shares: shares.get(&l.batch_id).cloned(),
                fixed: false,
            }
            .model(),
        );
    }
    let total = Fen::sum(lines.iter().map(|l| Fen::new(l.amount_fen)))
        .map(Fen::get)
        .ok_or_else(|| AppError::field("lines", "order total too large"))?;

    let now = chrono::Utc::now();
    let confirmed_at_once = ctx.auto_confirm.contains(&req.channel);
    let order = order::ActiveModel {
        buyer_id: Set(req.buyer_id),
        channel: Set(req.channel),
        status: Set(if confirmed_at_once {
            OrderStatus::Confirmed
        } else {
            OrderStatus::Pending
        }),
        payment_status: Set(PaymentStatus::Unpaid),
        total_fen: Set(total),
        note: Set(req.note.clone()),
        created_by: Set(placer.user_id()),
        created_at: Set(now),
        updated_at: Set(now),
        confirmed_at: Set(confirmed_at_once.then_some(now)),
        cancelled_at: Set(None),
        live_session_id: Set(req.live_session_id),
        fulfilment: Set(fulfilment.fulfilment),
        pickup_point_id: Set(fulfilment.pickup_point_id),
        pickup_code: Set(
            (fulfilment.fulfilment == zhunong_entity::enums::Fulfilment::Pickup)
                .then(crate::domain::shipping::new_pickup_code),
        ),
        view_token: Set(Some(crate::domain::shipping::new_view_token())),
        ..Default::default()
    };
    let mut batches = HashMap::new();
    for b in locked.values() {
        let by_weight = facts.pricing(tx, b.product_id).await? == Pricing::ByWeight;
        let info = BatchInfo {
            product_id: b.product_id,
            grower_id: b.grower_id,
            by_weight,
        };
        batches.insert(b.id, info);
    }
    let terms = FigureTerms {
        batches: &batches,
        buyer_kind: buyer_kind.as_str(),
    };
    let (order, line_rows) = super::insert::insert(tx, order, lines, &terms).await?;
    if let Some(recipient) = &fulfilment.recipient {
        crate::services::fulfilment::recipients::write_new(tx, order.id, recipient).await?;
    }
    if seen.is_some() {
        super::stock::take_for_order(tx, read, req, needs, live.as_ref()).await?;
    }
    let placed = OrderOut::new(order, line_rows);
    if confirmed_at_once {
        // Confirmed by the channel's setting rather than by a person: the same audit row and
        // `order.confirmed` event as a confirmation by hand, so partners and the log see it.
        audit::record(
            tx,
            Change::of(
                Some(placer.user_id()),
                AuditAction::ConfirmOrder,
                AuditEntity::Order,
                placed.id,
            )
            .after(serde_json::json!({"status": "confirmed", "automatic": true})),
        )
        .await?;
        crate::services::webhooks::outbox::emit(
            tx,
            crate::dto::events::EventType::OrderConfirmed,
            &crate::dto::events::EventData::order(placed.clone()),
        )
        .await?;
    }
    let body = serde_json::to_string(&placed).map_err(|e| AppError::Internal(e.into()))?;
    if let Some(terms) = &live {
        tx.notify(Notice::LiveSession(terms.session_id)).await?;
    }
    Ok((Outcome::Created, body))
}
