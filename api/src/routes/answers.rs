//! Answers to keyed writes: the stored body as it was, with `Idempotent-Replayed: true` on a
//! replay, shared by every route that takes an `Idempotency-Key`.

use crate::extract::IdempotencyKey;
use crate::services::idempotency::{Keyed, Outcome};
use crate::services::orders::Placed;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;

/// Header on an answer replayed for a repeated `Idempotency-Key`.
pub const REPLAY_HEADER: &str = "idempotent-replayed";

/// The answer exactly as first given (or replayed).
pub fn respond(placed: Placed) -> HttpResponse {
    let mut resp = HttpResponse::build(match placed.outcome {
        Outcome::Created => StatusCode::CREATED,
        Outcome::Changed => StatusCode::OK,
    });
    resp.content_type("application/json");
    if placed.replayed {
        resp.insert_header((REPLAY_HEADER, "true"));
    }
    resp.body(placed.body)
}

/// A staff user's optional key, scoped to that user.
///
/// # Errors
/// As [`Keyed::for_post`].
pub fn user_key(
    key: IdempotencyKey,
    user_id: i64,
    path: &str,
    body: &impl serde::Serialize,
) -> crate::error::AppResult<Option<Keyed>> {
    key.0
        .map(|k| Keyed::for_post(format!("user:{user_id}"), k, path, body))
        .transpose()
}

/// `scheme://host` of this request as the client addressed it, for links inside a page that is
/// opened from a `blob:` address.
pub fn request_origin(req: &actix_web::HttpRequest) -> String {
    let ci = req.connection_info();
    format!("{}://{}", ci.scheme(), ci.host())
}
