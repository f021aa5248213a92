//! Documents, their versions, amendment proposals, resolutions and the import of WTSA
//! contributions.

use axum::{
    Json,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use liaise_service::{
    documents::{
        BeforeAfter, DocumentQuery, DocumentView, ImportOptions, Imported, MARKS_AUTHOR,
        MARKS_COMPUTED, ProposalFilter, ProposalView, ResolutionVersion, ShownMarks,
    },
    domain::Viewer,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    dto::{rfc3339, ymd},
    extract::{ApiJson, ApiPath, ApiQuery, ApiViewer, ApiWriter},
};
use crate::{AppState, api::extract::multipart_error, error::ApiError};

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionDto {
    pub version: i32,
    pub file_name: String,
    pub size: i64,
    pub content_type: String,
    pub sha256: String,
    pub created_by: String,
    pub created_at: String,
    /// Where to download the file.
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentDto {
    pub id: i32,
    /// `TSAG-TD281`, `SG12-C45-R1`, `ATU/35A3` or any organization's reference.
    pub number: String,
    pub title: String,
    /// `contribution`, `temporary-document`, `report`, `liaison-attachment`,
    /// `terms-of-reference`, `resolution-text`, `other`.
    pub kind: String,
    pub source: Option<String>,
    pub bodies: Vec<String>,
    pub meeting: Option<String>,
    pub date: Option<String>,
    pub language: String,
    pub topics: Vec<String>,
    pub organizations: Vec<String>,
    pub versions: Vec<VersionDto>,
    /// Identifiers of the amendment proposals it carries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposals: Option<Vec<String>>,
    pub access: String,
    pub created_at: String,
    pub updated_at: String,
}

impl DocumentDto {
    fn new(d: &DocumentView, proposals: Option<Vec<String>>) -> Self {
        Self {
            id: d.id,
            number: d.number.clone(),
            title: d.title.clone(),
            kind: d.kind.clone(),
            source: d.source.clone(),
            bodies: d.bodies.clone(),
            meeting: d.meeting.clone(),
            date: d.date.map(ymd),
            language: d.language.clone(),
            topics: d.topics.clone(),
            organizations: d.organizations.clone(),
            versions: d
                .versions
                .iter()
                .map(|v| VersionDto {
                    version: v.version,
                    file_name: v.file_name.clone(),
                    size: v.size,
                    content_type: v.content_type.clone(),
                    sha256: v.sha256.clone(),
                    created_by: v.created_by.clone(),
                    created_at: rfc3339(v.created_at),
                    url: format!("/api/v1/documents/{}/versions/{}/file", d.id, v.version),
                })
                .collect(),
            proposals,
            access: d.access.as_str().to_owned(),
            created_at: rfc3339(d.created_at),
            updated_at: rfc3339(d.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentPageDto {
    pub items: Vec<DocumentDto>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentsQuery {
    /// Document kind: `contribution`, `temporary-document`, `report`, `liaison-attachment`,
    /// `terms-of-reference`, `resolution-text` or `other`; empty means any.
    #[param(
        pattern = r"^\s*(contribution|temporary-document|report|liaison-attachment|terms-of-reference|resolution-text|other)?\s*$"
    )]
    pub kind: Option<String>,
    /// A body code listed on the document.
    pub body: Option<String>,
    /// An owning organization.
    pub organization: Option<String>,
    #[param(minimum = 1865, maximum = 9999)]
    pub year: Option<i32>,
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u64>,
}

/// One stretch of a part's text: unchanged, or inserted or deleted by its author.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarkDto {
    /// `unchanged`, `inserted` or `deleted`.
    pub kind: String,
    /// The text, normalised as `before` and `after` are: the unchanged and deleted marks
    /// give `before`, the unchanged and inserted marks give `after`.
    pub text: String,
    /// Who made the change (`w:author`); none for unchanged text and computed marks.
    pub author: Option<String>,
    /// When, as written in the file (normally ISO 8601 UTC).
    pub date: Option<String>,
    /// The change is a move (`w:moveFrom`, `w:moveTo`).
    pub moved: bool,
    /// An inserted or deleted paragraph mark (text: one space or empty).
    pub paragraph: bool,
}

fn mark_dtos(shown: &ShownMarks) -> Vec<MarkDto> {
    shown
        .marks
        .iter()
        .map(|m| MarkDto {
            kind: m.kind.clone(),
            text: m.text.clone(),
            author: m.author.clone(),
            date: m.date.clone(),
            moved: m.moved,
            paragraph: m.paragraph,
        })
        .collect()
}

/// `author` or `computed`.
fn marks_source(shown: &ShownMarks) -> String {
    if shown.authored {
        MARKS_AUTHOR
    } else {
        MARKS_COMPUTED
    }
    .to_owned()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TextChangeDto {
    pub before: String,
    pub after: String,
    pub changed: bool,
    /// `author`: `marks` are the tracked changes of the file; `computed`: a word-by-word
    /// comparison of `before` and `after` (the file has no marks).
    pub marks_source: String,
    /// The text as marked, in order.
    pub marks: Vec<MarkDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProposedSectionDto {
    /// `considering.a`, `instructs.1`, `recalling` …
    pub name: String,
    /// The heading as written: `considering`, `instructs the Director of …`.
    pub heading: String,
    /// `a)`, `1` … (of the proposed text; of the current text for an item deleted).
    pub label: Option<String>,
    /// The label in the current text, when Word's numbering gives it another (an item
    /// inserted or deleted before it renumbers it); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_before: Option<String>,
    /// The current text (with every change rejected).
    pub before: String,
    /// The proposed text (with every change accepted).
    pub after: String,
    pub changed: bool,
    /// `author` (tracked changes of the file) or `computed` (word-by-word comparison).
    pub marks_source: String,
    /// The text as marked, in order.
    pub marks: Vec<MarkDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TargetDto {
    /// `Resolution`.
    pub kind: String,
    pub number: String,
    /// The version amended, e.g. `hammamet-2016`.
    pub base_version: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalDto {
    pub id: i32,
    /// `ATU/35A3/1`.
    pub identifier: String,
    /// `MOD`, `ADD`, `SUP` or `NOC`.
    pub action: String,
    pub source: String,
    pub target: Option<TargetDto>,
    /// `docx` (exact before and after texts) or `text` (as loaded: before equals after).
    pub format: String,
    /// `author`: the marks of every part are the tracked changes as the author made them;
    /// `computed`: the file has none (plain text), so they compare `before` with `after`.
    pub marks_source: String,
    pub heading: Option<TextChangeDto>,
    pub title: Option<TextChangeDto>,
    pub history: Option<TextChangeDto>,
    pub preamble: Option<TextChangeDto>,
    pub sections: Vec<ProposedSectionDto>,
    /// Topics of common interest listed in *resolves* (proposed text).
    pub topics: Vec<String>,
    pub reasons: Option<String>,
    #[serde(rename = "abstract")]
    pub abstract_text: Option<String>,
    /// `submitted`, `under-discussion`, `adopted`, `adopted-with-changes`, `not-adopted`,
    /// `withdrawn`.
    pub status: String,
    pub document: i32,
    pub created_at: String,
    pub updated_at: String,
}

fn change(p: &ProposalView, part: &str, v: &Option<BeforeAfter>) -> Option<TextChangeDto> {
    v.as_ref().map(|v| {
        let shown = p.part_marks(part, &v.before, &v.after);
        TextChangeDto {
            before: v.before.clone(),
            after: v.after.clone(),
            changed: v.changed(),
            marks_source: marks_source(&shown),
            marks: mark_dtos(&shown),
        }
    })
}

impl ProposalDto {
    pub fn new(p: &ProposalView) -> Self {
        Self {
            id: p.id,
            identifier: p.identifier.clone(),
            action: p.action.clone(),
            source: p.source.clone(),
            target: p.target_number.as_ref().map(|n| TargetDto {
                kind: "Resolution".to_owned(),
                number: n.clone(),
                base_version: p.base_version.clone(),
            }),
            format: p.text.format.clone(),
            marks_source: if p.marks_authored() {
                MARKS_AUTHOR
            } else {
                MARKS_COMPUTED
            }
            .to_owned(),
            heading: change(p, "heading", &p.text.heading),
            title: change(p, "title", &p.text.title),
            history: change(p, "history", &p.text.history),
            preamble: change(p, "preamble", &p.text.preamble),
            sections: p
                .section_marks()
                .into_iter()
                .map(|(s, shown)| ProposedSectionDto {
                    name: s.key.clone(),
                    heading: s.heading.clone(),
                    label: s.label.clone(),
                    label_before: s.label_before.clone(),
                    before: s.before.clone(),
                    after: s.after.clone(),
                    changed: s.changed(),
                    marks_source: marks_source(&shown),
                    marks: mark_dtos(&shown),
                })
                .collect(),
            topics: p.topics.clone(),
            reasons: p.reasons.clone(),
            abstract_text: p.abstract_text.clone(),
            status: p.status.clone(),
            document: p.document_id,
            created_at: rfc3339(p.created_at),
            updated_at: rfc3339(p.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalPageDto {
    pub items: Vec<ProposalDto>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProposalsQuery {
    /// Target resolution number, e.g. `11`.
    pub target: Option<String>,
    /// `submitted`, `under-discussion`, `adopted`, `adopted-with-changes`, `not-adopted`,
    /// `withdrawn`; empty means any.
    #[param(
        pattern = r"^\s*(submitted|under-discussion|adopted|adopted-with-changes|not-adopted|withdrawn)?\s*$"
    )]
    pub status: Option<String>,
    /// Source code of the identifier, e.g. `ATU`.
    pub source: Option<String>,
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u64>,
}

/// Changes to a document's details; a field left out stays as it is, an empty `source`,
/// `meeting` or `date` clears it. `bodies` and `topics` replace the lists.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentPatchDto {
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = String, required = false)]
    pub title: Option<String>,
    /// `contribution`, `temporary-document`, `report`, `liaison-attachment`,
    /// `terms-of-reference`, `resolution-text` or `other`.
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = String, required = false)]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = String, required = false)]
    pub source: Option<String>,
    /// Body codes, e.g. `["SG12", "POC-C3"]`.
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = Vec<String>, required = false)]
    pub bodies: Option<Vec<String>>,
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = String, required = false)]
    pub meeting: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = String, required = false)]
    pub date: Option<String>,
    /// `en`, `fr`, `es`, `ar`, `zh` or `ru`.
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = String, required = false)]
    pub language: Option<String>,
    /// Topic slugs, e.g. `["dfs", "qos"]`.
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = Vec<String>, required = false)]
    pub topics: Option<Vec<String>>,
    /// `public`, `members` or `secretariat`.
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = String, required = false)]
    pub access: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalPatchDto {
    /// The new status.
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResolutionItemDto {
    pub name: String,
    pub label: Option<String>,
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResolutionSectionDto {
    pub name: String,
    pub heading: String,
    /// `preamble` or `operative`.
    pub part: String,
    pub items: Vec<ResolutionItemDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResolutionVersionDto {
    /// `hammamet-2016`.
    pub version: String,
    pub assembly: String,
    pub year: i32,
    pub title: String,
    pub history: Option<String>,
    pub sections: Vec<ResolutionSectionDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResolutionDto {
    pub number: String,
    /// Oldest first; the last is the current text.
    pub versions: Vec<ResolutionVersionDto>,
    /// Identifiers of the proposals on it the caller may see.
    pub proposals: Vec<String>,
}

fn resolution_version(v: &ResolutionVersion) -> ResolutionVersionDto {
    ResolutionVersionDto {
        version: v.version_key.clone(),
        assembly: v.assembly.clone(),
        year: v.year,
        title: v.title.clone(),
        history: v.history.clone(),
        sections: v
            .sections
            .iter()
            .map(|s| ResolutionSectionDto {
                name: s.key.clone(),
                heading: s.heading.clone(),
                part: s.part.clone(),
                items: s
                    .items
                    .iter()
                    .map(|i| ResolutionItemDto {
                        name: i.key.clone(),
                        label: i.label.clone(),
                        text: i.text.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedProposalDto {
    pub id: i32,
    pub identifier: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportDto {
    /// The name of the file imported.
    pub file: String,
    /// The document id.
    pub document: i32,
    pub number: String,
    /// The version this file became (1 for a new document).
    pub version: i32,
    /// `true` when the document is new, `false` when a version was added.
    pub created: bool,
    /// `docx` or `text`.
    pub format: String,
    /// The first proposal (most contributions carry one).
    pub proposal: Option<ImportedProposalDto>,
    pub proposals: Vec<ImportedProposalDto>,
}

impl ImportDto {
    pub fn new(file: &str, i: &Imported) -> Self {
        let proposals: Vec<ImportedProposalDto> = i
            .proposals
            .iter()
            .map(|(id, identifier)| ImportedProposalDto {
                id: *id,
                identifier: identifier.clone(),
            })
            .collect();
        Self {
            file: file.to_owned(),
            document: i.document_id,
            number: i.number.clone(),
            version: i.version,
            created: i.created,
            format: i.format.clone(),
            proposal: proposals.first().map(|p| ImportedProposalDto {
                id: p.id,
                identifier: p.identifier.clone(),
            }),
            proposals,
        }
    }
}

#[utoipa::path(get, path = "/documents", tag = "documents", params(DocumentsQuery),
    responses((status = 200, body = DocumentPageDto), (status = 422, description = "A filter is invalid (e.g. a year outside 1865 to 9999)", body = crate::error::Problem)))]
pub async fn list_documents(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiQuery(q): ApiQuery<DocumentsQuery>,
) -> Result<Json<DocumentPageDto>, ApiError> {
    let page = super::extract::page_request(q.page, q.per_page)?;
    let query = DocumentQuery {
        kind: q.kind,
        body: q.body,
        organization: q.organization,
        year: q.year,
    };
    let found = state.liaise.documents(&viewer, &query, page).await?;
    Ok(Json(DocumentPageDto {
        items: found
            .items
            .iter()
            .map(|d| DocumentDto::new(d, None))
            .collect(),
        total: found.total,
        page: page.page(),
        per_page: page.per_page(),
    }))
}

fn document_id(raw: &str) -> Result<i32, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::not_found(format!("no document `{}`", preview(raw))))
}

fn preview(s: &str) -> String {
    liaise_service::domain::text::preview(s)
}

#[utoipa::path(get, path = "/documents/{id}", tag = "documents",
    params(("id" = i32, Path)),
    responses((status = 200, body = DocumentDto), (status = 404, body = crate::error::Problem)))]
pub async fn get_document(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<DocumentDto>, ApiError> {
    let id = document_id(&id)?;
    let d = state.liaise.document(&viewer, id).await?;
    with_proposals(&state, &viewer, &d).await
}

/// A document's answer, with the identifiers of its proposals that `viewer` may see.
async fn with_proposals(
    state: &AppState,
    viewer: &liaise_service::domain::Viewer,
    d: &DocumentView,
) -> Result<Json<DocumentDto>, ApiError> {
    let proposals = state
        .liaise
        .document_proposals(viewer, d.id)
        .await?
        .into_iter()
        .map(|p| p.identifier)
        .collect();
    Ok(Json(DocumentDto::new(d, Some(proposals))))
}

/// Changes a document's details (the secretariats of its organizations, administrators).
#[utoipa::path(patch, path = "/documents/{id}", tag = "documents",
    request_body = DocumentPatchDto, security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = DocumentDto), (status = 404, body = crate::error::Problem),
        (status = 422, description = "a field breaks a rule (each is named in `errors`)", body = crate::error::Problem)))]
pub async fn update_document(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiPath(id): ApiPath<String>,
    ApiJson(dto): ApiJson<DocumentPatchDto>,
) -> Result<Json<DocumentDto>, ApiError> {
    let id = document_id(&id)?;
    let date = match &dto.date {
        None => None,
        Some(raw) => Some(super::extract::parse_date("date", Some(raw))?),
    };
    let patch = liaise_service::documents::DocumentPatch {
        title: dto.title,
        kind: dto.kind,
        source: dto.source,
        bodies: dto.bodies,
        meeting: dto.meeting,
        date,
        language: dto.language,
        topics: dto.topics,
        access: dto.access,
    };
    let d = state.liaise.update_document(&viewer, id, &patch).await?;
    with_proposals(&state, &viewer, &d).await
}

/// Downloads one version's file.
#[utoipa::path(get, path = "/documents/{id}/versions/{version}/file", tag = "documents",
    params(("id" = i32, Path), ("version" = i32, Path)),
    responses((status = 200, description = "The file"), (status = 404, body = crate::error::Problem)))]
pub async fn get_document_file(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiPath((id, version)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let id = document_id(&id)?;
    let version: i32 = version
        .parse()
        .map_err(|_| ApiError::not_found(format!("no version `{}`", preview(&version))))?;
    Ok(download(&state, &viewer, id, version).await?)
}

/// The bytes of a version with headers that make browsers save, not render, them.
pub async fn download(
    state: &AppState,
    viewer: &Viewer,
    id: i32,
    version: i32,
) -> Result<Response, liaise_service::ServiceError> {
    let (v, bytes) = state.liaise.document_file(viewer, id, version).await?;
    Ok(super::liaisons::file_response(
        &v.file_name,
        &v.content_type,
        bytes,
    ))
}

/// Imports a contribution: a .docx with tracked changes or plain text (told apart by
/// content), as multipart form with the field `file` and optional fields `access` and `kind`.
/// The document, its version and its proposals are stored in one transaction; a file with a
/// number already known becomes a new version of that document.
#[utoipa::path(post, path = "/imports", tag = "documents", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "Fields `file` (required), `access`, `kind`"),
    responses((status = 201, body = ImportDto), (status = 409, body = crate::error::Problem, description = "the file is already a version of its document, or a proposal of it belongs to another document"), (status = 413, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn import(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    let mut multipart = multipart.map_err(|e| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("send the file as multipart/form-data with a field `file` ({e})"),
        )
    })?;
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the file is larger than {} MiB",
                liaise_service::documents::IMPORT_MAX / 1024 / 1024
            ),
        )
    };
    let mut options = ImportOptions::default();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| multipart_error(e, "form", too_large))?
    {
        let name = field.name().unwrap_or("").to_owned();
        let file_name = field.file_name().unwrap_or("").to_owned();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| multipart_error(e, "form", too_large))?;
        let text = || String::from_utf8_lossy(&bytes).trim().to_owned();
        match name.as_str() {
            "file" => file = Some((file_name, bytes.to_vec())),
            "access" => options.access = Some(text()).filter(|s| !s.is_empty()),
            "kind" => options.kind = Some(text()).filter(|s| !s.is_empty()),
            "organizations" => options.organizations.push(text()),
            other => {
                return Err(ApiError::field(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    other,
                    format!(
                        "unknown field `{}`: expected file, access, kind, organizations",
                        preview(other)
                    ),
                ));
            }
        }
    }
    let Some((file_name, bytes)) = file else {
        return Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "file",
            "the form has no field `file`",
        ));
    };
    let imported = state
        .liaise
        .import_document(&viewer, &file_name, bytes, &options)
        .await?;
    let dto = ImportDto::new(&file_name, &imported);
    Ok((
        StatusCode::CREATED,
        [(
            header::LOCATION,
            format!("/api/v1/documents/{}", imported.document_id),
        )],
        Json(dto),
    )
        .into_response())
}

#[utoipa::path(get, path = "/proposals", tag = "documents", params(ProposalsQuery),
    responses((status = 200, body = ProposalPageDto), (status = 422, description = "`status` is not a status of a proposal", body = crate::error::Problem)))]
pub async fn list_proposals(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiQuery(q): ApiQuery<ProposalsQuery>,
) -> Result<Json<ProposalPageDto>, ApiError> {
    let page = super::extract::page_request(q.page, q.per_page)?;
    let blank = |s: Option<String>| s.map(|x| x.trim().to_owned()).filter(|x| !x.is_empty());
    let filter = ProposalFilter {
        target: blank(q.target),
        status: blank(q.status),
        source: blank(q.source),
    };
    let found = state.liaise.proposals(&viewer, &filter, page).await?;
    Ok(Json(ProposalPageDto {
        items: found.items.iter().map(ProposalDto::new).collect(),
        total: found.total,
        page: page.page(),
        per_page: page.per_page(),
    }))
}

#[utoipa::path(get, path = "/proposals/{source}/{document}/{number}", tag = "documents",
    params(("source" = String, Path, description = "e.g. ATU"), ("document" = String, Path, description = "e.g. 35A3"), ("number" = String, Path, description = "e.g. 1")),
    responses((status = 200, body = ProposalDto), (status = 404, body = crate::error::Problem)))]
pub async fn get_proposal(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiPath((source, document, number)): ApiPath<(String, String, String)>,
) -> Result<Json<ProposalDto>, ApiError> {
    let p = state
        .liaise
        .proposal(&viewer, &format!("{source}/{document}/{number}"))
        .await?;
    Ok(Json(ProposalDto::new(&p)))
}

/// Records where a proposal stands (the secretariat of its document, administrators).
#[utoipa::path(patch, path = "/proposals/{source}/{document}/{number}", tag = "documents",
    request_body = ProposalPatchDto, security(("bearer" = [])),
    params(("source" = String, Path), ("document" = String, Path), ("number" = String, Path)),
    responses((status = 200, body = ProposalDto), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_proposal(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiPath((source, document, number)): ApiPath<(String, String, String)>,
    ApiJson(dto): ApiJson<ProposalPatchDto>,
) -> Result<Json<ProposalDto>, ApiError> {
    let p = state
        .liaise
        .set_proposal_status(
            &viewer,
            &format!("{source}/{document}/{number}"),
            &dto.status,
        )
        .await?;
    Ok(Json(ProposalDto::new(&p)))
}

#[utoipa::path(get, path = "/resolutions/{number}", tag = "documents",
    params(("number" = String, Path, description = "e.g. 11")),
    responses((status = 200, body = ResolutionDto), (status = 404, body = crate::error::Problem)))]
pub async fn get_resolution(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiPath(number): ApiPath<String>,
) -> Result<Json<ResolutionDto>, ApiError> {
    let versions = state.liaise.resolution(&number).await?;
    let filter = ProposalFilter {
        target: Some(number.trim().to_owned()),
        ..ProposalFilter::default()
    };
    let page = liaise_service::domain::PageRequest::parse(Some(1), Some(500)).unwrap_or_default();
    let proposals = state.liaise.proposals(&viewer, &filter, page).await?;
    Ok(Json(ResolutionDto {
        number: number.trim().to_owned(),
        versions: versions.iter().map(resolution_version).collect(),
        proposals: proposals.items.into_iter().map(|p| p.identifier).collect(),
    }))
}
