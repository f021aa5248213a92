//! Pages of meetings: the list with its filters, the month calendar, one meeting (agenda with
//! outcomes, minutes), and the upcoming and recent meetings of a body or topic. Times are
//! shown in the meeting's own zone with its UTC offset.

use askama::Template;
use axum::{
    extract::{Query, State},
    response::Response,
};
use liaise_service::{
    domain::{PageRequest, meeting::MeetingKind, meeting::MeetingState},
    meetings::{Meeting, MeetingQuery},
    snapshot::{Body, Organization, Topic},
};
use serde::Deserialize;
use time::{Date, Duration, Month, OffsetDateTime};

use crate::{AppState, error::PageError, i18n::Lang};

use super::{Me, PagePath, PageViewer, page_link, render, snapshot};

/// A meeting as a list or calendar shows it: its dates and times in its own zone.
pub(super) struct MeetingLine {
    pub id: i32,
    pub title: String,
    pub number: Option<String>,
    pub kind: &'static str,
    pub state: &'static str,
    pub access: &'static str,
    pub place: Option<String>,
    pub bodies: Vec<String>,
    /// First and last day in the meeting's zone.
    pub first: Date,
    pub last: Date,
    /// "12:00 – 16:00 (Europe/Zurich, UTC+01:00)" or "(Europe/Zurich)" for whole days.
    pub when: String,
}

fn ymd(s: &str) -> Option<Date> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

impl MeetingLine {
    pub(super) fn new(m: &Meeting, i: Lang) -> Self {
        let start = m.time_zone.local(m.starts_at);
        let end = if m.all_day {
            m.time_zone.local(m.ends_at - Duration::seconds(1))
        } else {
            m.time_zone.local(m.ends_at)
        };
        let first = ymd(&start.date).unwrap_or(Date::MIN);
        let last = ymd(&end.date).unwrap_or(first);
        let offsets = if start.offset == end.offset {
            format!("UTC{}", start.offset)
        } else {
            format!("UTC{} → UTC{}", start.offset, end.offset)
        };
        let when = if m.all_day {
            if first == last {
                format!("{} ({})", i.day(&first), m.time_zone.as_str())
            } else {
                format!(
                    "{} – {} ({})",
                    i.day(&first),
                    i.day(&last),
                    m.time_zone.as_str()
                )
            }
        } else if first == last {
            format!(
                "{} {} – {} ({}, {offsets})",
                i.day(&first),
                start.time,
                end.time,
                m.time_zone.as_str()
            )
        } else {
            format!(
                "{} {} – {} {} ({}, {offsets})",
                i.day(&first),
                start.time,
                i.day(&last),
                end.time,
                m.time_zone.as_str()
            )
        };
        Self {
            id: m.id,
            title: m.title.clone(),
            number: m.number.clone(),
            kind: m.kind.as_str(),
            state: m.state.as_str(),
            access: m.access.as_str(),
            place: m.place.clone(),
            bodies: m.bodies.clone(),
            first,
            last,
            when,
        }
    }
}

/// The meetings of a body or topic page: those to come (soonest first) and the latest past.
pub(super) async fn upcoming_and_recent(
    state: &AppState,
    viewer: &PageViewer,
    query: MeetingQuery,
    lang: Lang,
) -> Result<(Vec<MeetingLine>, Vec<MeetingLine>), PageError> {
    let today = OffsetDateTime::now_utc().date();
    let five = PageRequest::parse(Some(1), Some(5)).unwrap_or_default();
    let err = |e| PageError::from_service(e, lang);
    let upcoming = state
        .liaise
        .meetings(
            &viewer.viewer,
            &MeetingQuery {
                from: Some(today),
                ascending: true,
                ..query.clone()
            },
            five,
        )
        .await
        .map_err(err)?;
    let recent = state
        .liaise
        .meetings(
            &viewer.viewer,
            &MeetingQuery {
                to: today.previous_day(),
                ..query
            },
            five,
        )
        .await
        .map_err(err)?;
    Ok((
        upcoming
            .items
            .iter()
            .map(|m| MeetingLine::new(m, lang))
            .collect(),
        recent
            .items
            .iter()
            .map(|m| MeetingLine::new(m, lang))
            .collect(),
    ))
}

// ---- list -------------------------------------------------------------------------------

#[derive(Deserialize, Default, Debug)]
pub(super) struct MeetingParams {
    organization: Option<String>,
    body: Option<String>,
    topic: Option<String>,
    kind: Option<String>,
    state: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
}

impl MeetingParams {
    fn filters(&self) -> [(&'static str, Option<&str>); 7] {
        [
            ("organization", self.organization.as_deref()),
            ("body", self.body.as_deref()),
            ("topic", self.topic.as_deref()),
            ("kind", self.kind.as_deref()),
            ("state", self.state.as_deref()),
            ("from", self.from.as_deref()),
            ("to", self.to.as_deref()),
        ]
    }

    /// The query; a date that cannot be read is left out (the form shows it as typed).
    fn query(&self) -> MeetingQuery {
        let day = |s: &Option<String>| s.as_deref().map(str::trim).and_then(ymd);
        MeetingQuery {
            organization: self.organization.clone(),
            body: self.body.clone(),
            topic: self.topic.clone(),
            kind: self.kind.clone(),
            state: self.state.clone(),
            from: day(&self.from),
            to: day(&self.to),
            ascending: false,
        }
    }
}

#[derive(Template)]
#[template(path = "meetings.html")]
struct MeetingsPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    f: &'a MeetingParams,
    organizations: &'a [Organization],
    bodies: &'a [Body],
    topics: &'a [Topic],
    kinds: Vec<&'static str>,
    states: Vec<&'static str>,
    meetings: Vec<MeetingLine>,
    total: u64,
    page: u64,
    pages: u64,
    error: Option<String>,
}

impl MeetingsPage<'_> {
    fn page_link(&self, page: u64) -> String {
        page_link("/meetings", &self.f.filters(), page)
    }

    fn is(&self, value: &Option<String>, option: &str) -> bool {
        value.as_deref() == Some(option)
    }

    fn text(&self, value: &Option<String>) -> String {
        value.clone().unwrap_or_default()
    }
}

pub(super) async fn meetings(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    Query(params): Query<MeetingParams>,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let p = PageRequest::parse(params.page.as_deref().and_then(|x| x.parse().ok()), None)
        .unwrap_or_default();
    let (meetings, total, error) = match state
        .liaise
        .meetings(&viewer.viewer, &params.query(), p)
        .await
    {
        Ok(found) => (
            found
                .items
                .iter()
                .map(|m| MeetingLine::new(m, lang))
                .collect(),
            found.total,
            None,
        ),
        // A filter the model refuses (an unknown kind): the page says so, with the form.
        Err(liaise_service::ServiceError::Invalid(errors)) => (
            Vec::new(),
            0,
            Some(
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        ),
        Err(e) => return Err(PageError::from_service(e, lang)),
    };
    let page = MeetingsPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: page_link("/meetings", &params.filters(), p.page()),
        f: &params,
        organizations: &snap.organizations,
        bodies: &snap.bodies,
        topics: &snap.topics,
        kinds: MeetingKind::ALL.iter().map(|k| k.as_str()).collect(),
        states: MeetingState::ALL.iter().map(|s| s.as_str()).collect(),
        meetings,
        total,
        page: p.page(),
        pages: total.div_ceil(p.per_page()).max(1),
        error,
    };
    Ok(render(&page, lang))
}

// ---- month calendar -----------------------------------------------------------------------

#[derive(Deserialize, Default, Debug)]
pub(super) struct CalendarParams {
    month: Option<String>,
    organization: Option<String>,
    body: Option<String>,
    topic: Option<String>,
}

/// One day of the grid: its date (none outside the month) and the meetings on it.
struct Day {
    date: Option<Date>,
    meetings: Vec<usize>,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    f: &'a CalendarParams,
    organizations: &'a [Organization],
    bodies: &'a [Body],
    topics: &'a [Topic],
    title: String,
    weeks: Vec<Vec<Day>>,
    meetings: Vec<MeetingLine>,
    prev: String,
    next: String,
    ics: String,
}

impl CalendarPage<'_> {
    fn is(&self, value: &Option<String>, option: &str) -> bool {
        value.as_deref() == Some(option)
    }
}

fn month_of(raw: Option<&str>) -> Option<Date> {
    let s = raw?.trim();
    let (y, m) = s.split_once('-')?;
    let y: i32 = y.parse().ok()?;
    let m: u8 = m.parse().ok()?;
    if !(1865..=9999).contains(&y) {
        return None;
    }
    Date::from_calendar_date(y, Month::try_from(m).ok()?, 1).ok()
}

pub(super) async fn calendar(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    Query(params): Query<CalendarParams>,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let today = OffsetDateTime::now_utc().date();
    let first = match params.month.as_deref().filter(|m| !m.trim().is_empty()) {
        None => today.replace_day(1).unwrap_or(today),
        Some(m) => month_of(Some(m)).ok_or(PageError::not_found(lang))?,
    };
    let days = first.month().length(first.year());
    let last = first.replace_day(days).unwrap_or(first);
    // A meeting that began before the month and lasts into it shows too.
    let earliest = first - Duration::days(liaise_service::domain::meeting::DAYS_MAX + 1);
    let query = MeetingQuery {
        organization: params.organization.clone(),
        body: params.body.clone(),
        topic: params.topic.clone(),
        from: Some(earliest),
        to: last.next_day(),
        ascending: true,
        ..MeetingQuery::default()
    };
    let all = PageRequest::parse(Some(1), Some(500)).unwrap_or_default();
    let found = state
        .liaise
        .meetings(&viewer.viewer, &query, all)
        .await
        .map_err(|e| PageError::from_service(e, lang))?;
    let meetings: Vec<MeetingLine> = found
        .items
        .iter()
        .map(|m| MeetingLine::new(m, lang))
        .filter(|m| m.last >= first && m.first <= last)
        .collect();
    let mut weeks = Vec::new();
    let mut week: Vec<Day> = (0..first.weekday().number_days_from_monday())
        .map(|_| Day {
            date: None,
            meetings: Vec::new(),
        })
        .collect();
    let mut d = first;
    loop {
        week.push(Day {
            date: Some(d),
            meetings: meetings
                .iter()
                .enumerate()
                .filter(|(_, m)| m.first <= d && d <= m.last)
                .map(|(n, _)| n)
                .collect(),
        });
        if week.len() == 7 {
            weeks.push(std::mem::take(&mut week));
        }
        match d.next_day() {
            Some(n) if n <= last => d = n,
            _ => break,
        }
    }
    if !week.is_empty() {
        while week.len() < 7 {
            week.push(Day {
                date: None,
                meetings: Vec::new(),
            });
        }
        weeks.push(week);
    }
    let filters = |month: Date| {
        let mut link = page_link(
            "/calendar",
            &[
                (
                    "month",
                    Some(&format!(
                        "{:04}-{:02}",
                        month.year(),
                        u8::from(month.month())
                    )),
                ),
                ("organization", params.organization.as_deref()),
                ("body", params.body.as_deref()),
                ("topic", params.topic.as_deref()),
            ],
            1,
        );
        link.truncate(link.len() - "&page=1".len());
        link
    };
    let prev = (first - Duration::days(1)).replace_day(1).unwrap_or(first);
    let next = last.next_day().unwrap_or(last);
    let ics = match (params.body.as_deref(), params.topic.as_deref()) {
        (Some(b), _) if !b.trim().is_empty() => {
            format!(
                "/bodies/{}/meetings.ics",
                form_urlencoded::byte_serialize(b.trim().as_bytes()).collect::<String>()
            )
        }
        (_, Some(t)) if !t.trim().is_empty() => {
            format!(
                "/topics/{}/meetings.ics",
                form_urlencoded::byte_serialize(t.trim().as_bytes()).collect::<String>()
            )
        }
        _ => "/calendar/meetings.ics".to_owned(),
    };
    let title = lang.t_args(
        "calendar-month",
        &[
            (
                "month",
                lang.t(&format!("month-{}", u8::from(first.month()))),
            ),
            ("year", first.year().to_string()),
        ],
    );
    let page = CalendarPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: filters(first),
        f: &params,
        organizations: &snap.organizations,
        bodies: &snap.bodies,
        topics: &snap.topics,
        title,
        weeks,
        meetings,
        prev: filters(prev),
        next: filters(next),
        ics,
    };
    Ok(render(&page, lang))
}

// ---- one meeting ------------------------------------------------------------------------

struct AgendaLine {
    number: String,
    nested: bool,
    title: String,
    presenter: Option<String>,
    outcome: Option<String>,
}

struct MinutesLine {
    revision: i32,
    at: String,
    approved: bool,
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingView<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    m: &'a Meeting,
    line: MeetingLine,
    topics: Vec<&'a Topic>,
    summary_html: Option<String>,
    agenda: Vec<AgendaLine>,
    minutes_html: Option<String>,
    minutes: Vec<MinutesLine>,
}

pub(super) async fn meeting(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(id): PagePath<String>,
) -> Result<Response, PageError> {
    let Ok(id) = id.parse::<i32>() else {
        return Err(PageError::not_found(lang));
    };
    let snap = snapshot(&state, lang).await?;
    let d = state
        .liaise
        .meeting_detail(&viewer.viewer, id)
        .await
        .map_err(|e| PageError::from_service(e, lang))?;
    let m = &d.meeting;
    let page = MeetingView {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: format!("/meetings/{id}"),
        m,
        line: MeetingLine::new(m, lang),
        topics: m.topics.iter().filter_map(|t| snap.topic(t)).collect(),
        summary_html: m.summary.as_deref().map(crate::markdown::to_html),
        agenda: d
            .agenda
            .iter()
            .map(|a| AgendaLine {
                number: a.number.clone(),
                nested: a.parent_id.is_some(),
                title: a.title.clone(),
                presenter: a
                    .presenter_id
                    .and_then(|p| snap.person_for(&viewer.viewer, p))
                    .map(|p| p.name.clone()),
                outcome: a.outcome.clone(),
            })
            .collect(),
        minutes_html: d.minutes.last().map(|r| crate::markdown::to_html(&r.text)),
        minutes: d
            .minutes
            .iter()
            .rev()
            .map(|r| MinutesLine {
                revision: r.revision,
                at: crate::api::rfc3339(r.at),
                approved: r.approved,
            })
            .collect(),
    };
    Ok(render(&page, lang))
}
