//! Pages of the registry: home, organizations, bodies, topics, the matrix, people.

use askama::Template;
use axum::{
    extract::{Query, State},
    response::Response,
};
use liaise_service::{
    activities::{Activity, ActivityQuery},
    domain::registry::BodyKind,
    liaisons::{Liaison, LiaisonQuery},
    snapshot::{
        Body, BodyFilter, Matrix, Organization, Person, PersonFilter, Role, Snapshot, Topic,
    },
};
use serde::Deserialize;

use crate::{AppState, error::PageError, i18n::Lang};

use super::{
    ListParams, Me, PagePath, PageViewer, pages, render, snapshot, visible_activities,
    visible_liaisons,
};

// ---- home -------------------------------------------------------------------------------

struct TopicSummary<'a> {
    topic: &'a Topic,
    counts: Vec<(&'a str, usize)>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    intro: String,
    organizations: Vec<(&'a Organization, usize)>,
    topics: Vec<TopicSummary<'a>>,
    activities: &'a [Activity],
    liaisons: &'a [Liaison],
}

pub(super) async fn home(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let organizations: Vec<(&Organization, usize)> = snap
        .organizations
        .iter()
        .map(|o| {
            (
                o,
                snap.bodies.iter().filter(|b| b.belongs_to(&o.code)).count(),
            )
        })
        .collect();
    let names: Vec<&str> = snap.organizations.iter().map(|o| o.code.as_str()).collect();
    let joined = match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!(
            "{} {} {last}",
            rest.join(", "),
            if lang == Lang::Fr { "et" } else { "and" }
        ),
    };
    let topics = snap
        .topics
        .iter()
        .filter(|t| t.parent.is_none())
        .map(|t| TopicSummary {
            topic: t,
            counts: snap
                .topic_bodies_by_organization(t)
                .into_iter()
                .map(|(o, bodies)| (o.code.as_str(), bodies.len()))
                .collect(),
        })
        .collect();
    let recent = visible_activities(&state, &viewer, ActivityQuery::default(), 5, lang).await?;
    let awaiting_query = LiaisonQuery {
        awaiting: true,
        ..LiaisonQuery::default()
    };
    let awaiting = visible_liaisons(&state, &viewer, awaiting_query, 10, lang).await?;
    let page = HomePage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: "/".to_owned(),
        intro: lang.t_args("home-intro", &[("organizations", joined)]),
        organizations,
        topics,
        activities: &recent.items,
        liaisons: &awaiting.items,
    };
    Ok(render(&page, lang))
}

// ---- organization -----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "organization.html")]
struct OrganizationPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    org: &'a Organization,
    tree: Vec<(usize, &'a Body)>,
}

/// The bodies of an organization in hierarchy order, each with its depth.
fn tree<'a>(snap: &'a Snapshot, org: &str) -> Vec<(usize, &'a Body)> {
    fn walk<'a>(
        snap: &'a Snapshot,
        org: &str,
        b: &'a Body,
        depth: usize,
        out: &mut Vec<(usize, &'a Body)>,
    ) {
        if out.iter().any(|(_, x)| x.code == b.code) || depth > 16 {
            return;
        }
        out.push((depth, b));
        for c in &b.children {
            if let Some(child) = snap.body(c).filter(|c| c.belongs_to(org)) {
                walk(snap, org, child, depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    let roots = snap.bodies.iter().filter(|b| {
        b.belongs_to(org)
            && b.parent
                .as_deref()
                .and_then(|p| snap.body(p))
                .is_none_or(|p| !p.belongs_to(org))
    });
    for r in roots {
        walk(snap, org, r, 0, &mut out);
    }
    out
}

pub(super) async fn organization(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(code): PagePath<String>,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let org = snap.organization(&code).ok_or(PageError::not_found(lang))?;
    let page = OrganizationPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: format!("/organizations/{}", org.code),
        org,
        tree: tree(&snap, &org.code),
    };
    Ok(render(&page, lang))
}

// ---- body -------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "body.html")]
struct BodyPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    body: &'a Body,
    ancestors: Vec<&'a Body>,
    children: Vec<&'a Body>,
    topics: Vec<&'a Topic>,
    people: Vec<(&'a Person, &'a Role)>,
    counterparts: Vec<(&'a Body, Vec<&'a Topic>)>,
    activities: &'a [Activity],
    ls_out: &'a [Liaison],
    ls_in: &'a [Liaison],
    upcoming: Vec<super::meetings::MeetingLine>,
    recent: Vec<super::meetings::MeetingLine>,
}

pub(super) async fn body(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(code): PagePath<String>,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let body = snap.body(&code).ok_or(PageError::not_found(lang))?;
    let mut ancestors = snap.ancestors(&body.code);
    ancestors.reverse();
    let counterparts: Vec<(&Body, Vec<&Topic>)> = snap
        .bodies
        .iter()
        .filter(|b| !b.organizations.iter().any(|o| body.belongs_to(o)))
        .filter_map(|b| {
            let shared: Vec<&Topic> = body
                .topics
                .iter()
                .filter(|t| b.topics.contains(t))
                .filter_map(|t| snap.topic(t))
                .collect();
            (!shared.is_empty()).then_some((b, shared))
        })
        .collect();
    let query = ActivityQuery {
        body: Some(body.code.clone()),
        ..ActivityQuery::default()
    };
    let acts = visible_activities(&state, &viewer, query, 50, lang).await?;
    let out_query = LiaisonQuery {
        from: Some(body.code.clone()),
        ..LiaisonQuery::default()
    };
    let in_query = LiaisonQuery {
        to: Some(body.code.clone()),
        ..LiaisonQuery::default()
    };
    let ls_out = visible_liaisons(&state, &viewer, out_query, 50, lang).await?;
    let ls_in = visible_liaisons(&state, &viewer, in_query, 50, lang).await?;
    let (upcoming, recent) = super::meetings::upcoming_and_recent(
        &state,
        &viewer,
        liaise_service::meetings::MeetingQuery {
            body: Some(body.code.clone()),
            ..Default::default()
        },
        lang,
    )
    .await?;
    let page = BodyPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: format!("/bodies/{}", body.code),
        body,
        ancestors,
        children: body.children.iter().filter_map(|c| snap.body(c)).collect(),
        topics: body.topics.iter().filter_map(|t| snap.topic(t)).collect(),
        people: snap.people_in(&body.code),
        counterparts,
        activities: &acts.items,
        ls_out: &ls_out.items,
        ls_in: &ls_in.items,
        upcoming,
        recent,
    };
    Ok(render(&page, lang))
}

// ---- topics -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "topic.html")]
struct TopicPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    topic: &'a Topic,
    parent: Option<&'a Topic>,
    children: Vec<&'a Topic>,
    by_org: Vec<(&'a Organization, Vec<&'a Body>)>,
    activities: &'a [Activity],
    liaisons: &'a [Liaison],
    upcoming: Vec<super::meetings::MeetingLine>,
    recent: Vec<super::meetings::MeetingLine>,
}

pub(super) async fn topic(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(slug): PagePath<String>,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let topic = snap.topic(&slug).ok_or(PageError::not_found(lang))?;
    let query = ActivityQuery {
        topic: Some(topic.slug.clone()),
        ..ActivityQuery::default()
    };
    let acts = visible_activities(&state, &viewer, query, 50, lang).await?;
    let ls_query = LiaisonQuery {
        topic: Some(topic.slug.clone()),
        ..LiaisonQuery::default()
    };
    let topic_ls = visible_liaisons(&state, &viewer, ls_query, 50, lang).await?;
    let (upcoming, recent) = super::meetings::upcoming_and_recent(
        &state,
        &viewer,
        liaise_service::meetings::MeetingQuery {
            topic: Some(topic.slug.clone()),
            ..Default::default()
        },
        lang,
    )
    .await?;
    let page = TopicPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: format!("/topics/{}", topic.slug),
        topic,
        parent: topic.parent.as_deref().and_then(|p| snap.topic(p)),
        children: topic
            .children
            .iter()
            .filter_map(|c| snap.topic(c))
            .collect(),
        by_org: snap.topic_bodies_by_organization(topic),
        activities: &acts.items,
        liaisons: &topic_ls.items,
        upcoming,
        recent,
    };
    Ok(render(&page, lang))
}

struct TopicRow<'a> {
    topic: &'a Topic,
    /// Body codes per organization, in the order of `organizations`.
    bodies: Vec<Vec<&'a str>>,
}

#[derive(Template)]
#[template(path = "topics.html")]
struct TopicsPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    organizations: &'a [Organization],
    rows: Vec<TopicRow<'a>>,
}

/// Topics in taxonomy order: each parent followed by its subtopics.
fn topics_in_order(snap: &Snapshot) -> Vec<&Topic> {
    let mut out: Vec<&Topic> = Vec::new();
    for t in snap.topics.iter().filter(|t| t.parent.is_none()) {
        out.push(t);
        out.extend(t.children.iter().filter_map(|c| snap.topic(c)));
    }
    for t in &snap.topics {
        if !out.iter().any(|o| o.slug == t.slug) {
            out.push(t);
        }
    }
    out
}

pub(super) async fn topics(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let rows = topics_in_order(&snap)
        .into_iter()
        .map(|t| TopicRow {
            topic: t,
            bodies: snap
                .topic_bodies_by_organization(t)
                .into_iter()
                .map(|(_, bodies)| bodies.iter().map(|b| b.code.as_str()).collect())
                .collect(),
        })
        .collect();
    let page = TopicsPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: "/topics".to_owned(),
        organizations: &snap.organizations,
        rows,
    };
    Ok(render(&page, lang))
}

// ---- matrix -----------------------------------------------------------------------------

#[derive(Deserialize)]
pub(super) struct MatrixParams {
    rows: Option<String>,
    columns: Option<String>,
}

#[derive(Template)]
#[template(path = "matrix.html")]
struct MatrixPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    snap: &'a Snapshot,
    organizations: &'a [Organization],
    matrix: std::sync::Arc<Matrix>,
}

impl<'a> MatrixPage<'a> {
    fn body_name(&self, code: &str) -> &'a str {
        self.snap
            .body(code)
            .map_or("", |b| self.i.pick(&b.name, b.name_fr.as_deref()))
    }

    fn topic_name<'s>(&self, slug: &'s str) -> &'s str
    where
        'a: 's,
    {
        self.snap
            .topic(slug)
            .map_or(slug, |t| self.i.pick(&t.name, t.name_fr.as_deref()))
    }
}

pub(super) async fn matrix(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    Query(params): Query<MatrixParams>,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let (default_rows, default_columns) = snap.default_pair();
    let rows = params
        .rows
        .as_deref()
        .and_then(|c| snap.organization(c))
        .map_or(default_rows, |o| o.code.clone());
    let columns = params
        .columns
        .as_deref()
        .and_then(|c| snap.organization(c))
        .map_or(default_columns, |o| o.code.clone());
    let page = MatrixPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: "/matrix".to_owned(),
        snap: &snap,
        organizations: &snap.organizations,
        matrix: snap.matrix(&rows, &columns),
    };
    Ok(render(&page, lang))
}

#[derive(Template)]
#[template(path = "bodies.html")]
struct BodiesPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    params: &'a ListParams,
    organizations: &'a [Organization],
    topics: &'a [Topic],
    kinds: Vec<&'static str>,
    filter_org: String,
    filter_kind: String,
    filter_topic: String,
    filter_q: String,
    bodies: Vec<&'a Body>,
    total: usize,
    page: u64,
    pages: u64,
}

impl BodiesPage<'_> {
    fn page_link(&self, page: u64) -> String {
        self.params.link("/bodies", page)
    }
}

pub(super) async fn bodies(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let found = snap.find_bodies(&BodyFilter {
        organization: params.organization.clone(),
        kind: params.kind.clone(),
        parent: None,
        topic: params.topic.clone(),
        q: params.q.clone(),
    });
    let p = params.page_request();
    let page = BodiesPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: params.link("/bodies", p.page()),
        params: &params,
        organizations: &snap.organizations,
        topics: &snap.topics,
        kinds: BodyKind::ALL.iter().map(|k| k.as_str()).collect(),
        filter_org: params
            .organization
            .clone()
            .unwrap_or_default()
            .to_ascii_uppercase(),
        filter_kind: params.kind.clone().unwrap_or_default(),
        filter_topic: params.topic.clone().unwrap_or_default(),
        filter_q: params.q.clone().unwrap_or_default(),
        bodies: p.slice(&found).to_vec(),
        total: found.len(),
        page: p.page(),
        pages: pages(found.len(), p),
    };
    Ok(render(&page, lang))
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    params: &'a ListParams,
    people: Vec<&'a Person>,
    page: u64,
    pages: u64,
}

impl PeoplePage<'_> {
    fn page_link(&self, page: u64) -> String {
        self.params.link("/people", page)
    }
}

pub(super) async fn people(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let found = snap.find_people(
        &viewer.viewer,
        &PersonFilter {
            organization: params.organization.clone(),
            body: params.body.clone(),
            q: params.q.clone(),
        },
    );
    let p = params.page_request();
    let page = PeoplePage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: params.link("/people", p.page()),
        params: &params,
        people: p.slice(&found).to_vec(),
        page: p.page(),
        pages: pages(found.len(), p),
    };
    Ok(render(&page, lang))
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    snap: &'a Snapshot,
    person: &'a Person,
    /// E-mail addresses are for signed-in readers only.
    show_email: bool,
}

impl PersonPage<'_> {
    fn body_name(&self, code: &str) -> String {
        self.snap
            .body(code)
            .map(|b| self.i.pick(&b.name, b.name_fr.as_deref()).to_owned())
            .unwrap_or_default()
    }
}

pub(super) async fn person(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(id): PagePath<String>,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let person = id
        .parse::<i32>()
        .ok()
        .and_then(|id| snap.person_for(&viewer.viewer, id))
        .ok_or(PageError::not_found(lang))?;
    let page = PersonPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: format!("/people/{}", person.id),
        snap: &snap,
        person,
        show_email: !viewer.viewer.is_anonymous(),
    };
    Ok(render(&page, lang))
}
