//! Registry routes: organizations, bodies, people, roles, topics, links, the matrix.

use crate::api::extract::parse_date;
use axum::{
    Json,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use liaise_service::{
    domain::registry::{
        BodyFields, BodyInput, OrganizationInput, PersonInput, RoleInput, TopicInput,
    },
    registry::{BodyPatch, OrganizationPatch, PersonPatch, TopicPatch},
    snapshot::{BodyFilter, PersonFilter, TopicFilter},
};

use super::{
    dto::*,
    extract::{ApiJson, ApiPath, ApiQuery, ApiViewer, ApiWriter},
};
use crate::{AppState, error::ApiError};

type ApiResult<T> = Result<T, ApiError>;

fn created<T: serde::Serialize>(location: String, body: T) -> Response {
    (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(body),
    )
        .into_response()
}

// ---- organizations ----------------------------------------------------------------------

/// Every organization (a plain array; `page`/`per_page` apply, the total is in `X-Total-Count`).
#[utoipa::path(get, path = "/organizations", tag = "registry", params(PageQuery),
    responses((status = 200, body = [OrganizationDto])))]
pub async fn list_organizations(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Response> {
    let p = super::extract::page_request(q.page, q.per_page)?;
    let snap = state.liaise.registry().await?;
    let items: Vec<OrganizationDto> = p
        .slice(&snap.organizations)
        .iter()
        .map(OrganizationDto::from)
        .collect();
    Ok((
        [("x-total-count", snap.organizations.len().to_string())],
        Json(items),
    )
        .into_response())
}

#[utoipa::path(get, path = "/organizations/{code}", tag = "registry",
    params(("code" = String, Path, description = "Organization code, e.g. UPU")),
    responses((status = 200, body = OrganizationDto), (status = 404, body = crate::error::Problem)))]
pub async fn get_organization(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<OrganizationDto>> {
    let snap = state.liaise.registry().await?;
    let o = snap
        .organization(&code)
        .ok_or_else(|| ApiError::not_found(format!("no organization `{code}`")))?;
    Ok(Json(o.into()))
}

#[utoipa::path(post, path = "/organizations", tag = "registry", request_body = NewOrganization,
    security(("bearer" = [])),
    responses((status = 201, body = OrganizationDto), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_organization(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiJson(dto): ApiJson<NewOrganization>,
) -> ApiResult<Response> {
    let input = OrganizationInput::parse(
        &dto.code,
        &dto.name,
        dto.name_fr.as_deref(),
        dto.url.as_deref(),
        dto.to_confirm,
    )?;
    let o = state.liaise.create_organization(&viewer, input).await?;
    Ok(created(
        format!("/api/v1/organizations/{}", o.code),
        OrganizationDto::from(&o),
    ))
}

#[utoipa::path(patch, path = "/organizations/{code}", tag = "registry", request_body = OrganizationPatchDto,
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = OrganizationDto), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_organization(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiPath(code): ApiPath<String>,
    ApiJson(dto): ApiJson<OrganizationPatchDto>,
) -> ApiResult<Json<OrganizationDto>> {
    let patch = OrganizationPatch {
        name: dto.name,
        name_fr: dto.name_fr,
        url: dto.url,
        to_confirm: dto.to_confirm,
    };
    let o = state
        .liaise
        .update_organization(&viewer, &code, patch)
        .await?;
    Ok(Json((&o).into()))
}

// ---- bodies -----------------------------------------------------------------------------

#[utoipa::path(get, path = "/bodies", tag = "registry", params(BodiesQuery),
    responses((status = 200, body = BodyPage)))]
pub async fn list_bodies(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<BodiesQuery>,
) -> ApiResult<Json<BodyPage>> {
    let p = super::extract::page_request(q.page, q.per_page)?;
    let snap = state.liaise.registry().await?;
    let found = snap.find_bodies(&BodyFilter {
        organization: q.organization,
        kind: q.kind,
        parent: q.parent,
        topic: q.topic,
        q: q.q,
    });
    Ok(Json(BodyPage {
        items: p.slice(&found).iter().map(|b| BodyDto::from(*b)).collect(),
        total: found.len() as u64,
        page: p.page(),
        per_page: p.per_page(),
    }))
}

#[utoipa::path(get, path = "/bodies/{code}", tag = "registry",
    params(("code" = String, Path, description = "Body code, e.g. SG12")),
    responses((status = 200, body = BodyDto), (status = 404, body = crate::error::Problem)))]
pub async fn get_body(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<BodyDto>> {
    let snap = state.liaise.registry().await?;
    let b = snap
        .body(&code)
        .ok_or_else(|| ApiError::not_found(format!("no body `{code}`")))?;
    Ok(Json(b.into()))
}

#[utoipa::path(post, path = "/bodies", tag = "registry", request_body = NewBody,
    security(("bearer" = [])),
    responses((status = 201, body = BodyDto), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_body(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiJson(dto): ApiJson<NewBody>,
) -> ApiResult<Response> {
    let mut organizations: Vec<String> = dto.organization.into_iter().collect();
    organizations.extend(dto.organizations);
    let input = BodyInput::parse(&BodyFields {
        code: &dto.code,
        name: &dto.name,
        name_fr: dto.name_fr.as_deref(),
        kind: &dto.kind,
        mandate: dto.mandate.as_deref(),
        parent: dto.parent.as_deref(),
        period: dto.period.as_deref(),
        organizations: &organizations,
        to_confirm: dto.to_confirm,
    })?;
    let b = state.liaise.create_body(&viewer, input).await?;
    Ok(created(
        format!("/api/v1/bodies/{}", b.code),
        BodyDto::from(&b),
    ))
}

#[utoipa::path(patch, path = "/bodies/{code}", tag = "registry", request_body = BodyPatchDto,
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = BodyDto), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_body(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiPath(code): ApiPath<String>,
    ApiJson(dto): ApiJson<BodyPatchDto>,
) -> ApiResult<Json<BodyDto>> {
    let patch = BodyPatch {
        name: dto.name,
        name_fr: dto.name_fr,
        kind: dto.kind,
        mandate: dto.mandate,
        parent: dto.parent,
        period: dto.period,
        organizations: dto.organizations,
        to_confirm: dto.to_confirm,
        ls_pattern: dto.ls_pattern,
    };
    let b = state.liaise.update_body(&viewer, &code, patch).await?;
    Ok(Json((&b).into()))
}

/// Tags a body with a topic (idempotent).
#[utoipa::path(put, path = "/bodies/{code}/topics/{slug}", tag = "registry",
    params(("code" = String, Path), ("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 201, description = "Linked"), (status = 204, description = "Already linked"), (status = 404, body = crate::error::Problem)))]
pub async fn link_topic(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiPath((code, slug)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    let created = state.liaise.link_body_topic(&viewer, &code, &slug).await?;
    Ok(if created {
        StatusCode::CREATED
    } else {
        StatusCode::NO_CONTENT
    })
}

/// Removes a topic from a body.
#[utoipa::path(delete, path = "/bodies/{code}/topics/{slug}", tag = "registry",
    params(("code" = String, Path), ("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 204, description = "Unlinked"), (status = 404, body = crate::error::Problem)))]
pub async fn unlink_topic(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiPath((code, slug)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    state
        .liaise
        .unlink_body_topic(&viewer, &code, &slug)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- people and roles -------------------------------------------------------------------

#[utoipa::path(get, path = "/people", tag = "registry", params(PeopleQuery),
    responses((status = 200, body = PersonPage)))]
pub async fn list_people(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiQuery(q): ApiQuery<PeopleQuery>,
) -> ApiResult<Json<PersonPage>> {
    let p = super::extract::page_request(q.page, q.per_page)?;
    let snap = state.liaise.registry().await?;
    let found = snap.find_people(
        &viewer,
        &PersonFilter {
            organization: q.organization,
            body: q.body,
            q: q.q,
        },
    );
    let show_email = !viewer.is_anonymous();
    Ok(Json(PersonPage {
        items: p
            .slice(&found)
            .iter()
            .map(|x| PersonDto::new(x, show_email))
            .collect(),
        total: found.len() as u64,
        page: p.page(),
        per_page: p.per_page(),
    }))
}

#[utoipa::path(get, path = "/people/{id}", tag = "registry", params(("id" = i32, Path)),
    responses((status = 200, body = PersonDto), (status = 404, body = crate::error::Problem)))]
pub async fn get_person(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<PersonDto>> {
    let snap = state.liaise.registry().await?;
    let person = id
        .parse::<i32>()
        .ok()
        .and_then(|id| snap.person_for(&viewer, id))
        .ok_or_else(|| ApiError::not_found(format!("no person `{id}`")))?;
    Ok(Json(PersonDto::new(person, !viewer.is_anonymous())))
}

#[utoipa::path(post, path = "/people", tag = "registry", request_body = NewPerson,
    security(("bearer" = [])),
    responses((status = 201, body = PersonDto), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_person(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiJson(dto): ApiJson<NewPerson>,
) -> ApiResult<Response> {
    let input = PersonInput::parse(
        &dto.name,
        dto.organization.as_deref(),
        dto.affiliation.as_deref(),
        dto.email.as_deref(),
    )?;
    let p = state.liaise.create_person(&viewer, input).await?;
    Ok(created(
        format!("/api/v1/people/{}", p.id),
        PersonDto::new(&p, true),
    ))
}

#[utoipa::path(patch, path = "/people/{id}", tag = "registry", request_body = PersonPatchDto,
    params(("id" = i32, Path)), security(("bearer" = [])),
    responses((status = 200, body = PersonDto), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_person(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiPath(id): ApiPath<String>,
    ApiJson(dto): ApiJson<PersonPatchDto>,
) -> ApiResult<Json<PersonDto>> {
    let id: i32 = id
        .parse()
        .map_err(|_| ApiError::not_found(format!("no person `{id}`")))?;
    let patch = PersonPatch {
        name: dto.name,
        organization: dto.organization,
        affiliation: dto.affiliation,
        email: dto.email,
    };
    let p = state.liaise.update_person(&viewer, id, patch).await?;
    Ok(Json(PersonDto::new(&p, true)))
}

#[utoipa::path(post, path = "/people/{id}/roles", tag = "registry", request_body = NewRole,
    params(("id" = i32, Path)), security(("bearer" = [])),
    responses((status = 201, body = RoleDto), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn add_role(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiPath(id): ApiPath<String>,
    ApiJson(dto): ApiJson<NewRole>,
) -> ApiResult<Response> {
    let id: i32 = id
        .parse()
        .map_err(|_| ApiError::not_found(format!("no person `{id}`")))?;
    let from = parse_date("from", dto.from.as_deref())?;
    let to = parse_date("to", dto.to.as_deref())?;
    let input = RoleInput::parse(&dto.body, &dto.role, from, to)?;
    let r = state.liaise.add_role(&viewer, id, input).await?;
    Ok(created(format!("/api/v1/people/{id}"), RoleDto::from(&r)))
}

#[utoipa::path(delete, path = "/roles/{id}", tag = "registry", params(("id" = i32, Path)),
    security(("bearer" = [])),
    responses((status = 204, description = "Removed"), (status = 404, body = crate::error::Problem)))]
pub async fn remove_role(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    let id: i32 = id
        .parse()
        .map_err(|_| ApiError::not_found(format!("no role `{id}`")))?;
    state.liaise.remove_role(&viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- topics -----------------------------------------------------------------------------

#[utoipa::path(get, path = "/topics", tag = "registry", params(TopicsQuery),
    responses((status = 200, body = TopicPage)))]
pub async fn list_topics(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<TopicsQuery>,
) -> ApiResult<Json<TopicPage>> {
    let p = super::extract::page_request(q.page, q.per_page)?;
    let snap = state.liaise.registry().await?;
    let found = snap.find_topics(&TopicFilter {
        parent: q.parent,
        organization: q.organization,
        body: q.body,
    });
    Ok(Json(TopicPage {
        items: p.slice(&found).iter().map(|t| TopicDto::from(*t)).collect(),
        total: found.len() as u64,
        page: p.page(),
        per_page: p.per_page(),
    }))
}

#[utoipa::path(get, path = "/topics/{slug}", tag = "registry",
    params(("slug" = String, Path, description = "Topic slug, e.g. dfs")),
    responses((status = 200, body = TopicDto), (status = 404, body = crate::error::Problem)))]
pub async fn get_topic(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<Json<TopicDto>> {
    let snap = state.liaise.registry().await?;
    let t = snap
        .topic(&slug)
        .ok_or_else(|| ApiError::not_found(format!("no topic `{slug}`")))?;
    Ok(Json(t.into()))
}

#[utoipa::path(post, path = "/topics", tag = "registry", request_body = NewTopic,
    security(("bearer" = [])),
    responses((status = 201, body = TopicDto), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_topic(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiJson(dto): ApiJson<NewTopic>,
) -> ApiResult<Response> {
    let input = TopicInput::parse(
        &dto.slug,
        &dto.name,
        dto.name_fr.as_deref(),
        dto.description.as_deref(),
        dto.parent.as_deref(),
    )?;
    let t = state.liaise.create_topic(&viewer, input).await?;
    Ok(created(
        format!("/api/v1/topics/{}", t.slug),
        TopicDto::from(&t),
    ))
}

#[utoipa::path(patch, path = "/topics/{slug}", tag = "registry", request_body = TopicPatchDto,
    params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = TopicDto), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_topic(
    State(state): State<AppState>,
    ApiWriter(viewer): ApiWriter,
    ApiPath(slug): ApiPath<String>,
    ApiJson(dto): ApiJson<TopicPatchDto>,
) -> ApiResult<Json<TopicDto>> {
    let patch = TopicPatch {
        name: dto.name,
        name_fr: dto.name_fr,
        description: dto.description,
        parent: dto.parent,
        to_confirm: dto.to_confirm,
    };
    let t = state.liaise.update_topic(&viewer, &slug, patch).await?;
    Ok(Json((&t).into()))
}

// ---- matrix -----------------------------------------------------------------------------

/// Which bodies of two organizations share which topics.
#[utoipa::path(get, path = "/matrix", tag = "registry", params(MatrixQuery),
    responses((status = 200, body = MatrixDto), (status = 404, body = crate::error::Problem)))]
pub async fn get_matrix(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<MatrixQuery>,
) -> ApiResult<Json<MatrixDto>> {
    let snap = state.liaise.registry().await?;
    let (default_rows, default_columns) = snap.default_pair();
    let rows = q.rows.unwrap_or(default_rows);
    let columns = q.columns.unwrap_or(default_columns);
    let rows = snap
        .organization(&rows)
        .ok_or_else(|| ApiError::not_found(format!("no organization `{rows}`")))?;
    let columns = snap
        .organization(&columns)
        .ok_or_else(|| ApiError::not_found(format!("no organization `{columns}`")))?;
    Ok(Json(snap.matrix(&rows.code, &columns.code).as_ref().into()))
}
