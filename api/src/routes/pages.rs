//! The web pages, built into the binary (files under `api/web/`; read from disk in debug builds,
//! so editing a page needs no rebuild). No CDN: everything a page loads is served from here.

use crate::error::ErrorCode;
use actix_web::http::header;
use actix_web::{HttpResponse, ResponseError, web};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "web/"]
struct Web;

fn serve(file: &str) -> HttpResponse {
    match Web::get(file) {
        Some(content) => HttpResponse::Ok()
            .content_type(content.metadata.mimetype())
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(content.data.into_owned()),
        None => crate::error::AppError::Http {
            status: actix_web::http::StatusCode::NOT_FOUND,
            code: ErrorCode::RouteNotFound,
            detail: "no such page".into(),
        }
        .error_response(),
    }
}

/// `/` and `/app`: sends a signed-in user to their page, and lists the pages otherwise.
pub async fn home() -> HttpResponse {
    serve("index.html")
}

/// `/app/office`: the secretary's office (dashboard, reports, orders).
pub async fn office() -> HttpResponse {
    serve("office.html")
}

/// `/app/station`: the weighing and loading page.
pub async fn station() -> HttpResponse {
    serve("station.html")
}

/// `/app/live`: the livestream helper's phone console.
pub async fn live() -> HttpResponse {
    serve("live.html")
}

/// `/o/{token}`: a buyer's own order page (the page reads its order from the public API).
pub async fn buyer() -> HttpResponse {
    serve("buyer.html")
}

/// `/app/live/{session}/board`: the host's big-number board.
pub async fn board() -> HttpResponse {
    serve("board.html")
}

/// `/app/labels.js`: what a person reads for each stored code (`window.ZhunongLabels`), from
/// the server's one table ([`crate::domain::labels`]); every page loads it before its scripts.
pub async fn labels() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(format!(
            "'use strict';\n// 各种代码的中文说法，由服务器生成（domain/labels.rs）。\nwindow.ZhunongLabels = {};\n",
            crate::domain::labels::all()
        ))
}

/// `/app/static/{file}`: scripts and styles of the pages.
pub async fn asset(file: web::Path<String>) -> HttpResponse {
    serve(&file)
}
