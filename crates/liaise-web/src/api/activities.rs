//! Activities: the dated records of the collaboration, each with an access level.

use crate::api::extract::parse_date;
use axum::{
    Json,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use liaise_service::{
    activities::{Activity, ActivityPatch, ActivityQuery},
    domain::activity::{ActivityFields, ActivityInput},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    dto::{rfc3339, ymd},
    extract::{ApiJson, ApiPath, ApiQuery, ApiViewer, ApiWriter},
};
use crate::{AppState, error::ApiError};

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityDto {
    pub id: i32,
    /// `decision`, `agreement`, `initiative`, `event`, `meeting`, `publication`, `note`.
    pub kind: String,
    pub title: String,
    pub summary: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// `public`, `members` or `secretariat`.
    pub access: String,
    /// Body codes.
    pub bodies: Vec<String>,
    /// Topic slugs.
    pub topics: Vec<String>,
    /// Owning organizations (their secretariats may see a secretariat-only activity).
    pub organizations: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Activity> for ActivityDto {
    fn from(a: &Activity) -> Self {
        Self {
            id: a.id,
            kind: a.kind.clone(),
            title: a.title.clone(),
            summary: a.summary.clone(),
            date: a.date.map(ymd),
            access: a.access.as_str().to_owned(),
            bodies: a.bodies.clone(),
            topics: a.topics.clone(),
            organizations: a.organizations.clone(),
            created_at: rfc3339(a.created_at),
            updated_at: rfc3339(a.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityPageDto {
    pub items: Vec<ActivityDto>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivitiesQuery {
    pub kind: Option<String>,
    /// Body code.
    pub body: Option<String>,
    /// Topic slug.
    pub topic: Option<String>,
    /// Organization code (owner).
    pub organization: Option<String>,
    /// Year of the activity's date.
    #[param(minimum = 1865, maximum = 9999)]
    pub year: Option<i32>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u64>,
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewActivity {
    pub kind: String,
    pub title: String,
    pub summary: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
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
pub struct ActivityPatchDto {
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = String, required = false)]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "super::dto::present")]
    #[schema(value_type = String, required = false)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "super::dto::double_option")]
    #[schema(value_type = Option<String>)]
    pub summary: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::dto::double_option")]
    #[schema(value_type = Option<String>)]
    pub date: Option<Option<String>>,
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

#[utoipa::path(get, path = "/activities", tag = "activities", params(ActivitiesQuery),
    responses((status = 200, body = ActivityPageDto), (status = 422, description = "A filter is invalid (e.g. a year outside 1865 to 9999)", body = crate::error::Problem)))]
pub async fn list_activities(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiQuery(q): ApiQuery<ActivitiesQuery>,
) -> Result<Json<ActivityPageDto>, ApiError> {
    let page = super::extract::page_request(q.page, q.per_page)?;
    let query = ActivityQuery {
        kind: q.kind,
        body: q.body,
        topic: q.topic,
        organization: q.organization,
        year: q.year,
    };
    let found = state.liaise.activities(&viewer, &query, page).await?;
    Ok(Json(ActivityPageDto {
        items: found.items.iter().map(ActivityDto::from).collect(),
        total: found.total,
        page: page.page(),
        per_page: page.per_page(),
    }))
}

#[utoipa::path(get, path = "/activities/{id}", tag = "activities", params(("id" = i32, Path)),
    responses((status = 200, body = ActivityDto), (status = 308, description = "The activity was a meeting or an event and is now the meeting at `Location`"), (status = 404, body = crate::error::Problem)))]
pub async fn get_activity(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let id: i32 = id
        .parse()
        .map_err(|_| ApiError::not_found(format!("no activity `{id}`")))?;
    match state.liaise.activity(&viewer, id).await {
        Ok(a) => Ok(Json(ActivityDto::from(&a)).into_response()),
        Err(e) => match state.liaise.meeting_for_activity(&viewer, id).await? {
            // Meetings and events recorded as activities have moved to meetings.
            Some(meeting) => Ok(axum::response::Redirect::permanent(&format!(
                "/api/v1/meetings/{meeting}"
            ))
            .into_response()),
            None => Err(e.into()),
        },
    }
}

#[utoipa::path(post, path = "/activities", tag = "activities", request_body = NewActivity,
    security(("bearer" = [])),
    responses((status = 201, body = ActivityDto), (status = 422, body = crate::error::Problem)))]
pub async fn create_activity(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiJson(dto): ApiJson<NewActivity>,
) -> Result<Response, ApiError> {
    let date = parse_date("date", dto.date.as_deref())?;
    let input = ActivityInput::parse(&ActivityFields {
        kind: &dto.kind,
        title: &dto.title,
        summary: dto.summary.as_deref(),
        date,
        access: dto.access.as_deref().unwrap_or("public"),
        bodies: &dto.bodies,
        topics: &dto.topics,
        organizations: &dto.organizations,
    })?;
    let a = state.liaise.create_activity(&viewer, input).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/activities/{}", a.id))],
        Json(ActivityDto::from(&a)),
    )
        .into_response())
}

#[utoipa::path(patch, path = "/activities/{id}", tag = "activities", request_body = ActivityPatchDto,
    params(("id" = i32, Path)), security(("bearer" = [])),
    responses((status = 200, body = ActivityDto), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_activity(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiPath(id): ApiPath<String>,
    ApiJson(dto): ApiJson<ActivityPatchDto>,
) -> Result<Json<ActivityDto>, ApiError> {
    let id: i32 = id
        .parse()
        .map_err(|_| ApiError::not_found(format!("no activity `{id}`")))?;
    let date = match dto.date {
        None => None,
        Some(d) => Some(parse_date("date", d.as_deref())?),
    };
    let patch = ActivityPatch {
        kind: dto.kind,
        title: dto.title,
        summary: dto.summary,
        date,
        access: dto.access,
        bodies: dto.bodies,
        topics: dto.topics,
        organizations: dto.organizations,
    };
    let a = state.liaise.update_activity(&viewer, id, patch).await?;
    Ok(Json((&a).into()))
}
