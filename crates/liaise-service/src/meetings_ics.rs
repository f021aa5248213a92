//! Reading meetings from an exported calendar (.ics, RFC 5545): the events' UID, SUMMARY,
//! DTSTART/DTEND (dates, UTC times, or local times with an IANA TZID), LOCATION,
//! DESCRIPTION, URL, STATUS and CATEGORIES. Pure: bytes in, events or one error out. The whole
//! file is read and every event checked before anything is written.

/// The largest file read.
pub const FILE_MAX: usize = 20 * 1024 * 1024;
/// The most events one file may hold.
pub const EVENTS_MAX: usize = 10_000;

/// One event as the file states it; times as the domain reads them (`YYYY-MM-DD` or
/// `YYYY-MM-DDTHH:MM:SS`) with their zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsEvent {
    /// The line its `BEGIN:VEVENT` is on.
    pub line: usize,
    pub uid: String,
    pub summary: String,
    pub start: String,
    /// The last day of a whole-day event, else the end.
    pub end: String,
    pub time_zone: String,
    pub location: Option<String>,
    pub description: Option<String>,
    pub cancelled: bool,
    pub categories: Vec<String>,
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits on unescaped commas (CATEGORIES).
fn list(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            cur.push('\\');
            cur.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == ',' {
            out.push(unescape(&std::mem::take(&mut cur)).trim().to_owned());
        } else {
            cur.push(c);
        }
    }
    out.push(unescape(&cur).trim().to_owned());
    out.retain(|c| !c.is_empty());
    out
}

/// A date or date-time value with its parameters: (`YYYY-MM-DD[THH:MM:SS]`, zone, is a date).
fn when(params: &str, value: &str) -> Result<(String, Option<String>, bool), String> {
    let v = value.trim();
    let digits = |s: &str| s.len() >= 8 && s[..8].chars().all(|c| c.is_ascii_digit());
    let date = |s: &str| format!("{}-{}-{}", &s[0..4], &s[4..6], &s[6..8]);
    let is_date = params
        .split(';')
        .any(|p| p.trim().eq_ignore_ascii_case("VALUE=DATE"))
        || v.len() == 8;
    if is_date {
        if v.len() == 8 && digits(v) {
            return Ok((date(v), None, true));
        }
        return Err(format!("`{v}` is not a date"));
    }
    let ok = (v.len() == 15 || (v.len() == 16 && v.ends_with('Z')))
        && digits(v)
        && &v[8..9] == "T"
        && v[9..15].chars().all(|c| c.is_ascii_digit());
    if !ok {
        return Err(format!("`{v}` is not a date-time"));
    }
    let t = format!("{}T{}:{}:{}", date(v), &v[9..11], &v[11..13], &v[13..15]);
    if v.ends_with('Z') {
        return Ok((t, Some("UTC".to_owned()), false));
    }
    let tzid = params.split(';').find_map(|p| {
        p.trim()
            .strip_prefix("TZID=")
            .map(|z| z.trim_matches('"').to_owned())
    });
    match tzid {
        Some(z) => Ok((t, Some(z), false)),
        None => Err(format!("`{v}` is a floating time (no TZID and no Z)")),
    }
}

/// A property of an event: name (upper case), parameters, value.
type Prop = (String, String, String);

/// The events of a calendar file, or one line saying why it cannot be read.
pub fn read(bytes: &[u8]) -> Result<Vec<IcsEvent>, String> {
    if bytes.len() > FILE_MAX {
        return Err(format!("larger than {} MiB", FILE_MAX / 1024 / 1024));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_owned())?;
    // Unfold: a line starting with a space or tab continues the one before.
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (n, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = raw.strip_prefix([' ', '\t'])
            && let Some(last) = lines.last_mut()
        {
            last.1.push_str(rest);
            continue;
        }
        if !raw.is_empty() {
            lines.push((n + 1, raw.to_owned()));
        }
    }
    if lines.first().map(|(_, l)| l.trim()) != Some("BEGIN:VCALENDAR") {
        return Err("not an iCalendar file (it does not begin with BEGIN:VCALENDAR)".to_owned());
    }
    if !lines.iter().any(|(_, l)| l.trim() == "END:VCALENDAR") {
        return Err("not a complete iCalendar file (no END:VCALENDAR)".to_owned());
    }
    let count = lines
        .iter()
        .filter(|(_, l)| l.trim() == "BEGIN:VEVENT")
        .count();
    if count > EVENTS_MAX {
        return Err(format!(
            "{count} events: at most {EVENTS_MAX} are read from one file"
        ));
    }
    let mut events = Vec::new();
    let mut current: Option<(usize, Vec<Prop>)> = None;
    let mut depth = 0usize;
    for (n, l) in &lines {
        let Some((head, value)) = l.split_once(':') else {
            return Err(format!("line {n}: not a property (no `:`)"));
        };
        let (name, params) = head.split_once(';').unwrap_or((head, ""));
        let name = name.trim().to_ascii_uppercase();
        match (name.as_str(), value.trim()) {
            ("BEGIN", "VEVENT") => {
                if current.is_some() {
                    return Err(format!("line {n}: an event inside an event"));
                }
                current = Some((*n, Vec::new()));
                depth = 0;
            }
            ("END", "VEVENT") => {
                let Some((line, props)) = current.take() else {
                    return Err(format!("line {n}: END:VEVENT without BEGIN:VEVENT"));
                };
                events.push(event(line, &props)?);
            }
            ("BEGIN", _) if current.is_some() => depth += 1,
            ("END", _) if current.is_some() => depth = depth.saturating_sub(1),
            _ => {
                if let Some((_, props)) = current.as_mut()
                    && depth == 0
                {
                    props.push((name, params.to_owned(), value.to_owned()));
                }
            }
        }
    }
    if current.is_some() {
        return Err("an event without END:VEVENT".to_owned());
    }
    let mut uids: Vec<&str> = events.iter().map(|e| e.uid.as_str()).collect();
    uids.sort_unstable();
    if let Some(w) = uids.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!("UID `{}` is given to two events", w[0]));
    }
    Ok(events)
}

fn event(line: usize, props: &[Prop]) -> Result<IcsEvent, String> {
    let get = |name: &str| props.iter().find(|(n, _, _)| n == name);
    let at = |what: &str| format!("the event of line {line}: {what}");
    let uid = get("UID")
        .map(|(_, _, v)| unescape(v).trim().to_owned())
        .filter(|u| !u.is_empty())
        .ok_or_else(|| at("no UID"))?;
    let summary = get("SUMMARY")
        .map(|(_, _, v)| unescape(v))
        .ok_or_else(|| at("no SUMMARY"))?;
    let (_, sp, sv) = get("DTSTART").ok_or_else(|| at("no DTSTART"))?;
    let (start, zone, date) = when(sp, sv).map_err(|e| at(&format!("DTSTART {e}")))?;
    let (end, end_zone) = match get("DTEND") {
        Some((_, ep, ev)) => {
            let (end, end_zone, end_date) = when(ep, ev).map_err(|e| at(&format!("DTEND {e}")))?;
            if end_date != date {
                return Err(at("DTSTART and DTEND are not both dates or both times"));
            }
            if date {
                // DTEND of a whole-day event is the day after the last.
                let d = time::Date::parse(
                    &end,
                    time::macros::format_description!("[year]-[month]-[day]"),
                )
                .map_err(|_| at("DTEND is not a date"))?;
                let last = d
                    .previous_day()
                    .ok_or_else(|| at("DTEND is out of range"))?;
                (last.to_string(), end_zone)
            } else {
                (end, end_zone)
            }
        }
        None if date => (start.clone(), None),
        None => return Err(at("a timed event without DTEND")),
    };
    if let (Some(a), Some(b)) = (&zone, &end_zone)
        && a != b
    {
        return Err(at(&format!(
            "DTSTART is in {a} and DTEND in {b}: a meeting is held in one zone"
        )));
    }
    let time_zone = zone.or(end_zone).unwrap_or_else(|| "UTC".to_owned());
    let text = |name: &str| {
        get(name)
            .map(|(_, _, v)| unescape(v).trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    Ok(IcsEvent {
        line,
        uid,
        summary,
        start,
        end,
        time_zone,
        location: text("LOCATION"),
        description: text("DESCRIPTION"),
        cancelled: get("STATUS")
            .is_some_and(|(_, _, v)| v.trim().eq_ignore_ascii_case("CANCELLED")),
        categories: props
            .iter()
            .filter(|(n, _, _)| n == "CATEGORIES")
            .flat_map(|(_, _, v)| list(v))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(s: &str) -> Result<Vec<IcsEvent>, String> {
        read(s.as_bytes())
    }

    #[test]
    fn events_are_read_with_their_zones() {
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Zurich\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:Council\\, spring\r\nDTSTART;TZID=Europe/Zurich:20210326T120000\r\nDTEND;TZID=Europe/Zurich:20210330T160000\r\nCATEGORIES:POC,SG2\r\nLOCATION:Be\r\n rne\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:b@x\r\nSUMMARY:Days\r\nDTSTART;VALUE=DATE:20250205\r\nDTEND;VALUE=DATE:20250215\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:c@x\r\nSUMMARY:UTC\r\nDTSTART:20260110T090000Z\r\nDTEND:20260110T103000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let e = read_str(ics).unwrap();
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].summary, "Council, spring");
        assert_eq!(e[0].start, "2021-03-26T12:00:00");
        assert_eq!(e[0].time_zone, "Europe/Zurich");
        assert_eq!(e[0].location.as_deref(), Some("Berne"));
        assert_eq!(e[0].categories, ["POC", "SG2"]);
        assert_eq!(
            (e[1].start.as_str(), e[1].end.as_str()),
            ("2025-02-05", "2025-02-14")
        );
        assert!(e[1].cancelled);
        assert_eq!(e[2].time_zone, "UTC");
    }

    #[test]
    fn bad_files_are_refused_in_one_line() {
        for (ics, says) in [
            ("hello", "not an iCalendar file"),
            (
                "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\n",
                "no END:VCALENDAR",
            ),
            (
                "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nDTSTART:20250101T100000Z\r\nDTEND:20250101T110000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                "no UID",
            ),
            (
                "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:x\r\nDTSTART:20250101T100000\r\nDTEND:20250101T110000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                "floating time",
            ),
        ] {
            let e = read_str(ics).unwrap_err();
            assert!(e.contains(says), "{e}");
            assert!(!e.contains('\n'), "one line: {e}");
        }
        let mut many = String::from("BEGIN:VCALENDAR\r\n");
        for n in 0..=EVENTS_MAX {
            many.push_str(&format!("BEGIN:VEVENT\r\nUID:{n}\r\nEND:VEVENT\r\n"));
        }
        many.push_str("END:VCALENDAR\r\n");
        assert!(read_str(&many).unwrap_err().contains("at most 10000"));
    }
}
