//! Registering and changing robots, and reading them and their messages back.

use crate::db::Db;
use crate::domain::caller::Caller;
use crate::domain::robots::address;
use crate::dto::robots::{RegisterRobot, RobotMessageOut, RobotOut, UpdateRobot};
use crate::error::{AppError, AppResult, Validator};
use crate::services::audit::{self, Change};
use crate::services::must_find;
use crate::services::webhooks::secret_box::SecretBox;
use crate::services::webhooks::ssrf;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;
use zhunong_entity::enums::{AuditAction, AuditEntity, DeliveryStatus, RobotKind};
use zhunong_entity::{after_sales_case, chat_message, chat_robot};

/// Messages of one robot the office is shown, newest first.
pub const MESSAGES_SHOWN: u64 = 50;

fn check_time(v: &mut Validator, field: &str, t: &str) {
    v.check(
        t.len() == 5 && chrono::NaiveTime::parse_from_str(t, "%H:%M").is_ok(),
        field,
        "a local time, HH:MM",
    );
}

fn check_name(v: &mut Validator, name: &str) {
    v.check(
        !name.trim().is_empty() && name.chars().count() <= 32,
        "name",
        "1 to 32 characters",
    );
}

fn sealed(secrets: &SecretBox, plain: &str) -> AppResult<String> {
    secrets.seal(plain).map_err(AppError::Internal)
}

/// Registers a robot. Audited; the key and the secret are stored sealed.
///
/// # Errors
/// 422 for an address that is not the kind's (or is private), a DingTalk secret that does not
/// begin `SEC` (or one given to WeCom), a bad time or name.
pub async fn register(
    db: &Db,
    caller: &Caller,
    req: RegisterRobot,
    allow: &[String],
    secrets: &SecretBox,
) -> AppResult<chat_robot::Model> {
    let mut v = Validator::default();
    check_name(&mut v, &req.name);
    check_time(&mut v, "daily_at", &req.daily_at);
    let checked = ssrf::check_url(req.url.trim(), allow)
        .and_then(|u| address::check(req.kind, &u, allow).map(|key| (u, key)));
    if let Err(why) = &checked {
        v.check(false, "url", why.clone());
    }
    match (req.kind, req.secret.as_deref()) {
        (RobotKind::Dingtalk, Some(s)) => v.check(
            address::is_dingtalk_secret(s.trim()),
            "secret",
            "a DingTalk signing secret begins with SEC",
        ),
        (RobotKind::Dingtalk, None) => v.check(false, "secret", "is required for DingTalk"),
        (RobotKind::Wecom, Some(_)) => v.check(false, "secret", "WeCom robots take no secret"),
        (RobotKind::Wecom, None) => {}
    }
    v.finish()?;
    let (url, key) = checked.map_err(|why| AppError::field("url", why))?;
    let url_sealed = sealed(secrets, url.as_str())?;
    let secret_sealed = match req.secret.as_deref() {
        Some(s) => Some(sealed(secrets, s.trim())?),
        None => None,
    };
    db.write(async |tx| {
        // Cases opened before the robot joined are not news to it.
        let newest_case: Option<i64> = after_sales_case::Entity::find()
            .select_only()
            .column_as(Expr::col(after_sales_case::Column::Id).max(), "m")
            .into_tuple()
            .one(tx)
            .await?
            .flatten();
        let robot = chat_robot::ActiveModel {
            name: Set(req.name.trim().to_owned()),
            kind: Set(req.kind),
            url_sealed: Set(url_sealed),
            url_hint: Set(address::hint(&url, &key)),
            secret_sealed: Set(secret_sealed),
            daily_summary: Set(req.daily_summary),
            daily_at: Set(req.daily_at.clone()),
            show_summary: Set(req.show_summary),
            after_sales: Set(req.after_sales),
            finance_sheets: Set(req.finance_sheets),
            enabled: Set(true),
            cases_seen_through: Set(newest_case.unwrap_or(0)),
            deadlines_warned_through: Set(chrono::Utc::now()),
            created_by: Set(caller.user_id),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        audit::record(
            tx,
            Change::of(
                Some(caller.user_id),
                AuditAction::RegisterRobot,
                AuditEntity::ChatRobot,
                robot.id,
            )
            .after(serde_json::json!({
                "name": robot.name,
                "kind": robot.kind,
                "url_hint": robot.url_hint,
            })),
        )
        .await?;
        Ok(robot)
    })
    .await
}

/// Changes what a robot is told, its name, or whether it is on. Audited.
///
/// # Errors
/// 404; 422 for a bad time or name.
pub async fn update(
    db: &Db,
    caller: &Caller,
    id: i64,
    req: UpdateRobot,
) -> AppResult<chat_robot::Model> {
    let mut v = Validator::default();
    if let Some(n) = &req.name {
        check_name(&mut v, n);
    }
    if let Some(t) = &req.daily_at {
        check_time(&mut v, "daily_at", t);
    }
    v.finish()?;
    db.write(async |tx| {
        let was = must_find::<chat_robot::Entity, _>(tx, id, "robot").await?;
        let mut m = was.clone().into_active_model();
        if let Some(n) = &req.name {
            m.name = Set(n.trim().to_owned());
        }
        for (field, value) in [
            (&mut m.daily_summary, req.daily_summary),
            (&mut m.show_summary, req.show_summary),
            (&mut m.after_sales, req.after_sales),
            (&mut m.finance_sheets, req.finance_sheets),
            (&mut m.enabled, req.enabled),
        ] {
            if let Some(v) = value {
                *field = Set(v);
            }
        }
        if let Some(t) = &req.daily_at {
            m.daily_at = Set(t.clone());
        }
        let now = m.update(tx).await?;
        let view = |r: &chat_robot::Model| {
            serde_json::json!({
                "name": r.name, "daily_summary": r.daily_summary, "daily_at": r.daily_at,
                "show_summary": r.show_summary, "after_sales": r.after_sales,
                "finance_sheets": r.finance_sheets, "enabled": r.enabled,
            })
        };
        audit::record(
            tx,
            Change::of(
                Some(caller.user_id),
                AuditAction::UpdateRobot,
                AuditEntity::ChatRobot,
                id,
            )
            .before(view(&was))
            .after(view(&now)),
        )
        .await?;
        Ok(now)
    })
    .await
}

/// Waiting and failed messages per robot, counted in one query.
async fn counts(db: &impl ConnectionTrait) -> AppResult<HashMap<(i64, DeliveryStatus), u64>> {
    let rows: Vec<(i64, DeliveryStatus, i64)> = chat_message::Entity::find()
        .select_only()
        .column(chat_message::Column::RobotId)
        .column(chat_message::Column::Status)
        .column_as(Expr::col(chat_message::Column::Id).count(), "n")
        .filter(
            chat_message::Column::Status.is_in([DeliveryStatus::Pending, DeliveryStatus::Failed]),
        )
        .group_by(chat_message::Column::RobotId)
        .group_by(chat_message::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(r, st, n)| ((r, st), u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// The robots, each with its waiting and failed messages and the newest failure.
///
/// # Errors
/// Database errors.
pub async fn list(db: &impl ConnectionTrait) -> AppResult<Vec<RobotOut>> {
    let robots = chat_robot::Entity::find()
        .order_by_asc(chat_robot::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(robots.len());
    let counts = counts(db).await?;
    for r in robots {
        let count = |status| counts.get(&(r.id, status)).copied().unwrap_or(0);
        let (pending, failed) = (
            count(DeliveryStatus::Pending),
            count(DeliveryStatus::Failed),
        );
        let last_error = chat_message::Entity::find()
            .filter(chat_message::Column::RobotId.eq(r.id))
            .filter(chat_message::Column::LastError.is_not_null())
            .order_by_desc(chat_message::Column::LastAttemptAt)
            .one(db)
            .await?
            .and_then(|m| m.last_error);
        out.push(RobotOut {
            id: r.id,
            name: r.name,
            kind: r.kind,
            url_hint: r.url_hint,
            signed: r.secret_sealed.is_some(),
            daily_summary: r.daily_summary,
            daily_at: r.daily_at,
            show_summary: r.show_summary,
            after_sales: r.after_sales,
            finance_sheets: r.finance_sheets,
            enabled: r.enabled,
            created_at: r.created_at,
            pending,
            failed,
            last_error,
        });
    }
    Ok(out)
}

/// A robot's latest messages, newest first.
///
/// # Errors
/// 404 for an unknown robot.
pub async fn messages(db: &impl ConnectionTrait, id: i64) -> AppResult<Vec<RobotMessageOut>> {
    must_find::<chat_robot::Entity, _>(db, id, "robot").await?;
    Ok(chat_message::Entity::find()
        .filter(chat_message::Column::RobotId.eq(id))
        .order_by_desc(chat_message::Column::Id)
        .limit(MESSAGES_SHOWN)
        .all(db)
        .await?
        .into_iter()
        .map(|m| RobotMessageOut {
            id: m.id,
            robot_id: m.robot_id,
            topic: m.topic,
            title: m.title,
            body: m.body,
            status: m.status,
            attempts: m.attempts,
            last_error: m.last_error,
            created_at: m.created_at,
            sent_at: m.sent_at,
            next_attempt_at: m.next_attempt_at,
        })
        .collect())
}

/// Writes a test message for the robot, sent as any other.
///
/// # Errors
/// 404 for an unknown robot.
pub async fn send_test(db: &Db, id: i64) -> AppResult<()> {
    db.write(async |tx| {
        must_find::<chat_robot::Entity, _>(tx, id, "robot").await?;
        super::outbox::write(
            tx,
            id,
            &super::outbox::Message {
                topic: zhunong_entity::enums::RobotTopic::Test,
                key: None,
                title: "测试消息",
                text: "### 助农 测试消息\n这个群机器人已接通，以后的日报和提醒会发到这里。",
            },
        )
        .await
    })
    .await
}
