//! What a token's user is now: active, role and token version, cached per process. A change to
//! a user (disable, role, password) moves the token version on and sends a notice; every replica
//! forgets its entry, so the old token is refused at its next request.

use sea_orm::{ConnectionTrait, EntityTrait};
use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use zhunong_entity::enums::Role;
use zhunong_entity::user;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserState {
    pub active: bool,
    pub role: Role,
    pub token_version: i64,
}

#[derive(Default)]
pub struct UserStates {
    cached: RwLock<HashMap<i64, UserState>>,
    /// Bumped at every invalidation; a lookup that raced one does not store what it read.
    generation: AtomicU64,
}

impl UserStates {
    /// The user's state, or `None` if there is no such user.
    ///
    /// # Errors
    /// Database errors.
    pub async fn get(
        &self,
        db: &impl ConnectionTrait,
        user_id: i64,
    ) -> Result<Option<UserState>, sea_orm::DbErr> {
        if let Some(s) = self.read().get(&user_id) {
            return Ok(Some(*s));
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let Some(state) = Self::read_uncached(db, user_id).await? else {
            return Ok(None);
        };
        let mut map = self.cached.write().unwrap_or_else(|p| p.into_inner());
        if self.generation.load(Ordering::SeqCst) == generation {
            map.insert(user_id, state);
        }
        Ok(Some(state))
    }

    /// The user's state as `db` has it, not cached: for a replica, which may not yet have
    /// replayed a change that ended the user's tokens.
    ///
    /// # Errors
    /// Database errors.
    pub async fn read_uncached(
        db: &impl ConnectionTrait,
        user_id: i64,
    ) -> Result<Option<UserState>, sea_orm::DbErr> {
        Ok(user::Entity::find_by_id(user_id)
            .one(db)
            .await?
            .map(|u| UserState {
                active: u.active,
                role: u.role,
                token_version: u.token_version,
            }))
    }

    /// Forgets one user (after a change here, or a notice from another replica).
    pub fn forget(&self, user_id: i64) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.cached
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&user_id);
    }

    /// Forgets everyone (when notices may have been missed).
    pub fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.cached
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<i64, UserState>> {
        self.cached.read().unwrap_or_else(|p| p.into_inner())
    }
}
