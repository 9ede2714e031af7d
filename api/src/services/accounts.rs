//! Changing staff accounts: role, disabling, password resets and changes. Each change moves the
//! user's token version on, in the same transaction, and sends a notice so that every replica
//! forgets what it cached: the user's existing tokens stop working at their next request.

use crate::db::hub::Notice;
use crate::db::{Db, Tx};
use crate::domain::caller::Caller;
use crate::dto::auth::{ChangePassword, ResetPassword, UpdateUser, UserOut};
use crate::error::{AppError, AppResult, ErrorCode, Validator};
use crate::secrets::password;
use crate::services::audit::{self, Change};
use crate::services::users::MIN_PASSWORD_CHARS;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, ExprTrait, QueryFilter};
use serde_json::json;
use zhunong_entity::enums::Role;
use zhunong_entity::enums::{AuditAction, AuditEntity};
use zhunong_entity::user::{self, Column, Entity};

fn check_password(v: &mut Validator, pw: &str, field: &str) {
    let n = pw.chars().count();
    v.check(
        (MIN_PASSWORD_CHARS..=256).contains(&n),
        field,
        format!("between {MIN_PASSWORD_CHARS} and 256 characters"),
    );
}

/// Only an admin may touch an admin account or make someone admin: a secretary manages the
/// village's staff, not the people who run the installation.
fn may_manage(caller: &Caller, target: &user::Model, new_role: Option<Role>) -> AppResult<()> {
    let touches_admin = target.role == Role::Admin || new_role == Some(Role::Admin);
    if touches_admin && caller.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// The secretary runs the staff (helpers, station, other secretaries); admin accounts are the
/// admin's own.
///
/// # Errors
/// 403 when a non-admin creates an admin.
pub fn may_create(caller: &Caller, role: Role) -> AppResult<()> {
    if role == Role::Admin && caller.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

async fn find(tx: &Tx, id: i64) -> AppResult<user::Model> {
    Entity::find_by_id(id)
        .one(tx)
        .await?
        .ok_or(AppError::NotFound("user"))
}

/// Writes the change and moves the token version on; returns the user as now.
async fn apply(
    tx: &Tx,
    id: i64,
    set: Vec<(Column, sea_orm::sea_query::SimpleExpr)>,
) -> AppResult<user::Model> {
    apply_with(tx, id, set, true).await
}

/// Writes the change; moves the token version on only if it changes what the user may do (a
/// new display name keeps them signed in).
async fn apply_with(
    tx: &Tx,
    id: i64,
    set: Vec<(Column, sea_orm::sea_query::SimpleExpr)>,
    sign_out: bool,
) -> AppResult<user::Model> {
    let mut update = Entity::update_many().filter(Column::Id.eq(id));
    if sign_out {
        update = update.col_expr(Column::TokenVersion, Expr::col(Column::TokenVersion).add(1));
    }
    for (col, value) in set {
        update = update.col_expr(col, value);
    }
    update.exec(tx).await?;
    tx.notify(Notice::UserChanged(id)).await?;
    find(tx, id).await
}

/// # Errors
/// 404 unknown user; 403 if a secretary touches an admin; 409 disabling oneself; 422 a
/// partner role.
pub async fn update(
    db: &crate::db::Db,
    caller: &Caller,
    id: i64,
    req: UpdateUser,
) -> AppResult<UserOut> {
    db.write(async |tx| {
    let mut v = Validator::default();
    v.check(
        req.role.is_some() || req.active.is_some() || req.display_name.is_some(),
        "role",
        "give role, active and/or display_name",
    );
    crate::services::users::check_display_name(
        &mut v,
        req.display_name.as_ref().and_then(|n| n.as_deref()),
    );
    v.check(
        req.role != Some(Role::Partner),
        "role",
        "partners sign in with API keys, not passwords",
    );
    v.finish()?;
    let before = find(tx, id).await?;
    may_manage(caller, &before, req.role)?;
    if id == caller.user_id
        && (req.active == Some(false) || req.role.is_some_and(|r| r != before.role))
    {
        return Err(AppError::Conflict {
            code: ErrorCode::CannotChangeSelf,
            detail: "you cannot disable your own account or change your own role".into(),
        });
    }
    let mut set = Vec::new();
    if let Some(role) = req.role {
        set.push((Column::Role, Expr::value(role)));
    }
    if let Some(active) = req.active {
        set.push((Column::Active, Expr::value(active)));
    }
    let sign_out = !set.is_empty();
    if let Some(name) = req.display_name {
        set.push((
            Column::DisplayName,
            Expr::value(name.map(|n| n.trim().to_owned())),
        ));
    }
    let after = apply_with(tx, id, set, sign_out).await?;
    audit::record(tx, Change::of(Some(caller.user_id), AuditAction::UpdateUser, AuditEntity::User, id).before(
                json!({"role": before.role, "active": before.active, "display_name": before.display_name}),
            ).after(
                json!({"role": after.role, "active": after.active, "display_name": after.display_name}),
            ))
    .await?;
    Ok(after.into())
}).await
}

/// # Errors
/// 404 unknown user; 403 if a secretary resets an admin; 422 a weak password.
pub async fn reset_password(
    db: &Db,
    caller: &Caller,
    id: i64,
    req: ResetPassword,
) -> AppResult<UserOut> {
    let mut v = Validator::default();
    check_password(&mut v, &req.password, "password");
    v.finish()?;
    // Hashing takes a while: done before the transaction, so writers do not wait for it.
    let hash = password::hash(req.password).await?;
    db.write(async |tx| {
        let target = find(tx, id).await?;
        may_manage(caller, &target, None)?;
        let after = apply(tx, id, vec![(Column::PasswordHash, Expr::value(hash))]).await?;
        audit::record(
            tx,
            Change::of(
                Some(caller.user_id),
                AuditAction::ResetPassword,
                AuditEntity::User,
                id,
            ),
        )
        .await?;
        Ok(after.into())
    })
    .await
}

/// Changes the caller's own password; returns the user as now, whose token version the caller
/// needs for a fresh token (the one used for this request stops working).
///
/// # Errors
/// 401 if the current password is wrong; 422 a weak new password.
pub async fn change_own_password(
    db: &Db,
    caller: &Caller,
    req: ChangePassword,
) -> AppResult<user::Model> {
    let mut v = Validator::default();
    check_password(&mut v, &req.new_password, "new_password");
    v.finish()?;
    let me = Entity::find_by_id(caller.user_id)
        .one(&db.read)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    if !password::verify(req.current_password, me.password_hash.clone()).await? {
        return Err(AppError::Unauthorized("the current password is wrong"));
    }
    let hash = password::hash(req.new_password).await?;
    db.write(async |tx| {
        // The password the caller proved is still the one stored (not changed meanwhile).
        if find(tx, caller.user_id).await?.password_hash != me.password_hash {
            return Err(AppError::Conflict {
                code: ErrorCode::PasswordChanged,
                detail: "the password was changed meanwhile; log in again".into(),
            });
        }
        let after = apply(
            tx,
            caller.user_id,
            vec![(Column::PasswordHash, Expr::value(hash))],
        )
        .await?;
        audit::record(
            tx,
            Change::of(
                Some(caller.user_id),
                AuditAction::ChangePassword,
                AuditEntity::User,
                caller.user_id,
            ),
        )
        .await?;
        Ok(after)
    })
    .await
}
