//! Users: creation (admin), login, and the first admin on an empty database.

use crate::db::Tx;
use crate::dto::auth::{CreateUserRequest, UserOut};
use crate::error::{AppError, AppResult, Validator};
use crate::secrets::password;
use crate::services::audit::{self, Change};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use zhunong_entity::enums::Role;
use zhunong_entity::enums::{AuditAction, AuditEntity};
use zhunong_entity::user::{self, ActiveModel, Column, Entity};

pub const MIN_PASSWORD_CHARS: usize = 10;

/// # Errors
/// Invalid fields (422), a partner role (422: partners use API keys), or a taken name (409).
pub async fn create(
    db: &crate::db::Db,
    actor: Option<i64>,
    req: CreateUserRequest,
) -> AppResult<UserOut> {
    db.write(async |tx| create_in(tx, actor, req).await).await
}

/// The step of [`create`] inside a transaction that the caller owns (the demo builds its
/// village in one).
pub async fn create_in(tx: &Tx, actor: Option<i64>, req: CreateUserRequest) -> AppResult<UserOut> {
    let mut v = Validator::default();
    v.text(&req.username, "username", 64);
    v.check(
        req.username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
        "username",
        "letters, digits, '.', '_' and '-' only",
    );
    v.check(
        req.password.chars().count() >= MIN_PASSWORD_CHARS,
        "password",
        format!("at least {MIN_PASSWORD_CHARS} characters"),
    );
    v.check(
        req.password.chars().count() <= 256,
        "password",
        "at most 256 characters",
    );
    check_display_name(&mut v, req.display_name.as_deref());
    v.check(
        req.role != Role::Partner,
        "role",
        "partners sign in with API keys, not passwords",
    );
    v.finish()?;
    let hash = password::hash(req.password).await?;
    let m = ActiveModel {
        username: Set(req.username),
        display_name: Set(req.display_name.map(|n| n.trim().to_owned())),
        password_hash: Set(hash),
        role: Set(req.role),
        active: Set(true),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(tx)
    .await
    .map_err(|e| super::conflict_on_duplicate(e, "this username is taken"))?;
    audit::record(
        tx,
        Change::of(actor, AuditAction::CreateUser, AuditEntity::User, m.id)
            .after(serde_json::json!({"display_name": m.display_name, "role": m.role})),
    )
    .await?;
    Ok(m.into())
}

/// The user's display name, if they have one.
///
/// # Errors
/// Database errors.
pub async fn display_name(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<String>> {
    Ok(Entity::find_by_id(id)
        .one(db)
        .await?
        .and_then(|u| u.display_name)
        .filter(|n| !n.trim().is_empty()))
}

/// Longest display name: what fits in a page header on a phone.
pub const MAX_DISPLAY_NAME_CHARS: usize = 32;

/// A display name, when given, is not blank and fits.
pub fn check_display_name(v: &mut Validator, name: Option<&str>) {
    if let Some(n) = name {
        v.check(
            !n.trim().is_empty() && n.trim().chars().count() <= MAX_DISPLAY_NAME_CHARS,
            "display_name",
            format!("1 to {MAX_DISPLAY_NAME_CHARS} characters, not only spaces"),
        );
    }
}

/// # Errors
/// Database errors.
pub async fn list(
    db: &impl ConnectionTrait,
    paging: (u64, u64),
) -> AppResult<crate::dto::Page<UserOut>> {
    super::paginate(
        db,
        Entity::find().order_by_asc(Column::Id),
        paging,
        UserOut::from,
    )
    .await
}

/// The active user with this name and password, or `None`. Unknown names cost a hash too, so
/// response time does not reveal which names exist.
///
/// # Errors
/// Database errors.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    username: &str,
    pw: &str,
) -> AppResult<Option<user::Model>> {
    let found = Entity::find()
        .filter(Column::Username.eq(username))
        .one(db)
        .await?;
    match found {
        Some(u) if u.active => {
            let ok = password::verify(pw.to_owned(), u.password_hash.clone()).await?;
            Ok(ok.then_some(u))
        }
        _ => {
            let _ = password::verify(pw.to_owned(), dummy_hash().to_owned()).await?;
            Ok(None)
        }
    }
}

/// A fixed argon2id hash with the same parameters as real ones.
fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$AjzdLcNtxSvcqYWbN1QgYUXXzDxPAsO1z0s0bU8mJFE"
}

/// Creates the `admin` user if there are no users at all. Returns the generated password when
/// none was given, so the caller can print it once.
///
/// # Errors
/// Database or hashing errors.
pub async fn ensure_first_admin(
    db: &crate::db::Db,
    given: Option<&str>,
) -> anyhow::Result<Option<String>> {
    // An admin, not just any user: `demo` creates staff users before the first `serve`.
    let admins = Entity::find()
        .filter(Column::Role.eq(Role::Admin))
        .count(&db.read)
        .await?;
    if admins > 0 {
        return Ok(None);
    }
    let (pw, generated) = match given {
        Some(p) => (p.to_owned(), false),
        None => (crate::secrets::random_hex(12), true),
    };
    let req = CreateUserRequest {
        username: "admin".into(),
        display_name: Some("管理员".into()),
        password: pw.clone(),
        role: Role::Admin,
    };
    let tx = db.begin_write().await?;
    match create_in(&tx, None, req).await {
        Ok(_) => {
            tx.commit().await?;
            Ok(generated.then_some(pw))
        }
        // Another replica starting at the same moment created it first.
        Err(AppError::Conflict { .. }) => Ok(None),
        Err(AppError::Validation(errs)) => {
            Err(anyhow::anyhow!("admin password rejected: {errs:?}"))
        }
        Err(other) => Err(anyhow::anyhow!("{other}")),
    }
}
