use crate::domain::caller::Caller;
use crate::dto::partner::{CreateKey, KeyOut, NewKeyOut};
use crate::error::{AppError, AppResult, ErrorCode, Validator};
use crate::secrets::api_key;
use crate::services::audit::{self, Change};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use zhunong_entity::enums::BuyerKind;
use zhunong_entity::enums::{AuditAction, AuditEntity};
use zhunong_entity::{api_key as key, buyer};

async fn enterprise(db: &impl ConnectionTrait, buyer_id: i64) -> AppResult<()> {
    match buyer::Entity::find_by_id(buyer_id).one(db).await? {
        Some(b) if b.kind == BuyerKind::Enterprise => Ok(()),
        Some(_) => Err(AppError::Conflict {
            code: ErrorCode::NotAnEnterprise,
            detail: "API keys are for enterprise buyers".into(),
        }),
        None => Err(AppError::NotFound("buyer")),
    }
}

/// Creates a key for an enterprise buyer; the plaintext is in the answer and nowhere else.
///
/// # Errors
/// 404 unknown buyer; 409 for an individual buyer.
pub async fn create(
    db: &crate::db::Db,
    caller: &Caller,
    buyer_id: i64,
    req: CreateKey,
) -> AppResult<NewKeyOut> {
    db.write(async |tx| {
        let mut v = Validator::default();
        v.opt_text(req.label.as_deref(), "label", 100);
        v.finish()?;
        enterprise(tx, buyer_id).await?;
        let new = api_key::generate();
        let m = key::ActiveModel {
            buyer_id: Set(buyer_id),
            key_id: Set(new.key_id),
            secret_hash: Set(new.secret_hash),
            label: Set(req.label),
            created_by: Set(caller.user_id),
            created_at: Set(chrono::Utc::now()),
            revoked_at: Set(None),
            last_used_at: Set(None),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        audit::record(
            tx,
            Change::of(
                Some(caller.user_id),
                AuditAction::CreateApiKey,
                AuditEntity::Buyer,
                buyer_id,
            )
            .after(serde_json::json!({"key_id": m.key_id, "label": m.label})),
        )
        .await?;
        Ok(NewKeyOut {
            key_id: m.key_id,
            key: new.plaintext,
            label: m.label,
            created_at: m.created_at,
        })
    })
    .await
}

/// # Errors
/// 404 unknown buyer.
pub async fn list(db: &impl ConnectionTrait, buyer_id: i64) -> AppResult<Vec<KeyOut>> {
    buyer::Entity::find_by_id(buyer_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("buyer"))?;
    Ok(key::Entity::find()
        .filter(key::Column::BuyerId.eq(buyer_id))
        .order_by_asc(key::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(KeyOut::from)
        .collect())
}

/// Revokes a key; the next request with it is refused.
///
/// # Errors
/// 404 if the buyer has no such key (or it is already revoked).
pub async fn revoke(
    db: &crate::db::Db,
    caller: &Caller,
    buyer_id: i64,
    key_id: &str,
) -> AppResult<()> {
    db.write(async |tx| {
        let res = key::Entity::update_many()
            .col_expr(key::Column::RevokedAt, Expr::value(chrono::Utc::now()))
            .filter(key::Column::BuyerId.eq(buyer_id))
            .filter(key::Column::KeyId.eq(key_id))
            .filter(key::Column::RevokedAt.is_null())
            .exec(tx)
            .await?;
        if res.rows_affected == 0 {
            return Err(AppError::NotFound("active API key"));
        }
        audit::record(
            tx,
            Change::of(
                Some(caller.user_id),
                AuditAction::RevokeApiKey,
                AuditEntity::Buyer,
                buyer_id,
            )
            .before(serde_json::json!({"key_id": key_id})),
        )
        .await?;
        Ok(())
    })
    .await
}

/// The user a partner's orders are recorded under: whoever created the key.
///
/// # Errors
/// Database errors.
pub async fn acting_user(db: &impl ConnectionTrait, key_id: &str) -> AppResult<i64> {
    Ok(key::Entity::find()
        .filter(key::Column::KeyId.eq(key_id))
        .one(db)
        .await?
        .map(|k| k.created_by)
        .unwrap_or_default())
}
