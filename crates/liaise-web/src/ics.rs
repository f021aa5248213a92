//! iCalendar (RFC 5545) feeds of meetings: all of them, a body's, a topic's, and one
//! meeting's. Each event keeps the meeting's UID (a client updates rather than duplicates)
//! and SEQUENCE, a cancelled meeting is `STATUS:CANCELLED`; times are local times with the
//! meeting's TZID and a VTIMEZONE describing every offset change of the span (whole-day
//! meetings are dates, UTC meetings are UTC times); lines are folded at 75 octets. A feed
//! holds only what its requester may see (the session's viewer; a calendar client without
//! one sees the public meetings).

use std::collections::BTreeMap;

use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
    routing::{MethodRouter, get},
};
use liaise_service::{
    domain::{PageRequest, Viewer, meeting::MeetingState},
    meetings::{Meeting, MeetingQuery},
};
use time::{Duration, OffsetDateTime};

use crate::{
    AppState,
    error::PageError,
    html::{PageViewer, form::PagePath},
    i18n::Lang,
};

pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/calendar/meetings.ics", get(all)),
        ("/bodies/{code}/meetings.ics", get(body)),
        ("/topics/{slug}/meetings.ics", get(topic)),
        ("/meetings/{id}/meeting.ics", get(one)),
    ]
}

/// The most meetings one feed carries.
const FEED_MAX: u64 = 5_000;

async fn meetings(
    state: &AppState,
    viewer: &Viewer,
    query: MeetingQuery,
    lang: Lang,
) -> Result<Vec<Meeting>, PageError> {
    let mut out = Vec::new();
    for n in 1.. {
        let page = PageRequest::parse(Some(n), Some(500)).unwrap_or_default();
        let found = state
            .liaise
            .meetings(
                viewer,
                &MeetingQuery {
                    ascending: true,
                    ..query.clone()
                },
                page,
            )
            .await
            .map_err(|e| PageError::from_service(e, lang))?;
        out.extend(found.items.iter().cloned());
        if found.items.is_empty() || out.len() as u64 >= found.total.min(FEED_MAX) {
            break;
        }
    }
    Ok(out)
}

async fn all(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
) -> Result<Response, PageError> {
    let found = meetings(&state, &viewer.viewer, MeetingQuery::default(), lang).await?;
    Ok(answer(&state, "liaise meetings", &found))
}

async fn body(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(code): PagePath<String>,
) -> Result<Response, PageError> {
    let snap = state
        .liaise
        .registry()
        .await
        .map_err(|e| PageError::from_service(e, lang))?;
    let body = snap.body(&code).ok_or(PageError::not_found(lang))?;
    let query = MeetingQuery {
        body: Some(body.code.clone()),
        ..MeetingQuery::default()
    };
    let found = meetings(&state, &viewer.viewer, query, lang).await?;
    Ok(answer(&state, &format!("{} meetings", body.code), &found))
}

async fn topic(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(slug): PagePath<String>,
) -> Result<Response, PageError> {
    let snap = state
        .liaise
        .registry()
        .await
        .map_err(|e| PageError::from_service(e, lang))?;
    let topic = snap.topic(&slug).ok_or(PageError::not_found(lang))?;
    let query = MeetingQuery {
        topic: Some(topic.slug.clone()),
        ..MeetingQuery::default()
    };
    let found = meetings(&state, &viewer.viewer, query, lang).await?;
    Ok(answer(&state, &format!("{} meetings", topic.name), &found))
}

async fn one(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(id): PagePath<String>,
) -> Result<Response, PageError> {
    let id: i32 = id.parse().map_err(|_| PageError::not_found(lang))?;
    let m = state
        .liaise
        .meeting(&viewer.viewer, id)
        .await
        .map_err(|e| PageError::from_service(e, lang))?;
    Ok(answer(&state, &m.title.clone(), &[m]))
}

fn answer(state: &AppState, name: &str, meetings: &[Meeting]) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=60"),
        ],
        calendar(name, meetings, &|path| state.absolute(path)),
    )
        .into_response()
}

/// Text escaped as RFC 5545 TEXT: backslash, semicolon, comma and newlines.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded so that no line is longer than 75 octets (a fold never
/// splits a character).
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn utc(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, (a % 3600) / 60, a % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

fn compact(date: &str, time: Option<&str>) -> String {
    let d: String = date.chars().filter(char::is_ascii_digit).collect();
    match time {
        Some(t) => {
            let t: String = t.chars().filter(char::is_ascii_digit).collect();
            format!("{d}T{t}00")
        }
        None => d,
    }
}

fn is_utc(m: &Meeting) -> bool {
    matches!(m.time_zone.as_str(), "UTC" | "Etc/UTC")
}

/// The calendar of these meetings.
pub fn calendar(name: &str, meetings: &[Meeting], absolute: &dyn Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(512 + meetings.len() * 600);
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//liaise//meetings//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", text(name)));
    // One VTIMEZONE per zone of a timed meeting, covering the span of its meetings.
    let mut spans: BTreeMap<&str, (&Meeting, OffsetDateTime, OffsetDateTime)> = BTreeMap::new();
    for m in meetings.iter().filter(|m| !m.all_day && !is_utc(m)) {
        let e = spans
            .entry(m.time_zone.as_str())
            .or_insert((m, m.starts_at, m.ends_at));
        e.1 = e.1.min(m.starts_at);
        e.2 = e.2.max(m.ends_at);
    }
    for (zone, (m, from, to)) in &spans {
        line(&mut out, "BEGIN:VTIMEZONE");
        line(&mut out, &format!("TZID:{zone}"));
        let changes = m
            .time_zone
            .changes(*from - Duration::days(1), *to + Duration::days(1));
        for c in changes {
            let kind = if c.daylight { "DAYLIGHT" } else { "STANDARD" };
            line(&mut out, &format!("BEGIN:{kind}"));
            line(&mut out, &format!("DTSTART:{}", c.local_start));
            line(&mut out, &format!("TZOFFSETFROM:{}", offset(c.from)));
            line(&mut out, &format!("TZOFFSETTO:{}", offset(c.to)));
            if !c.name.is_empty() {
                line(&mut out, &format!("TZNAME:{}", text(&c.name)));
            }
            line(&mut out, &format!("END:{kind}"));
        }
        line(&mut out, "END:VTIMEZONE");
    }
    for m in meetings {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", text(&m.uid)));
        line(&mut out, &format!("DTSTAMP:{}", utc(m.updated_at)));
        line(&mut out, &format!("CREATED:{}", utc(m.created_at)));
        line(&mut out, &format!("LAST-MODIFIED:{}", utc(m.updated_at)));
        line(&mut out, &format!("SEQUENCE:{}", m.sequence));
        if m.all_day {
            let first = m.time_zone.local(m.starts_at);
            let after = m.time_zone.local(m.ends_at);
            line(
                &mut out,
                &format!("DTSTART;VALUE=DATE:{}", compact(&first.date, None)),
            );
            line(
                &mut out,
                &format!("DTEND;VALUE=DATE:{}", compact(&after.date, None)),
            );
        } else if is_utc(m) {
            line(&mut out, &format!("DTSTART:{}", utc(m.starts_at)));
            line(&mut out, &format!("DTEND:{}", utc(m.ends_at)));
        } else {
            for (prop, at) in [("DTSTART", m.starts_at), ("DTEND", m.ends_at)] {
                let l = m.time_zone.local(at);
                line(
                    &mut out,
                    &format!(
                        "{prop};TZID={}:{}",
                        m.time_zone.as_str(),
                        compact(&l.date, Some(&l.time))
                    ),
                );
            }
        }
        let title = match &m.number {
            Some(n) => format!("{} ({n})", m.title),
            None => m.title.clone(),
        };
        line(&mut out, &format!("SUMMARY:{}", text(&title)));
        if let Some(p) = &m.place {
            line(&mut out, &format!("LOCATION:{}", text(p)));
        }
        let mut description = m.summary.clone().unwrap_or_default();
        if let Some(link) = &m.online_link {
            if !description.is_empty() {
                description.push_str("\n\n");
            }
            description.push_str(link);
        }
        if !description.is_empty() {
            line(&mut out, &format!("DESCRIPTION:{}", text(&description)));
        }
        line(
            &mut out,
            &format!("URL:{}", absolute(&format!("/meetings/{}", m.id))),
        );
        if !m.bodies.is_empty() {
            let cats: Vec<String> = m.bodies.iter().map(|b| text(b)).collect();
            line(&mut out, &format!("CATEGORIES:{}", cats.join(",")));
        }
        let status = match m.state {
            MeetingState::Cancelled => "CANCELLED",
            _ if m.to_confirm => "TENTATIVE",
            _ => "CONFIRMED",
        };
        line(&mut out, &format!("STATUS:{status}"));
        let class = match m.access.as_str() {
            "public" => "PUBLIC",
            _ => "CONFIDENTIAL",
        };
        line(&mut out, &format!("CLASS:{class}"));
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "é".repeat(80));
        line(&mut out, &long);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        assert_eq!(out.replace("\r\n ", ""), format!("{long}\r\n"));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn offsets() {
        assert_eq!(offset(3600), "+0100");
        assert_eq!(offset(-16200), "-0430");
        assert_eq!(offset(0), "+0000");
    }
}
