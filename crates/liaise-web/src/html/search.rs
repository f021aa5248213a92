//! The search page: one box over everything the reader may see, hits with highlighted
//! snippets, facets as links that add a filter, pages.

use askama::Template;
use axum::{
    extract::{Query, State},
    response::Response,
};
use liaise_service::{
    ServiceError,
    domain::PageRequest,
    search::{FacetCount, SearchHit, SearchRequest},
};

use super::{ListParams, Me, PageViewer, render};
use crate::{AppState, error::PageError, i18n::Lang};

/// Hits per page.
const PER_PAGE: u64 = 20;

/// One facet as shown: its parameter, its heading, its values with counts.
pub(super) struct FacetGroup {
    pub name: &'static str,
    pub label: String,
    pub values: Vec<FacetCount>,
}

/// A filter in force, with the link that removes it.
pub(super) struct ActiveFilter {
    pub label: String,
    pub value: String,
    pub remove: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    params: &'a ListParams,
    q: String,
    searched: bool,
    error: Option<String>,
    hits: Vec<SearchHit>,
    total: u64,
    total_exact: bool,
    facets: Vec<FacetGroup>,
    facets_exact: bool,
    active: Vec<ActiveFilter>,
    page: u64,
    pages: u64,
}

impl SearchPage<'_> {
    fn page_link(&self, page: u64) -> String {
        self.params.link("/search", page)
    }

    /// The current search with one more filter, from its first page.
    fn facet_link(&self, name: &str, value: &str) -> String {
        with(self.params, name, Some(value.to_owned())).link("/search", 1)
    }

    fn kind_label(&self, kind: &str) -> String {
        self.i.tk("search-kind", kind)
    }
}

/// These parameters with one of them set (or removed).
fn with(params: &ListParams, name: &str, value: Option<String>) -> ListParams {
    let mut p = params.clone();
    match name {
        "kind" => p.kind = value,
        "organization" => p.organization = value,
        "body" => p.body = value,
        "topic" => p.topic = value,
        "year" => p.year = value,
        _ => {}
    }
    p
}

pub(super) async fn search(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let page = params
        .page
        .as_deref()
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    let p = PageRequest::parse(Some(page), Some(PER_PAGE)).unwrap_or_default();
    let q = params.q.clone().unwrap_or_default();
    let mut view = SearchPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: params.link("/search", p.page()),
        params: &params,
        q: q.clone(),
        searched: false,
        error: None,
        hits: Vec::new(),
        total: 0,
        total_exact: true,
        facets: Vec::new(),
        facets_exact: true,
        active: Vec::new(),
        page: p.page(),
        pages: 1,
    };
    if q.trim().is_empty() {
        return Ok(render(&view, lang));
    }
    let request = SearchRequest {
        q,
        kind: params.kind.clone(),
        organization: params.organization.clone(),
        body: params.body.clone(),
        topic: params.topic.clone(),
        year: params.year.as_deref().and_then(|y| y.trim().parse().ok()),
    };
    match state.liaise.search(&viewer.viewer, &request, p).await {
        Ok(found) => {
            view.searched = true;
            view.total = found.total;
            view.total_exact = found.total_exact;
            view.pages = found
                .total
                .div_ceil(p.per_page())
                .clamp(1, 10_000 / PER_PAGE);
            view.facets_exact = found.facets_exact;
            view.hits = found.hits;
            let f = found.facets;
            view.facets = [
                ("kind", f.kind),
                ("organization", f.organization),
                ("body", f.body),
                ("topic", f.topic),
                ("year", f.year),
            ]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(name, values)| FacetGroup {
                name,
                label: lang.tk("search-facet", name),
                values,
            })
            .collect();
        }
        Err(ServiceError::Invalid(errors)) => {
            view.error = Some(
                errors
                    .iter()
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            );
        }
        Err(e) => return Err(PageError::from_service(e, lang)),
    }
    for (name, value) in [
        ("kind", &params.kind),
        ("organization", &params.organization),
        ("body", &params.body),
        ("topic", &params.topic),
        ("year", &params.year),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            view.active.push(ActiveFilter {
                label: lang.tk("search-facet", name),
                value: v.to_owned(),
                remove: with(&params, name, None).link("/search", 1),
            });
        }
    }
    let refused = view.error.is_some();
    let mut res = render(&view, lang);
    if refused {
        // The page says what was wrong with the query; the status says it too.
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}
