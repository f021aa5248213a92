//! Meetings: list (the same shape and filters as the pages and calendars), one meeting with
//! its agenda and minutes, and the secretariats' writes.

use axum::{
    Json,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use liaise_service::{
    domain::meeting::{MeetingFields, MeetingInput},
    meetings::{AgendaItemIn, Meeting, MeetingDetail, MeetingPatch, MeetingQuery},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    dto::rfc3339,
    extract::{ApiJson, ApiPath, ApiQuery, ApiViewer, ApiWriter, parse_date},
};
use crate::{AppState, error::ApiError};

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingDto {
    pub id: i32,
    /// The iCalendar UID: stable across changes and re-imports.
    pub uid: String,
    /// `body-meeting`, `working-party`, `rapporteur-group`, `joint-secretariat`, `workshop`,
    /// `webinar`.
    pub kind: String,
    /// `planned`, `held` or `cancelled`.
    pub state: String,
    pub title: String,
    pub number: Option<String>,
    /// Markdown.
    pub summary: Option<String>,
    /// The dates were announced by a secondary source and are not yet checked.
    pub to_confirm: bool,
    /// As typed, in the meeting's zone: `YYYY-MM-DD` for a whole-day meeting, else
    /// `YYYY-MM-DDTHH:MM`.
    pub start: String,
    /// The last day of a whole-day meeting, else the local date and time it ends.
    pub end: String,
    pub all_day: bool,
    /// IANA time zone, e.g. `Europe/Zurich`.
    pub time_zone: String,
    /// The UTC offset of the zone at the start, e.g. `+01:00`.
    pub utc_offset: String,
    /// The instant it starts, RFC 3339 in UTC.
    pub starts_at: String,
    /// The instant it ends, RFC 3339 in UTC.
    pub ends_at: String,
    pub place: Option<String>,
    /// Present only for callers who may see it (`online_access`).
    pub online_link: Option<String>,
    /// Who may see the online link: `public`, `members` or `secretariat`.
    pub online_access: String,
    /// `public`, `members` or `secretariat`.
    pub access: String,
    /// The iCalendar SEQUENCE: one more at each change.
    pub sequence: i32,
    /// Body codes.
    pub bodies: Vec<String>,
    /// Topic slugs.
    pub topics: Vec<String>,
    /// Owning organizations.
    pub organizations: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Meeting> for MeetingDto {
    fn from(m: &Meeting) -> Self {
        Self {
            id: m.id,
            uid: m.uid.clone(),
            kind: m.kind.as_str().to_owned(),
            state: m.state.as_str().to_owned(),
            title: m.title.clone(),
            number: m.number.clone(),
            summary: m.summary.clone(),
            to_confirm: m.to_confirm,
            start: m.start_text(),
            end: m.end_text(),
            all_day: m.all_day,
            time_zone: m.time_zone.as_str().to_owned(),
            utc_offset: m.time_zone.local(m.starts_at).offset,
            starts_at: rfc3339(m.starts_at),
            ends_at: rfc3339(m.ends_at),
            place: m.place.clone(),
            online_link: m.online_link.clone(),
            online_access: m.online_access.as_str().to_owned(),
            access: m.access.as_str().to_owned(),
            sequence: m.sequence,
            bodies: m.bodies.clone(),
            topics: m.topics.clone(),
            organizations: m.organizations.clone(),
            created_at: rfc3339(m.created_at),
            updated_at: rfc3339(m.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgendaItemDto {
    pub id: i32,
    /// Its label ("3", "3.1"), given once: reordering never renumbers it.
    pub number: String,
    /// The id of the item it is nested under.
    pub parent: Option<i32>,
    pub title: String,
    /// Person id.
    pub presenter: Option<i32>,
    pub outcome: Option<String>,
    /// Ids of linked documents the caller may see.
    pub documents: Vec<i32>,
    /// Ids of linked liaison statements the caller may see.
    pub liaisons: Vec<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MinutesDto {
    pub revision: i32,
    /// Markdown.
    pub text: String,
    /// Who wrote it (an account's e-mail or a token's name); only for signed-in callers.
    pub author: Option<String>,
    pub at: String,
    pub approved: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingDetailDto {
    #[serde(flatten)]
    pub meeting: MeetingDto,
    pub agenda: Vec<AgendaItemDto>,
    /// Every revision, oldest first.
    pub minutes: Vec<MinutesDto>,
}

impl From<&MeetingDetail> for MeetingDetailDto {
    fn from(d: &MeetingDetail) -> Self {
        Self {
            meeting: (&d.meeting).into(),
            agenda: d
                .agenda
                .iter()
                .map(|i| AgendaItemDto {
                    id: i.id,
                    number: i.number.clone(),
                    parent: i.parent_id,
                    title: i.title.clone(),
                    presenter: i.presenter_id,
                    outcome: i.outcome.clone(),
                    documents: i.document_ids.clone(),
                    liaisons: i.liaison_ids.clone(),
                })
                .collect(),
            minutes: d
                .minutes
                .iter()
                .map(|m| MinutesDto {
                    revision: m.revision,
                    text: m.text.clone(),
                    author: Some(m.author.clone()),
                    at: rfc3339(m.at),
                    approved: m.approved,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingPageDto {
    pub items: Vec<MeetingDto>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingsQuery {
    /// Body code.
    pub body: Option<String>,
    /// Organization code (owner).
    pub organization: Option<String>,
    /// Topic slug.
    pub topic: Option<String>,
    /// `body-meeting`, `working-party`, `rapporteur-group`, `joint-secretariat`, `workshop`,
    /// `webinar`.
    #[param(
        pattern = r"^\s*(body-meeting|working-party|rapporteur-group|joint-secretariat|workshop|webinar)?\s*$"
    )]
    pub kind: Option<String>,
    /// Meetings starting on or after this day (`YYYY-MM-DD`, UTC; the schema states days 1 to
    /// 28, the server reads every day of the calendar).
    #[param(
        pattern = r"^\s*((186[5-9]|18[7-9][0-9]|19[0-9]{2}|[2-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8]))?\s*$"
    )]
    pub from: Option<String>,
    /// Meetings starting on or before this day (`YYYY-MM-DD`, UTC); before `from`, none.
    #[param(
        pattern = r"^\s*((186[5-9]|18[7-9][0-9]|19[0-9]{2}|[2-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8]))?\s*$"
    )]
    pub to: Option<String>,
    /// `planned`, `held` or `cancelled`.
    #[param(pattern = r"^\s*(planned|held|cancelled)?\s*$")]
    pub state: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u64>,
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMeeting {
    pub kind: String,
    pub title: String,
    pub number: Option<String>,
    /// Markdown.
    pub summary: Option<String>,
    /// In the meeting's zone: `YYYY-MM-DD` (whole days) or `YYYY-MM-DDTHH:MM`.
    pub start: String,
    /// The last day (`YYYY-MM-DD`) or the local date and time it ends; of the same form as
    /// `start`.
    pub end: String,
    /// IANA time zone, e.g. `Europe/Zurich`.
    pub time_zone: String,
    /// `planned` (default), `held` or `cancelled`.
    pub state: Option<String>,
    pub place: Option<String>,
    /// An http:// or https:// address.
    pub online_link: Option<String>,
    /// Who may see the online link (default: the meeting's access); never less restricted
    /// than the meeting.
    pub online_access: Option<String>,
    /// `public` (default), `members` or `secretariat`.
    pub access: Option<String>,
    #[serde(default)]
    pub bodies: Vec<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    /// Owning organizations besides those of the bodies.
    #[serde(default)]
    pub organizations: Vec<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingPatchDto {
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = String, required = false)]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = String, required = false)]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = String, required = false)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "super::dto::double_option")]
    #[schema(value_type = Option<String>)]
    pub number: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::dto::double_option")]
    #[schema(value_type = Option<String>)]
    pub summary: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = String, required = false)]
    pub start: Option<String>,
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = String, required = false)]
    pub end: Option<String>,
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = String, required = false)]
    pub time_zone: Option<String>,
    #[serde(default, deserialize_with = "super::dto::double_option")]
    #[schema(value_type = Option<String>)]
    pub place: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::dto::double_option")]
    #[schema(value_type = Option<String>)]
    pub online_link: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = String, required = false)]
    pub online_access: Option<String>,
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = String, required = false)]
    pub access: Option<String>,
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = Vec<String>, required = false)]
    pub bodies: Option<Vec<String>>,
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = Vec<String>, required = false)]
    pub topics: Option<Vec<String>>,
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = Vec<String>, required = false)]
    pub organizations: Option<Vec<String>>,
}

/// A meeting id from the path: anything else names nothing.
fn meeting_id(raw: &str) -> Result<i32, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::not_found(format!("no meeting `{raw}`")))
}

#[utoipa::path(get, path = "/meetings", tag = "meetings", params(MeetingsQuery),
    responses((status = 200, body = MeetingPageDto), (status = 422, description = "A filter is invalid (an unknown kind or state, a date that is not a day of the calendar)", body = crate::error::Problem)))]
pub async fn list_meetings(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiQuery(q): ApiQuery<MeetingsQuery>,
) -> Result<Json<MeetingPageDto>, ApiError> {
    let page = super::extract::page_request(q.page, q.per_page)?;
    let query = MeetingQuery {
        kind: q.kind,
        state: q.state,
        body: q.body,
        topic: q.topic,
        organization: q.organization,
        from: parse_date("from", q.from.as_deref())?,
        to: parse_date("to", q.to.as_deref())?,
        ascending: false,
    };
    let found = state.liaise.meetings(&viewer, &query, page).await?;
    Ok(Json(MeetingPageDto {
        items: found.items.iter().map(MeetingDto::from).collect(),
        total: found.total,
        page: page.page(),
        per_page: page.per_page(),
    }))
}

#[utoipa::path(get, path = "/meetings/{id}", tag = "meetings", params(("id" = i32, Path)),
    responses((status = 200, body = MeetingDetailDto), (status = 404, body = crate::error::Problem)))]
pub async fn get_meeting(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<MeetingDetailDto>, ApiError> {
    let d = state
        .liaise
        .meeting_detail(&viewer, meeting_id(&id)?)
        .await?;
    let mut dto = MeetingDetailDto::from(&d);
    if viewer.is_anonymous() {
        for m in &mut dto.minutes {
            m.author = None;
        }
    }
    Ok(Json(dto))
}

#[utoipa::path(post, path = "/meetings", tag = "meetings", request_body = NewMeeting,
    security(("bearer" = [])),
    responses((status = 201, body = MeetingDetailDto), (status = 422, body = crate::error::Problem)))]
pub async fn create_meeting(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiJson(dto): ApiJson<NewMeeting>,
) -> Result<Response, ApiError> {
    let input = MeetingInput::parse(&MeetingFields {
        kind: &dto.kind,
        state: dto.state.as_deref(),
        title: &dto.title,
        number: dto.number.as_deref(),
        summary: dto.summary.as_deref(),
        start: &dto.start,
        end: &dto.end,
        time_zone: &dto.time_zone,
        place: dto.place.as_deref(),
        online_link: dto.online_link.as_deref(),
        online_access: dto.online_access.as_deref(),
        access: dto.access.as_deref().unwrap_or("public"),
        bodies: &dto.bodies,
        topics: &dto.topics,
        organizations: &dto.organizations,
    })?;
    let m = state.liaise.create_meeting(&viewer, input).await?;
    let d = state.liaise.meeting_detail(&viewer, m.id).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/meetings/{}", m.id))],
        Json(MeetingDetailDto::from(&d)),
    )
        .into_response())
}

#[utoipa::path(patch, path = "/meetings/{id}", tag = "meetings", request_body = MeetingPatchDto,
    params(("id" = i32, Path)), security(("bearer" = [])),
    responses((status = 200, body = MeetingDetailDto), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_meeting(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiPath(id): ApiPath<String>,
    ApiJson(dto): ApiJson<MeetingPatchDto>,
) -> Result<Json<MeetingDetailDto>, ApiError> {
    let id = meeting_id(&id)?;
    let patch = MeetingPatch {
        kind: dto.kind,
        state: dto.state,
        title: dto.title,
        number: dto.number,
        summary: dto.summary,
        start: dto.start,
        end: dto.end,
        time_zone: dto.time_zone,
        place: dto.place,
        online_link: dto.online_link,
        online_access: dto.online_access,
        access: dto.access,
        bodies: dto.bodies,
        topics: dto.topics,
        organizations: dto.organizations,
    };
    state.liaise.update_meeting(&viewer, id, patch).await?;
    let d = state.liaise.meeting_detail(&viewer, id).await?;
    Ok(Json((&d).into()))
}

/// One agenda item as sent: `id` of an existing item keeps it (and its number).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaItemInDto {
    pub id: Option<i32>,
    pub title: String,
    /// Person id.
    pub presenter: Option<i32>,
    pub outcome: Option<String>,
    /// Document ids.
    #[serde(default)]
    pub documents: Vec<i32>,
    /// Liaison statement ids.
    #[serde(default)]
    pub liaisons: Vec<i32>,
    /// Sub-items (one level).
    #[serde(default)]
    #[schema(no_recursion)]
    pub children: Vec<AgendaItemInDto>,
}

impl From<AgendaItemInDto> for AgendaItemIn {
    fn from(d: AgendaItemInDto) -> Self {
        Self {
            id: d.id,
            title: d.title,
            presenter: d.presenter,
            outcome: d.outcome,
            documents: d.documents,
            liaisons: d.liaisons,
            children: d.children.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaDto {
    /// The whole agenda in order; items left out are removed.
    pub items: Vec<AgendaItemInDto>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMinutes {
    /// Markdown.
    pub text: String,
    #[serde(default)]
    pub approved: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DiffSegmentDto {
    /// `equal`, `insert` or `delete`.
    pub kind: String,
    pub text: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MinutesDiffQuery {
    /// The earlier revision.
    #[param(minimum = 1)]
    pub from: i32,
    /// The later revision.
    #[param(minimum = 1)]
    pub to: i32,
}

#[utoipa::path(put, path = "/meetings/{id}/agenda", tag = "meetings", request_body = AgendaDto,
    params(("id" = i32, Path)), security(("bearer" = [])),
    responses((status = 200, body = MeetingDetailDto), (status = 404, body = crate::error::Problem), (status = 422, description = "An item breaks a rule (no title, nested twice, an unknown item, a document or statement the caller may not see)", body = crate::error::Problem)))]
pub async fn set_agenda(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiPath(id): ApiPath<String>,
    ApiJson(dto): ApiJson<AgendaDto>,
) -> Result<Json<MeetingDetailDto>, ApiError> {
    let items = dto.items.into_iter().map(Into::into).collect();
    let d = state
        .liaise
        .set_agenda(&viewer, meeting_id(&id)?, items)
        .await?;
    Ok(Json((&d).into()))
}

#[utoipa::path(post, path = "/meetings/{id}/minutes", tag = "meetings", request_body = NewMinutes,
    params(("id" = i32, Path)), security(("bearer" = [])),
    responses((status = 201, body = MeetingDetailDto), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn add_minutes(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiPath(id): ApiPath<String>,
    ApiJson(dto): ApiJson<NewMinutes>,
) -> Result<Response, ApiError> {
    let d = state
        .liaise
        .add_minutes(&viewer, meeting_id(&id)?, &dto.text, dto.approved)
        .await?;
    Ok((StatusCode::CREATED, Json(MeetingDetailDto::from(&d))).into_response())
}

#[utoipa::path(get, path = "/meetings/{id}/minutes/diff", tag = "meetings", params(("id" = i32, Path), MinutesDiffQuery),
    responses((status = 200, body = [DiffSegmentDto]), (status = 404, body = crate::error::Problem), (status = 422, description = "A parameter is invalid", body = crate::error::Problem)))]
pub async fn minutes_diff(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<MinutesDiffQuery>,
) -> Result<Json<Vec<DiffSegmentDto>>, ApiError> {
    use liaise_service::domain::document::Segment;
    let segments = state
        .liaise
        .minutes_diff(&viewer, meeting_id(&id)?, q.from, q.to)
        .await?;
    Ok(Json(
        segments
            .iter()
            .map(|s| DiffSegmentDto {
                kind: match s {
                    Segment::Equal(_) => "equal",
                    Segment::Insert(_) => "insert",
                    Segment::Delete(_) => "delete",
                }
                .to_owned(),
                text: s.text().to_owned(),
            })
            .collect(),
    ))
}
