//! The robot worker. Each pass claims due messages under one advisory lock (PostgreSQL; SQLite
//! has one writer), so replicas never take the same message nor together exceed a robot's rate:
//! a robot is handed at most `robot_max_per_window` messages in any window, counting those
//! handed already and those in flight. A claimed message is held by a lease, sent with no
//! redirects and a timeout to the address the SSRF check approved, and recorded: sent; refused
//! by the robot (failed, with its error, for the office to see); or retried on the schedule.

use crate::config::Settings;
use crate::db::Db;
use crate::domain::robots::{messages, wire};
use crate::error::AppResult;
use crate::services::webhooks::secret_box::SecretBox;
use crate::services::webhooks::ssrf::{self, Resolver};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use zhunong_entity::enums::{DeliveryStatus, RobotKind};
use zhunong_entity::{chat_message as message, chat_robot as robot};

/// Serialises claiming across replicas, so each robot's rate holds for the cluster.
const CLAIM_LOCK: i64 = 0x007a_6e72_6274;

/// Runs the scheduler and the sender forever.
pub fn spawn(db: Db, settings: Arc<Settings>, secrets: SecretBox, resolver: Arc<dyn Resolver>) {
    let tick = Duration::from_secs(settings.robot_tick_secs.max(1));
    let poll = Duration::from_millis(settings.robot_poll_millis.max(10));
    {
        let (db, settings) = (db.clone(), settings.clone());
        tokio::spawn(async move {
            loop {
                if let Err(e) = super::schedule::tick(&db, &settings, Utc::now()).await {
                    tracing::warn!(error = %e, "robot scheduler round failed; retried next round");
                }
                tokio::time::sleep(tick).await;
            }
        });
    }
    tokio::spawn(async move {
        loop {
            match pass(&db, &settings, &secrets, resolver.as_ref()).await {
                Ok(n) if n > 0 => {}
                Ok(_) => tokio::time::sleep(poll).await,
                Err(e) => {
                    tracing::warn!(error = %e, "robot send pass failed");
                    tokio::time::sleep(poll).await;
                }
            }
        }
    });
}

/// Claims what each robot's rate allows of its due messages; returns the claimed ids.
async fn claim(db: &Db, s: &Settings, now: DateTime<Utc>) -> AppResult<Vec<i64>> {
    let tx = db.begin_write().await?;
    if tx.get_database_backend() == DbBackend::Postgres {
        tx.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({CLAIM_LOCK})"))
            .await?;
    }
    let due: Vec<(i64, i64)> = message::Entity::find()
        .select_only()
        .column(message::Column::Id)
        .column(message::Column::RobotId)
        .filter(message::Column::Status.eq(DeliveryStatus::Pending))
        .filter(message::Column::NextAttemptAt.lte(now))
        .filter(
            Condition::any()
                .add(message::Column::LeaseUntil.is_null())
                .add(message::Column::LeaseUntil.lt(now)),
        )
        .order_by_asc(message::Column::Id)
        .limit(s.webhook_batch_size.max(1))
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .into_tuple()
        .all(&tx)
        .await?;
    let window_start =
        now - chrono::Duration::seconds(i64::try_from(s.robot_window_secs).unwrap_or(60));
    let mut budgets: HashMap<i64, u64> = HashMap::new();
    let mut ids = Vec::new();
    for (id, robot_id) in due {
        if let std::collections::hash_map::Entry::Vacant(e) = budgets.entry(robot_id) {
            let handed = message::Entity::find()
                .filter(message::Column::RobotId.eq(robot_id))
                .filter(message::Column::LastAttemptAt.gt(window_start))
                .count(&tx)
                .await?;
            e.insert(wire::budget(s.robot_max_per_window, handed));
        }
        if let Some(left) = budgets.get_mut(&robot_id)
            && *left > 0
        {
            *left -= 1;
            ids.push(id);
        }
    }
    if !ids.is_empty() {
        let lease =
            now + chrono::Duration::seconds(i64::try_from(s.robot_lease_secs.max(1)).unwrap_or(30));
        message::Entity::update_many()
            .col_expr(message::Column::LeaseUntil, Expr::value(lease))
            .col_expr(message::Column::LastAttemptAt, Expr::value(now))
            .filter(message::Column::Id.is_in(ids.clone()))
            .exec(&tx)
            .await?;
    }
    tx.commit().await?;
    Ok(ids)
}

/// Claims and sends one batch; returns how many were claimed.
///
/// # Errors
/// Database errors.
pub async fn pass(
    db: &Db,
    s: &Settings,
    secrets: &SecretBox,
    resolver: &dyn Resolver,
) -> AppResult<usize> {
    let ids = claim(db, s, Utc::now()).await?;
    if ids.is_empty() {
        return Ok(0);
    }
    let rows = message::Entity::find()
        .filter(message::Column::Id.is_in(ids.clone()))
        .order_by_asc(message::Column::Id)
        .all(&db.read)
        .await?;
    let robots =
        crate::services::rows::by_id::<robot::Entity>(&db.read, rows.iter().map(|m| m.robot_id))
            .await?;
    for m in rows {
        let Some(r) = robots.get(&m.robot_id) else {
            continue;
        };
        let outcome = if r.enabled {
            send(r, &m, s, secrets, resolver).await
        } else {
            Outcome::Refused("the robot is switched off".into())
        };
        record(db, &m, outcome, s).await?;
    }
    Ok(ids.len())
}

enum Outcome {
    Sent,
    /// The robot refused it, or it cannot be sent as it is: no retry.
    Refused(String),
    Retry(String),
}

async fn send(
    r: &robot::Model,
    m: &message::Model,
    s: &Settings,
    secrets: &SecretBox,
    resolver: &dyn Resolver,
) -> Outcome {
    let allow = &s.webhook_allow_hosts;
    let address = match secrets.open(&r.url_sealed) {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(
                robot = r.id,
                error = format!("{e:#}"),
                "cannot open a robot's address"
            );
            return Outcome::Retry("internal error: the robot's address is unreadable".into());
        }
    };
    let mut url = match ssrf::check_url(&address, allow) {
        Ok(u) => u,
        Err(e) => return Outcome::Refused(e),
    };
    if r.kind == RobotKind::Dingtalk {
        let secret = match r.secret_sealed.as_deref().map(|x| secrets.open(x)) {
            Some(Ok(x)) => x,
            _ => return Outcome::Retry("internal error: the signing secret is unreadable".into()),
        };
        let ms = Utc::now().timestamp_millis();
        let Some(sign) = wire::dingtalk_sign(&secret, ms) else {
            return Outcome::Refused("the signing secret cannot sign".into());
        };
        url.query_pairs_mut()
            .append_pair("timestamp", &ms.to_string())
            .append_pair("sign", &sign);
    }
    let addrs = match ssrf::resolve(&url, allow, resolver).await {
        Ok(a) => a,
        Err(e) => return Outcome::Retry(e),
    };
    let host = url.host_str().unwrap_or_default().to_owned();
    let client = match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(s.robot_timeout_secs.max(1)))
        .resolve_to_addrs(&host, &addrs)
        .build()
    {
        Ok(c) => c,
        Err(e) => return Outcome::Retry(e.to_string()),
    };
    let text = messages::fit(&m.body, super::schedule::max_bytes(s, r.kind));
    let resp = client
        .post(url)
        .json(&wire::body(r.kind, &m.title, &text))
        .send()
        .await;
    let resp = match resp {
        Ok(r) => r,
        Err(e) => {
            return Outcome::Retry(if e.is_timeout() {
                "timed out".into()
            } else {
                "could not connect".into()
            });
        }
    };
    let status = resp.status();
    let answer: serde_json::Value = resp.json().await.unwrap_or_default();
    if !status.is_success() {
        return Outcome::Retry(format!("answered {status}"));
    }
    match answer["errcode"].as_i64() {
        Some(0) => Outcome::Sent,
        Some(code) if wire::too_fast(r.kind, code) => Outcome::Retry(format!(
            "errcode {code}: {}",
            answer["errmsg"].as_str().unwrap_or("")
        )),
        Some(code) => Outcome::Refused(format!(
            "errcode {code}: {}",
            answer["errmsg"].as_str().unwrap_or("")
        )),
        None => Outcome::Retry("the robot's answer has no errcode".into()),
    }
}

async fn record(db: &Db, m: &message::Model, outcome: Outcome, s: &Settings) -> AppResult<()> {
    let now = Utc::now();
    let attempts = m.attempts + 1;
    let update = message::Entity::update_many()
        .filter(message::Column::Id.eq(m.id))
        .col_expr(
            message::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(message::Column::Attempts, Expr::value(attempts))
        // The robot saw it no later than now: counting the window from here (not from the
        // claim) keeps the rate on the robot's side too, however long the sending took.
        .col_expr(message::Column::LastAttemptAt, Expr::value(now));
    let update = match outcome {
        Outcome::Sent => update
            .col_expr(
                message::Column::Status,
                Expr::value(DeliveryStatus::Delivered.as_str()),
            )
            .col_expr(message::Column::SentAt, Expr::value(now))
            .col_expr(
                message::Column::LastError,
                Expr::value(Option::<String>::None),
            ),
        Outcome::Refused(error) => update
            .col_expr(
                message::Column::Status,
                Expr::value(DeliveryStatus::Failed.as_str()),
            )
            .col_expr(message::Column::LastError, Expr::value(cut(&error))),
        Outcome::Retry(error) => {
            let wait = usize::try_from(m.attempts)
                .ok()
                .and_then(|i| s.robot_retry_schedule_secs.get(i))
                .copied();
            let (status, next) = match wait {
                Some(secs) => (
                    DeliveryStatus::Pending,
                    now + chrono::Duration::seconds(i64::try_from(secs).unwrap_or(i64::MAX / 2)),
                ),
                None => (DeliveryStatus::Failed, now),
            };
            update
                .col_expr(message::Column::Status, Expr::value(status.as_str()))
                .col_expr(message::Column::NextAttemptAt, Expr::value(next))
                .col_expr(message::Column::LastError, Expr::value(cut(&error)))
        }
    };
    db.write(async |tx| {
        update.exec(tx).await?;
        Ok(())
    })
    .await
}

fn cut(error: &str) -> String {
    error.chars().take(500).collect()
}
