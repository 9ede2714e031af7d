//! Request extractors that answer in problem+json: who is calling (a staff token, a partner key),
//! JSON bodies with field paths in their errors,
//! the `Idempotency-Key` header, and the handlers for actix's own query/path extractor errors.

mod caller;
pub mod partner;

pub use caller::{Auth, resolve_caller};

use crate::error::{AppError, ErrorCode, FieldError};
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use std::future::{Ready, ready};

/// Request-size limits, shared by the extractors.
#[derive(Clone, Copy)]
pub struct BodyLimit(pub usize);

/// A JSON body. Wrong content type → 415, too large → 413, not JSON → 400, JSON of the wrong
/// shape (unknown field, missing field, wrong type) → 422 naming the field path.
pub struct ApiJson<T> {
    pub value: T,
    /// The bytes as received, for hashing idempotent requests.
    pub raw: Bytes,
}

/// `application/json` (or `application/…+json`), in UTF-8: JSON is UTF-8 on the wire (RFC 8259),
/// and a body declared in another charset would be read wrongly.
fn is_json(req: &HttpRequest) -> bool {
    match req.mime_type() {
        Ok(Some(mime)) => {
            mime.type_() == mime::APPLICATION
                && (mime.subtype() == mime::JSON || mime.suffix() == Some(mime::JSON))
                && mime
                    .get_param(mime::CHARSET)
                    .is_none_or(|c| c.as_str().eq_ignore_ascii_case("utf-8"))
        }
        _ => false,
    }
}

/// Parses `body` as `T`, mapping serde's errors to problem details.
///
/// # Errors
/// 400 for malformed JSON, 422 with the field path for a body of the wrong shape.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => AppError::Validation(vec![FieldError {
                field: if path == "." { String::new() } else { path },
                message: strip_position(&inner.to_string()),
            }]),
            _ => AppError::BadRequest {
                code: ErrorCode::MalformedJson,
                detail: format!(
                    "the body is not valid JSON: {}",
                    strip_position(&inner.to_string())
                ),
            },
        }
    })?;
    de.end().map_err(|_| AppError::BadRequest {
        code: ErrorCode::MalformedJson,
        detail: "the body has trailing characters after the JSON value".into(),
    })?;
    Ok(value)
}

/// serde_json appends " at line 1 column 9"; the path already says where.
fn strip_position(msg: &str) -> String {
    msg.split(" at line ").next().unwrap_or(msg).to_owned()
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<BodyLimit>>()
            .map_or(256 * 1024, |l| l.0);
        let json = is_json(req);
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !json {
                return Err(AppError::UnsupportedMediaType(
                    "the body must be application/json".into(),
                ));
            }
            if declared.is_some_and(|n| n > limit) {
                return Err(AppError::PayloadTooLarge);
            }
            let mut body = BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| AppError::BadRequest {
                    code: ErrorCode::BodyUnreadable,
                    detail: "the request body could not be read".into(),
                })?;
                if body.len() + chunk.len() > limit {
                    return Err(AppError::PayloadTooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            let raw = body.freeze();
            // PostgreSQL cannot store NUL in text; refuse it here, once, for every field.
            if raw.windows(6).any(|w| w == br"\u0000") {
                return Err(AppError::field(
                    "",
                    "strings must not contain NUL characters",
                ));
            }
            // Every body here is a JSON object. serde would also read a struct from an array of
            // its fields in order (`[null, null]`), which no client means.
            if raw.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
                return Err(AppError::field("", "the body must be a JSON object"));
            }
            let value = parse_json(&raw)?;
            Ok(ApiJson { value, raw })
        })
    }
}

/// A JSON body that may be left out: no body and no `Content-Type` is `None`; anything else is
/// read as [`ApiJson`], with the same answers for a wrong type, size or shape.
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let no_type = !req.headers().contains_key(header::CONTENT_TYPE);
        let empty = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|v| v.trim() == "0");
        if no_type && empty {
            return Box::pin(async { Ok(OptionalJson(None)) });
        }
        let json = ApiJson::<T>::from_request(req, payload);
        Box::pin(async move { Ok(OptionalJson(Some(json.await?.value))) })
    }
}

/// The `Idempotency-Key` header, if sent: 1–255 visible ASCII characters. A malformed key is a
/// 400, never silently ignored (that would turn a retry into a second order).
pub struct IdempotencyKey(pub Option<String>);

pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

impl IdempotencyKey {
    /// The key, where a route requires one.
    ///
    /// # Errors
    /// 400 if the header was not sent.
    pub fn required(self) -> Result<String, AppError> {
        self.0.ok_or_else(|| AppError::BadRequest {
            code: ErrorCode::IdempotencyKeyRequired,
            detail: "this request needs an Idempotency-Key header".into(),
        })
    }
}

impl FromRequest for IdempotencyKey {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let result = match req.headers().get(IDEMPOTENCY_HEADER) {
            None => Ok(IdempotencyKey(None)),
            Some(v) => match v.to_str() {
                Ok(s)
                    if !s.is_empty()
                        && s.len() <= 255
                        && s.bytes().all(|b| b.is_ascii_graphic()) =>
                {
                    Ok(IdempotencyKey(Some(s.to_owned())))
                }
                _ => Err(AppError::BadRequest {
                    code: ErrorCode::IdempotencyKeyInvalid,
                    detail: "Idempotency-Key must be 1–255 visible ASCII characters".into(),
                }),
            },
        };
        ready(result)
    }
}

/// Paths and query strings with an encoded NUL are refused before any handler sees them:
/// PostgreSQL cannot compare text containing NUL.
/// An uploaded file's bytes, read up to `limit` (then 413), for routes that take a file rather
/// than JSON.
///
/// # Errors
/// 413 past the limit; 400 if the connection broke mid-body.
pub async fn file_body(
    mut payload: actix_web::web::Payload,
    limit: usize,
) -> Result<Vec<u8>, AppError> {
    use futures_util::StreamExt;
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::BadRequest {
            code: crate::error::ErrorCode::BodyUnreadable,
            detail: format!("the upload could not be read: {e}"),
        })?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

pub fn has_encoded_nul(uri: &actix_web::http::Uri) -> bool {
    let s = uri.path_and_query().map_or("", |pq| pq.as_str());
    s.as_bytes()
        .windows(3)
        .any(|w| w.eq_ignore_ascii_case(b"%00"))
}

/// A query parameter that does not parse (a date that is no date, an unknown name, a value of
/// the wrong kind) is 422 like a body field that does not: the request is well-formed HTTP, its
/// content is wrong.
pub fn query_error(err: actix_web::error::QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    AppError::Http {
        status: actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
        code: ErrorCode::InvalidQuery,
        detail: format!("invalid query string: {err}"),
    }
    .into()
}

/// A path that names no resource (`/orders/abc`, an id past i64): 404, as for an id that names
/// no row, with its own code so that a developer sees why.
pub fn path_error(err: actix_web::error::PathError, _: &HttpRequest) -> actix_web::Error {
    AppError::Http {
        status: actix_web::http::StatusCode::NOT_FOUND,
        code: ErrorCode::InvalidPath,
        detail: format!("no such resource: {err}"),
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Line {
        batch_id: i64,
        quantity: i64,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        lines: Vec<Line>,
    }

    fn field_of(r: Result<Body, AppError>) -> String {
        match r {
            Err(AppError::Validation(e)) => e[0].field.clone(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn wrong_types_name_the_field_path() {
        let r = parse_json::<Body>(br#"{"lines":[{"batch_id":1,"quantity":"x"}]}"#);
        assert_eq!(field_of(r), "lines[0].quantity");
    }

    #[test]
    fn unknown_fields_are_refused() {
        let r =
            parse_json::<Body>(br#"{"lines":[{"batch_id":1,"quantity":2,"unit_price_fen":1}]}"#);
        assert_eq!(field_of(r), "lines[0].unit_price_fen");
    }

    #[test]
    fn broken_json_is_a_bad_request() {
        assert!(matches!(
            parse_json::<Body>(br#"{"lines":"#),
            Err(AppError::BadRequest {
                code: ErrorCode::MalformedJson,
                ..
            })
        ));
    }
}
