//! The documented routes and their methods, so a request for a known path with another method
//! is answered 405 with `Allow` (RFC 9110 §15.5.6) rather than 404. actix registers each
//! `#[get]`/`#[post]` handler as its own resource, so a wrong method falls through to the default
//! service like an unknown path does; this table tells the two apart. It also knows each
//! operation's query parameters, so that one it does not take is refused (422) instead of being
//! silently ignored — a misspelt filter would otherwise return everything.

use crate::error::{AppError, ErrorCode};
use actix_web::dev::ResourceDef;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

/// A documented operation: its method and the query parameters it declares.
struct Operation {
    method: &'static str,
    query: Vec<String>,
}

/// Each documented path pattern with its operations.
pub struct KnownRoutes(Vec<(ResourceDef, Vec<Operation>)>);

impl KnownRoutes {
    /// Collects the paths of the finished OpenAPI document.
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Self {
        use utoipa::openapi::RefOr;
        use utoipa::openapi::path::ParameterIn;
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let ops = [
                    ("GET", &item.get),
                    ("POST", &item.post),
                    ("PUT", &item.put),
                    ("PATCH", &item.patch),
                    ("DELETE", &item.delete),
                ]
                .into_iter()
                .filter_map(|(method, op)| {
                    let op = op.as_ref()?;
                    let query = op
                        .parameters
                        .iter()
                        .flatten()
                        .filter_map(|p| match p {
                            RefOr::T(p) if p.parameter_in == ParameterIn::Query => {
                                Some(p.name.clone())
                            }
                            _ => None,
                        })
                        .collect();
                    Some(Operation { method, query })
                })
                .collect();
                (ResourceDef::new(path.as_str()), ops)
            })
            .collect();
        Self(routes)
    }

    /// The query parameters documented for `method` on `path`; `None` for an undocumented
    /// route (a page, an asset), which this check leaves alone.
    fn query_of(&self, method: &str, path: &str) -> Option<&[String]> {
        self.0
            .iter()
            .filter(|(def, _)| def.is_match(path))
            .flat_map(|(_, ops)| ops.iter())
            .find(|op| op.method == method)
            .map(|op| op.query.as_slice())
    }

    /// The first query parameter of `req` that its operation does not declare.
    pub fn unknown_query_parameter(&self, req: &actix_web::dev::ServiceRequest) -> Option<String> {
        let declared = self.query_of(req.method().as_str(), req.path())?;
        let query = req.query_string();
        url::form_urlencoded::parse(query.as_bytes())
            .map(|(k, _)| k.into_owned())
            .find(|k| !declared.iter().any(|d| d == k))
    }

    /// The methods documented for `path` (every pattern that matches it), in a fixed order.
    pub fn allowed(&self, path: &str) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for (def, ops) in &self.0 {
            if def.is_match(path) {
                for op in ops {
                    if !out.contains(&op.method) {
                        out.push(op.method);
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
            code: ErrorCode::MethodNotAllowed,
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
        code: ErrorCode::RouteNotFound,
        detail: "no such route".into(),
    }
    .error_response()
}
