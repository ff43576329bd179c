//! Builds the application: database, migrations, demo seed, router and
//! middleware, and a bound listener whose port is known before serving
//! (tests ask for port 0 and read it back).

use crate::config::{Config, MailTransport};
use crate::mail::MailWorker;
use crate::security::{
    bodies_sized_to_their_forms, client_ip, request_id_from_trusted_proxies_only, resolve_sessions,
    same_origin_writes, security_headers, AllowedOrigins, HeaderPolicy, TrustedProxies,
};
use crate::site_files::SiteFiles;
use crate::{calendar_files, demo, error_page, events, health};
use app::clinic::{ClinicInfo, REQUEST_ID_HEADER};
use app::context::{MailSettings, ServerContext};
use app::db::{Db, PoolSettings};
use app::requests::events::RequestEvents;
use app::security::{Hasher, IpRateLimiter};
use app::{shell, App};
use axum::extract::FromRef;
use axum::handler::Handler;
use axum::http::{HeaderName, Request};
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list_with_exclusions_and_ssg_and_context, LeptosRoutes};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tower::ServiceBuilder;
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub clinic: ClinicInfo,
    pub server: ServerContext,
    pub origins: AllowedOrigins,
    pub headers: HeaderPolicy,
    pub proxies: TrustedProxies,
    /// The site's files in memory; `None` under `cargo leptos watch`,
    /// which rewrites them while the server runs.
    pub site_files: Option<Arc<SiteFiles>>,
    /// Turns true when the server stops: open event streams end.
    pub shutdown: watch::Receiver<bool>,
}

impl FromRef<AppState> for AllowedOrigins {
    fn from_ref(state: &AppState) -> Self {
        state.origins.clone()
    }
}

impl FromRef<AppState> for HeaderPolicy {
    fn from_ref(state: &AppState) -> Self {
        state.headers
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}

pub struct Application {
    listener: TcpListener,
    port: u16,
    router: Router,
    db: Db,
    server: ServerContext,
    mail_worker: MailWorker,
    mail_in_background: bool,
    shutdown: watch::Sender<bool>,
    database_url: String,
}

impl Application {
    /// Connects to the database, runs the migrations, seeds demo content when
    /// asked, and binds the listener.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let db = Db::connect(&config.database_url, &PoolSettings::default())
            .await
            .map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
        db.migrate()
            .await
            .map_err(|e| anyhow::anyhow!("cannot migrate the database: {e}"))?;
        tracing::info!(backend = ?db.backend(), "database ready");

        match &config.mail {
            MailTransport::Smtp(_) => tracing::info!("mail goes to the SMTP server in SMTP_URL"),
            MailTransport::Folder(folder) => {
                tracing::info!(folder = %folder.display(), "SMTP_URL not set: mail will be written as .eml files")
            }
        }

        tokio::task::spawn_blocking(app::security::prepare_dummy_hash).await?;
        let mail_worker = MailWorker::new(
            db.clone(),
            config.clock.clone(),
            &config.mail,
            &config.mail_from,
            config.attachments.clone(),
        )?;
        let server = ServerContext {
            db: db.clone(),
            clinic: config.clinic.clone(),
            clock: config.clock.clone(),
            hasher: Hasher::for_this_machine(),
            sessions: config.sessions.clone(),
            ip_limiter: IpRateLimiter::new(config.rate_limit),
            mail: MailSettings {
                public_url: config.public_url.clone(),
                message_id_domain: config.public_host(),
            },
            mail_wake: Arc::new(Notify::new()),
            events: RequestEvents::new(),
            requests_per_hour: config.requests_per_hour,
            attachments: config.attachments.clone(),
            attachment_max_bytes: config.attachment_max_bytes,
        };

        if config.demo {
            match demo::seed(&server).await? {
                demo::Seeded::Yes => tracing::info!("demo content seeded"),
                demo::Seeded::AlreadyHadData => {
                    tracing::info!("the database already has patients; demo content not seeded")
                }
            }
            let token = demo::demo_mis_token(&server).await?;
            // Printed, not logged: it is for the person who started the demo.
            println!(
                "\n  Demo MIS client token (integration API, /api/v1): {}\n",
                token.expose()
            );
        }
        let listener = TcpListener::bind(config.site_addr).await?;
        let address = listener.local_addr()?;
        let leptos_options = LeptosOptions::builder()
            .output_name("cabinet")
            .site_root(config.site_root.clone())
            .site_pkg_dir("pkg")
            .site_addr(address)
            .hash_files(site_files_are_hashed())
            .build();
        let site_files = if std::env::var_os("LEPTOS_WATCH").is_some() {
            None
        } else {
            let files = SiteFiles::load(std::path::Path::new(&config.site_root))?;
            tracing::info!(files = files.len(), "site files read into memory");
            Some(Arc::new(files))
        };
        let (shutdown, shutting_down) = watch::channel(false);
        let state = AppState {
            leptos_options,
            db: db.clone(),
            clinic: config.clinic,
            server: server.clone(),
            origins: AllowedOrigins::new(&config.public_url),
            headers: HeaderPolicy {
                https: config.public_url.starts_with("https://"),
            },
            proxies: TrustedProxies(config.trusted_proxies.clone().into()),
            site_files,
            shutdown: shutting_down,
        };
        Ok(Application {
            listener,
            port: address.port(),
            router: router(state),
            db,
            server,
            mail_worker,
            mail_in_background: config.mail_in_background,
            shutdown,
            database_url: config.database_url.clone(),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> Db {
        self.db.clone()
    }

    /// The services server functions use (its clock, for tests).
    pub fn server_context(&self) -> ServerContext {
        self.server.clone()
    }

    /// The mail worker, so tests can deliver what is due without waiting.
    pub fn mail_worker(&self) -> MailWorker {
        self.mail_worker.clone()
    }

    /// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `stop` completes, then finishes the requests in flight.
    pub async fn run_until(
        self,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tracing::info!("listening on http://{}", self.listener.local_addr()?);
        let (stop_worker, worker_stopped) = watch::channel(false);
        let listener =
            events::listen_to_other_instances(&self.db, &self.database_url, &self.server.events);
        let worker = self.mail_in_background.then(|| {
            tokio::spawn(
                self.mail_worker
                    .clone()
                    .run(self.server.mail_wake.clone(), worker_stopped),
            )
        });
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown({
            // Event streams never finish by themselves: end them, or the
            // graceful shutdown would wait for every open page.
            let shutdown = self.shutdown;
            async move {
                stop.await;
                let _ = shutdown.send(true);
            }
        })
        .await?;
        let _ = stop_worker.send(true);
        if let Some(worker) = worker {
            let _ = worker.await;
        }
        if let Some(listener) = listener {
            listener.abort();
        }
        self.db.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Answers a GET or HEAD of a site file from memory; anything else goes to
/// leptos's handler, which serves a file from the folder (the build's
/// `.br`/`.gz` when the browser takes them, as under `cargo leptos watch`)
/// or else the app's "not found" page.
fn site_files_or_not_found(
    state: &AppState,
    context: impl Fn() + Clone + Send + Sync + 'static,
) -> impl tower::Service<
    Request<axum::body::Body>,
    Response = axum::response::Response,
    Error = std::convert::Infallible,
    Future = impl Send,
> + Clone
       + Send
       + Sync
       + 'static {
    let folder = leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell)
        .with_state(state.clone());
    let memory = state.site_files.clone();
    tower::service_fn(move |request: Request<axum::body::Body>| {
        let (folder, memory) = (folder.clone(), memory.clone());
        async move {
            let readable = matches!(*request.method(), http::Method::GET | http::Method::HEAD);
            if let Some(response) = memory
                .as_deref()
                .filter(|_| readable)
                .and_then(|files| files.answer(request.uri().path(), request.headers()))
            {
                return Ok(response);
            }
            folder.oneshot(request).await
        }
    })
}

/// Whether the build named the site's files after their content: then
/// cargo-leptos left `hash.txt` beside this binary, and the pages name the
/// hashed files. cargo-leptos, when it runs the server, says which in
/// `LEPTOS_HASH_FILES` — `make dev` builds unhashed into the same folder a
/// hashed build may have left its `hash.txt` in.
fn site_files_are_hashed() -> bool {
    if let Ok(said) = std::env::var("LEPTOS_HASH_FILES") {
        return said == "true";
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|file| file.exists())
}

/// The application's routes, listed once per process. Listing them renders
/// the app with resource loading switched off through a flag global to the
/// process (leptos_server's `SuppressResourceLoad`): a resource that a page
/// being served elsewhere in the process first polls meanwhile waits
/// forever (leptos issue #4773). Listed once, before any server of the
/// process serves, no page can meet that window — which a second server in
/// one process (the tests start dozens) otherwise could.
static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();

fn router(state: AppState) -> Router {
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.db.clone());
            provide_context(state.clinic.clone());
            provide_context(state.server.clone());
        }
    };
    let routes = ROUTES
        .get_or_init(|| {
            generate_route_list_with_exclusions_and_ssg_and_context(App, None, context.clone()).0
        })
        .clone();
    let server_fns = {
        let context = context.clone();
        move |request| leptos_axum::handle_server_fns_with_context(context.clone(), request)
    };
    let request_id = HeaderName::from_static(REQUEST_ID_HEADER);

    let pages = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route(app::requests::EVENTS_PATH, get(events::request_events))
        .route("/calendar/feed/{file}", get(calendar_files::feed))
        .route("/calendar/{id}/memo", get(calendar_files::memo))
        .route("/calendar/{id}/event.ics", get(calendar_files::event))
        .route(
            "/results/{id}/result.pdf",
            get(crate::result_files::result_pdf),
        )
        .merge(crate::content_files::routes())
        .merge(crate::pwa::routes())
        .merge(crate::request_files::routes(
            state.server.attachment_max_bytes,
        ))
        .route("/api/{*fn_name}", get(server_fns.clone()).post(server_fns))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        // The site's files from memory (from the folder while watching),
        // and everything else to the app's "not found" page.
        .fallback_service(site_files_or_not_found(&state, context))
        // What only the pages and their server functions need: the
        // integration API takes no cookie and no form.
        .layer(
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn_with_state(
                    state.origins.clone(),
                    same_origin_writes,
                ))
                .layer(axum::middleware::from_fn(bodies_sized_to_their_forms))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    resolve_sessions,
                ))
                .layer(axum::middleware::from_fn(
                    arguments_that_do_not_parse_are_a_bad_request,
                )),
        );
    Router::new()
        .nest("/api/v1", crate::api::v1::router())
        .merge(pages)
        .layer(
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn_with_state(
                    state.proxies.clone(),
                    request_id_from_trusted_proxies_only,
                ))
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|request: &Request<_>| {
                            let id = request
                                .headers()
                                .get(REQUEST_ID_HEADER)
                                .and_then(|value| value.to_str().ok())
                                .unwrap_or("");
                            tracing::info_span!(
                                "request",
                                method = %request.method(),
                                path = %request.uri().path(),
                                request_id = %id,
                            )
                        })
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(axum::middleware::from_fn_with_state(
                    state.headers,
                    security_headers,
                ))
                .layer(axum::middleware::from_fn(error_page::catch_panic))
                .layer(axum::middleware::from_fn_with_state(
                    state.proxies.clone(),
                    client_ip,
                ))
                .layer(CompressionLayer::new()),
        )
        .with_state(state)
}

/// A server function whose arguments do not parse (a mangled form, a
/// hand-made request) never runs, and server_fn answers 500 for it; it is
/// the caller's mistake, so it becomes a 400. Real failures inside a server
/// function are `Internal`, not `Transport`, and keep their 500.
async fn arguments_that_do_not_parse_are_a_bad_request(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let server_function = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !server_function || response.status() != axum::http::StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return axum::response::Response::from_parts(parts, axum::body::Body::empty());
    };
    if bytes.starts_with(br#"{"Transport""#) {
        parts.status = axum::http::StatusCode::BAD_REQUEST;
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
