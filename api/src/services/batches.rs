use super::{must_find, must_reference, paginate};
use crate::db::{Db, Tx};
use crate::domain::money::{MAX_PRICE_FEN, MAX_QUANTITY};
use crate::dto::Page;
use crate::dto::catalog::{BatchFilter, BatchOut, CreateBatch, UpdateBatch};
use crate::error::{AppError, AppResult, ErrorCode, Validator};
use crate::services::audit::{self, Change};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, Set,
};
use zhunong_entity::batch::{ActiveModel, Column, Entity};
use zhunong_entity::enums::BatchStatus;
use zhunong_entity::enums::{AuditAction, AuditEntity};
use zhunong_entity::{grower, product};

/// A price of 0 is a typing slip, not a giveaway: it would sell the batch for nothing.
fn check_price(v: &mut Validator, price: Option<i64>, field: &str) {
    if let Some(p) = price {
        v.check(
            (1..=MAX_PRICE_FEN).contains(&p),
            field,
            format!("must be between 1 and {MAX_PRICE_FEN} fen"),
        );
    }
}

/// # Errors
/// Invalid fields or unknown product/grower (422).
pub async fn create(
    db: &crate::db::Db,
    actor: Option<i64>,
    req: CreateBatch,
) -> AppResult<BatchOut> {
    db.write(async |tx| create_in(tx, actor, req).await).await
}

/// The step of [`create`] inside a transaction that the caller owns (the demo builds its
/// village in one).
pub async fn create_in(tx: &Tx, actor: Option<i64>, req: CreateBatch) -> AppResult<BatchOut> {
    let mut v = Validator::default();
    v.check(
        (1..=MAX_QUANTITY).contains(&req.quantity),
        "quantity",
        format!("must be between 1 and {MAX_QUANTITY}"),
    );
    check_price(&mut v, Some(req.retail_price_fen), "retail_price_fen");
    check_price(
        &mut v,
        Some(req.enterprise_price_fen),
        "enterprise_price_fen",
    );
    v.opt_text(req.code.as_deref(), "code", 64);
    v.opt_text(req.storage_place.as_deref(), "storage_place", 200);
    v.finish()?;
    must_reference::<product::Entity, _>(tx, req.product_id, "product_id", "product").await?;
    must_reference::<grower::Entity, _>(tx, req.grower_id, "grower_id", "grower").await?;
    let now = chrono::Utc::now();
    let m = ActiveModel {
        product_id: Set(req.product_id),
        grower_id: Set(req.grower_id),
        code: Set(req.code),
        harvest_date: Set(req.harvest_date),
        initial_qty: Set(req.quantity),
        stock_qty: Set(req.quantity),
        retail_price_fen: Set(req.retail_price_fen),
        enterprise_price_fen: Set(req.enterprise_price_fen),
        storage_place: Set(req.storage_place),
        status: Set(BatchStatus::Open),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    audit::record(
        tx,
        Change::of(actor, AuditAction::CreateBatch, AuditEntity::Batch, m.id).after(audited(&m)),
    )
    .await?;
    Ok(m.into())
}

/// # Errors
/// 404 if missing.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<BatchOut> {
    Ok(must_find::<Entity, _>(db, id, "batch").await?.into())
}

/// Updates descriptive fields and, atomically, applies a stock adjustment that may never take
/// stock below zero.
///
/// # Errors
/// 404 if missing, 422 for invalid fields, 409 if the adjustment would make stock negative.
pub async fn update(db: &Db, actor: i64, id: i64, req: UpdateBatch) -> AppResult<BatchOut> {
    let mut v = Validator::default();
    check_price(&mut v, req.retail_price_fen, "retail_price_fen");
    check_price(&mut v, req.enterprise_price_fen, "enterprise_price_fen");
    v.opt_text(req.code.as_ref().and_then(|c| c.as_deref()), "code", 64);
    v.opt_text(
        req.storage_place.as_ref().and_then(|s| s.as_deref()),
        "storage_place",
        200,
    );
    if let Some(adj) = req.stock_adjustment {
        v.check(
            (-MAX_QUANTITY..=MAX_QUANTITY).contains(&adj),
            "stock_adjustment",
            format!("must be within ±{MAX_QUANTITY}"),
        );
    }
    let reason = req
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    v.opt_text(reason, "reason", 200);
    v.check(
        req.stock_adjustment.is_none_or(|a| a == 0) || reason.is_some(),
        "reason",
        "a stock adjustment needs a reason",
    );
    v.finish()?;

    let tx = db.begin_write().await?;
    let before = must_find::<Entity, _>(&tx, id, "batch").await?;
    let mut m: ActiveModel = before.clone().into();
    if let Some(adj) = req.stock_adjustment.filter(|a| *a != 0) {
        let res = Entity::update_many()
            .col_expr(Column::StockQty, Expr::col(Column::StockQty).add(adj))
            .filter(Column::Id.eq(id))
            .filter(Expr::col(Column::StockQty).add(adj).gte(0))
            .exec(&tx)
            .await?;
        if res.rows_affected == 0 {
            return Err(AppError::Conflict {
                code: ErrorCode::StockWouldBeNegative,
                detail: "the adjustment would take stock below zero".into(),
            });
        }
        m = must_find::<Entity, _>(&tx, id, "batch").await?.into();
    }
    if let Some(code) = req.code {
        m.code = Set(code);
    }
    if let Some(d) = req.harvest_date {
        m.harvest_date = Set(d);
    }
    if let Some(p) = req.retail_price_fen {
        m.retail_price_fen = Set(p);
    }
    if let Some(p) = req.enterprise_price_fen {
        m.enterprise_price_fen = Set(p);
    }
    if let Some(s) = req.storage_place {
        m.storage_place = Set(s);
    }
    if let Some(s) = req.status {
        m.status = Set(s);
    }
    m.updated_at = Set(chrono::Utc::now());
    let m = m.update(&tx).await?;
    let mut after = audited(&m);
    if let Some(obj) = after.as_object_mut() {
        if let Some(r) = reason {
            obj.insert("reason".into(), r.into());
        }
        // The stock before and after may also differ by what orders took while this
        // transaction waited for the batch's row; the integrity check needs the adjustment.
        if let Some(adj) = req.stock_adjustment.filter(|a| *a != 0) {
            obj.insert("stock_adjustment".into(), adj.into());
        }
    }
    audit::record(
        &tx,
        Change::of(
            Some(actor),
            if req.stock_adjustment.is_some_and(|a| a != 0) {
                AuditAction::AdjustStock
            } else {
                AuditAction::UpdateBatch
            },
            AuditEntity::Batch,
            id,
        )
        .before(audited(&before))
        .after(after),
    )
    .await?;
    tx.commit().await?;
    Ok(m.into())
}

/// What the audit log keeps of a batch: what the office may change.
fn audited(b: &zhunong_entity::batch::Model) -> serde_json::Value {
    serde_json::json!({
        "stock_qty": b.stock_qty,
        "retail_price_fen": b.retail_price_fen,
        "enterprise_price_fen": b.enterprise_price_fen,
        "status": b.status,
        "code": b.code,
        "storage_place": b.storage_place,
        "harvest_date": b.harvest_date,
    })
}

/// # Errors
/// Database errors.
pub async fn list(
    db: &impl ConnectionTrait,
    f: BatchFilter,
    paging: (u64, u64),
) -> AppResult<Page<BatchOut>> {
    let mut q = Entity::find().order_by_asc(Column::Id);
    if let Some(p) = f.product_id {
        q = q.filter(Column::ProductId.eq(p));
    }
    if let Some(g) = f.grower_id {
        q = q.filter(Column::GrowerId.eq(g));
    }
    if let Some(s) = f.status {
        q = q.filter(Column::Status.eq(s));
    }
    if let Some(d) = f.harvested_from {
        q = q.filter(Column::HarvestDate.gte(d));
    }
    if let Some(d) = f.harvested_to {
        q = q.filter(Column::HarvestDate.lte(d));
    }
    paginate(db, q, paging, BatchOut::from).await
}
