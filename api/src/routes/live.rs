use crate::auth::roles::Sales;
use crate::db::hub::Notice;
use crate::dto::live::{
    CreateSession, FeatureBatch, SessionFilter, SessionOut, SessionSummary, Totals, UpdateFeatured,
};
use crate::dto::{Page, Paging};
use crate::error::{AppResult, Problem};
use crate::extract::ApiJson;
use crate::extract::Auth;
use crate::services::live;
use crate::state::AppState;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, patch, post, web};
use std::time::{Duration, Instant};
use tokio::sync::broadcast::error::RecvError;
use utoipa_actix_web::service_config::ServiceConfig;
use zhunong_entity::enums::LiveStatus;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_session)
        .service(list_sessions)
        .service(get_session)
        .service(feature_batch)
        .service(update_featured)
        .service(start_session)
        .service(end_session)
        .service(session_totals)
        .service(session_stream)
        .service(session_summary)
        .service(session_orders_csv)
        .service(confirm_pending);
}

/// Confirms every order of the show that is still pending (each as `POST /orders/{id}/confirm`
/// would), so the station can weigh them.
#[utoipa::path(
    tag = "live",
    params(("id" = i64, Path, description = "live session id")),
    responses((status = 200, body = crate::dto::orders::ConfirmedOrders)),
    security(("bearer" = ["admin", "secretary", "helper"]))
)]
#[post("/live-sessions/{id}/confirm-pending")]
pub async fn confirm_pending(
    auth: Auth<Sales>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(
        crate::services::orders::confirm_pending_of_session(&state.db, &auth, id.into_inner())
            .await?,
    ))
}

/// Plans a live show.
#[utoipa::path(tag = "live", request_body = CreateSession, responses((status = 201, body = SessionOut)), security(("bearer" = ["admin", "secretary", "helper"])))]
#[post("/live-sessions")]
pub async fn create_session(
    auth: Auth<Sales>,
    state: web::Data<AppState>,
    body: ApiJson<CreateSession>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created().json(live::create(&state.db, &auth, body.value).await?))
}

/// Lists live shows, newest first.
#[utoipa::path(tag = "live", params(SessionFilter, Paging), responses((status = 200, body = Page<SessionOut>)), security(("bearer" = ["admin", "secretary", "helper"])))]
#[get("/live-sessions")]
pub async fn list_sessions(
    _auth: Auth<Sales>,
    state: web::Data<AppState>,
    filter: web::Query<SessionFilter>,
    paging: web::Query<Paging>,
) -> AppResult<HttpResponse> {
    let paging = state.paging(paging.into_inner())?;
    Ok(HttpResponse::Ok().json(live::list(&state.db.read, filter.into_inner(), paging).await?))
}

/// One live show with its featured batches.
#[utoipa::path(tag = "live", params(("id" = i64, Path, description = "session id")), responses((status = 200, body = SessionOut)), security(("bearer" = ["admin", "secretary", "helper"])))]
#[get("/live-sessions/{id}")]
pub async fn get_session(
    _auth: Auth<Sales>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(live::get(&state.db.read, id.into_inner()).await?))
}

/// Features a batch in the show with its live price and an optional per-buyer limit.
#[utoipa::path(
    tag = "live",
    params(("id" = i64, Path, description = "session id")),
    request_body = FeatureBatch,
    responses((status = 200, body = SessionOut), (status = 409, description = "already featured, or the show has ended", body = Problem)),
    security(("bearer" = ["admin", "secretary", "helper"]))
)]
#[post("/live-sessions/{id}/featured")]
pub async fn feature_batch(
    _auth: Auth<Sales>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<FeatureBatch>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(live::add_featured(&state.db, id.into_inner(), body.value).await?))
}

/// Changes a featured batch during the show: its live price, its limit per buyer (`null`
/// removes it), or whether it is on sale (`false` refuses new orders for it with 409
/// `off_sale`). Orders already taken keep their price. The board follows at once.
#[utoipa::path(
    tag = "live",
    params(("id" = i64, Path, description = "session id"), ("batch_id" = i64, Path, description = "featured batch id")),
    request_body = UpdateFeatured,
    responses(
        (status = 200, body = SessionOut),
        (status = 404, description = "no such session, or the batch is not featured in it", body = Problem),
        (status = 409, description = "the show has ended", body = Problem),
    ),
    security(("bearer" = ["admin", "secretary", "helper"]))
)]
#[patch("/live-sessions/{id}/featured/{batch_id}")]
pub async fn update_featured(
    auth: Auth<Sales>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    body: ApiJson<UpdateFeatured>,
) -> AppResult<HttpResponse> {
    let (id, batch_id) = path.into_inner();
    Ok(HttpResponse::Ok()
        .json(live::featured::update(&state.db, &auth, id, batch_id, body.value).await?))
}

/// Starts the show: orders can now be taken in it.
#[utoipa::path(tag = "live", params(("id" = i64, Path, description = "session id")), responses((status = 200, body = SessionOut), (status = 409, description = "not planned", body = Problem)), security(("bearer" = ["admin", "secretary", "helper"])))]
#[post("/live-sessions/{id}/start")]
pub async fn start_session(
    _auth: Auth<Sales>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let out = live::start(&state.db, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Ends the show.
#[utoipa::path(
    tag = "live",
    operation_id = "end_live_session",
    params(("id" = i64, Path, description = "session id")),
    responses((status = 200, body = SessionOut), (status = 409, description = "not live", body = Problem)),
    security(("bearer" = ["admin", "secretary", "helper"]))
)]
#[post("/live-sessions/{id}/end")]
pub async fn end_session(
    _auth: Auth<Sales>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let out = live::end(&state.db, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The show's totals now.
#[utoipa::path(tag = "live", params(("id" = i64, Path, description = "session id")), responses((status = 200, body = Totals)), security(("bearer" = ["admin", "secretary", "helper"])))]
#[get("/live-sessions/{id}/totals")]
pub async fn session_totals(
    _auth: Auth<Sales>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(live::totals(&state.db.read, id.into_inner()).await?))
}

fn event(totals: &Totals) -> Bytes {
    let data = serde_json::to_string(totals).unwrap_or_default();
    if totals.status == LiveStatus::Ended {
        // The last totals, then `ended`: the stream closes and clients stop reconnecting.
        Bytes::from(format!(
            "event: totals\ndata: {data}\n\nevent: ended\ndata: {data}\n\n"
        ))
    } else {
        Bytes::from(format!("event: totals\ndata: {data}\n\n"))
    }
}

/// Server-sent events: `event: totals` with the show's totals on connect and after every order
/// or cancellation in it (from any replica); every `live_refresh_secs` the totals are recomputed
/// and sent if anything changed (stock sold through other channels); a keep-alive comment when
/// nothing was sent for 15 s.
#[utoipa::path(
    tag = "live",
    params(("id" = i64, Path, description = "session id")),
    responses((status = 200, description = "text/event-stream of `totals` events", content_type = "text/event-stream", body = crate::dto::live::StreamEvent)),
    security(("bearer" = ["admin", "secretary", "helper"]))
)]
#[get("/live-sessions/{id}/stream")]
pub async fn session_stream(
    _auth: Auth<Sales>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let rx = state.db.hub.subscribe();
    let first = live::totals(&state.db.read, id).await?;
    let mut refresh =
        tokio::time::interval(Duration::from_secs(state.settings.live_refresh_secs.max(1)));
    refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let stream = TotalsStream {
        id,
        rx,
        db: state.db.read.clone(),
        refresh,
        last_sent: Instant::now(),
        last: None,
        pending: Some(first),
        finished: false,
    };
    let body = futures_util::stream::unfold(stream, |mut s| async move {
        let chunk = s.next_chunk().await?;
        Some((Ok::<_, actix_web::Error>(chunk), s))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("cache-control", "no-cache"))
        .insert_header(("x-accel-buffering", "no"))
        .streaming(body))
}

const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The totals without their timestamp: what tells whether anything changed.
fn fingerprint(t: &Totals) -> serde_json::Value {
    let mut v = serde_json::to_value(t).unwrap_or_default();
    v["updated_at"] = serde_json::Value::Null;
    v
}

struct TotalsStream {
    id: i64,
    rx: tokio::sync::broadcast::Receiver<Notice>,
    db: crate::db::Reader,
    refresh: tokio::time::Interval,
    last_sent: Instant,
    /// The last totals sent, without their timestamp, to skip unchanged refreshes.
    last: Option<serde_json::Value>,
    pending: Option<Totals>,
    /// The last event has been sent.
    finished: bool,
}

impl TotalsStream {
    /// The next bytes to send; `None` ends the stream: after the show has ended, or when the
    /// process is shutting down.
    async fn next_chunk(&mut self) -> Option<Bytes> {
        loop {
            if self.finished {
                return None;
            }
            if let Some(t) = self.pending.take() {
                self.last = Some(fingerprint(&t));
                self.last_sent = Instant::now();
                self.finished = t.status == LiveStatus::Ended;
                return Some(event(&t));
            }
            let (changed, periodic) = tokio::select! {
                r = self.rx.recv() => match r {
                    Ok(Notice::LiveSession(s)) => (s == self.id, false),
                    Ok(Notice::ShuttingDown) => return None,
                    Ok(_) => (false, false),
                    // Fell behind: whatever was missed, fresh totals cover it.
                    Err(RecvError::Lagged(_)) => (true, false),
                    Err(RecvError::Closed) => return None,
                },
                _ = self.refresh.tick() => (false, true),
            };
            if (changed || periodic)
                && let Ok(t) = live::totals(&self.db, self.id).await
                && (changed || self.last.as_ref() != Some(&fingerprint(&t)))
            {
                self.pending = Some(t);
                continue;
            }
            if self.last_sent.elapsed() >= KEEP_ALIVE {
                self.last_sent = Instant::now();
                return Some(Bytes::from_static(b": keep-alive\n\n"));
            }
        }
    }
}

/// The closing summary: duration, orders, buyers, quantity and revenue per batch, cancellations.
#[utoipa::path(tag = "live", params(("id" = i64, Path, description = "session id")), responses((status = 200, body = SessionSummary)), security(("bearer" = ["admin", "secretary", "helper"])))]
#[get("/live-sessions/{id}/summary")]
pub async fn session_summary(
    _auth: Auth<Sales>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(live::summary(&state.db.read, id.into_inner()).await?))
}

/// The show's orders as CSV for the packing team (UTF-8 with BOM).
#[utoipa::path(
    tag = "live",
    params(("id" = i64, Path, description = "session id")),
    responses((status = 200, description = "CSV", content_type = "text/csv", body = String)),
    security(("bearer" = ["admin", "secretary", "helper"]))
)]
#[get("/live-sessions/{id}/orders.csv")]
pub async fn session_orders_csv(
    auth: Auth<Sales>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    live::get(&state.db.read, id).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "content-disposition",
            format!("attachment; filename=\"live-{id}.csv\""),
        ))
        .body(crate::render::live_orders::csv(
            &live::packing_lines(&state.db.read, id).await?,
            crate::domain::address::mask::Exposure::for_role(auth.role),
        )))
}
