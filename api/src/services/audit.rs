//! The audit log: who changed what, when, with before and after. Rows are written in the same
//! transaction as the change and the database refuses to alter them afterwards.

use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde_json::Value;
use zhunong_entity::audit_log;

/// One change to record.
pub struct Change<'a> {
    pub actor: i64,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: i64,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// # Errors
/// Database errors.
pub async fn record(db: &impl ConnectionTrait, c: Change<'_>) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        at: Set(chrono::Utc::now()),
        actor_user_id: Set(Some(c.actor)),
        action: Set(c.action.to_owned()),
        entity: Set(c.entity.to_owned()),
        entity_id: Set(c.entity_id),
        before: Set(c.before),
        after: Set(c.after),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// What a person reads for an action.
pub fn action_label(action: &str) -> &'static str {
    match action {
        "confirm_order" => "确认订单",
        "cancel_order" => "取消订单",
        "weigh" => "称重",
        "void_weigh_ticket" => "作废磅单",
        "complete_weighing" => "称重完成",
        "approve_weights" => "审批称重",
        "create_load" => "新建装车单",
        "add_to_load" => "装入车辆",
        "remove_from_load" => "移出车辆",
        "advance_load" => "装车状态变更",
        "update_user" => "修改账号",
        "reset_password" => "重置密码",
        "change_password" => "修改密码",
        "adjust_stock" => "调整库存",
        "update_batch" => "修改批次",
        _ => "其他操作",
    }
}

/// Newest first, with the actor's username.
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
    use zhunong_entity::user;
    let mut v = crate::error::Validator::default();
    v.opt_text(f.entity.as_deref(), "entity", 32);
    v.opt_text(f.action.as_deref(), "action", 64);
    v.check(
        f.from.zip(f.to).is_none_or(|(a, b)| a <= b),
        "to",
        "must not be before from",
    );
    v.finish()?;
    let start_of = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(offset).single())
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    let mut q = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::At)
        .order_by_desc(audit_log::Column::Id);
    if let Some(e) = &f.entity {
        q = q.filter(audit_log::Column::Entity.eq(e.clone()));
    }
    if let Some(id) = f.entity_id {
        q = q.filter(audit_log::Column::EntityId.eq(id));
    }
    if let Some(a) = f.actor_user_id {
        q = q.filter(audit_log::Column::ActorUserId.eq(a));
    }
    if let Some(a) = &f.action {
        q = q.filter(audit_log::Column::Action.eq(a.clone()));
    }
    if let Some(t) = f.from.and_then(start_of) {
        q = q.filter(audit_log::Column::At.gte(t));
    }
    if let Some(t) = f.to.and_then(|d| d.succ_opt()).and_then(start_of) {
        q = q.filter(audit_log::Column::At.lt(t));
    }
    let page = crate::services::paginate(db, q, paging, |m| m).await?;
    let actors: Vec<i64> = page.items.iter().filter_map(|m| m.actor_user_id).collect();
    let names: std::collections::HashMap<i64, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(actors))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.username))
        .collect();
    Ok(crate::dto::Page {
        page: page.page,
        per_page: page.per_page,
        total: page.total,
        items: page
            .items
            .into_iter()
            .map(|m| crate::dto::audit::AuditOut {
                id: m.id,
                at: m.at,
                actor_user_id: m.actor_user_id,
                actor: m.actor_user_id.and_then(|a| names.get(&a).cloned()),
                action_label: action_label(&m.action).to_owned(),
                action: m.action,
                entity: m.entity,
                entity_id: m.entity_id,
                before: m.before,
                after: m.after,
            })
            .collect(),
    })
}
