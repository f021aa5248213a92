//! Operations: health, readiness, Prometheus metrics, and the layers every response passes.

use std::{sync::OnceLock, time::Instant};

use axum::{
    Json, Router,
    extract::{MatchedPath, Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use serde::Serialize;
use tower_http::{
    catch_panic::CatchPanicLayer, set_header::SetResponseHeaderLayer, trace::TraceLayer,
};

use crate::{AppState, error::problem_response};

/// The process-wide Prometheus recorder (installed once, shared by every app in the process).
pub fn metrics_handle() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets(&[
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                ])
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok()?;
            Some(handle)
        })
        .clone()
}

pub const PATHS: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(PATHS[0], get(healthz))
        .route(PATHS[1], get(readyz))
        .route(PATHS[2], get(metrics_text))
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    database: Option<&'static str>,
}

/// The process is up.
async fn healthz() -> impl IntoResponse {
    Json(Health {
        status: "ok",
        database: None,
    })
}

/// The process can serve: its database answers.
async fn readyz(State(state): State<AppState>) -> Response {
    match state.liaise.ready().await {
        Ok(()) => Json(Health {
            status: "ready",
            database: Some(state.liaise.backend().as_str()),
        })
        .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "readiness: the database does not answer");
            problem_response(
                StatusCode::SERVICE_UNAVAILABLE,
                "the database does not answer".to_owned(),
                Vec::new(),
            )
        }
    }
}

async fn metrics_text(State(state): State<AppState>) -> Response {
    match &state.metrics {
        Some(handle) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            handle.render(),
        )
            .into_response(),
        None => problem_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "metrics are not available in this process".to_owned(),
            Vec::new(),
        ),
    }
}

/// Counts requests and their latency by route template (never by raw path, so the label set
/// stays small).
async fn track(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(start.elapsed().as_secs_f64());
    res
}

/// Answers to a request that carries credentials may hold what others must not see: no
/// shared or browser cache keeps them.
async fn no_store_for_credentials(req: Request, next: Next) -> Response {
    let credentialed = req.headers().contains_key(header::AUTHORIZATION)
        || req
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.contains("liaise_session="));
    let mut res = next.run(req).await;
    if credentialed {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res.headers_mut().append(
            header::VARY,
            HeaderValue::from_static("Cookie, Authorization"),
        );
    }
    res
}

/// A panic becomes a 500 problem, never a dropped connection.
fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a handler panicked");
    problem_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        "an internal error occurred; it has been logged".to_owned(),
        Vec::new(),
    )
}

/// Answers unknown routes: a problem for API paths, a page for the rest.
pub async fn fallback(lang: crate::i18n::Lang, req: Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        problem_response(
            StatusCode::NOT_FOUND,
            format!("no API route {}", req.uri().path()),
            Vec::new(),
        )
    } else {
        crate::html::error_page(StatusCode::NOT_FOUND, "", lang)
    }
}

/// Answers a known path with a method it does not take.
async fn method_not_allowed(req: Request) -> Response {
    let detail = format!("{} is not allowed on {}", req.method(), req.uri().path());
    if req.uri().path().starts_with("/api/") {
        problem_response(StatusCode::METHOD_NOT_ALLOWED, detail, Vec::new())
    } else {
        (StatusCode::METHOD_NOT_ALLOWED, detail).into_response()
    }
}

pub fn layers(router: Router) -> Router {
    const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    router
        .fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(track))
        .layer(middleware::from_fn(no_store_for_credentials))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::custom(panic_response))
}
