//! The liaise web application: HTML pages for people, a JSON API for programs, operations
//! endpoints for operators.
//!
//! Invariant: no SQL; every read and write goes through liaise-service. Wire formats (DTOs,
//! problem details, templates) live here and nowhere else.

pub mod api;
mod csv_out;
mod error;
mod feeds;
pub mod html;
mod i18n;
mod ics;
mod markdown;
mod ops;
mod startup;

use std::sync::Arc;

use axum::Router;
use liaise_service::Liaise;
use metrics_exporter_prometheus::PrometheusHandle;

pub use startup::{Application, Settings, StartError, public_site};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub liaise: Liaise,
    metrics: Option<PrometheusHandle>,
    openapi: Arc<String>,
    /// Cookies carry `Secure` when the public URL is https.
    secure_cookies: bool,
}

impl AppState {
    pub fn new(liaise: Liaise) -> Self {
        Self {
            liaise,
            metrics: ops::metrics_handle(),
            openapi: Arc::new(String::new()),
            secure_cookies: false,
        }
    }

    /// The absolute URL of a path of the site, from the configured public URL (else the bound
    /// address): every absolute link the web layer writes (feeds) is made here, never from the
    /// request's `Host`, `X-Forwarded-*` or `Forwarded` headers.
    pub fn absolute(&self, path: &str) -> String {
        self.liaise.absolute(path)
    }

    #[must_use]
    pub fn with_secure_cookies(mut self, secure: bool) -> Self {
        self.secure_cookies = secure;
        self
    }
}

/// Every route path of the application (page, API and operations), read from the same lists
/// the router is built from. Path parameters appear as `{name}`.
pub fn route_paths() -> Vec<String> {
    let mut paths: Vec<String> = html::routes()
        .into_iter()
        .map(|(p, _)| p.to_owned())
        .collect();
    let openapi = api::router().into_openapi();
    paths.extend(openapi.paths.paths.keys().map(|p| format!("/api/v1{p}")));
    paths.extend(ops::PATHS.iter().map(|p| (*p).to_owned()));
    paths
}

/// The whole application as one router, so tests run exactly what production serves.
pub fn app(state: AppState) -> Router {
    let (api_router, mut openapi) = api::router().split_for_parts();
    api::finish_openapi(&mut openapi);
    let openapi_json = api::openapi_json_text(&openapi);
    let state = AppState {
        openapi: Arc::new(openapi_json),
        ..state
    };
    let router = Router::new()
        .merge(html::router())
        .nest("/api/v1", api_router.merge(api::extra_router()))
        .merge(ops::router());
    #[cfg(feature = "bench-baseline")]
    let router = router.route("/bench/baseline", axum::routing::get(|| async { "ok" }));
    // Outermost, so that error pages of the fallback and of every layer get the reader too.
    ops::layers(router.with_state(state.clone())).layer(axum::middleware::from_fn_with_state(
        state,
        html::with_session_header,
    ))
}
