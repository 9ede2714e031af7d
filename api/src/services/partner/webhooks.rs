use crate::domain::caller::PartnerAuth;
use crate::dto::Page;
use crate::dto::events::EventType;
use crate::dto::partner::{
    CreateWebhook, DeliveryFilter, DeliveryOut, WebhookOut, WebhookWithSecret,
};
use crate::error::{AppError, AppResult, ErrorCode, Validator};
use crate::services::paginate;
use crate::services::webhooks::secret_box::{PREFIX, SecretBox};
use crate::services::webhooks::{sign, ssrf, versions};
use anyhow::Context;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, Set,
};
use zhunong_entity::enums::DeliveryStatus;
use zhunong_entity::{webhook_delivery as delivery, webhook_endpoint as endpoint};

/// How long the old secret keeps signing after a rotation.
const ROTATION_OVERLAP_HOURS: i64 = 24;

/// Registers an endpoint for the partner; the URL must pass the SSRF checks now (and will again
/// at each delivery, after DNS).
///
/// The secret is returned once and stored sealed (see `secret_box`).
///
/// # Errors
/// 422 for a refused URL or unknown events.
pub async fn register(
    db: &crate::db::Db,
    partner: &PartnerAuth,
    req: CreateWebhook,
    allow: &[String],
    resolver: &dyn ssrf::Resolver,
    secrets: &SecretBox,
) -> AppResult<WebhookWithSecret> {
    db.write(async |tx| {
        let mut v = Validator::default();
        v.check(req.url.len() <= 2000, "url", "at most 2000 characters");
        v.check(
            (1..=EventType::ALL.len()).contains(&req.events.len()),
            "events",
            "between 1 and 6 events",
        );
        for (i, e) in req.events.iter().enumerate() {
            v.check(
                EventType::ALL.iter().any(|t| t.as_str() == e),
                format!("events[{i}]"),
                format!("one of {}", event_names().join(", ")),
            );
        }
        let version = req.version.unwrap_or(versions::CURRENT);
        v.check(
            versions::SUPPORTED.contains(&version),
            "version",
            format!("one of {:?}", versions::SUPPORTED),
        );
        v.finish()?;
        let url = ssrf::check_url(&req.url, allow).map_err(|e| AppError::field("url", e))?;
        ssrf::resolve(&url, allow, resolver)
            .await
            .map_err(|e| AppError::field("url", e))?;
        let secret = sign::new_secret();
        let m = endpoint::ActiveModel {
            buyer_id: Set(partner.buyer_id),
            url: Set(url.to_string()),
            events: Set(
                serde_json::to_value(&req.events).map_err(|e| AppError::Internal(e.into()))?
            ),
            secret: Set(secrets.seal(&secret)?),
            previous_secret: Set(None),
            previous_secret_expires_at: Set(None),
            enabled: Set(true),
            disabled_reason: Set(None),
            created_at: Set(chrono::Utc::now()),
            version: Set(version),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        Ok(WebhookWithSecret {
            webhook: m.into(),
            secret,
        })
    })
    .await
}

async fn own(
    db: &impl ConnectionTrait,
    partner: &PartnerAuth,
    id: i64,
) -> AppResult<endpoint::Model> {
    endpoint::Entity::find_by_id(id)
        .filter(endpoint::Column::BuyerId.eq(partner.buyer_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound("webhook"))
}

/// # Errors
/// Database errors.
pub async fn list(db: &impl ConnectionTrait, partner: &PartnerAuth) -> AppResult<Vec<WebhookOut>> {
    Ok(endpoint::Entity::find()
        .filter(endpoint::Column::BuyerId.eq(partner.buyer_id))
        .order_by_asc(endpoint::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(WebhookOut::from)
        .collect())
}

/// # Errors
/// 404 unless it is the partner's.
pub async fn get(
    db: &impl ConnectionTrait,
    partner: &PartnerAuth,
    id: i64,
) -> AppResult<WebhookOut> {
    Ok(own(db, partner, id).await?.into())
}

/// Turns an endpoint off (kept, with its delivery history).
///
/// # Errors
/// 404 unless it is the partner's.
pub async fn disable(db: &crate::db::Db, partner: &PartnerAuth, id: i64) -> AppResult<WebhookOut> {
    db.write(async |tx| {
        let mut m = own(tx, partner, id).await?.into_active_model();
        m.enabled = Set(false);
        m.disabled_reason = Set(Some("removed by the partner".into()));
        Ok(m.update(tx).await?.into())
    })
    .await
}

/// A new secret; the old one keeps signing alongside it for a day. Both are stored sealed, so a
/// secret from before encryption is sealed here.
///
/// # Errors
/// 404 unless it is the partner's; 500 if the stored secret does not decrypt.
pub async fn rotate(
    db: &crate::db::Db,
    partner: &PartnerAuth,
    id: i64,
    secrets: &SecretBox,
) -> AppResult<WebhookWithSecret> {
    db.write(async |tx| {
        let current = own(tx, partner, id).await?;
        let previous = secrets
            .open(&current.secret)
            .with_context(|| format!("rotating the secret of webhook endpoint {id}"))?;
        let secret = sign::new_secret();
        let mut m = current.clone().into_active_model();
        m.previous_secret = Set(Some(secrets.seal(&previous)?));
        m.previous_secret_expires_at = Set(Some(
            chrono::Utc::now() + chrono::Duration::hours(ROTATION_OVERLAP_HOURS),
        ));
        m.secret = Set(secrets.seal(&secret)?);
        Ok(WebhookWithSecret {
            webhook: m.update(tx).await?.into(),
            secret,
        })
    })
    .await
}

/// Seals the secrets still stored in plain text (rows from before encryption), so none stays
/// readable in the database; run at start. Returns how many endpoints changed.
///
/// # Errors
/// Database errors; a stored value that claims to be sealed but does not open.
pub async fn seal_plain_secrets(db: &crate::db::Db, secrets: &SecretBox) -> AppResult<u64> {
    db.write(async |tx| {
        let plain = endpoint::Entity::find()
            .filter(
                Condition::any()
                    .add(endpoint::Column::Secret.not_like(format!("{PREFIX}%")))
                    .add(endpoint::Column::PreviousSecret.not_like(format!("{PREFIX}%"))),
            )
            .all(tx)
            .await?;
        let n = plain.len() as u64;
        for ep in plain {
            let id = ep.id;
            let reseal = |stored: &str| -> AppResult<String> {
                if SecretBox::is_sealed(stored) {
                    return Ok(stored.to_owned());
                }
                let plain = secrets
                    .open(stored)
                    .with_context(|| format!("sealing the secret of webhook endpoint {id}"))?;
                Ok(secrets.seal(&plain)?)
            };
            let mut m = ep.clone().into_active_model();
            m.secret = Set(reseal(&ep.secret)?);
            m.previous_secret = Set(ep.previous_secret.as_deref().map(reseal).transpose()?);
            m.update(tx).await?;
        }
        Ok(n)
    })
    .await
}

/// Deliveries for the secretary, newest first.
///
/// # Errors
/// Database errors.
pub async fn deliveries(
    db: &impl ConnectionTrait,
    f: DeliveryFilter,
    paging: (u64, u64),
) -> AppResult<Page<DeliveryOut>> {
    let mut q = delivery::Entity::find().order_by_desc(delivery::Column::Id);
    if let Some(s) = f.status {
        q = q.filter(delivery::Column::Status.eq(s));
    }
    paginate(db, q, paging, DeliveryOut::from).await
}

/// Sends a failed delivery again, now.
///
/// # Errors
/// 404 unknown; 409 unless it failed.
pub async fn resend(db: &crate::db::Db, id: i64) -> AppResult<DeliveryOut> {
    db.write(async |tx| {
        let res = delivery::Entity::update_many()
            .col_expr(
                delivery::Column::Status,
                Expr::value(DeliveryStatus::Pending.as_str()),
            )
            .col_expr(delivery::Column::Attempts, Expr::value(0))
            .col_expr(
                delivery::Column::NextAttemptAt,
                Expr::value(chrono::Utc::now()),
            )
            .filter(delivery::Column::Id.eq(id))
            .filter(delivery::Column::Status.eq(DeliveryStatus::Failed))
            .exec(tx)
            .await?;
        let d = delivery::Entity::find_by_id(id)
            .one(tx)
            .await?
            .ok_or(AppError::NotFound("webhook delivery"))?;
        if res.rows_affected == 0 {
            return Err(AppError::Conflict {
                code: ErrorCode::NotFailed,
                detail: format!("the delivery is {}", d.status.as_str()),
            });
        }
        Ok(d.into())
    })
    .await
}

fn event_names() -> Vec<&'static str> {
    EventType::ALL.iter().map(|t| t.as_str()).collect()
}
