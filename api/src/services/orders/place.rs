//! Placing an order.
//!
//! One write transaction: take stock from each batch with a conditional UPDATE in batch-id order
//! (the row lock comes first, and a fixed order means two multi-line orders cannot deadlock),
//! read each locked batch's price from the same statement (`RETURNING`), then insert the order,
//! its lines in one statement, and the idempotency record. Any short line rolls everything back.

use crate::auth::extractor::Caller;
use crate::db::Db;
use crate::domain::money::{self, MAX_QUANTITY};
use crate::dto::orders::{CreateOrder, OrderOut};
use crate::error::{AppError, AppResult, Shortage, Validator, is_unique_violation};
use crate::services::idempotency::{self, Keyed, Stored};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, JoinType, QueryFilter,
    QuerySelect, RelationTrait, Set,
};
use std::collections::{BTreeMap, HashMap};
use zhunong_entity::enums::{BatchStatus, BuyerKind, Channel, OrderStatus, PaymentStatus, Pricing};
use zhunong_entity::{batch, buyer, order, order_line, product};

/// The outcome of placing: the response body (exactly what was stored for replay) and whether it
/// is a replay of an earlier answer.
pub struct Placed {
    pub status: u16,
    pub body: String,
    pub replayed: bool,
}

fn validate(req: &CreateOrder, max_lines: usize) -> AppResult<()> {
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
        req.channel != Channel::PartnerApi,
        "channel",
        "partner_api orders come through the partner API",
    );
    v.opt_text(req.note.as_deref(), "note", 500);
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

/// What each batch of the order needs: pricing of its product and the summed quantity.
struct BatchNeed {
    pricing: Pricing,
    quantity: i64,
}

/// Places an order, or replays the stored answer for a repeated `Idempotency-Key`.
///
/// # Errors
/// 422 for invalid fields, unknown buyer or batch, or a reused key with another body; 409 for
/// short stock (listing every short line) or a closed batch.
pub async fn place(
    db: &Db,
    caller: &Caller,
    req: CreateOrder,
    keyed: Option<Keyed>,
    max_lines: usize,
) -> AppResult<Placed> {
    validate(&req, max_lines)?;
    if let Some(k) = &keyed
        && let Some(stored) = idempotency::lookup(&db.conn, k).await?
    {
        return Ok(replay(stored));
    }
    let buyer = buyer::Entity::find_by_id(req.buyer_id)
        .one(&db.conn)
        .await?
        .ok_or_else(|| AppError::field("buyer_id", format!("no buyer with id {}", req.buyer_id)))?;
    let needs = batch_needs(&db.conn, &req).await?;

    let txn = db.begin_write().await?;
    let mut locked: HashMap<i64, batch::Model> = HashMap::with_capacity(needs.len());
    let mut short: Vec<i64> = Vec::new();
    for (&batch_id, need) in &needs {
        let rows = batch::Entity::update_many()
            .col_expr(
                batch::Column::StockQty,
                Expr::col(batch::Column::StockQty).sub(need.quantity),
            )
            .filter(batch::Column::Id.eq(batch_id))
            .filter(batch::Column::StockQty.gte(need.quantity))
            .filter(batch::Column::Status.eq(BatchStatus::Open))
            .exec_with_returning(&*txn)
            .await?;
        match rows.into_iter().next() {
            Some(b) => {
                locked.insert(batch_id, b);
            }
            None => short.push(batch_id),
        }
    }
    if !short.is_empty() {
        txn.rollback().await?;
        return Err(shortage_error(&db.conn, &req, &short).await?);
    }

    let mut lines = Vec::with_capacity(req.lines.len());
    for (i, l) in req.lines.iter().enumerate() {
        let b = &locked[&l.batch_id];
        let unit_price = match buyer.kind {
            BuyerKind::Enterprise => b.enterprise_price_fen,
            BuyerKind::Individual => b.retail_price_fen,
        };
        let amount = money::line_amount_fen(needs[&l.batch_id].pricing, l.quantity, unit_price)
            .ok_or_else(|| AppError::field(format!("lines[{i}].quantity"), "amount too large"))?;
        lines.push((i, l.batch_id, l.quantity, unit_price, amount));
    }
    let total = money::total_fen(lines.iter().map(|l| l.4))
        .ok_or_else(|| AppError::field("lines", "order total too large"))?;

    let now = chrono::Utc::now();
    let order = order::ActiveModel {
        buyer_id: Set(buyer.id),
        channel: Set(req.channel),
        status: Set(OrderStatus::Pending),
        payment_status: Set(PaymentStatus::Unpaid),
        total_fen: Set(total),
        note: Set(req.note.clone()),
        created_by: Set(caller.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        confirmed_at: Set(None),
        cancelled_at: Set(None),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let line_models: Vec<order_line::ActiveModel> = lines
        .iter()
        .map(
            |&(i, batch_id, quantity, unit_price_fen, amount_fen)| order_line::ActiveModel {
                order_id: Set(order.id),
                line_no: Set(i32::try_from(i + 1).unwrap_or(i32::MAX)),
                batch_id: Set(batch_id),
                quantity: Set(quantity),
                unit_price_fen: Set(unit_price_fen),
                amount_fen: Set(amount_fen),
                ..Default::default()
            },
        )
        .collect();
    order_line::Entity::insert_many(line_models)
        .exec_without_returning(&*txn)
        .await?;

    let out = OrderOut::new(order, load_lines_from(&lines));
    let body = serde_json::to_string(&out).map_err(|e| AppError::Internal(e.into()))?;
    if let Some(k) = &keyed
        && let Err(e) = idempotency::record(&*txn, k, 201, &body).await
    {
        txn.rollback().await?;
        return if is_unique_violation(&e) {
            // Another request with this key committed first: answer as it did.
            match idempotency::lookup(&db.conn, k).await? {
                Some(stored) => Ok(replay(stored)),
                None => Err(AppError::IdempotencyInFlight),
            }
        } else {
            Err(e.into())
        };
    }
    txn.commit().await?;
    Ok(Placed {
        status: 201,
        body,
        replayed: false,
    })
}

fn replay(s: Stored) -> Placed {
    Placed {
        status: s.status,
        body: s.body,
        replayed: true,
    }
}

/// The lines as stored, without reading them back.
fn load_lines_from(lines: &[(usize, i64, i64, i64, i64)]) -> Vec<order_line::Model> {
    lines
        .iter()
        .map(
            |&(i, batch_id, quantity, unit_price_fen, amount_fen)| order_line::Model {
                id: 0,
                order_id: 0,
                line_no: i32::try_from(i + 1).unwrap_or(i32::MAX),
                batch_id,
                quantity,
                unit_price_fen,
                amount_fen,
            },
        )
        .collect()
}

/// Sums the quantity per batch (in batch-id order) and checks every batch exists. Read before the
/// write transaction: a batch's product never changes, so its pricing cannot go stale.
async fn batch_needs(
    db: &impl ConnectionTrait,
    req: &CreateOrder,
) -> AppResult<BTreeMap<i64, BatchNeed>> {
    let ids: Vec<i64> = req.lines.iter().map(|l| l.batch_id).collect();
    let found: HashMap<i64, Pricing> = batch::Entity::find()
        .select_only()
        .column(batch::Column::Id)
        .column(product::Column::Pricing)
        .join(JoinType::InnerJoin, batch::Relation::Product.def())
        .filter(batch::Column::Id.is_in(ids))
        .into_tuple::<(i64, Pricing)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut needs = BTreeMap::new();
    let mut v = Validator::default();
    for (i, l) in req.lines.iter().enumerate() {
        match found.get(&l.batch_id) {
            None => v.check(
                false,
                format!("lines[{i}].batch_id"),
                format!("no batch with id {}", l.batch_id),
            ),
            Some(&pricing) => {
                let need = needs.entry(l.batch_id).or_insert(BatchNeed {
                    pricing,
                    quantity: 0,
                });
                need.quantity = need.quantity.saturating_add(l.quantity);
            }
        }
    }
    v.finish()?;
    Ok(needs)
}

/// 409 listing each short line with what its batch has now, or 409 naming a closed batch.
async fn shortage_error(
    db: &impl ConnectionTrait,
    req: &CreateOrder,
    short: &[i64],
) -> AppResult<AppError> {
    let batches: HashMap<i64, batch::Model> = batch::Entity::find()
        .filter(batch::Column::Id.is_in(short.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    if let Some(closed) = batches.values().find(|b| b.status == BatchStatus::Closed) {
        return Ok(AppError::Conflict {
            code: "batch_closed",
            detail: format!("batch {} is closed and takes no more orders", closed.id),
        });
    }
    let shortages = req
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| short.contains(&l.batch_id))
        .map(|(i, l)| Shortage {
            line: i,
            batch_id: l.batch_id,
            requested: l.quantity,
            available: batches.get(&l.batch_id).map_or(0, |b| b.stock_qty),
        })
        .collect();
    Ok(AppError::InsufficientStock(shortages))
}
