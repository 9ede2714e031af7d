//! The delivery worker. Each pass claims due deliveries — `FOR UPDATE SKIP LOCKED` plus a lease on
//! PostgreSQL, so several replicas never take the same row; one writer on SQLite — then sends
//! them, signed, with no redirects and a timeout, to the address the SSRF check approved. A 2xx
//! delivers; a 410 disables the endpoint; anything else retries on the schedule, with jitter,
//! until it is marked failed (visible to the secretary, who can re-send).

use super::secret_box::SecretBox;
use super::sign;
use super::ssrf::{self, Resolver};
use crate::db::Db;
use crate::error::AppResult;
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::sync::Arc;
use std::time::Duration;
use zhunong_entity::enums::DeliveryStatus;
use zhunong_entity::{webhook_delivery as delivery, webhook_endpoint as endpoint};

#[derive(Clone)]
pub struct WorkerConfig {
    pub timeout: Duration,
    pub schedule_secs: Vec<u64>,
    pub poll: Duration,
    pub batch: u64,
    pub lease: Duration,
    pub allow_hosts: Vec<String>,
    /// Opens the endpoints' stored signing secrets.
    pub secrets: SecretBox,
}

impl WorkerConfig {
    pub fn from_settings(s: &crate::config::Settings, secrets: SecretBox) -> Self {
        Self {
            timeout: Duration::from_secs(s.webhook_timeout_secs),
            schedule_secs: s.webhook_retry_schedule_secs.clone(),
            poll: Duration::from_millis(s.webhook_poll_millis),
            batch: s.webhook_batch_size.max(1),
            lease: Duration::from_secs(s.webhook_lease_secs.max(1)),
            allow_hosts: s.webhook_allow_hosts.clone(),
            secrets,
        }
    }
}

/// Runs passes forever, resting when there is nothing due.
pub async fn run(db: Db, cfg: WorkerConfig, resolver: Arc<dyn Resolver>) {
    loop {
        match pass(&db, &cfg, resolver.as_ref()).await {
            Ok(n) if n > 0 => {}
            Ok(_) => tokio::time::sleep(cfg.poll).await,
            Err(e) => {
                tracing::warn!(error = %e, "webhook pass failed");
                tokio::time::sleep(cfg.poll).await;
            }
        }
    }
}

/// Claims and sends one batch; returns how many were claimed.
///
/// # Errors
/// Database errors.
pub async fn pass(db: &Db, cfg: &WorkerConfig, resolver: &dyn Resolver) -> AppResult<usize> {
    let now = chrono::Utc::now();
    let tx = db.begin_write().await?;
    let ids: Vec<i64> = delivery::Entity::find()
        .select_only()
        .column(delivery::Column::Id)
        .filter(delivery::Column::Status.eq(DeliveryStatus::Pending))
        .filter(delivery::Column::NextAttemptAt.lte(now))
        .filter(
            Condition::any()
                .add(delivery::Column::LeaseUntil.is_null())
                .add(delivery::Column::LeaseUntil.lt(now)),
        )
        .order_by_asc(delivery::Column::Id)
        .limit(cfg.batch)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .into_tuple()
        .all(&tx)
        .await?;
    if ids.is_empty() {
        tx.rollback().await?;
        return Ok(0);
    }
    let lease = now + chrono::Duration::from_std(cfg.lease).unwrap_or_default();
    delivery::Entity::update_many()
        .col_expr(delivery::Column::LeaseUntil, Expr::value(lease))
        .filter(delivery::Column::Id.is_in(ids.clone()))
        .exec(&tx)
        .await?;
    tx.commit().await?;

    let rows = delivery::Entity::find()
        .filter(delivery::Column::Id.is_in(ids.clone()))
        .all(&db.read)
        .await?;
    for d in rows {
        let Some(ep) = endpoint::Entity::find_by_id(d.endpoint_id)
            .one(&db.read)
            .await?
        else {
            continue;
        };
        let outcome = if ep.enabled {
            send(&ep, &d, cfg, resolver).await
        } else {
            Outcome::Gone
        };
        record(db, &d, &ep, outcome, cfg).await?;
    }
    Ok(ids.len())
}

enum Outcome {
    Delivered(u16),
    Gone,
    Retry(Option<u16>, String),
}

async fn send(
    ep: &endpoint::Model,
    d: &delivery::Model,
    cfg: &WorkerConfig,
    resolver: &dyn Resolver,
) -> Outcome {
    let url = match ssrf::check_url(&ep.url, &cfg.allow_hosts) {
        Ok(u) => u,
        Err(e) => return Outcome::Retry(None, e),
    };
    let addrs = match ssrf::resolve(&url, &cfg.allow_hosts, resolver).await {
        Ok(a) => a,
        Err(e) => return Outcome::Retry(None, e),
    };
    let host = url.host_str().unwrap_or_default().to_owned();
    let client = match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(cfg.timeout)
        .resolve_to_addrs(&host, &addrs)
        .build()
    {
        Ok(c) => c,
        Err(e) => return Outcome::Retry(None, e.to_string()),
    };
    let timestamp = chrono::Utc::now().timestamp();
    let signatures = match signatures(ep, d, timestamp, &cfg.secrets) {
        Ok(s) => s,
        Err(e) => {
            // Nothing is sent unsigned: the delivery waits (and fails in the end, visibly) while
            // the operator sees why.
            tracing::error!(
                endpoint = ep.id,
                error = format!("{e:#}"),
                "cannot sign a webhook"
            );
            return Outcome::Retry(
                None,
                "internal error: the signing secret is unreadable".into(),
            );
        }
    };
    let resp = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &d.message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signatures.join(" "))
        .body(d.payload.clone())
        .send()
        .await;
    match resp {
        Ok(r) if r.status().is_success() => Outcome::Delivered(r.status().as_u16()),
        Ok(r) if r.status().as_u16() == 410 => Outcome::Gone,
        Ok(r) => Outcome::Retry(
            Some(r.status().as_u16()),
            format!("answered {}", r.status()),
        ),
        Err(e) => Outcome::Retry(
            None,
            if e.is_timeout() {
                "timed out".into()
            } else {
                "could not connect".into()
            },
        ),
    }
}

/// The `webhook-signature` values: the current secret, and the previous one while it overlaps.
fn signatures(
    ep: &endpoint::Model,
    d: &delivery::Model,
    timestamp: i64,
    secrets: &SecretBox,
) -> anyhow::Result<Vec<String>> {
    use anyhow::Context;
    let current = secrets
        .open(&ep.secret)
        .with_context(|| format!("opening the secret of webhook endpoint {}", ep.id))?;
    let mut out: Vec<String> = sign::signature(&current, &d.message_id, timestamp, &d.payload)
        .into_iter()
        .collect();
    if let (Some(prev), Some(until)) = (&ep.previous_secret, ep.previous_secret_expires_at)
        && until > chrono::Utc::now()
    {
        let prev = secrets.open(prev).with_context(|| {
            format!("opening the previous secret of webhook endpoint {}", ep.id)
        })?;
        out.extend(sign::signature(&prev, &d.message_id, timestamp, &d.payload));
    }
    Ok(out)
}

async fn record(
    db: &Db,
    d: &delivery::Model,
    ep: &endpoint::Model,
    outcome: Outcome,
    cfg: &WorkerConfig,
) -> AppResult<()> {
    let now = chrono::Utc::now();
    // The endpoint's and the delivery's new states land together or not at all.
    let tx = db.begin_write().await?;
    let update = delivery::Entity::update_many()
        .filter(delivery::Column::Id.eq(d.id))
        .col_expr(
            delivery::Column::LeaseUntil,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        );
    match outcome {
        Outcome::Delivered(code) => {
            update
                .col_expr(
                    delivery::Column::Status,
                    Expr::value(DeliveryStatus::Delivered.as_str()),
                )
                .col_expr(delivery::Column::DeliveredAt, Expr::value(now))
                .col_expr(
                    delivery::Column::LastStatusCode,
                    Expr::value(i32::from(code)),
                )
                .col_expr(delivery::Column::Attempts, Expr::value(d.attempts + 1))
                .exec(&tx)
                .await?;
        }
        Outcome::Gone => {
            if ep.enabled {
                endpoint::Entity::update_many()
                    .col_expr(endpoint::Column::Enabled, Expr::value(false))
                    .col_expr(
                        endpoint::Column::DisabledReason,
                        Expr::value("the endpoint answered 410 Gone"),
                    )
                    .filter(endpoint::Column::Id.eq(ep.id))
                    .exec(&tx)
                    .await?;
            }
            update
                .col_expr(
                    delivery::Column::Status,
                    Expr::value(DeliveryStatus::Failed.as_str()),
                )
                .col_expr(
                    delivery::Column::LastError,
                    Expr::value("endpoint disabled (410 Gone)"),
                )
                .col_expr(delivery::Column::Attempts, Expr::value(d.attempts + 1))
                .exec(&tx)
                .await?;
        }
        Outcome::Retry(code, error) => {
            let attempts = d.attempts + 1;
            let wait = usize::try_from(attempts - 1)
                .ok()
                .and_then(|i| cfg.schedule_secs.get(i))
                .copied();
            let (status, next) = match wait {
                // ±20 % jitter so a partner's backlog does not return all at once.
                Some(secs) => (
                    DeliveryStatus::Pending,
                    now + chrono::Duration::milliseconds(
                        i64::try_from(secs * (800 + u64::from(rand::random::<u16>() % 401)))
                            .unwrap_or(i64::MAX / 2),
                    ),
                ),
                None => (DeliveryStatus::Failed, now),
            };
            update
                .col_expr(delivery::Column::Status, Expr::value(status.as_str()))
                .col_expr(delivery::Column::Attempts, Expr::value(attempts))
                .col_expr(delivery::Column::NextAttemptAt, Expr::value(next))
                .col_expr(
                    delivery::Column::LastStatusCode,
                    Expr::value(code.map(i32::from)),
                )
                .col_expr(
                    delivery::Column::LastError,
                    Expr::value(error.chars().take(500).collect::<String>()),
                )
                .exec(&tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
