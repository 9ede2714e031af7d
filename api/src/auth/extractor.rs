//! `Auth<R>`: the caller, verified from `Authorization: Bearer …`, and allowed only if its role is
//! in the role set `R`. Missing or invalid token → 401; valid token with another role → 403.

use super::jwt::JwtKeys;
use super::roles::RoleSet;
use crate::error::AppError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use std::future::{Ready, ready};
use std::marker::PhantomData;
use zhunong_entity::enums::Role;

#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
}

pub struct Auth<R: RoleSet> {
    pub caller: Caller,
    _roles: PhantomData<R>,
}

impl<R: RoleSet> std::ops::Deref for Auth<R> {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.caller
    }
}

fn authenticate(req: &HttpRequest) -> Result<Caller, AppError> {
    let keys = req
        .app_data::<web::Data<JwtKeys>>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("JWT keys are not configured")))?;
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or(AppError::Unauthorized("missing bearer token"))?;
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .ok_or(AppError::Unauthorized("missing bearer token"))?;
    let claims = keys
        .verify(token.trim())
        .ok_or(AppError::Unauthorized("invalid or expired token"))?;
    let user_id = claims
        .sub
        .parse()
        .map_err(|_| AppError::Unauthorized("invalid or expired token"))?;
    Ok(Caller {
        user_id,
        username: claims.username,
        role: claims.role,
    })
}

impl<R: RoleSet> FromRequest for Auth<R> {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req).and_then(|caller| {
            if R::ROLES.contains(&caller.role) {
                Ok(Auth {
                    caller,
                    _roles: PhantomData,
                })
            } else {
                Err(AppError::Forbidden)
            }
        }))
    }
}
