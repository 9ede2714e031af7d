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
    /// What the pages greet them with: the display name, else the login name.
    pub display_name: String,
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
    /// The login name: ASCII letters, digits, `.`, `_` and `-`.
    pub username: String,
    /// What pages and the audit log show (张会计), up to 32 characters. Without one, they show
    /// the login name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// At least 10 characters.
    pub password: String,
    /// `admin`, `secretary`, `helper`, `station` or `auditor` (a member of the villagers' finance
    /// group; partners use API keys).
    pub role: Role,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub username: String,
    /// What pages and the audit log show; absent when none was given (then the login name).
    pub display_name: Option<String>,
    pub role: Role,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

impl From<user::Model> for UserOut {
    fn from(m: user::Model) -> Self {
        Self {
            id: m.id,
            username: m.username,
            display_name: m.display_name,
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
    /// What the pages greet the user with: the display name, else the login name.
    pub display_name: String,
    pub role: Role,
}

/// A change to a staff account; only what is given changes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    pub role: Option<Role>,
    /// A new display name (up to 32 characters); `null` removes it and pages show the login
    /// name again. Changing only the name keeps the user signed in.
    #[serde(default, deserialize_with = "crate::dto::double_option")]
    #[schema(value_type = Option<String>)]
    pub display_name: Option<Option<String>>,
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
