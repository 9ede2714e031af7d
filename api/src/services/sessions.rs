//! Refresh tokens, so that a page lasts a whole show: the access token stays short, and the page
//! trades its refresh token for a new pair before it expires.
//!
//! - Opaque (32 random bytes), stored only as SHA-256.
//! - Rotated on every use: the used one is marked, the next one joins the same family.
//! - Presenting a used or revoked one is taken as theft: the whole family is revoked.
//! - A family also ends when its user is disabled, changes role or gets a new password (the
//!   token version moved on), and at logout.

use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::secrets::{api_key::hash, random_hex};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use zhunong_entity::refresh_token::{self, Column, Entity};
use zhunong_entity::user;

const REFUSED: AppError = AppError::Unauthorized("the session has ended; log in again");

/// Issues a refresh token for `user`, in `family` (a new one at login).
///
/// # Errors
/// Database errors.
pub async fn issue(
    db: &crate::db::Db,
    user: &user::Model,
    family: Option<String>,
    lifetime: chrono::Duration,
) -> AppResult<String> {
    db.write(async |tx| issue_in(tx, user, family, lifetime).await)
        .await
}

/// The step of [`issue`] inside a transaction that the caller owns (the demo builds its
/// village in one).
pub async fn issue_in(
    tx: &Tx,
    user: &user::Model,
    family: Option<String>,
    lifetime: chrono::Duration,
) -> AppResult<String> {
    let token = random_hex(32);
    let now = Utc::now();
    refresh_token::ActiveModel {
        user_id: Set(user.id),
        family: Set(family.unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string())),
        token_hash: Set(hash(&token)),
        token_version: Set(user.token_version),
        created_at: Set(now),
        expires_at: Set(now + lifetime),
        used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    Ok(token)
}

async fn revoke_family(tx: &Tx, family: &str, now: DateTime<Utc>) -> AppResult<()> {
    Entity::update_many()
        .col_expr(Column::RevokedAt, Expr::value(now))
        .filter(Column::Family.eq(family))
        .filter(Column::RevokedAt.is_null())
        .exec(tx)
        .await?;
    Ok(())
}

/// Trades a refresh token for its user and the next refresh token.
///
/// # Errors
/// 401 for an unknown, expired, revoked or already used token (the last two also revoke its
/// family), or a user who is disabled or changed since.
pub async fn rotate(
    db: &Db,
    presented: &str,
    lifetime: chrono::Duration,
) -> AppResult<(user::Model, String)> {
    let now = Utc::now();
    let outcome = db
        .write(async |tx| {
            let Some(row) = Entity::find()
                .filter(Column::TokenHash.eq(hash(presented)))
                .one(tx)
                .await?
            else {
                return Ok(Err(REFUSED));
            };
            // Marking it used is conditional, so of two concurrent uses only one wins.
            let claimed = Entity::update_many()
                .col_expr(Column::UsedAt, Expr::value(now))
                .filter(Column::Id.eq(row.id))
                .filter(Column::UsedAt.is_null())
                .filter(Column::RevokedAt.is_null())
                .exec(tx)
                .await?
                .rows_affected
                == 1;
            let user = user::Entity::find_by_id(row.user_id).one(tx).await?;
            let valid_user = user
                .as_ref()
                .filter(|u| u.active && u.token_version == row.token_version);
            match (claimed, valid_user) {
                (true, Some(u)) if row.expires_at > now => {
                    let next = issue_in(tx, u, Some(row.family.clone()), lifetime).await?;
                    Ok(Ok((u.clone(), next)))
                }
                // Reuse (or a user changed since): nobody holding this family is trusted now.
                _ => {
                    revoke_family(tx, &row.family, now).await?;
                    Ok(Err(REFUSED))
                }
            }
        })
        .await?;
    // The revocation is committed even though the answer is a refusal.
    outcome
}

/// Ends the session the token belongs to (its whole family). Unknown tokens are ignored.
///
/// # Errors
/// Database errors.
pub async fn logout(db: &Db, presented: &str) -> AppResult<()> {
    let now = Utc::now();
    db.write(async |tx| {
        if let Some(row) = Entity::find()
            .filter(Column::TokenHash.eq(hash(presented)))
            .one(tx)
            .await?
        {
            revoke_family(tx, &row.family, now).await?;
        }
        Ok(())
    })
    .await
}
