use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhunong_entity::enums::Role;
use zhunong_entity::user;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "admin")]
    pub username: String,
    pub password: String,
    /// `true` (the pages): the refresh token comes as an httpOnly cookie scoped to
    /// `/api/v1/auth`, out of reach of scripts. `false` (default): it comes in the body.
    #[serde(default)]
    pub cookie: bool,
}

/// `POST /auth/refresh` and `/auth/logout` without the cookie: the refresh token in the body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    pub expires_in: i64,
    pub role: Role,
    /// Whose token it is: a page opened in a new tab learns it here, from the refresh cookie alone.
    pub username: String,
    /// Trade it at `POST /auth/refresh` for a new pair before `expires_in` runs out; each one
    /// works once. Absent when it was set as a cookie.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// How long the refresh token (and so the session) lasts, in seconds.
    pub refresh_expires_in: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    pub username: String,
    /// At least 10 characters.
    pub password: String,
    /// `admin`, `secretary`, `helper` or `station` (partners use API keys).
    pub role: Role,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

impl From<user::Model> for UserOut {
    fn from(m: user::Model) -> Self {
        Self {
            id: m.id,
            username: m.username,
            role: m.role,
            active: m.active,
            created_at: m.created_at,
        }
    }
}

/// The caller, as the token says.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeOut {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
}

/// A change to a staff account; only what is given changes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    pub role: Option<Role>,
    /// `false` disables the account: its tokens stop working at once and it cannot log in.
    pub active: Option<bool>,
}

/// A new password set by an administrator or the secretary.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPassword {
    /// At least 10 characters.
    pub password: String,
}

/// Changing one's own password: the current one proves it is you.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    /// At least 10 characters.
    pub new_password: String,
}
