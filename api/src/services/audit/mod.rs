//! The audit log: who changed what, when, with before and after. Rows are written in the same
//! transaction as the change and the database refuses to alter them afterwards. Read back, each
//! row also reads as a sentence (`domain::audit_text`), with names loaded by `names`.

pub mod names;

use crate::db::Tx;
use crate::domain::audit_text::{self, Record};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde_json::Value;
use zhunong_entity::audit_log;
use zhunong_entity::enums::{AuditAction, AuditEntity};

/// One change to record.
pub struct Change {
    /// Who made the change; `None` for the service itself (the first admin at start-up).
    pub actor: Option<i64>,
    pub action: AuditAction,
    pub entity: AuditEntity,
    pub entity_id: i64,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Change {
    /// A change by `actor` to the `entity` with id `entity_id`; say what it was and what it
    /// became with [`Change::before`] and [`Change::after`].
    pub fn of(
        actor: Option<i64>,
        action: AuditAction,
        entity: AuditEntity,
        entity_id: i64,
    ) -> Self {
        Self {
            actor,
            action,
            entity,
            entity_id,
            before: None,
            after: None,
        }
    }

    pub fn before(self, was: Value) -> Self {
        self.before_if_any(Some(was))
    }

    pub fn after(self, now: Value) -> Self {
        self.after_if_any(Some(now))
    }

    pub fn before_if_any(mut self, was: Option<Value>) -> Self {
        self.before = was;
        self
    }

    pub fn after_if_any(mut self, now: Option<Value>) -> Self {
        self.after = now;
        self
    }
}

/// # Errors
/// Database errors.
pub async fn record(tx: &Tx, c: Change) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        at: Set(chrono::Utc::now()),
        actor_user_id: Set(c.actor),
        action: Set(c.action),
        entity: Set(c.entity),
        entity_id: Set(c.entity_id),
        before: Set(c.before),
        after: Set(c.after),
        ..Default::default()
    }
    .insert(tx)
    .await
    .map(|_| ())
}

/// Newest first, each with the actor's name and the entry as a sentence.
///
/// # Errors
/// 422 for a `to` before `from`; database errors.
pub async fn list(
    db: &impl ConnectionTrait,
    f: crate::dto::audit::AuditFilter,
    paging: (u64, u64),
    offset: chrono::FixedOffset,
) -> crate::error::AppResult<crate::dto::Page<crate::dto::audit::AuditOut>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let mut v = crate::error::Validator::default();
    v.opt_text(f.entity.as_deref(), "entity", 32);
    v.opt_text(f.action.as_deref(), "action", 64);
    crate::services::check_span(&mut v, f.from, f.to);
    v.finish()?;
    let (since, before) = crate::services::local_days(f.from, f.to, offset);
    let mut q = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::At)
        .order_by_desc(audit_log::Column::Id);
    if let Some(e) = &f.entity {
        q = q.filter(audit_log::Column::Entity.eq(e.clone()));
    }
    if let Some(id) = f.entity_id {
        q = q.filter(audit_log::Column::EntityId.eq(id));
    }
    if let Some(id) = f.order_id {
        q = q.filter(about_order(id));
    }
    if let Some(a) = f.actor_user_id {
        q = q.filter(audit_log::Column::ActorUserId.eq(a));
    }
    if let Some(a) = &f.action {
        q = q.filter(audit_log::Column::Action.eq(a.clone()));
    }
    if let Some(t) = since {
        q = q.filter(audit_log::Column::At.gte(t));
    }
    if let Some(t) = before {
        q = q.filter(audit_log::Column::At.lt(t));
    }
    let page = crate::services::paginate(db, q, paging, |m| m).await?;
    let records: Vec<Record<'_>> = page.items.iter().map(as_record).collect();
    let names = names::load(db, audit_text::wanted(&records)).await?;
    let items = page
        .items
        .iter()
        .zip(&records)
        .map(|(m, r)| crate::dto::audit::AuditOut {
            id: m.id,
            at: m.at,
            actor_user_id: m.actor_user_id,
            actor: m.actor_user_id.and_then(|a| names.users.get(&a).cloned()),
            action_label: crate::domain::labels::Label::label(m.action).to_owned(),
            summary: audit_text::sentence(r, &names),
            action: m.action.as_str().to_owned(),
            entity: m.entity.as_str().to_owned(),
            entity_id: m.entity_id,
            before: m.before.clone(),
            after: m.after.clone(),
        })
        .collect();
    Ok(crate::dto::Page {
        page: page.page,
        per_page: page.per_page,
        total: page.total,
        items,
    })
}

/// The entries about one order: its own, its lines' and its weigh tickets'.
fn about_order(order_id: i64) -> sea_orm::Condition {
    use sea_orm::sea_query::Query;
    use sea_orm::{ColumnTrait, ExprTrait};
    use zhunong_entity::{order_line, weigh_ticket};
    let of = |entity: AuditEntity| audit_log::Column::Entity.eq(entity);
    let lines = Query::select()
        .column(order_line::Column::Id)
        .from(order_line::Entity)
        .and_where(order_line::Column::OrderId.eq(order_id))
        .to_owned();
    let tickets = Query::select()
        .column(weigh_ticket::Column::Id)
        .from(weigh_ticket::Entity)
        .and_where(weigh_ticket::Column::OrderId.eq(order_id))
        .to_owned();
    sea_orm::Condition::any()
        .add(of(AuditEntity::Order).and(audit_log::Column::EntityId.eq(order_id)))
        .add(of(AuditEntity::OrderLine).and(audit_log::Column::EntityId.in_subquery(lines)))
        .add(of(AuditEntity::WeighTicket).and(audit_log::Column::EntityId.in_subquery(tickets)))
}

fn as_record(m: &audit_log::Model) -> Record<'_> {
    Record {
        actor: m.actor_user_id,
        action: m.action,
        entity: m.entity,
        entity_id: m.entity_id,
        before: m.before.as_ref(),
        after: m.after.as_ref(),
    }
}
