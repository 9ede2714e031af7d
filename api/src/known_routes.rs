//! The documented routes and their methods, so a request for a known path with another method
//! is answered 405 with `Allow` (RFC 9110 §15.5.6) rather than 404. actix registers each
//! `#[get]`/`#[post]` handler as its own resource, so a wrong method falls through to the default
//! service like an unknown path does; this table tells the two apart.

use crate::error::AppError;
use actix_web::dev::ResourceDef;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

/// Each documented path pattern with the methods it takes.
pub struct KnownRoutes(Vec<(ResourceDef, Vec<&'static str>)>);

impl KnownRoutes {
    /// Collects the paths of the finished OpenAPI document.
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, present)| present.then_some(m))
                .collect();
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        Self(routes)
    }

    /// The methods documented for `path` (every pattern that matches it), in a fixed order.
    pub fn allowed(&self, path: &str) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for (def, methods) in &self.0 {
            if def.is_match(path) {
                for m in methods {
                    if !out.contains(m) {
                        out.push(m);
                    }
                }
            }
        }
        out
    }
}

/// The default service: 405 with `Allow` for a known path, else 404, both problem+json.
pub async fn route_not_found(req: HttpRequest) -> HttpResponse {
    let allowed = req
        .app_data::<web::Data<KnownRoutes>>()
        .map(|r| r.allowed(req.path()))
        .unwrap_or_default();
    if !allowed.is_empty() && !allowed.contains(&req.method().as_str()) {
        let mut res = AppError::Http {
            status: StatusCode::METHOD_NOT_ALLOWED,
            code: "method_not_allowed",
            detail: format!("this route takes {}", allowed.join(", ")),
        }
        .error_response();
        if let Ok(v) = header::HeaderValue::from_str(&allowed.join(", ")) {
            res.headers_mut().insert(header::ALLOW, v);
        }
        return res;
    }
    AppError::Http {
        status: StatusCode::NOT_FOUND,
        code: "route_not_found",
        detail: "no such route".into(),
    }
    .error_response()
}
