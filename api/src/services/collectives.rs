use super::{conflict_on_duplicate, must_find, paginate};
use crate::db::Tx;
use crate::dto::Page;
use crate::dto::catalog::{CollectiveFilter, CollectiveOut, CreateCollective, UpdateCollective};
use crate::error::{AppResult, Validator};
use crate::services::audit::{self, Change};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use zhunong_entity::collective::{ActiveModel, Column, Entity};
use zhunong_entity::enums::{AuditAction, AuditEntity};

fn validate(name: Option<&str>, region: Option<&str>) -> AppResult<()> {
    let mut v = Validator::default();
    if let Some(n) = name {
        v.text(n, "name", 100);
    }
    v.opt_text(region, "region", 200);
    v.finish()
}

/// # Errors
/// Invalid fields (422) or a duplicate name (409).
pub async fn create(
    db: &crate::db::Db,
    actor: Option<i64>,
    req: CreateCollective,
) -> AppResult<CollectiveOut> {
    db.write(async |tx| create_in(tx, actor, req).await).await
}

/// The step of [`create`] inside a transaction that the caller owns (the demo builds its
/// village in one).
pub async fn create_in(
    tx: &Tx,
    actor: Option<i64>,
    req: CreateCollective,
) -> AppResult<CollectiveOut> {
    validate(Some(&req.name), req.region.as_deref())?;
    let now = chrono::Utc::now();
    let m = ActiveModel {
        name: Set(req.name.trim().to_owned()),
        region: Set(req.region),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await
    .map_err(|e| conflict_on_duplicate(e, "a collective with this name exists"))?;
    audit::record(
        tx,
        Change::of(
            actor,
            AuditAction::CreateCollective,
            AuditEntity::Collective,
            m.id,
        )
        .after(audited(&m)),
    )
    .await?;
    Ok(m.into())
}

/// What the audit log keeps of a collective.
fn audited(m: &zhunong_entity::collective::Model) -> serde_json::Value {
    serde_json::json!({"name": m.name, "region": m.region})
}

/// # Errors
/// 404 if missing.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<CollectiveOut> {
    Ok(must_find::<Entity, _>(db, id, "collective").await?.into())
}

/// # Errors
/// 404 if missing, 422 for invalid fields, 409 for a duplicate name.
pub async fn update(
    db: &crate::db::Db,
    actor: Option<i64>,
    id: i64,
    req: UpdateCollective,
) -> AppResult<CollectiveOut> {
    db.write(async |tx| {
        validate(
            req.name.as_deref(),
            req.region.as_ref().and_then(|r| r.as_deref()),
        )?;
        let before = must_find::<Entity, _>(tx, id, "collective").await?;
        let was = audited(&before);
        let mut m: ActiveModel = before.into();
        if let Some(name) = req.name {
            m.name = Set(name.trim().to_owned());
        }
        if let Some(region) = req.region {
            m.region = Set(region);
        }
        m.updated_at = Set(chrono::Utc::now());
        let m = m
            .update(tx)
            .await
            .map_err(|e| conflict_on_duplicate(e, "a collective with this name exists"))?;
        audit::record(
            tx,
            Change::of(
                actor,
                AuditAction::UpdateCollective,
                AuditEntity::Collective,
                m.id,
            )
            .before(was)
            .after(audited(&m)),
        )
        .await?;
        Ok(m.into())
    })
    .await
}

/// # Errors
/// Database errors.
pub async fn list(
    db: &impl ConnectionTrait,
    f: CollectiveFilter,
    paging: (u64, u64),
) -> AppResult<Page<CollectiveOut>> {
    let mut q = Entity::find().order_by_asc(Column::Id);
    if let Some(text) = f.q.as_deref().filter(|s| !s.trim().is_empty()) {
        q = q.filter(Column::Name.like(super::contains_pattern(text)));
    }
    paginate(db, q, paging, CollectiveOut::from).await
}

/// The collective that takes the money in and owes the growers: its books hold the whole
/// ledger. The setting `books_collective_id`, else the first collective.
///
/// # Errors
/// Database errors; 404 when there is no collective at all.
pub async fn keeper(db: &impl ConnectionTrait, setting: Option<i64>) -> AppResult<i64> {
    if let Some(id) = setting {
        return Ok(id);
    }
    Entity::find()
        .select_only()
        .column(Column::Id)
        .order_by_asc(Column::Id)
        .into_tuple::<i64>()
        .one(db)
        .await?
        .ok_or(crate::error::AppError::NotFound("collective"))
}

/// The collective's name, as its books are headed.
///
/// # Errors
/// 404 for an unknown collective.
pub async fn collective_name(db: &impl ConnectionTrait, id: i64) -> AppResult<String> {
    Ok(Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(crate::error::AppError::NotFound("collective"))?
        .name)
}
