//! The JSON API under `/api/v1`: one list shape everywhere, problem details for errors,
//! bearer tokens for writes, an OpenAPI document of every route.

mod activities;
mod audit;
mod contract;
mod documents;
mod dto;
pub(crate) mod extract;
mod liaisons;
mod meetings;
mod registry;
mod search;

use axum::{
    Router,
    extract::{DefaultBodyLimit, State},
    http::header,
    response::IntoResponse,
};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::AppState;

pub use activities::ActivityDto;
pub(crate) use documents::download as download_version;
pub use documents::{DocumentDto, ImportDto, ProposalDto};
pub use dto::*;
pub(crate) use liaisons::download;

/// The largest JSON body accepted.
pub const BODY_LIMIT: usize = 1024 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "liaise API",
        description = "The collaboration hub of standards organizations: registry of organizations, bodies, people and topics of common interest.",
        version = "1"
    ),
    servers((url = "/api/v1")),
    components(schemas(crate::error::Problem, crate::error::ProblemField)),
    modifiers(&BearerAuth),
    tags(
        (name = "registry", description = "Organizations, bodies, people, roles, topics"),
        (name = "activities", description = "Records of the collaboration, each with an access level"),
        (name = "liaisons", description = "Liaison statements between bodies"),
        (name = "meetings", description = "Meetings of bodies and of the secretariats, their agendas and minutes"),
        (name = "documents", description = "Documents and versions, resolutions, amendment proposals, imports"),
        (name = "search", description = "One search over everything the caller may see"),
        (name = "operations", description = "Health and metrics"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The documented routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(
            registry::list_organizations,
            registry::create_organization
        ))
        .routes(routes!(
            registry::get_organization,
            registry::update_organization
        ))
        .routes(routes!(registry::list_bodies, registry::create_body))
        .routes(routes!(registry::get_body, registry::update_body))
        .routes(routes!(registry::link_topic, registry::unlink_topic))
        .routes(routes!(registry::list_people, registry::create_person))
        .routes(routes!(registry::get_person, registry::update_person))
        .routes(routes!(registry::add_role))
        .routes(routes!(registry::remove_role))
        .routes(routes!(registry::list_topics, registry::create_topic))
        .routes(routes!(registry::get_topic, registry::update_topic))
        .routes(routes!(registry::get_matrix))
        .routes(routes!(
            activities::list_activities,
            activities::create_activity
        ))
        .routes(routes!(
            activities::get_activity,
            activities::update_activity
        ))
        .routes(routes!(meetings::list_meetings, meetings::create_meeting))
        .routes(routes!(meetings::get_meeting, meetings::update_meeting))
        .routes(routes!(meetings::set_agenda))
        .routes(routes!(meetings::add_minutes))
        .routes(routes!(meetings::minutes_diff))
        .routes(routes!(liaisons::list_liaisons, liaisons::create_liaison))
        .routes(routes!(liaisons::get_liaison, liaisons::update_liaison))
        .routes(routes!(liaisons::transition_liaison))
        .routes(routes!(liaisons::close_row))
        .routes(routes!(liaisons::liaison_history))
        .routes(routes!(liaisons::comment_liaison))
        .routes(routes!(liaisons::get_attachment))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(liaisons::add_attachment))
                .layer(DefaultBodyLimit::max(
                    liaise_service::liaisons::ATTACHMENT_MAX + 64 * 1024,
                ))
                .layer(axum::middleware::from_fn(|req, next| {
                    extract::refuse_declared_over(
                        liaise_service::liaisons::ATTACHMENT_MAX + 64 * 1024,
                        req,
                        next,
                    )
                })),
        )
        .routes(routes!(documents::list_documents))
        .routes(routes!(documents::get_document, documents::update_document))
        .routes(routes!(documents::get_document_file))
        .routes(routes!(documents::list_proposals))
        .routes(routes!(documents::get_proposal, documents::update_proposal))
        .routes(routes!(documents::get_resolution))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(documents::import))
                .layer(DefaultBodyLimit::max(
                    liaise_service::documents::IMPORT_MAX + 64 * 1024,
                ))
                .layer(axum::middleware::from_fn(|req, next| {
                    extract::refuse_declared_over(
                        liaise_service::documents::IMPORT_MAX + 64 * 1024,
                        req,
                        next,
                    )
                })),
        )
        .routes(routes!(search::search))
        .routes(routes!(audit::list_audit))
        .routes(routes!(openapi_json))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// Completes the document: every error is `application/problem+json`, and the errors every
/// operation can give (unreadable parameters; for writes also missing credentials, refused
/// rights, body too large or not JSON, invalid fields) are listed where the handler's own
/// annotation does not.
pub fn finish_openapi(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{
        Content, Ref, ResponseBuilder,
        path::{HttpMethod, Operation},
    };
    const PROBLEM: &str = "application/problem+json";
    let problem = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                PROBLEM,
                Content::new(Some(Ref::from_schema_name("Problem"))),
            )
            .build()
    };
    let fix = |op: &mut Operation, write: bool| {
        for (code, response) in op.responses.responses.iter_mut() {
            if (code.starts_with('4') || code.starts_with('5'))
                && let utoipa::openapi::RefOr::T(r) = response
                && let Some(c) = r.content.shift_remove("application/json")
            {
                r.content.insert(PROBLEM.to_owned(), c);
            }
        }
        let mut wanted = vec![("400", "A parameter could not be read")];
        if write {
            wanted.extend([
                ("401", "No valid bearer token"),
                ("403", "The token's rights do not allow this change"),
                ("413", "The body is larger than 1 MiB"),
                ("415", "The body is not sent as application/json"),
                ("422", "A field is missing, unknown or invalid"),
            ]);
            // A write reads a body: say it must be sent.
            if let Some(utoipa::openapi::RefOr::T(body)) = op.request_body.as_mut() {
                body.required = Some(utoipa::openapi::Required::True);
            }
        } else {
            wanted.push((
                "401",
                "The bearer token given is unknown or revoked (reads need none)",
            ));
        }
        for (code, description) in wanted {
            op.responses
                .responses
                .entry(code.to_owned())
                .or_insert_with(|| problem(description).into());
        }
    };
    for item in doc.paths.paths.values_mut() {
        for (method, op) in [
            (HttpMethod::Get, item.get.as_mut()),
            (HttpMethod::Post, item.post.as_mut()),
            (HttpMethod::Put, item.put.as_mut()),
            (HttpMethod::Patch, item.patch.as_mut()),
            (HttpMethod::Delete, item.delete.as_mut()),
        ] {
            if let Some(op) = op {
                fix(op, method != HttpMethod::Get);
            }
        }
    }
}

/// The document as JSON, with the field rules of [`contract`] written in.
pub fn openapi_json_text(doc: &utoipa::openapi::OpenApi) -> String {
    let mut value = serde_json::to_value(doc).unwrap_or_default();
    contract::constrain(&mut value);
    contract::multipart_file(&mut value);
    contract::no_nul_in_queries(&mut value);
    serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".to_owned())
}

/// Routes outside the document (none yet besides the fallback for unknown API paths).
pub fn extra_router() -> Router<AppState> {
    Router::new()
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", content_type = "application/json")))]
async fn openapi_json(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.openapi.as_str().to_owned(),
    )
}
