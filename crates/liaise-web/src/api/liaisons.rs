//! Liaison statements: the formal letters between bodies.

use crate::api::extract::{multipart_error, parse_date};
use axum::{
    Json,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use liaise_service::cache::{Answer, Key};
use liaise_service::{
    domain::liaison::{LiaisonFields, LiaisonInput},
    liaisons::{Liaison, LiaisonPatch, LiaisonQuery},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    dto::{double_option, rfc3339, ymd},
    extract::{ApiJson, ApiPath, ApiQuery, ApiViewer, ApiWriter},
};
use crate::{AppState, error::ApiError};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AddresseeDto {
    /// Body code.
    pub body: String,
    /// `action`, `comment` or `information`.
    pub purpose: String,
    /// `YYYY-MM-DD`; required for action and comment.
    pub deadline: Option<String>,
    /// `awaiting-reply`, `replied` or `closed` (action and comment rows of a sent statement).
    #[serde(default, skip_deserializing)]
    pub reply_state: Option<String>,
    /// The id of the reply that closed this row.
    #[serde(default, skip_deserializing)]
    pub replied_by: Option<i32>,
    #[serde(default, skip_deserializing)]
    pub overdue: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ContactDto {
    pub name: String,
    /// Shown to signed-in callers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `sender` (default), `technical` or `reply-to`.
    pub role: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LiaisonDto {
    pub id: i32,
    /// `TSAG-LS12`, in the first source body's series, given at approval; for a statement
    /// received from another organization, its sender's own reference.
    pub number: Option<String>,
    /// Received from another organization's sender (not numbered by liaise).
    pub received: bool,
    pub title: String,
    pub summary: Option<String>,
    pub text: Option<String>,
    pub date: String,
    /// `draft`, `approved`, `sent` or `withdrawn`.
    pub state: String,
    pub approval_level: Option<String>,
    /// The other side's own reference for the same statement.
    pub other_reference: Option<String>,
    /// The meeting that adopted it, as written.
    pub meeting: Option<String>,
    /// Originating Questions.
    pub questions: Vec<String>,
    pub contacts: Vec<ContactDto>,
    /// Source body codes.
    pub from: Vec<String>,
    pub addressees: Vec<AddresseeDto>,
    pub topics: Vec<String>,
    pub organizations: Vec<String>,
    pub in_reply_to: Option<i32>,
    /// A statement it refers to without answering it.
    pub related_to: Option<i32>,
    pub attachments: Vec<AttachmentDto>,
    pub access: String,
    /// An action or comment row is past its deadline without a reply.
    pub overdue: bool,
    /// Recorded from reference data whose details (e.g. the date or deadline) are not yet
    /// checked against a primary source.
    pub to_confirm: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl LiaisonDto {
    pub fn new(l: &Liaison, show_email: bool) -> Self {
        Self {
            id: l.id,
            number: l.number.clone(),
            received: l.received,
            title: l.title.clone(),
            summary: l.summary.clone(),
            text: l.text.clone(),
            date: ymd(l.date),
            state: l.state.clone(),
            approval_level: l.approval_level.clone(),
            other_reference: l.other_reference.clone(),
            meeting: l.meeting.clone(),
            questions: l.questions.clone(),
            contacts: l
                .contacts
                .iter()
                .map(|c| ContactDto {
                    name: c.name.clone(),
                    email: if show_email { c.email.clone() } else { None },
                    role: Some(c.role.clone()),
                })
                .collect(),
            from: l.from.clone(),
            addressees: l
                .addressees
                .iter()
                .map(|a| AddresseeDto {
                    body: a.body.clone(),
                    purpose: a.purpose.clone(),
                    deadline: a.deadline.map(ymd),
                    reply_state: a.reply_state.clone(),
                    replied_by: a.replied_by,
                    overdue: a.overdue,
                })
                .collect(),
            topics: l.topics.clone(),
            organizations: l.organizations.clone(),
            in_reply_to: l.in_reply_to,
            related_to: l.related_to,
            attachments: l
                .attachments
                .iter()
                .map(|a| attachment_dto(l.id, a))
                .collect(),
            access: l.access.as_str().to_owned(),
            overdue: l.overdue,
            to_confirm: l.to_confirm,
            created_at: rfc3339(l.created_at),
            updated_at: rfc3339(l.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LiaisonPageDto {
    pub items: Vec<LiaisonDto>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LiaisonsQuery {
    /// Sent or received by a body of this organization.
    pub organization: Option<String>,
    /// Source body code.
    pub from: Option<String>,
    /// Addressee body code.
    pub to: Option<String>,
    /// `action`, `comment`, `information`.
    pub purpose: Option<String>,
    /// `draft`, `approved`, `sent`, `withdrawn`.
    pub state: Option<String>,
    pub topic: Option<String>,
    #[param(minimum = 1865, maximum = 9999)]
    pub year: Option<i32>,
    /// Only statements with a row awaiting a reply.
    #[serde(default)]
    pub awaiting: bool,
    /// Only statements with a row past its deadline without a reply.
    #[serde(default)]
    pub overdue: bool,
    /// `newest` (the default), `oldest` or `title`.
    #[param(pattern = r"^\s*(newest|oldest|title)?\s*$")]
    pub sort: Option<String>,
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLiaison {
    pub title: String,
    pub summary: Option<String>,
    /// Body text (Markdown).
    pub text: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Source body codes.
    pub from: Vec<String>,
    pub addressees: Vec<AddresseeDto>,
    #[serde(default)]
    pub questions: Vec<String>,
    #[serde(default)]
    pub contacts: Vec<ContactDto>,
    pub other_reference: Option<String>,
    /// The meeting that adopted it, as written.
    pub meeting: Option<String>,
    pub approval_level: Option<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    /// `public` (default), `members`, `secretariat`.
    pub access: Option<String>,
    /// `draft` (default: to be approved) or `sent` (received, or sent outside liaise).
    pub state: Option<String>,
    /// Received from another organization's sender: it keeps the sender's reference
    /// (`other_reference`, then required) as its number and is recorded as `sent`; liaise
    /// numbers only what its own users send. A secretariat's statement is received exactly
    /// when its organization owns none of the source bodies (a value given must agree); an
    /// administrator says so here (default `false`).
    pub received: Option<bool>,
    /// The id of the statement this one answers.
    pub in_reply_to: Option<i32>,
    /// The id of a statement this one refers to without answering it.
    pub related_to: Option<i32>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LiaisonPatchDto {
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = String, required = false)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub summary: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub text: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = String, required = false)]
    pub date: Option<String>,
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = Vec<AddresseeDto>, required = false)]
    pub addressees: Option<Vec<AddresseeDto>>,
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = Vec<String>, required = false)]
    pub topics: Option<Vec<String>>,
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = Vec<String>, required = false)]
    pub questions: Option<Vec<String>>,
    /// Replaces the contacts.
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = Vec<ContactDto>, required = false)]
    pub contacts: Option<Vec<ContactDto>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub other_reference: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub meeting: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub approval_level: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = String, required = false)]
    pub access: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionDto {
    /// `approved`, `sent` or `withdrawn`.
    pub to: String,
}

fn addressee_rows(
    rows: &[AddresseeDto],
) -> Result<Vec<(String, String, Option<time::Date>)>, ApiError> {
    rows.iter()
        .enumerate()
        .map(|(i, a)| {
            Ok((
                a.body.clone(),
                a.purpose.clone(),
                parse_date(&format!("addressees[{i}].deadline"), a.deadline.as_deref())?,
            ))
        })
        .collect()
}

/// The list. Its JSON is remembered per access scope and query until a write of statements
/// (the one place a statement list is remembered). With
/// `Accept: text/csv`, every statement of the query (not one page) as CSV, with a header row.
#[utoipa::path(get, path = "/liaisons", tag = "liaisons", params(LiaisonsQuery),
    responses((status = 200,
        description = "A page of statements; with `Accept: text/csv`, all of them as CSV (the columns of `liaise import liaisons`, plus id, in_reply_to, overdue, meeting, related_to)",
        content((LiaisonPageDto = "application/json"), (String = "text/csv"))), (status = 422, description = "A filter is invalid (a year outside 1865 to 9999, an unknown `sort`)", body = crate::error::Problem)))]
pub async fn list_liaisons(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    headers: axum::http::HeaderMap,
    ApiQuery(q): ApiQuery<LiaisonsQuery>,
) -> Result<Response, ApiError> {
    let page = super::extract::page_request(q.page, q.per_page)?;
    let wants_csv = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.split(',').any(|t| t.trim().starts_with("text/csv")));
    let query = LiaisonQuery {
        organization: q.organization,
        from: q.from,
        to: q.to,
        purpose: q.purpose,
        state: q.state,
        topic: q.topic,
        year: q.year,
        awaiting: q.awaiting,
        overdue: q.overdue,
        sort: q.sort,
    };
    if wants_csv {
        return Ok(crate::html::liaisons_csv_response(&state, &viewer, &query).await?);
    }
    let show = !viewer.is_anonymous();
    state.liaise.registry().await?;
    let key = Key::new(
        Answer::LiaisonListJson,
        &viewer,
        format!(
            "{show}|{query:?}|{}|{}|{}",
            page.page(),
            page.per_page(),
            time::OffsetDateTime::now_utc().date()
        ),
    );
    let body = match state.liaise.cache().recall::<axum::body::Bytes>(key) {
        Ok(body) => body,
        Err(ticket) => {
            let found = state.liaise.liaisons(&viewer, &query, page).await?;
            let dto = LiaisonPageDto {
                items: found
                    .items
                    .iter()
                    .map(|l| LiaisonDto::new(l, show))
                    .collect(),
                total: found.total,
                page: page.page(),
                per_page: page.per_page(),
            };
            let body =
                std::sync::Arc::new(axum::body::Bytes::from(serde_json::to_vec(&dto).map_err(
                    |e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("JSON: {e}")),
                )?));
            state.liaise.cache().remember(ticket, body.clone());
            body
        }
    };
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        (*body).clone(),
    )
        .into_response())
}

#[utoipa::path(get, path = "/liaisons/{id}", tag = "liaisons",
    params(("id" = String, Path, description = "Id or number, e.g. TSAG-LS12")),
    responses((status = 200, body = LiaisonDto), (status = 404, body = crate::error::Problem)))]
pub async fn get_liaison(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<LiaisonDto>, ApiError> {
    let l = state.liaise.liaison(&viewer, &id).await?;
    Ok(Json(LiaisonDto::new(&l, !viewer.is_anonymous())))
}

#[utoipa::path(post, path = "/liaisons", tag = "liaisons", request_body = NewLiaison,
    security(("bearer" = [])),
    responses((status = 201, body = LiaisonDto), (status = 422, body = crate::error::Problem)))]
pub async fn create_liaison(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiJson(dto): ApiJson<NewLiaison>,
) -> Result<Response, ApiError> {
    let date = parse_date("date", Some(&dto.date))?;
    let addressees = addressee_rows(&dto.addressees)?;
    let contacts: Vec<(String, Option<String>, Option<String>)> = dto
        .contacts
        .iter()
        .map(|c| (c.name.clone(), c.email.clone(), c.role.clone()))
        .collect();
    let input = LiaisonInput::parse(&LiaisonFields {
        title: &dto.title,
        summary: dto.summary.as_deref(),
        text: dto.text.as_deref(),
        date,
        from: &dto.from,
        addressees: &addressees,
        questions: &dto.questions,
        contacts: &contacts,
        other_reference: dto.other_reference.as_deref(),
        meeting: dto.meeting.as_deref(),
        approval_level: dto.approval_level.as_deref(),
        topics: &dto.topics,
        access: dto.access.as_deref().unwrap_or("public"),
    })?;
    let sent = match dto.state.as_deref().unwrap_or("draft") {
        "draft" => false,
        "sent" => true,
        other => {
            return Err(ApiError::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                "state",
                format!(
                    "a new statement is `draft` or `sent`, not `{}`",
                    liaise_service::domain::text::preview(other)
                ),
            ));
        }
    };
    let l = state
        .liaise
        .create_liaison(
            &viewer,
            input,
            sent,
            dto.received,
            liaise_service::liaisons::ThreadLinks {
                in_reply_to: dto.in_reply_to,
                related_to: dto.related_to,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/liaisons/{}", l.id))],
        Json(LiaisonDto::new(&l, true)),
    )
        .into_response())
}

#[utoipa::path(patch, path = "/liaisons/{id}", tag = "liaisons", request_body = LiaisonPatchDto,
    params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = LiaisonDto), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn update_liaison(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiPath(id): ApiPath<String>,
    ApiJson(dto): ApiJson<LiaisonPatchDto>,
) -> Result<Json<LiaisonDto>, ApiError> {
    let date = match dto.date.as_deref() {
        Some(d) => parse_date("date", Some(d))?,
        None => None,
    };
    let addressees = match &dto.addressees {
        Some(rows) => Some(addressee_rows(rows)?),
        None => None,
    };
    let patch = LiaisonPatch {
        title: dto.title,
        summary: dto.summary,
        text: dto.text,
        date,
        addressees,
        topics: dto.topics,
        questions: dto.questions,
        contacts: dto.contacts.map(|list| {
            list.into_iter()
                .map(|c| (c.name, c.email, c.role))
                .collect()
        }),
        other_reference: dto.other_reference,
        meeting: dto.meeting,
        approval_level: dto.approval_level,
        access: dto.access,
    };
    let l = state.liaise.update_liaison(&viewer, &id, patch).await?;
    Ok(Json(LiaisonDto::new(&l, true)))
}

/// Approve, send or withdraw.
#[utoipa::path(post, path = "/liaisons/{id}/transitions", tag = "liaisons", request_body = TransitionDto,
    params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = LiaisonDto), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn transition_liaison(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiPath(id): ApiPath<String>,
    ApiJson(dto): ApiJson<TransitionDto>,
) -> Result<Json<LiaisonDto>, ApiError> {
    let l = state
        .liaise
        .transition_liaison(&viewer, &id, &dto.to)
        .await?;
    Ok(Json(LiaisonDto::new(&l, true)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseRowDto {
    /// Why the row is closed without a reply (kept in the audit log).
    pub note: Option<String>,
}

/// Closes an addressee row that awaits a reply without one (the secretariat of an owning
/// organization): the row is then neither awaiting nor overdue. Send `{}` or a note.
#[utoipa::path(post, path = "/liaisons/{id}/addressees/{body}/close", tag = "liaisons",
    request_body = CloseRowDto,
    params(("id" = String, Path, description = "Id or number"), ("body" = String, Path, description = "The addressee body's code")),
    security(("bearer" = [])),
    responses((status = 200, body = LiaisonDto), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem, description = "The row awaits no reply"),
        (status = 422, body = crate::error::Problem)))]
pub async fn close_row(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiPath((id, body)): ApiPath<(String, String)>,
    ApiJson(dto): ApiJson<CloseRowDto>,
) -> Result<Json<LiaisonDto>, ApiError> {
    let l = state
        .liaise
        .close_row(&viewer, &id, &body, dto.note.as_deref())
        .await?;
    Ok(Json(LiaisonDto::new(&l, true)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentDto {
    /// The comment (plain text, at most 4,000 characters).
    pub text: String,
}

/// A statement's history: created, edited, approved, sent, replied, withdrawn, rows closed,
/// comments; oldest first (the secretariats of its organizations and administrators).
#[utoipa::path(get, path = "/liaisons/{id}/history", tag = "liaisons",
    params(("id" = String, Path, description = "Id or number")),
    security(("bearer" = [])),
    responses((status = 200, body = [super::audit::AuditEntryDto]), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem)))]
pub async fn liaison_history(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<super::audit::AuditEntryDto>>, ApiError> {
    let entries = state.liaise.liaison_history(&viewer, &id).await?;
    Ok(Json(entries.into_iter().map(Into::into).collect()))
}

/// Adds a comment to a statement's history; answers the history.
#[utoipa::path(post, path = "/liaisons/{id}/comments", tag = "liaisons",
    request_body = CommentDto,
    params(("id" = String, Path, description = "Id or number")),
    security(("bearer" = [])),
    responses((status = 201, body = [super::audit::AuditEntryDto]), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn comment_liaison(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiPath(id): ApiPath<String>,
    ApiJson(dto): ApiJson<CommentDto>,
) -> Result<(StatusCode, Json<Vec<super::audit::AuditEntryDto>>), ApiError> {
    let entries = state
        .liaise
        .comment_liaison(&viewer, &id, &dto.text)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(entries.into_iter().map(Into::into).collect()),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentDto {
    pub id: i32,
    pub name: String,
    pub size: i64,
    pub content_type: String,
    pub sha256: String,
    /// Where to download it.
    pub url: String,
}

pub fn attachment_dto(ls_id: i32, a: &liaise_service::liaisons::AttachmentView) -> AttachmentDto {
    AttachmentDto {
        id: a.id,
        name: a.file_name.clone(),
        size: a.size,
        content_type: a.content_type.clone(),
        sha256: a.sha256.clone(),
        url: format!("/api/v1/liaisons/{ls_id}/attachments/{}", a.id),
    }
}

/// Attaches a file (multipart form, field `file`).
#[utoipa::path(post, path = "/liaisons/{id}/attachments", tag = "liaisons",
    params(("id" = String, Path)), security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "A form with the field `file`"),
    responses((status = 201, body = AttachmentDto), (status = 404, body = crate::error::Problem), (status = 413, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn add_attachment(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiPath(id): ApiPath<String>,
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
                liaise_service::liaisons::ATTACHMENT_MAX / 1024 / 1024
            ),
        )
    };
    let field = multipart
        .next_field()
        .await
        .map_err(|e| multipart_error(e, "form", too_large))?;
    let Some(field) = field else {
        return Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "file",
            "the form has no field `file`",
        ));
    };
    if field.name() != Some("file") {
        let other = field.name().unwrap_or("");
        return Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            other,
            format!(
                "unknown field `{}`: the form has one field, `file`",
                liaise_service::domain::text::preview(other)
            ),
        ));
    }
    let name = field.file_name().unwrap_or("").to_owned();
    let bytes = field
        .bytes()
        .await
        .map_err(|e| multipart_error(e, "file", too_large))?;
    let a = state
        .liaise
        .attach(&viewer, &id, &name, bytes.to_vec())
        .await?;
    let ls = state.liaise.liaison(&viewer, &id).await?;
    let dto = attachment_dto(ls.id, &a);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, dto.url.clone())],
        Json(dto),
    )
        .into_response())
}

/// Downloads an attachment of a statement the caller may see.
#[utoipa::path(get, path = "/liaisons/{id}/attachments/{attachment}", tag = "liaisons",
    params(("id" = String, Path), ("attachment" = i32, Path)),
    responses((status = 200, description = "The file"), (status = 404, body = crate::error::Problem)))]
pub async fn get_attachment(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiPath((id, attachment)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let attachment: i32 = attachment
        .parse()
        .map_err(|_| ApiError::not_found(format!("no attachment `{attachment}`")))?;
    Ok(download(&state, &viewer, &id, attachment).await?)
}

/// The bytes of an attachment with headers that make browsers save, not render, them.
pub async fn download(
    state: &AppState,
    viewer: &liaise_service::domain::Viewer,
    key: &str,
    attachment: i32,
) -> Result<Response, liaise_service::ServiceError> {
    let (a, path) = state.liaise.attachment(viewer, key, attachment).await?;
    let bytes = tokio::fs::read(&path).await.map_err(|e| {
        liaise_service::ServiceError::Internal(format!("reading {}: {e}", path.display()))
    })?;
    Ok(file_response(&a.file_name, &a.content_type, bytes))
}

/// A file download: its type, and a disposition that makes browsers save it under its name.
pub fn file_response(file_name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = form_urlencoded::byte_serialize(file_name.as_bytes()).collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        encoded.replace('+', "%20")
    );
    let mut res = (StatusCode::OK, bytes).into_response();
    let headers = res.headers_mut();
    if let Ok(v) = header::HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = header::HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}
