//! Building and running the server. Tests call `Application::build` with their own settings
//! (port 0, a fresh database) and talk to it over real HTTP.

use crate::auth::JwtKeys;
use crate::auth::throttle::{LoginThrottle, ThrottleLimits};
use crate::background;
use crate::config::Settings;
use crate::db::Db;
use crate::error::{AppError, ErrorCode, PROBLEM_JSON};
use crate::extract::{BodyLimit, path_error, query_error};
use crate::middleware;
use crate::openapi::ApiDoc;
use crate::routes;
use crate::services::money::rules::RulesCache;
use crate::services::webhooks::secret_box::SecretBox;
use crate::state::AppState;
use actix_web::dev::{Server, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers, from_fn};
use actix_web::{App, HttpResponse, HttpServer, ResponseError, guard, web};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

pub struct Application {
    port: u16,
    server: Server,
    hub: Arc<crate::db::hub::Hub>,
    health: Arc<crate::db::health::Health>,
    drain: Duration,
    settle: Duration,
    gate: crate::listener::ListenerGate,
    /// `GET /metrics` on its own address, and its port.
    metrics: Option<(Server, u16)>,
}

impl Application {
    /// Connects, migrates, makes sure an admin exists, and binds the listener.
    ///
    /// # Errors
    /// Database, secret or bind failures.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        crate::auth::password::set_concurrency(
            settings
                .password_hash_concurrency
                .unwrap_or_else(crate::auth::password::default_concurrency),
        );
        let db = Db::connect(&settings).await?;
        let secret = crate::prepare::jwt_secret(&settings)?;
        let keys = web::Data::new(JwtKeys::new(secret.expose(), &settings)?);
        let webhook_secrets = SecretBox::from_master(secret.expose().as_bytes())?;
        if db.is_read_only() {
            // Reads only: nothing at start may write, and no background work runs.
            db.ensure_no_pending_migrations().await?;
        } else {
            crate::prepare::for_writes(&db, &settings, &webhook_secrets).await?;
        }
        let login_throttle = login_throttle(&settings, &db);
        let trusted_proxies = crate::auth::client_addr::parse_trusted(&settings.trusted_proxies)?;
        let listener = TcpListener::bind(&settings.bind)?;
        let port = listener.local_addr()?.port();
        let gate = crate::listener::ListenerGate::of(&listener);
        let settings = Arc::new(settings);
        db.hub.spawn_listener(db.listener_source());
        let hub = db.hub.clone();
        let health = db.health.clone();
        let drain = Duration::from_millis(settings.shutdown_drain_millis);
        let settle = Duration::from_millis(settings.shutdown_settle_millis);
        let state = web::Data::new(AppState {
            db,
            settings: settings.clone(),
            facts: crate::services::facts::Facts::new(settings.fact_cache_entries),
            rules: RulesCache::default(),
            resolver: Arc::new(crate::services::webhooks::ssrf::SystemResolver),
            partner_limits: crate::auth::rate_limit::RateLimiter::new(
                settings.partner_rate_per_sec,
                settings.partner_burst,
            ),
            trace_limits: crate::auth::rate_limit::RateLimiter::new(
                settings.trace_rate_per_sec,
                settings.trace_burst,
            ),
            buyer_page_limits: crate::auth::rate_limit::RateLimiter::new(
                settings.buyer_page_rate_per_sec,
                settings.buyer_page_burst,
            ),
            login_throttle,
            trusted_proxies,
            user_states: Default::default(),
            webhook_secrets: webhook_secrets.clone(),
            auto_confirm: settings.auto_confirm()?,
        });
        background::spawn_cache_invalidation(state.clone().into_inner());
        if settings.webhook_worker && !state.db.is_read_only() {
            let cfg = crate::services::webhooks::worker::WorkerConfig::from_settings(
                &settings,
                webhook_secrets,
            );
            tokio::spawn(crate::services::webhooks::worker::run(
                state.db.clone(),
                cfg,
                state.resolver.clone(),
            ));
        }
        if !state.db.is_read_only() {
            background::spawn_auto_delivery(state.clone().into_inner());
            background::spawn_sales_rollup(state.clone().into_inner());
            crate::services::robots::worker::spawn(
                state.db.clone(),
                settings.clone(),
                state.webhook_secrets.clone(),
                state.resolver.clone(),
            );
        }
        let metrics = match settings.metrics_bind.as_deref() {
            Some(bind) => {
                let handle = crate::metrics::install().ok_or_else(|| {
                    anyhow::anyhow!("metrics: another recorder is installed in this process")
                })?;
                Some(crate::metrics::scrape::server(bind, handle, state.clone())?)
            }
            None => None,
        };
        let body_limit = web::Data::new(BodyLimit(settings.max_body_bytes));
        let deadline = web::Data::new(middleware::Deadline {
            request: Duration::from_secs(settings.request_timeout_secs),
            import: Duration::from_secs(settings.import_timeout_secs),
        });

        let mut server = HttpServer::new(move || {
            let (app, mut api) = App::new()
                .into_utoipa_app()
                .openapi(ApiDoc::openapi())
                .app_data(state.clone())
                .app_data(keys.clone())
                .app_data(body_limit.clone())
                .app_data(deadline.clone())
                .app_data(web::QueryConfig::default().error_handler(query_error))
                .app_data(web::PathConfig::default().error_handler(path_error))
                .service(routes::health::health)
                .service(routes::health::ready)
                .configure(routes::api_v1)
                .split_for_parts();
            crate::openapi::finish(&mut api);
            let known = web::Data::new(crate::known_routes::KnownRoutes::from_openapi(&api));
            app.app_data(known)
                .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", api))
                .route("/api/docs", web::get().to(docs_redirect))
                .route("/", page().to(routes::pages::home))
                .route("/app", page().to(routes::pages::home))
                .route("/app/", page().to(routes::pages::home))
                .route("/app/office", page().to(routes::pages::office))
                .route("/app/station", page().to(routes::pages::station))
                .route("/app/live", page().to(routes::pages::live))
                .route("/app/live/{session}/board", page().to(routes::pages::board))
                .route("/app/labels.js", page().to(routes::pages::labels))
                .route("/app/static/{file}", page().to(routes::pages::asset))
                .route("/t/{code}", page().to(routes::trace::public_page))
                .route(
                    "/gongkai/{collective}/{period}",
                    page().to(routes::disclosure::public_page),
                )
                .route("/o/{token}", page().to(routes::pages::buyer))
                .default_service(web::to(crate::known_routes::route_not_found))
                .wrap(from_fn(crate::extract::resolve_caller))
                .wrap(from_fn(middleware::enforce_deadline))
                .wrap(from_fn(middleware::guard_database))
                .wrap(ErrorHandlers::new().default_handler(problem_fallback))
                .wrap(from_fn(middleware::security_headers))
                .wrap(from_fn(middleware::close_connections_when_stopping))
                .wrap(from_fn(middleware::measure))
                .wrap(tracing_actix_web::TracingLogger::<
                    crate::telemetry::RedactingRootSpan,
                >::new())
        })
        .listen(listener)?
        // Signals are ours (see `run_until_stopped`): streams must end before the server waits
        // for open connections, or an open live board holds a SIGTERM for the whole timeout.
        .disable_signals()
        .shutdown_timeout(settings.request_timeout_secs.max(1));
        if let Some(n) = settings.workers {
            server = server.workers(n.max(1));
        }
        Ok(Self {
            port,
            server: server.run(),
            hub,
            health,
            drain,
            settle,
            gate,
            metrics,
        })
    }

    /// The port `/metrics` is served on, when metrics are on.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|m| m.1)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle to stop the server (tests stop theirs when they finish).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM or SIGINT, then stops gracefully, finishing everything it took in:
    /// - open streams end at once, `/ready` answers 503, and every answer closes its
    ///   connection;
    /// - connections still arriving are served for the drain time (a load balancer may still
    ///   send some);
    /// - then no new connection gets through; those already queued are accepted and started
    ///   during the settle time;
    /// - then the port refuses new connections, requests in flight finish, and the process may
    ///   exit.
    ///
    /// # Errors
    /// The server failed while running.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        let (hub, health, drain, settle, gate) =
            (self.hub, self.health, self.drain, self.settle, self.gate);
        let metrics = self.metrics.map(|(server, _)| {
            let stop = server.handle();
            tokio::spawn(server);
            stop
        });
        let stopping = tokio::spawn(async move {
            stop_signal().await;
            tracing::info!("stopping: closing streams, finishing requests in flight");
            hub.shut_down();
            health.set_stopping();
            tokio::time::sleep(drain).await;
            gate.hold_new();
            tokio::time::sleep(settle).await;
            handle.pause().await;
            gate.close();
            handle.stop(true).await;
        });
        let served = self.server.await;
        if let Some(m) = metrics {
            m.stop(false).await;
        }
        // A server that ended another way (a test's handle) has closed its socket, and the
        // descriptor the gate holds may be another file's by now.
        stopping.abort();
        served
    }
}

/// SIGTERM (how Docker and systemd stop a service) or SIGINT (Ctrl-C).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The login throttle: shared through the database on PostgreSQL (every replica counts against
/// one budget), in memory on SQLite (one process).
fn login_throttle(settings: &Settings, db: &Db) -> LoginThrottle {
    let limits = ThrottleLimits {
        free_failures: settings.login_max_failures,
        delay_base: Duration::from_secs(settings.login_delay_base_secs.max(1)),
        delay_max: Duration::from_secs(settings.login_delay_max_secs.max(1)),
        window: Duration::from_secs(settings.login_window_secs),
        user_slowdown_after: settings.login_user_slowdown_after,
        slowdown: Duration::from_millis(settings.login_slowdown_millis),
        addr_slowdown_after: settings.login_addr_slowdown_after,
        addr_max_failures: settings.login_addr_max_failures,
    };
    if db.backend() == sea_orm::DbBackend::Postgres {
        LoginThrottle::shared(limits, db.clone())
    } else {
        LoginThrottle::in_memory(limits)
    }
}

/// A page's route: `GET`, and `HEAD` answered the same way without the body (link checkers and
/// uptime probes ask with `HEAD`).
fn page() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, "/api/docs/"))
        .finish()
}

/// Any error answer that is not already problem+json (actix's own 404/405/…) is re-dressed as one.
fn problem_fallback<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    // A page that answers its error in HTML of its own (the public trace page's Chinese 404 and
    // 429) meant to; only actix's bare answers are re-dressed.
    let is_page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if is_problem || is_page {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (code, detail) = match status {
        StatusCode::NOT_FOUND => (ErrorCode::RouteNotFound, "no such route"),
        StatusCode::METHOD_NOT_ALLOWED => (
            ErrorCode::MethodNotAllowed,
            "this route does not take that method",
        ),
        s if s.is_server_error() => (ErrorCode::InternalError, "an internal error occurred"),
        _ => (
            ErrorCode::HttpError,
            status.canonical_reason().unwrap_or("error"),
        ),
    };
    let (req, _) = res.into_parts();
    let problem = AppError::Http {
        status,
        code,
        detail: detail.into(),
    }
    .error_response();
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, problem).map_into_right_body(),
    ))
}
