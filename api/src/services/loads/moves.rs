use crate::db::{Db, Tx};
use crate::domain::caller::Caller;
use crate::dto::Page;
use crate::dto::loads::{AddOrder, CreateLoad, LoadFilter, LoadOut};
use crate::error::{AppError, AppResult, ErrorCode, Validator};
use crate::services::audit::{self, Change};
use crate::services::paginate;
use crate::services::weighing::live_net_g;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use zhunong_entity::enums::{AuditAction, AuditEntity};
use zhunong_entity::enums::{LoadStatus, OrderStatus};
use zhunong_entity::{load, order, weigh_ticket};

async fn out(db: &impl ConnectionTrait, m: load::Model) -> AppResult<LoadOut> {
    let ids: Vec<i64> = order::Entity::find()
        .select_only()
        .column(order::Column::Id)
        .filter(order::Column::LoadId.eq(m.id))
        .order_by_asc(order::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(LoadOut::new(m, ids))
}

/// # Errors
/// 422 for invalid fields.
pub async fn create(db: &crate::db::Db, caller: &Caller, req: CreateLoad) -> AppResult<LoadOut> {
    db.write(async |tx| {
        let mut v = Validator::default();
        v.text(&req.plate, "plate", 20);
        v.text(&req.driver_name, "driver_name", 100);
        v.text(&req.driver_phone, "driver_phone", 32);
        v.text(&req.destination, "destination", 300);
        if let Some(c) = req.capacity_kg {
            v.check(
                (1..=1_000_000).contains(&c),
                "capacity_kg",
                "must be between 1 and 1000000",
            );
        }
        v.finish()?;
        let now = chrono::Utc::now();
        let m = load::ActiveModel {
            plate: Set(req.plate.trim().to_owned()),
            driver_name: Set(req.driver_name.trim().to_owned()),
            driver_phone: Set(req.driver_phone.trim().to_owned()),
            destination: Set(req.destination.trim().to_owned()),
            planned_date: Set(req.planned_date),
            capacity_kg: Set(req.capacity_kg),
            status: Set(LoadStatus::Open),
            total_net_g: Set(0),
            created_by: Set(caller.user_id),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        audit::record(
            tx,
            Change::of(
                Some(caller.user_id),
                AuditAction::CreateLoad,
                AuditEntity::Load,
                m.id,
            )
            .after(json!({"plate": m.plate})),
        )
        .await?;
        out(tx, m).await
    })
    .await
}

/// # Errors
/// 404 if missing.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<LoadOut> {
    let m = load::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("load"))?;
    out(db, m).await
}

/// # Errors
/// Database errors.
pub async fn list(
    db: &impl ConnectionTrait,
    f: LoadFilter,
    paging: (u64, u64),
) -> AppResult<Page<LoadOut>> {
    let mut q = load::Entity::find().order_by_desc(load::Column::Id);
    if let Some(s) = f.status {
        q = q.filter(load::Column::Status.eq(s));
    }
    if let Some(d) = f.planned_date {
        q = q.filter(load::Column::PlannedDate.eq(d));
    }
    let page = paginate(db, q, paging, |m| m).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for m in page.items {
        items.push(out(db, m).await?);
    }
    Ok(Page {
        items,
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    })
}

/// Locks an open load (the row lock serialises changes to one load).
async fn lock_open(tx: &Tx, load_id: i64) -> AppResult<load::Model> {
    let rows = load::Entity::update_many()
        .col_expr(load::Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(load::Column::Id.eq(load_id))
        .filter(load::Column::Status.eq(LoadStatus::Open))
        .exec_with_returning(tx)
        .await?;
    if let Some(l) = rows.into_iter().next() {
        return Ok(l);
    }
    let l = load::Entity::find_by_id(load_id)
        .one(tx)
        .await?
        .ok_or(AppError::NotFound("load"))?;
    Err(AppError::Conflict {
        code: ErrorCode::LoadNotOpen,
        detail: format!(
            "the load is {}; orders can no longer change",
            l.status.as_str()
        ),
    })
}

async fn order_net_g(db: &impl ConnectionTrait, order_id: i64) -> AppResult<i64> {
    Ok(live_net_g(
        db,
        Condition::all().add(weigh_ticket::Column::OrderId.eq(order_id)),
    )
    .await?
    .unwrap_or(0))
}

/// Puts a weighed order on an open load, within the truck's capacity.
///
/// # Errors
/// 404 for an unknown load; 422 naming `order_id` for an unknown order; 409 if the load is not open, the order is not weighed, its
/// out-of-tolerance weights are not approved, it is on a load already, or the truck would be
/// over capacity.
pub async fn add_order(
    db: &Db,
    caller: &Caller,
    load_id: i64,
    req: AddOrder,
) -> AppResult<LoadOut> {
    let tx = db.begin_write().await?;
    lock_open(&tx, load_id).await?;
    let moved = order::Entity::update_many()
        .col_expr(order::Column::LoadId, Expr::value(load_id))
        .col_expr(order::Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(order::Column::Id.eq(req.order_id))
        .filter(order::Column::Status.eq(OrderStatus::Weighed))
        .filter(order::Column::Fulfilment.eq(zhunong_entity::enums::Fulfilment::Load))
        .filter(order::Column::LoadId.is_null())
        .filter(
            Condition::any()
                .add(order::Column::WeightsFlagged.eq(false))
                .add(order::Column::WeightsApprovedAt.is_not_null()),
        )
        .exec(&tx)
        .await?;
    if moved.rows_affected == 0 {
        let o = order::Entity::find_by_id(req.order_id)
            .one(&tx)
            .await?
            .ok_or_else(|| {
                // The order is named in the body, not the path: the load exists, the request
                // is what is wrong.
                AppError::field("order_id", format!("no order with id {}", req.order_id))
            })?;
        let (code, detail) = if o.fulfilment != zhunong_entity::enums::Fulfilment::Load {
            (
                ErrorCode::NotALoadOrder,
                format!(
                    "the order goes as a {}, not on a load",
                    o.fulfilment.as_str()
                ),
            )
        } else if let Some(other) = o.load_id {
            (
                ErrorCode::AlreadyOnALoad,
                format!("the order is on load {other} already"),
            )
        } else if o.status != OrderStatus::Weighed {
            (
                ErrorCode::NotWeighed,
                format!(
                    "only weighed orders can be loaded; this one is {}",
                    o.status.as_str()
                ),
            )
        } else {
            (
                ErrorCode::WeightsNotApproved,
                "the order's weights are outside the tolerance and need a secretary's approval"
                    .into(),
            )
        };
        return Err(AppError::Conflict { code, detail });
    }
    let net = order_net_g(&tx, req.order_id).await?;
    let fits = load::Entity::update_many()
        .col_expr(
            load::Column::TotalNetG,
            Expr::col(load::Column::TotalNetG).add(net),
        )
        .filter(load::Column::Id.eq(load_id))
        .filter(
            Condition::any()
                .add(load::Column::CapacityKg.is_null())
                .add(
                    Expr::col(load::Column::TotalNetG)
                        .add(net)
                        .lte(Expr::col(load::Column::CapacityKg).mul(1000)),
                ),
        )
        .exec(&tx)
        .await?;
    if fits.rows_affected == 0 {
        tx.rollback().await?;
        return Err(AppError::Conflict {
            code: ErrorCode::OverCapacity,
            detail: format!("{net} g more would exceed the truck's capacity"),
        });
    }
    audit::record(
        &tx,
        Change::of(
            Some(caller.user_id),
            AuditAction::AddToLoad,
            AuditEntity::Load,
            load_id,
        )
        .after(json!({"order_id": req.order_id, "net_g": net})),
    )
    .await?;
    let l = get(&tx, load_id).await?;
    tx.commit().await?;
    Ok(l)
}

/// Takes an order off an open load.
///
/// # Errors
/// 404 if the load is unknown or the order is not on it; 409 if the load is not open.
pub async fn remove_order(
    db: &Db,
    caller: &Caller,
    load_id: i64,
    order_id: i64,
) -> AppResult<LoadOut> {
    let tx = db.begin_write().await?;
    lock_open(&tx, load_id).await?;
    let moved = order::Entity::update_many()
        .col_expr(order::Column::LoadId, Expr::value(Option::<i64>::None))
        .filter(order::Column::Id.eq(order_id))
        .filter(order::Column::LoadId.eq(load_id))
        .exec(&tx)
        .await?;
    if moved.rows_affected == 0 {
        return Err(AppError::NotFound("order on this load"));
    }
    let net = order_net_g(&tx, order_id).await?;
    load::Entity::update_many()
        .col_expr(
            load::Column::TotalNetG,
            Expr::col(load::Column::TotalNetG).sub(net),
        )
        .filter(load::Column::Id.eq(load_id))
        .exec(&tx)
        .await?;
    audit::record(
        &tx,
        Change::of(
            Some(caller.user_id),
            AuditAction::RemoveFromLoad,
            AuditEntity::Load,
            load_id,
        )
        .before(json!({"order_id": order_id})),
    )
    .await?;
    let l = get(&tx, load_id).await?;
    tx.commit().await?;
    Ok(l)
}
