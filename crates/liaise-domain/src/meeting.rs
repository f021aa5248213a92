//! Meetings: a body's meeting, a working party, a rapporteur group, a joint meeting of the two
//! secretariats, a workshop or a webinar, held in one IANA time zone. Times are typed in the
//! meeting's own zone and kept as instants (UTC); a page shows them in that zone again, with
//! its UTC offset on that day.
//!
//! Time zones come from the IANA database bundled into the binary (jiff's
//! `tzdb-bundle-always`), so a zone name means the same here, in tests and on any host.

use jiff::{
    civil,
    tz::{AmbiguousOffset, TimeZone},
};
use time::OffsetDateTime;

use crate::{
    access::AccessLevel,
    error::{DomainError, Validator},
    ids::{Code, Slug},
    registry::{NAME_MAX, TEXT_MAX, parse_url},
    text,
};

kebab_enum! {
    /// What kind of meeting it is.
    MeetingKind {
        BodyMeeting => "body-meeting",
        WorkingParty => "working-party",
        RapporteurGroup => "rapporteur-group",
        JointSecretariat => "joint-secretariat",
        Workshop => "workshop",
        Webinar => "webinar",
    }
}

kebab_enum! {
    /// Where a meeting stands.
    MeetingState {
        Planned => "planned",
        Held => "held",
        Cancelled => "cancelled",
    }
}

/// The longest meeting number ("2025.1", "POC S5").
pub const NUMBER_MAX: usize = 60;
/// The longest place.
pub const PLACE_MAX: usize = 300;
/// The longest a meeting may last (a study group meets for at most a few weeks).
pub const DAYS_MAX: i64 = 60;

/// The years a meeting may start in (the first UPU Congress met in 1874, the ITU's
/// conference in 1865; nothing is planned beyond 9998).
pub const YEAR_MIN: i32 = 1865;
pub const YEAR_MAX: i32 = 9998;

/// An IANA time zone name known to the bundled database (`Europe/Zurich`), in its canonical
/// spelling.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TimeZoneName(String);

impl TimeZoneName {
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(DomainError::invalid(
                field,
                "must not be empty (an IANA time zone such as Europe/Zurich)",
            ));
        }
        match TimeZone::get(name) {
            Ok(tz) => Ok(Self(tz.iana_name().unwrap_or(name).to_owned())),
            Err(_) => Err(DomainError::invalid(
                field,
                format!(
                    "`{}` is not an IANA time zone (such as Europe/Zurich or America/New_York)",
                    text::preview(name)
                ),
            )),
        }
    }

    /// Coordinated Universal Time.
    pub fn utc() -> Self {
        Self("UTC".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn zone(&self) -> TimeZone {
        TimeZone::get(&self.0).unwrap_or(TimeZone::UTC)
    }

    /// An instant as the meeting's local date and time, with the zone's UTC offset then.
    pub fn local(&self, at: OffsetDateTime) -> LocalTime {
        let ts = jiff::Timestamp::from_second(at.unix_timestamp())
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        let zoned = ts.to_zoned(self.zone());
        let dt = zoned.datetime();
        let secs = zoned.offset().seconds();
        let sign = if secs < 0 { '-' } else { '+' };
        let abs = secs.unsigned_abs();
        LocalTime {
            date: format!("{:04}-{:02}-{:02}", dt.year(), dt.month(), dt.day()),
            time: format!("{:02}:{:02}", dt.hour(), dt.minute()),
            offset: format!("{sign}{:02}:{:02}", abs / 3600, (abs % 3600) / 60),
            offset_seconds: secs,
        }
    }

    /// The instant of a local date and time in this zone; a time skipped by a change of the
    /// clocks is an error, a repeated one is its first occurrence.
    fn instant(&self, field: &str, dt: civil::DateTime) -> Result<OffsetDateTime, DomainError> {
        let ambiguous = self.zone().to_ambiguous_timestamp(dt);
        let offset = match ambiguous.offset() {
            AmbiguousOffset::Unambiguous { offset } => offset,
            AmbiguousOffset::Fold { before, .. } => before,
            AmbiguousOffset::Gap { .. } => {
                return Err(DomainError::invalid(
                    field,
                    format!(
                        "{} does not exist in {}: the clocks skip it",
                        dt.strftime("%Y-%m-%d %H:%M"),
                        self.0
                    ),
                ));
            }
        };
        let ts = offset
            .to_timestamp(dt)
            .map_err(|_| DomainError::invalid(field, "is out of range"))?;
        OffsetDateTime::from_unix_timestamp(ts.as_second())
            .map_err(|_| DomainError::invalid(field, "is out of range"))
    }
}

/// One period of a zone's offset, as iCalendar's VTIMEZONE states it: from `local_start`
/// (a local date and time `YYYYMMDDTHHMMSS` in the offset before) the offset is `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneChange {
    pub local_start: String,
    /// Seconds east of UTC before and after.
    pub from: i32,
    pub to: i32,
    pub name: String,
    pub daylight: bool,
}

impl TimeZoneName {
    /// The offset in force at `from` (first) and every change of it until `to`, so that a
    /// calendar can place every local time of that span without a database of its own.
    pub fn changes(&self, from: OffsetDateTime, to: OffsetDateTime) -> Vec<ZoneChange> {
        let tz = self.zone();
        let start = jiff::Timestamp::from_second(from.unix_timestamp())
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        let end = jiff::Timestamp::from_second(to.unix_timestamp()).unwrap_or(start);
        let info = tz.to_offset_info(start);
        let first = info.offset().seconds();
        let mut out = vec![ZoneChange {
            local_start: "19700101T000000".to_owned(),
            from: first,
            to: first,
            name: info.abbreviation().to_owned(),
            daylight: info.dst().is_dst(),
        }];
        let mut before = info.offset();
        for t in tz.following(start) {
            if t.timestamp() > end {
                break;
            }
            let local = before.to_datetime(t.timestamp());
            out.push(ZoneChange {
                local_start: local.strftime("%Y%m%dT%H%M%S").to_string(),
                from: before.seconds(),
                to: t.offset().seconds(),
                name: t.abbreviation().to_owned(),
                daylight: t.dst().is_dst(),
            });
            before = t.offset();
        }
        out
    }
}

/// An instant in a meeting's zone, as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalTime {
    /// `2025-02-05`
    pub date: String,
    /// `09:30`
    pub time: String,
    /// `+01:00`
    pub offset: String,
    pub offset_seconds: i32,
}

/// A local date (`2025-02-05`, a whole day) or date and time (`2025-02-05T09:30`, seconds
/// allowed, no offset: the meeting's zone gives it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Local {
    Day(civil::Date),
    At(civil::DateTime),
}

fn local(field: &str, raw: &str) -> Result<Local, DomainError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(DomainError::invalid(field, "must not be empty"));
    }
    let well_formed = s.len() <= 19
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | 'T' | ' '));
    if well_formed {
        if s.len() == 10
            && let Ok(d) = s.parse::<civil::Date>()
        {
            return Ok(Local::Day(d));
        }
        if let Ok(dt) = s.replacen(' ', "T", 1).parse::<civil::DateTime>() {
            return Ok(Local::At(dt));
        }
    }
    Err(DomainError::invalid(
        field,
        format!(
            "`{}` is not a date (YYYY-MM-DD) or a local date and time (YYYY-MM-DDTHH:MM)",
            text::preview(s)
        ),
    ))
}

/// A meeting as a user, an import or the reference data describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingInput {
    pub kind: MeetingKind,
    pub state: MeetingState,
    pub title: String,
    pub number: Option<String>,
    pub summary: Option<String>,
    /// The first instant of the meeting (UTC).
    pub starts_at: OffsetDateTime,
    /// The instant it ends (UTC); after `starts_at`.
    pub ends_at: OffsetDateTime,
    /// Given as whole days: starts at midnight of its first day and ends at midnight after
    /// its last, in its zone.
    pub all_day: bool,
    pub time_zone: TimeZoneName,
    pub place: Option<String>,
    pub online_link: Option<String>,
    /// Who may see the online link: never less restricted than the meeting itself.
    pub online_access: AccessLevel,
    pub access: AccessLevel,
    pub bodies: Vec<Code>,
    pub topics: Vec<Slug>,
    /// Owning organizations besides those of the bodies.
    pub organizations: Vec<Code>,
}

/// The raw fields of a meeting.
#[derive(Debug, Clone, Default)]
pub struct MeetingFields<'a> {
    pub kind: &'a str,
    /// Empty: planned.
    pub state: Option<&'a str>,
    pub title: &'a str,
    pub number: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub start: &'a str,
    pub end: &'a str,
    pub time_zone: &'a str,
    pub place: Option<&'a str>,
    pub online_link: Option<&'a str>,
    /// Empty: the meeting's own access.
    pub online_access: Option<&'a str>,
    pub access: &'a str,
    pub bodies: &'a [String],
    pub topics: &'a [String],
    pub organizations: &'a [String],
}

fn codes(v: &mut Validator, field: &str, raw: &[String]) -> Vec<Code> {
    let mut out = Vec::new();
    for (i, b) in raw.iter().enumerate() {
        if let Some(c) = v.check(Code::parse(&format!("{field}[{i}]"), b))
            && !out.contains(&c)
        {
            out.push(c);
        }
    }
    out
}

impl MeetingInput {
    pub fn parse(f: &MeetingFields<'_>) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        let kind = v.check(MeetingKind::parse("kind", f.kind));
        let state = match f.state.map(str::trim).filter(|s| !s.is_empty()) {
            None => Some(MeetingState::Planned),
            Some(s) => v.check(MeetingState::parse("state", s)),
        };
        let title = v.check(text::line("title", f.title, NAME_MAX));
        let number = v.check(text::optional_line("number", f.number, NUMBER_MAX));
        let summary = v.check(text::optional_text("summary", f.summary, TEXT_MAX));
        let time_zone = v.check(TimeZoneName::parse("time_zone", f.time_zone));
        let start = v.check(local("start", f.start));
        let end = v.check(local("end", f.end));
        let place = v.check(text::optional_line("place", f.place, PLACE_MAX));
        let online_link = v.check(parse_url("online_link", f.online_link));
        let access = v.check(AccessLevel::parse("access", f.access));
        let online_access = match f.online_access.map(str::trim).filter(|s| !s.is_empty()) {
            None => access,
            Some(s) => v.check(AccessLevel::parse("online_access", s)),
        };
        if let (Some(a), Some(o)) = (access, online_access)
            && o < a
        {
            v.push(
                "online_access",
                format!(
                    "must not be less restricted than the meeting ({}): the link of a {} meeting cannot be {}",
                    a.as_str(),
                    a.as_str(),
                    o.as_str()
                ),
            );
        }
        let bodies = codes(&mut v, "bodies", f.bodies);
        let mut topics = Vec::new();
        for (i, t) in f.topics.iter().enumerate() {
            if let Some(s) = v.check(Slug::parse(&format!("topics[{i}]"), t))
                && !topics.contains(&s)
            {
                topics.push(s);
            }
        }
        let organizations = codes(&mut v, "organizations", f.organizations);
        if f.bodies.is_empty() && f.organizations.is_empty() {
            v.push(
                "bodies",
                "a meeting belongs to at least one body or organization",
            );
        }
        let mut times = None;
        if let (Some(zone), Some(start), Some(end)) = (&time_zone, start, end) {
            times = match (start, end) {
                (Local::Day(s), Local::Day(e)) => {
                    if e < s {
                        v.push(
                            "end",
                            format!("the last day ({e}) is before the first ({s})"),
                        );
                        None
                    } else {
                        let first =
                            v.check(zone.instant("start", s.to_datetime(civil::Time::midnight())));
                        let after = e
                            .tomorrow()
                            .map_err(|_| DomainError::invalid("end", "is out of range"))
                            .and_then(|d| {
                                zone.instant("end", d.to_datetime(civil::Time::midnight()))
                            });
                        let after = v.check(after);
                        first.zip(after).map(|(a, b)| (a, b, true))
                    }
                }
                (Local::At(s), Local::At(e)) => {
                    let a = v.check(zone.instant("start", s));
                    let b = v.check(zone.instant("end", e));
                    match (a, b) {
                        (Some(a), Some(b)) if b <= a => {
                            v.push(
                                "end",
                                format!(
                                    "{} is not after the start ({})",
                                    e.strftime("%Y-%m-%d %H:%M"),
                                    s.strftime("%Y-%m-%d %H:%M")
                                ),
                            );
                            None
                        }
                        (Some(a), Some(b)) => Some((a, b, false)),
                        _ => None,
                    }
                }
                _ => {
                    v.push(
                        "end",
                        "must be of the same form as the start: both dates, or both dates with times",
                    );
                    None
                }
            };
            if let Some((a, _, _)) = times
                && !(YEAR_MIN..=YEAR_MAX).contains(&a.year())
            {
                v.push(
                    "start",
                    format!("the year must be between {YEAR_MIN} and {YEAR_MAX}"),
                );
                times = None;
            }
            if let Some((a, b, _)) = times
                && (b - a).whole_days() > DAYS_MAX
            {
                v.push("end", format!("a meeting lasts at most {DAYS_MAX} days"));
                times = None;
            }
        }
        match (
            kind,
            state,
            title,
            number,
            time_zone,
            times,
            place,
            online_link,
        ) {
            (
                Some(kind),
                Some(state),
                Some(title),
                Some(number),
                Some(time_zone),
                Some((starts_at, ends_at, all_day)),
                Some(place),
                Some(online_link),
            ) if v.is_ok() => match (access, online_access, summary) {
                (Some(access), Some(online_access), Some(summary)) => Ok(Self {
                    kind,
                    state,
                    title,
                    number,
                    summary,
                    starts_at,
                    ends_at,
                    all_day,
                    time_zone,
                    place,
                    online_link,
                    online_access,
                    access,
                    bodies,
                    topics,
                    organizations,
                }),
                _ => Err(v.into_error()),
            },
            _ => Err(v.into_error()),
        }
    }

    /// The start as typed: a date for a whole-day meeting, else a local date and time.
    pub fn start_text(&self) -> String {
        local_text(&self.time_zone, self.starts_at, self.all_day, false)
    }

    /// The end as typed: the last day for a whole-day meeting, else a local date and time.
    pub fn end_text(&self) -> String {
        local_text(&self.time_zone, self.ends_at, self.all_day, true)
    }
}

/// How a meeting's start or end is typed back (forms, API, audit): `2025-02-05` for a
/// whole-day meeting (its end is the last day), `2025-02-05T09:30` otherwise.
pub fn local_text(zone: &TimeZoneName, at: OffsetDateTime, all_day: bool, end: bool) -> String {
    if all_day {
        let at = if end {
            at - time::Duration::seconds(1)
        } else {
            at
        };
        zone.local(at).date
    } else {
        let l = zone.local(at);
        format!("{}T{}", l.date, l.time)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(start: &'a str, end: &'a str, zone: &'a str) -> MeetingFields<'a> {
        MeetingFields {
            kind: "body-meeting",
            title: "SG2 meeting",
            start,
            end,
            time_zone: zone,
            access: "public",
            organizations: &[],
            ..MeetingFields::default()
        }
    }

    fn errors(f: &MeetingFields<'_>) -> Vec<(String, String)> {
        match MeetingInput::parse(f) {
            Err(DomainError::Invalid(e)) => e.into_iter().map(|e| (e.field, e.message)).collect(),
            other => panic!("expected errors, got {other:?}"),
        }
    }

    #[test]
    fn whole_days_run_from_midnight_to_midnight_in_the_zone() {
        let bodies = vec!["SG2".to_owned()];
        let m = MeetingInput::parse(&MeetingFields {
            bodies: &bodies,
            ..fields("2025-02-05", "2025-02-14", "europe/zurich")
        })
        .unwrap();
        assert!(m.all_day);
        assert_eq!(m.time_zone.as_str(), "Europe/Zurich");
        assert_eq!(m.starts_at.to_string(), "2025-02-04 23:00:00.0 +00:00:00");
        assert_eq!(m.ends_at.to_string(), "2025-02-14 23:00:00.0 +00:00:00");
        assert_eq!(m.start_text(), "2025-02-05");
        assert_eq!(m.end_text(), "2025-02-14");
        assert_eq!(m.online_access, AccessLevel::Public);
        assert_eq!(m.state, MeetingState::Planned);
    }

    #[test]
    fn times_follow_the_zone_across_a_change_of_the_clocks() {
        let bodies = vec!["POC".to_owned()];
        // Summer time starts in Zurich on 2021-03-28: +01:00 before, +02:00 after.
        let m = MeetingInput::parse(&MeetingFields {
            bodies: &bodies,
            ..fields("2021-03-26T12:00", "2021-03-30T16:00", "Europe/Zurich")
        })
        .unwrap();
        assert_eq!(m.starts_at.to_string(), "2021-03-26 11:00:00.0 +00:00:00");
        assert_eq!(m.ends_at.to_string(), "2021-03-30 14:00:00.0 +00:00:00");
        assert_eq!(m.time_zone.local(m.starts_at).offset, "+01:00");
        assert_eq!(m.time_zone.local(m.ends_at).offset, "+02:00");
        assert_eq!(m.end_text(), "2021-03-30T16:00");
    }

    #[test]
    fn every_broken_rule_is_reported_with_its_field() {
        let bodies = vec!["sg 2".to_owned()];
        let f = MeetingFields {
            kind: "party",
            state: Some("maybe"),
            title: " ",
            start: "2025-02-05T10:00",
            end: "2025-02-05T09:00",
            time_zone: "Mars/Olympus",
            online_link: Some("ftp://x"),
            access: "members",
            online_access: Some("public"),
            bodies: &bodies,
            ..MeetingFields::default()
        };
        let fields: Vec<String> = errors(&f).into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                "kind",
                "state",
                "title",
                "time_zone",
                "online_link",
                "online_access",
                "bodies[0]"
            ]
        );
    }

    #[test]
    fn end_before_start_and_skipped_times_are_refused() {
        let orgs = vec!["UPU".to_owned()];
        for (start, end, field, says) in [
            (
                "2025-02-05T10:00",
                "2025-02-05T09:00",
                "end",
                "is not after the start",
            ),
            ("2025-02-05", "2025-02-04", "end", "is before the first"),
            ("2025-02-05", "2025-02-05T09:00", "end", "same form"),
            (
                "2025-03-30T02:30",
                "2025-03-30T05:00",
                "start",
                "the clocks skip it",
            ),
            ("05/02/2025", "2025-02-06", "start", "is not a date"),
            ("2025-01-01", "2025-12-31", "end", "at most 60 days"),
            ("0000-01-01", "0000-01-02", "start", "between 1865 and 9998"),
            ("9999-12-01", "9999-12-02", "start", "between 1865 and 9998"),
        ] {
            let e = errors(&MeetingFields {
                organizations: &orgs,
                ..fields(start, end, "Europe/Zurich")
            });
            assert_eq!(e.len(), 1, "{start} {end}: {e:?}");
            assert_eq!(e[0].0, field, "{start} {end}");
            assert!(e[0].1.contains(says), "{start} {end}: {}", e[0].1);
        }
    }

    #[test]
    fn a_repeated_hour_is_its_first_occurrence() {
        let orgs = vec!["UPU".to_owned()];
        let m = MeetingInput::parse(&MeetingFields {
            organizations: &orgs,
            ..fields("2025-10-26T02:30", "2025-10-26T04:00", "Europe/Zurich")
        })
        .unwrap();
        assert_eq!(m.starts_at.to_string(), "2025-10-26 0:30:00.0 +00:00:00");
    }
}
