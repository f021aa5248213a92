//! Atom feeds of liaison statements: all, per body (sent or received), per topic. Feeds are
//! fetched by feed readers without credentials and may be shared, so they carry public
//! statements only (sent, public), whoever asks. An entry is published on the statement's own
//! date and updated at its last change.

use atom_syndication::{Entry, Feed, FixedDateTime, Link, Person, Text};
use axum::{
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{MethodRouter, get},
};
use liaise_service::{
    domain::{PageRequest, Viewer},
    liaisons::{Liaison, LiaisonQuery},
};

use crate::{AppState, html::form::PagePath, i18n::Lang};

pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/feeds/liaisons.atom", get(all)),
        ("/feeds/bodies/{code}/liaisons.atom", get(body)),
        ("/feeds/topics/{slug}/liaisons.atom", get(topic)),
    ]
}

fn instant(t: time::OffsetDateTime) -> FixedDateTime {
    FixedDateTime::parse_from_rfc3339(&crate::api::rfc3339(t))
        .unwrap_or_else(|_| FixedDateTime::default())
}

/// When a statement was published: its own date (midnight UTC), not when liaise recorded
/// it (a statement of 2023 loaded in 2026 was published in 2023).
fn published(l: &Liaison) -> time::OffsetDateTime {
    l.date.midnight().assume_utc()
}

/// Its last change: the latest write to it after it was recorded (an edit, its approval,
/// sending it); one not changed since it was recorded (e.g. loaded from reference data) was
/// last changed on its own date. Never before it was published.
fn updated(l: &Liaison) -> time::OffsetDateTime {
    let published = published(l);
    if l.updated_at > l.created_at {
        l.updated_at.max(published)
    } else {
        published
    }
}

fn entry(state: &AppState, l: &Liaison) -> Entry {
    let url = state.absolute(&format!("/liaisons/{}", l.key()));
    let mut e = Entry::default();
    e.set_id(state.absolute(&format!("/liaisons/{}", l.id)));
    e.set_title(Text::plain(format!("{} {}", l.label(), l.title)));
    e.set_updated(instant(updated(l)));
    e.set_published(Some(instant(published(l))));
    let mut link = Link::default();
    link.set_href(url);
    link.set_rel("alternate");
    link.set_mime_type(Some("text/html".to_owned()));
    e.set_links(vec![link]);
    let to: Vec<String> = l
        .addressees
        .iter()
        .map(|a| {
            format!(
                "{} ({}{})",
                a.body,
                a.purpose,
                a.deadline.map(|d| format!(", by {d}")).unwrap_or_default()
            )
        })
        .collect();
    let summary = format!(
        "From {} to {}. {}",
        l.from.join(", "),
        to.join(", "),
        l.summary.clone().unwrap_or_default()
    );
    e.set_summary(Some(Text::plain(summary.trim().to_owned())));
    e.set_authors(
        l.from
            .iter()
            .map(|b| {
                let mut p = Person::default();
                p.set_name(b.clone());
                p
            })
            .collect::<Vec<_>>(),
    );
    e
}

/// The feed of these statements.
/// Its links are absolute, from the site's configured address (`AppState::absolute`), never
/// from the request: a feed reader or cache may pass a feed on to others.
fn render(state: &AppState, path: &str, title: String, items: &[&Liaison]) -> Response {
    let mut f = Feed::default();
    f.set_id(state.absolute(path));
    f.set_title(Text::plain(title));
    let mut own = Link::default();
    own.set_href(state.absolute(path));
    own.set_rel("self");
    own.set_mime_type(Some("application/atom+xml".to_owned()));
    let mut site = Link::default();
    site.set_href(state.absolute("/liaisons"));
    site.set_rel("alternate");
    f.set_links(vec![own, site]);
    // The newest entry's.
    let updated = items
        .iter()
        .map(|l| updated(l))
        .max()
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    f.set_updated(instant(updated));
    f.set_entries(items.iter().map(|l| entry(state, l)).collect::<Vec<_>>());
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        f.to_string(),
    )
        .into_response()
}

/// The latest public statements of a query.
async fn public(
    state: &AppState,
    query: LiaisonQuery,
) -> Result<std::sync::Arc<liaise_service::liaisons::LiaisonPage>, Response> {
    let page = PageRequest::parse(Some(1), Some(100)).unwrap_or_default();
    state
        .liaise
        .liaisons(&Viewer::anonymous(), &query, page)
        .await
        .map_err(|e| crate::error::PageError::from_service(e, Lang::En).into_response())
}

async fn all(State(state): State<AppState>) -> Response {
    match public(&state, LiaisonQuery::default()).await {
        Ok(found) => {
            let items: Vec<&Liaison> = found.items.iter().collect();
            render(
                &state,
                "/feeds/liaisons.atom",
                "liaise: liaison statements".to_owned(),
                &items,
            )
        }
        Err(res) => res,
    }
}

async fn body(State(state): State<AppState>, PagePath(code): PagePath<String>) -> Response {
    let Ok(snap) = state.liaise.registry().await else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let Some(b) = snap.body(&code) else {
        return crate::html::error_page(StatusCode::NOT_FOUND, "", Lang::En);
    };
    let sent = LiaisonQuery {
        from: Some(b.code.clone()),
        ..LiaisonQuery::default()
    };
    let received = LiaisonQuery {
        to: Some(b.code.clone()),
        ..LiaisonQuery::default()
    };
    let (sent, received) = match (public(&state, sent).await, public(&state, received).await) {
        (Ok(s), Ok(r)) => (s, r),
        (Err(res), _) | (_, Err(res)) => return res,
    };
    // Sent and received, newest first, once each.
    let mut items: Vec<&Liaison> = sent.items.iter().chain(received.items.iter()).collect();
    items.sort_by(|x, y| y.date.cmp(&x.date).then(y.id.cmp(&x.id)));
    items.dedup_by_key(|l| l.id);
    let path = format!("/feeds/bodies/{}/liaisons.atom", b.code);
    render(
        &state,
        &path,
        format!("liaise: liaison statements of {}", b.code),
        &items,
    )
}

async fn topic(State(state): State<AppState>, PagePath(slug): PagePath<String>) -> Response {
    let Ok(snap) = state.liaise.registry().await else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let Some(t) = snap.topic(&slug) else {
        return crate::html::error_page(StatusCode::NOT_FOUND, "", Lang::En);
    };
    let query = LiaisonQuery {
        topic: Some(t.slug.clone()),
        ..LiaisonQuery::default()
    };
    match public(&state, query).await {
        Ok(found) => {
            let items: Vec<&Liaison> = found.items.iter().collect();
            let path = format!("/feeds/topics/{}/liaisons.atom", t.slug);
            render(
                &state,
                &path,
                format!("liaise: liaison statements on {}", t.name),
                &items,
            )
        }
        Err(res) => res,
    }
}
