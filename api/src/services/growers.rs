use super::{must_find, must_reference, paginate};
use crate::db::Tx;
use crate::dto::Page;
use crate::dto::catalog::{CreateGrower, GrowerFilter, GrowerOut, UpdateGrower};
use crate::error::{AppResult, Validator};
use crate::services::audit::{self, Change};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use zhunong_entity::collective;
use zhunong_entity::enums::{AuditAction, AuditEntity};
use zhunong_entity::grower::{ActiveModel, Column, Entity};

fn validate(
    name: Option<&str>,
    phone: Option<&str>,
    area: Option<i64>,
    note: Option<&str>,
) -> AppResult<()> {
    let mut v = Validator::default();
    if let Some(n) = name {
        v.text(n, "name", 100);
    }
    v.opt_text(phone, "phone", 32);
    v.opt_text(note, "note", 2000);
    if let Some(a) = area {
        v.check(
            (0..=1_000_000).contains(&a),
            "area_mu",
            "must be between 0 and 1000000",
        );
    }
    v.finish()
}

/// # Errors
/// Invalid fields or an unknown collective (422).
pub async fn create(
    db: &crate::db::Db,
    actor: Option<i64>,
    req: CreateGrower,
) -> AppResult<GrowerOut> {
    db.write(async |tx| create_in(tx, actor, req).await).await
}

/// The step of [`create`] inside a transaction that the caller owns (the demo builds its
/// village in one).
pub async fn create_in(tx: &Tx, actor: Option<i64>, req: CreateGrower) -> AppResult<GrowerOut> {
    validate(
        Some(&req.name),
        req.phone.as_deref(),
        req.area_mu,
        req.note.as_deref(),
    )?;
    must_reference::<collective::Entity, _>(tx, req.collective_id, "collective_id", "collective")
        .await?;
    let now = chrono::Utc::now();
    let m = ActiveModel {
        collective_id: Set(req.collective_id),
        name: Set(req.name.trim().to_owned()),
        kind: Set(req.kind),
        phone: Set(req.phone),
        area_mu: Set(req.area_mu),
        note: Set(req.note),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    audit::record(
        tx,
        Change::of(actor, AuditAction::CreateGrower, AuditEntity::Grower, m.id).after(audited(&m)),
    )
    .await?;
    Ok(m.into())
}

/// What the audit log keeps of a grower.
fn audited(m: &zhunong_entity::grower::Model) -> serde_json::Value {
    serde_json::json!({
        "name": m.name,
        "kind": m.kind,
        "phone": m.phone,
        "area_mu": m.area_mu,
        "note": m.note,
        "collective_id": m.collective_id,
    })
}

/// # Errors
/// 404 if missing.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<GrowerOut> {
    Ok(must_find::<Entity, _>(db, id, "grower").await?.into())
}

/// # Errors
/// 404 if missing, 422 for invalid fields.
pub async fn update(
    db: &crate::db::Db,
    actor: Option<i64>,
    id: i64,
    req: UpdateGrower,
) -> AppResult<GrowerOut> {
    db.write(async |tx| {
        validate(
            req.name.as_deref(),
            req.phone.as_ref().and_then(|p| p.as_deref()),
            req.area_mu.flatten(),
            req.note.as_ref().and_then(|n| n.as_deref()),
        )?;
        let before = must_find::<Entity, _>(tx, id, "grower").await?;
        let was = audited(&before);
        let mut m: ActiveModel = before.into();
        if let Some(c) = req.collective_id {
            must_reference::<collective::Entity, _>(tx, c, "collective_id", "collective").await?;
            m.collective_id = Set(c);
        }
        if let Some(name) = req.name {
            m.name = Set(name.trim().to_owned());
        }
        if let Some(kind) = req.kind {
            m.kind = Set(kind);
        }
        if let Some(phone) = req.phone {
            m.phone = Set(phone);
        }
        if let Some(area) = req.area_mu {
            m.area_mu = Set(area);
        }
        if let Some(note) = req.note {
            m.note = Set(note);
        }
        m.updated_at = Set(chrono::Utc::now());
        let m = m.update(tx).await?;
        audit::record(
            tx,
            Change::of(actor, AuditAction::UpdateGrower, AuditEntity::Grower, m.id)
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
    f: GrowerFilter,
    paging: (u64, u64),
) -> AppResult<Page<GrowerOut>> {
    let mut q = Entity::find().order_by_asc(Column::Id);
    if let Some(c) = f.collective_id {
        q = q.filter(Column::CollectiveId.eq(c));
    }
    if let Some(k) = f.kind {
        q = q.filter(Column::Kind.eq(k));
    }
    if let Some(text) = f.q.as_deref().filter(|s| !s.trim().is_empty()) {
        q = q.filter(Column::Name.like(super::contains_pattern(text)));
    }
    paginate(db, q, paging, GrowerOut::from).await
}
