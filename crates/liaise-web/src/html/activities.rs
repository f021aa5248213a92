//! Pages of activities: the list and one activity.

use askama::Template;
use axum::{
    extract::{Query, State},
    response::{IntoResponse, Redirect, Response},
};
use liaise_service::{
    activities::{Activity, ActivityQuery},
    domain::activity::ActivityKind,
    snapshot::{Organization, Topic},
};

use crate::{AppState, error::PageError, i18n::Lang};

use super::{ListParams, Me, PagePath, PageViewer, render, snapshot};

// ---- activities -------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "activities.html")]
struct ActivitiesPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    params: &'a ListParams,
    organizations: &'a [Organization],
    topics: &'a [Topic],
    kinds: Vec<&'static str>,
    filter_kind: String,
    filter_org: String,
    filter_topic: String,
    filter_year: String,
    activities: &'a [Activity],
    total: u64,
    page: u64,
    pages: u64,
}

impl ActivitiesPage<'_> {
    fn page_link(&self, page: u64) -> String {
        self.params.link("/activities", page)
    }
}

pub(super) async fn activities(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let p = params.page_request();
    let query = ActivityQuery {
        kind: params.kind.clone(),
        body: params.body.clone(),
        topic: params.topic.clone(),
        organization: params.organization.clone(),
        year: params.year.as_deref().and_then(|y| y.trim().parse().ok()),
    };
    let found = state
        .liaise
        .activities(&viewer.viewer, &query, p)
        .await
        .map_err(|e| PageError::from_service(e, lang))?;
    let page = ActivitiesPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: params.link("/activities", p.page()),
        params: &params,
        organizations: &snap.organizations,
        topics: &snap.topics,
        kinds: ActivityKind::ALL.iter().map(|k| k.as_str()).collect(),
        filter_kind: params.kind.clone().unwrap_or_default(),
        filter_org: params
            .organization
            .clone()
            .unwrap_or_default()
            .to_ascii_uppercase(),
        filter_topic: params.topic.clone().unwrap_or_default(),
        filter_year: params.year.clone().unwrap_or_default(),
        activities: &found.items,
        total: found.total,
        page: p.page(),
        pages: found.total.div_ceil(p.per_page()).max(1),
    };
    Ok(render(&page, lang))
}

#[derive(Template)]
#[template(path = "activity.html")]
struct ActivityView<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    act: &'a Activity,
    topics: Vec<&'a Topic>,
}

pub(super) async fn activity(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(id): PagePath<String>,
) -> Result<Response, PageError> {
    let Ok(id) = id.parse::<i32>() else {
        return Err(PageError::not_found(lang));
    };
    let snap = snapshot(&state, lang).await?;
    let a = match state.liaise.activity(&viewer.viewer, id).await {
        Ok(a) => a,
        Err(e) => {
            // A meeting recorded as an activity before meetings existed has moved.
            if let Ok(Some(meeting)) = state.liaise.meeting_for_activity(&viewer.viewer, id).await {
                return Ok(Redirect::permanent(&format!("/meetings/{meeting}")).into_response());
            }
            return Err(PageError::from_service(e, lang));
        }
    };
    let page = ActivityView {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: format!("/activities/{id}"),
        act: &a,
        topics: a.topics.iter().filter_map(|t| snap.topic(t)).collect(),
    };
    Ok(render(&page, lang))
}
