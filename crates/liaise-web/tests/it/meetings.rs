//! Meetings through the API: recorded by a secretariat in the meeting's own time zone, listed
//! with the filters of the other lists, seen only as access allows, changed with a moving
//! iCalendar SEQUENCE, and bad input refused with nothing written.

use liaise_service::domain::{Code, Role};
use liaise_testkit::{TestApp, backend_tests, field_values, items, json, reqwest};
use serde_json::Value;
use tokio::task::JoinSet;

backend_tests!(
    a_secretariat_records_lists_and_changes_a_meeting,
    access_hides_meetings_and_online_links,
    bad_meetings_are_refused_and_nothing_is_written,
    concurrent_writers_of_meetings_all_succeed,
    meetings_of_record_are_loaded_once,
    activities_that_were_meetings_move_and_their_addresses_follow,
    pages_show_meetings_in_their_zone_in_both_languages,
    calendars_carry_each_meeting_in_its_zone,
    a_calendar_import_upserts_by_uid,
    the_agenda_keeps_its_numbers_and_minutes_keep_their_revisions,
);

fn upu_meeting() -> Value {
    // Summer time begins in Zurich on 2021-03-28: the meeting starts at +01:00 and ends at
    // +02:00.
    json!({
        "kind": "body-meeting",
        "title": "Postal Operations Council, spring session",
        "number": "2021.1",
        "start": "2021-03-26T12:00",
        "end": "2021-03-30T16:00",
        "time_zone": "Europe/Zurich",
        "place": "Berne",
        "online_link": "https://meet.example.org/poc",
        "online_access": "members",
        "access": "public",
        "bodies": ["POC"],
        "topics": ["dfs"],
    })
}

async fn total(app: &TestApp, query: &str, token: Option<&str>) -> u64 {
    let path = format!("/api/v1/meetings{query}");
    let v = match token {
        Some(t) => app.get_json_as(&path, t).await,
        None => app.get_json(&path).await,
    };
    v["total"].as_u64().unwrap()
}

async fn a_secretariat_records_lists_and_changes_a_meeting(app: TestApp) {
    let upu = app
        .token(Role::Secretariat(Code::parse("o", "UPU").unwrap()))
        .await;
    let itu = app
        .token(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
        .await;
    let before = total(&app, "", None).await;
    let (s, m) = app
        .post_json("/api/v1/meetings", &upu_meeting(), Some(&upu))
        .await;
    assert_eq!(s, 201, "{m}");
    let id = m["id"].as_i64().unwrap();
    assert_eq!(m["starts_at"], "2021-03-26T11:00:00Z", "12:00 at +01:00");
    assert_eq!(m["ends_at"], "2021-03-30T14:00:00Z", "16:00 at +02:00");
    assert_eq!(m["start"], "2021-03-26T12:00");
    assert_eq!(m["end"], "2021-03-30T16:00");
    assert_eq!(m["utc_offset"], "+01:00");
    assert_eq!(m["all_day"], false);
    assert_eq!(m["state"], "planned");
    assert_eq!(m["sequence"], 0);
    assert_eq!(m["organizations"], json!(["UPU"]));
    assert_eq!(m["online_link"], "https://meet.example.org/poc");
    assert_eq!(m["agenda"], json!([]));
    assert_eq!(m["minutes"], json!([]));
    let uid = m["uid"].as_str().unwrap().to_owned();
    assert!(uid.ends_with("@liaise"), "{uid}");

    // Whole days: midnight to midnight in the zone.
    let (s, sg2) = app
        .post_json(
            "/api/v1/meetings",
            &json!({"kind": "body-meeting", "title": "ITU-T SG2", "start": "2030-02-05",
                    "end": "2030-02-14", "time_zone": "Europe/Zurich", "bodies": ["SG2"]}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 201, "{sg2}");
    assert_eq!(sg2["starts_at"], "2030-02-04T23:00:00Z");
    assert_eq!(sg2["ends_at"], "2030-02-14T23:00:00Z");
    assert_eq!(sg2["end"], "2030-02-14");
    assert_eq!(sg2["all_day"], true);

    // Lists: newest first, filters like the other lists.
    assert_eq!(total(&app, "", None).await, before + 2);
    let all = app.get_json("/api/v1/meetings?per_page=2").await;
    assert_eq!(field_values(items(&all), "title")[0], "ITU-T SG2");
    for (query, expected) in [
        ("?body=POC", 1),
        ("?body=SG2", 1),
        ("?body=NOPE", 0),
        ("?organization=UPU", 1),
        ("?topic=dfs", 1),
        ("?kind=body-meeting", 2),
        ("?kind=webinar", 0),
        ("?state=planned", 2),
        ("?state=cancelled", 0),
        ("?from=2021-03-26&to=2021-03-26", 1),
        ("?from=2021-03-27&to=2030-02-03", 0),
        ("?from=2030-02-06&to=2021-03-26", 0),
        ("?from=2030-02-04", 1),
        ("?to=2021-12-31&organization=UPU&body=POC", 1),
    ] {
        let v = app
            .get_json(&format!("/api/v1/meetings{query}&per_page=500"))
            .await;
        let mine: Vec<&Value> = items(&v)
            .iter()
            .filter(|m| m["id"] == id || m["id"] == sg2["id"])
            .collect();
        assert_eq!(mine.len(), expected, "{query}: {v}");
    }

    // ITU's secretariat may see but not change UPU's meeting.
    let (s, v) = app
        .patch_json(
            &format!("/api/v1/meetings/{id}"),
            &json!({"state": "cancelled"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 403, "{v}");
    // UPU cancels it: the UID stays, the SEQUENCE moves.
    let (s, v) = app
        .patch_json(
            &format!("/api/v1/meetings/{id}"),
            &json!({"state": "cancelled", "place": null}),
            Some(&upu),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["state"], "cancelled");
    assert_eq!(v["place"], Value::Null);
    assert_eq!(v["uid"], uid.as_str());
    assert_eq!(v["sequence"], 1);
    assert_eq!(v["start"], "2021-03-26T12:00", "times kept");
    // Another zone keeps the local times typed.
    let (s, v) = app
        .patch_json(
            &format!("/api/v1/meetings/{id}"),
            &json!({"time_zone": "America/New_York"}),
            Some(&upu),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["start"], "2021-03-26T12:00");
    assert_eq!(v["starts_at"], "2021-03-26T16:00:00Z", "12:00 at -04:00");
    assert_eq!(v["sequence"], 2);
    assert_eq!(total(&app, "?state=cancelled", None).await, 1);

    // Found by search, and audited.
    let found = app
        .get_json("/api/v1/search?q=Postal%20Operations%20spring&kind=meeting")
        .await;
    assert!(
        items(&found)
            .iter()
            .any(|h| h["url"] == format!("/meetings/{id}")),
        "{found}"
    );
    let admin = app.admin_token().await;
    let audit = app.get_json_as("/api/v1/audit?per_page=500", &admin).await;
    let key = id.to_string();
    let mut actions: Vec<&str> = items(&audit)
        .iter()
        .filter(|e| e["entity"] == "meeting" && e["key"].as_str() == Some(key.as_str()))
        .filter_map(|e| e["action"].as_str())
        .collect();
    actions.sort_unstable();
    assert_eq!(actions, ["create", "update", "update"], "{audit}");
}

async fn access_hides_meetings_and_online_links(app: TestApp) {
    let upu = app
        .token(Role::Secretariat(Code::parse("o", "UPU").unwrap()))
        .await;
    let itu = app
        .token(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
        .await;
    let member = app.token(Role::Member).await;
    let mut secret = upu_meeting();
    secret["title"] = json!("Joint secretariat meeting");
    secret["kind"] = json!("joint-secretariat");
    secret["access"] = json!("members");
    secret["online_access"] = json!("secretariat");
    let (s, m) = app.post_json("/api/v1/meetings", &secret, Some(&upu)).await;
    assert_eq!(s, 201, "{m}");
    let id = m["id"].as_i64().unwrap();
    let path = format!("/api/v1/meetings/{id}");

    // Anonymous: not listed, not found, not searchable.
    assert_eq!(total(&app, "?kind=joint-secretariat", None).await, 0);
    let (s, v) = liaise_testkit::read(app.get(&path).await).await;
    assert_eq!(s, 404, "{v}");
    let found = app
        .get_json("/api/v1/search?q=Joint%20secretariat&kind=meeting")
        .await;
    assert_eq!(found["total"], 0, "{found}");
    // A member sees the meeting but not its secretariat-only link.
    assert_eq!(
        total(&app, "?kind=joint-secretariat", Some(&member)).await,
        1
    );
    let v = app.get_json_as(&path, &member).await;
    assert_eq!(v["online_link"], Value::Null, "{v}");
    assert_eq!(v["online_access"], "secretariat");
    // ITU's secretariat does not own it: no link either; UPU's sees it.
    let v = app.get_json_as(&path, &itu).await;
    assert_eq!(v["online_link"], Value::Null, "{v}");
    let v = app.get_json_as(&path, &upu).await;
    assert_eq!(v["online_link"], "https://meet.example.org/poc");
    // An anonymous caller cannot write.
    let (s, v) = app
        .post_json("/api/v1/meetings", &upu_meeting(), None)
        .await;
    assert_eq!(s, 401, "{v}");
    // A member may read but not record.
    let (s, v) = app
        .post_json("/api/v1/meetings", &upu_meeting(), Some(&member))
        .await;
    assert_eq!(s, 403, "{v}");
}

async fn bad_meetings_are_refused_and_nothing_is_written(app: TestApp) {
    let upu = app
        .token(Role::Secretariat(Code::parse("o", "UPU").unwrap()))
        .await;
    let admin = app.admin_token().await;
    let before = total(&app, "", Some(&admin)).await;
    let with = |changes: Value| {
        let mut m = upu_meeting();
        for (k, v) in changes.as_object().unwrap() {
            m[k] = v.clone();
        }
        m
    };
    for (body, field, says) in [
        (
            with(json!({"end": "2021-03-26T11:00"})),
            "end",
            "is not after the start",
        ),
        (
            with(json!({"start": "2021-03-26", "end": "2021-03-20"})),
            "end",
            "before the first",
        ),
        (
            with(json!({"time_zone": "Europe/Atlantis"})),
            "time_zone",
            "not an IANA time zone",
        ),
        (
            with(json!({"start": "2021-03-28T02:30"})),
            "start",
            "the clocks skip it",
        ),
        (
            with(json!({"start": "26/03/2021"})),
            "start",
            "is not a date",
        ),
        (with(json!({"kind": "party"})), "kind", "is not one of"),
        (with(json!({"bodies": ["NOPE"]})), "bodies[0]", "no body"),
        (
            with(json!({"access": "members", "online_access": "public"})),
            "online_access",
            "less restricted",
        ),
        (
            with(json!({"online_link": "javascript:alert(1)"})),
            "online_link",
            "http",
        ),
        (with(json!({"title": "\u{202e}"})), "title", ""),
    ] {
        let (s, v) = app.post_json("/api/v1/meetings", &body, Some(&upu)).await;
        assert_eq!(s, 422, "{body}: {v}");
        let errors = v["errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == field && e["message"].as_str().unwrap().contains(says)),
            "{field} / {says}: {v}"
        );
        assert!(v["detail"].as_str().unwrap().contains(field), "{v}");
    }
    // ITU's secretariat cannot record a meeting of UPU's council.
    let itu = app
        .token(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
        .await;
    let (s, v) = app
        .post_json("/api/v1/meetings", &upu_meeting(), Some(&itu))
        .await;
    assert_eq!(s, 403, "{v}");
    assert_eq!(
        total(&app, "", Some(&admin)).await,
        before,
        "nothing written"
    );

    // A refused change leaves the meeting as it was (SEQUENCE too).
    let (s, m) = app
        .post_json("/api/v1/meetings", &upu_meeting(), Some(&upu))
        .await;
    assert_eq!(s, 201, "{m}");
    let path = format!("/api/v1/meetings/{}", m["id"]);
    for patch in [
        json!({"end": "2020-01-01T00:00"}),
        json!({"title": null}),
        json!({"time_zone": "Nowhere"}),
        json!({"colour": "red"}),
    ] {
        let (s, v) = app.patch_json(&path, &patch, Some(&upu)).await;
        assert_eq!(s, 422, "{patch}: {v}");
    }
    let v = app.get_json(&path).await;
    assert_eq!(v["sequence"], 0);
    assert_eq!(v["end"], "2021-03-30T16:00");

    // Bad filters are 422 too, not an empty list.
    for query in [
        "?kind=party",
        "?state=maybe",
        "?from=2021-13-01",
        "?from=2021-02-30",
    ] {
        let (s, v) = liaise_testkit::read(app.get(&format!("/api/v1/meetings{query}")).await).await;
        assert_eq!(s, 422, "{query}: {v}");
    }
    let (s, _) = liaise_testkit::read(app.get("/api/v1/meetings/abc").await).await;
    assert_eq!(s, 404);
}

async fn concurrent_writers_of_meetings_all_succeed(app: TestApp) {
    const WRITERS: usize = 8;
    let upu = app
        .token(Role::Secretariat(Code::parse("o", "UPU").unwrap()))
        .await;
    let (s, m) = app
        .post_json("/api/v1/meetings", &upu_meeting(), Some(&upu))
        .await;
    assert_eq!(s, 201, "{m}");
    let id = m["id"].as_i64().unwrap();
    let mut set = JoinSet::new();
    for n in 0..WRITERS {
        let client = app.client.clone();
        let token = upu.clone();
        let patch_url = app.url(&format!("/api/v1/meetings/{id}"));
        let post_url = app.url("/api/v1/meetings");
        let mut new = upu_meeting();
        new["title"] = json!(format!("Concurrent meeting {n}"));
        set.spawn(async move {
            let patch = client
                .request(reqwest::Method::PATCH, patch_url)
                .bearer_auth(&token)
                .json(&json!({"title": format!("Renamed by writer {n}")}))
                .send();
            let post = client.post(post_url).bearer_auth(&token).json(&new).send();
            let (a, b) = tokio::join!(patch, post);
            let (a, b) = (a.expect("PATCH"), b.expect("POST"));
            (
                a.status().as_u16(),
                b.status().as_u16(),
                b.json::<Value>().await.unwrap_or(Value::Null),
            )
        });
    }
    let mut uids = Vec::new();
    while let Some(done) = set.join_next().await {
        let (patched, posted, body) = done.expect("task");
        assert_eq!(patched, 200);
        assert_eq!(posted, 201, "{body}");
        uids.push(body["uid"].as_str().unwrap().to_owned());
    }
    uids.sort();
    uids.dedup();
    assert_eq!(uids.len(), WRITERS, "every meeting has its own UID");
    let v = app.get_json(&format!("/api/v1/meetings/{id}")).await;
    assert_eq!(v["sequence"], WRITERS, "every change counted once");
    assert!(
        v["title"]
            .as_str()
            .unwrap()
            .starts_with("Renamed by writer")
    );
}

async fn meetings_of_record_are_loaded_once(app: TestApp) {
    let v = app.get_json("/api/v1/meetings?body=SG2&per_page=500").await;
    let sg2 = items(&v)
        .iter()
        .find(|m| m["uid"] == "sg2-2025-02@reference.liaise")
        .unwrap_or_else(|| panic!("SG2's February 2025 meeting: {v}"));
    assert_eq!(sg2["start"], "2025-02-05");
    assert_eq!(sg2["end"], "2025-02-14");
    assert_eq!(
        sg2["starts_at"], "2025-02-04T23:00:00Z",
        "midnight in Geneva"
    );
    assert_eq!(sg2["state"], "held");
    assert_eq!(sg2["organizations"], json!(["ITU"]));
    assert!(
        sg2["summary"]
            .as_str()
            .unwrap()
            .contains("200 participants")
    );
    let v = app.get_json("/api/v1/meetings?body=POC&per_page=500").await;
    let poc = items(&v)
        .iter()
        .find(|m| m["uid"] == "poc-2020-2@reference.liaise")
        .unwrap_or_else(|| panic!("POC 2020.2: {v}"));
    assert_eq!(poc["start"], "2020-12-01T12:00");
    assert_eq!(poc["starts_at"], "2020-12-01T11:00:00Z");
    assert_eq!(poc["to_confirm"], false);
    assert!(
        items(&v)
            .iter()
            .any(|m| m["uid"] == "poc-2024-1@reference.liaise" && m["to_confirm"] == true)
    );
    // A second server on the same database loads nothing again.
    let before = total(&app, "", None).await;
    assert!(before >= 9, "{before}");
    let second = TestApp::spawn_on(app.backend, app.db.clone()).await;
    assert_eq!(total(&second, "", None).await, before);
    second.stop().await;
}

async fn activities_that_were_meetings_move_and_their_addresses_follow(app: TestApp) {
    let admin = app.admin_token().await;
    let mut ids = Vec::new();
    for (kind, date, access) in [
        ("meeting", json!("2024-05-06"), "members"),
        ("event", json!("2031-01-02"), "public"),
        ("meeting", Value::Null, "public"),
        ("decision", json!("2024-05-06"), "public"),
    ] {
        let (s, a) = app
            .post_json(
                "/api/v1/activities",
                &json!({"kind": kind, "title": format!("A {kind} on {date}"), "date": date,
                        "summary": "Kept as written.", "access": access,
                        "bodies": ["TSB", "IB"], "topics": ["dfs"]}),
                Some(&admin),
            )
            .await;
        assert_eq!(s, 201, "{a}");
        ids.push(a["id"].as_i64().unwrap());
    }
    let meetings_before = total(&app, "", Some(&admin)).await;
    // The move happens when a server starts.
    let second = TestApp::spawn_on(app.backend, app.db.clone()).await;
    assert_eq!(total(&second, "", Some(&admin)).await, meetings_before + 2);
    let member = second.token(Role::Member).await;
    // The dated meeting: an old address answers with the meeting's.
    let r = second
        .client
        .get(second.url(&format!("/api/v1/activities/{}", ids[0])))
        .bearer_auth(&member)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 308);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/api/v1/meetings/"), "{location}");
    let m = second.get_json_as(&location, &member).await;
    assert_eq!(m["title"], "A meeting on \"2024-05-06\"");
    assert_eq!(m["summary"], "Kept as written.");
    assert_eq!(m["kind"], "body-meeting");
    assert_eq!(m["state"], "held");
    assert_eq!(m["access"], "members");
    assert_eq!(m["start"], "2024-05-06");
    assert_eq!(m["end"], "2024-05-06");
    assert_eq!(m["all_day"], true);
    let mut bodies: Vec<&str> = m["bodies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_str().unwrap())
        .collect();
    bodies.sort_unstable();
    assert_eq!(bodies, ["IB", "TSB"]);
    assert_eq!(m["topics"], json!(["dfs"]));
    assert_eq!(m["organizations"], json!(["ITU", "UPU"]));
    let page = second.get(&format!("/activities/{}", ids[0])).await;
    assert_eq!(page.status(), 404, "a members-only meeting stays hidden");
    let (s, _) = second.page_as(&format!("/activities/{}", ids[1]), "").await;
    assert_eq!(s, 308, "the public event's page moved");
    let event = second.get(&format!("/activities/{}", ids[1])).await;
    let to = event.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.starts_with("/meetings/"), "{to}");
    let id = to.trim_start_matches("/meetings/");
    let e = second.get_json(&format!("/api/v1/meetings/{id}")).await;
    assert_eq!(e["kind"], "workshop");
    assert_eq!(e["state"], "planned");
    // The undated meeting and the decision stay activities.
    for id in &ids[2..] {
        second.get_json(&format!("/api/v1/activities/{id}")).await;
    }
    let acts = second.get_json("/api/v1/activities?kind=meeting").await;
    assert_eq!(acts["total"], 1, "{acts}");
    // Found as meetings, no longer as activities.
    let found = second
        .get_json("/api/v1/search?q=event&kind=activity")
        .await;
    assert!(
        !items(&found)
            .iter()
            .any(|h| h["url"] == format!("/activities/{}", ids[1])),
        "{found}"
    );
    let found = second.get_json("/api/v1/search?q=event&kind=meeting").await;
    assert!(
        items(&found).iter().any(|h| h["url"] == to.as_str()),
        "{found}"
    );
    second.stop().await;
}

async fn pages_show_meetings_in_their_zone_in_both_languages(app: TestApp) {
    let upu = app
        .token(Role::Secretariat(Code::parse("o", "UPU").unwrap()))
        .await;
    let (s, m) = app
        .post_json("/api/v1/meetings", &upu_meeting(), Some(&upu))
        .await;
    assert_eq!(s, 201, "{m}");
    let id = m["id"].as_i64().unwrap();
    // The list, with its filters.
    let (s, html) = app.page("/meetings?body=POC").await;
    assert_eq!(s, 200);
    assert!(html.contains(&format!("href=\"/meetings/{id}\"")), "{html}");
    assert!(
        html.contains("Postal Operations Council session POC S7"),
        "a meeting of record"
    );
    let (s, html) = app.page("/meetings?body=SG2").await;
    assert_eq!(s, 200);
    assert!(!html.contains(&format!("href=\"/meetings/{id}\"")));
    let (s, html) = app.page("/meetings?kind=party").await;
    assert_eq!(s, 200, "the form says what is wrong");
    assert!(html.contains("is not one of"), "{html}");
    // The meeting: local times, its zone and both offsets across the change of the clocks.
    let (s, html) = app.page(&format!("/meetings/{id}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("12:00"), "{html}");
    assert!(html.contains("16:00"));
    assert!(
        html.contains("Europe/Zurich, UTC+01:00 → UTC+02:00"),
        "{html}"
    );
    assert!(html.contains("Berne"));
    assert!(
        !html.contains("meet.example.org"),
        "the link is for members"
    );
    let r = app.get_lang(&format!("/meetings/{id}"), "fr").await;
    let html = r.text().await.unwrap();
    assert!(html.contains("Ordre du jour"), "{html}");
    assert!(html.contains("Réunion d&#39;organe"), "{html}");
    // The month calendar, with the meeting on each of its days.
    let (s, html) = app.page("/calendar?month=2021-03&organization=UPU").await;
    assert_eq!(s, 200);
    assert!(html.contains("March 2021"), "{html}");
    assert_eq!(
        html.matches(&format!("class=\"event\" href=\"/meetings/{id}\""))
            .count(),
        5
    );
    let (s, html) = app.page("/calendar?month=2021-03&organization=ITU").await;
    assert_eq!(s, 200);
    assert!(!html.contains(&format!("href=\"/meetings/{id}\"")));
    let (s, _) = app.page("/calendar?month=2021-13").await;
    assert_eq!(s, 404);
    // Body and topic pages list recent meetings.
    let (_, html) = app.page("/bodies/POC").await;
    assert!(html.contains("Recent meetings"));
    assert!(html.contains(&format!("href=\"/meetings/{id}\"")), "{html}");
    let (_, html) = app.page("/topics/dfs").await;
    assert!(html.contains(&format!("href=\"/meetings/{id}\"")));
    let (s, _) = app.page("/meetings/999999").await;
    assert_eq!(s, 404);
}

/// The events of a feed, read back by an independent parser: (UID, start, end, SEQUENCE,
/// STATUS), each time as the instant it names (a TZID time placed in its zone by jiff's own
/// database, a date as itself).
fn events(text: &str) -> Vec<(String, String, String, String, String)> {
    use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime};
    let cal: icalendar::Calendar = text.parse().unwrap_or_else(|e| panic!("{e}: {text}"));
    let instant = |d: DatePerhapsTime| match d {
        DatePerhapsTime::Date(d) => d.to_string(),
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(t)) => {
            t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
        }
        DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid }) => {
            let tz = jiff::tz::TimeZone::get(&tzid).unwrap();
            let civil: jiff::civil::DateTime = date_time
                .format("%Y-%m-%dT%H:%M:%S")
                .to_string()
                .parse()
                .unwrap();
            tz.to_zoned(civil)
                .unwrap()
                .timestamp()
                .strftime("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        }
        DatePerhapsTime::DateTime(CalendarDateTime::Floating(t)) => panic!("floating time {t}"),
    };
    cal.components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some((
                e.get_uid().unwrap().to_owned(),
                instant(e.get_start().unwrap()),
                instant(e.get_end().unwrap()),
                e.property_value("SEQUENCE").unwrap().to_owned(),
                e.property_value("STATUS").unwrap().to_owned(),
            )),
            _ => None,
        })
        .collect()
}

async fn calendars_carry_each_meeting_in_its_zone(app: TestApp) {
    let upu = app
        .token(Role::Secretariat(Code::parse("o", "UPU").unwrap()))
        .await;
    let post = |changes: Value| {
        let mut m = upu_meeting();
        for (k, v) in changes.as_object().unwrap() {
            m[k] = v.clone();
        }
        m
    };
    let mut made = Vec::new();
    for body in [
        // Across Zurich's change to summer time.
        post(json!({})),
        // Whole days in New York.
        post(
            json!({"title": "Webinar, New York", "kind": "webinar", "start": "2026-11-01",
                    "end": "2026-11-02", "time_zone": "America/New_York", "bodies": ["POC"]}),
        ),
        // UTC.
        post(
            json!({"title": "UTC call", "start": "2026-01-10T09:00", "end": "2026-01-10T10:30",
                    "time_zone": "UTC"}),
        ),
        // Members only, and a title that needs escaping and folding.
        post(
            json!({"title": format!("Members, only; {}", "long ".repeat(30)), "access": "members",
                    "online_access": "members"}),
        ),
    ] {
        let (s, m) = app.post_json("/api/v1/meetings", &body, Some(&upu)).await;
        assert_eq!(s, 201, "{m}");
        made.push(m);
    }
    let r = app.get("/bodies/POC/meetings.ics").await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "text/calendar; charset=utf-8"
    );
    let text = r.text().await.unwrap();
    for l in text.split("\r\n") {
        assert!(l.len() <= 75, "a line of {} octets: {l}", l.len());
    }
    assert!(
        text.contains(
            "BEGIN:DAYLIGHT\r\nDTSTART:20210328T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200"
        ),
        "Zurich's VTIMEZONE has the change of 28 March 2021: {text}"
    );
    let found = events(&text);
    let event = |m: &Value| {
        found
            .iter()
            .find(|e| e.0 == m["uid"].as_str().unwrap())
            .cloned()
    };
    // Each time, placed in its zone by the reader, is the instant the API states.
    let dst = event(&made[0]).expect("the Zurich meeting");
    assert_eq!(dst.1, made[0]["starts_at"].as_str().unwrap());
    assert_eq!(dst.2, made[0]["ends_at"].as_str().unwrap());
    assert_eq!(
        dst.2, "2021-03-30T14:00:00Z",
        "16:00 at +02:00 after the change"
    );
    assert_eq!((dst.3.as_str(), dst.4.as_str()), ("0", "CONFIRMED"));
    let days = event(&made[1]).expect("the whole-day webinar");
    assert_eq!(
        (days.1.as_str(), days.2.as_str()),
        ("2026-11-01", "2026-11-03")
    );
    let utc = event(&made[2]).expect("the UTC call");
    assert_eq!(
        (utc.1.as_str(), utc.2.as_str()),
        ("2026-01-10T09:00:00Z", "2026-01-10T10:30:00Z")
    );
    assert!(
        event(&made[3]).is_none(),
        "members only: not in an anonymous feed"
    );
    assert!(found.iter().any(|e| e.0 == "poc-2020-2@reference.liaise"));
    // A secretariat's session sees its members-only meeting, escaped and folded.
    let cookie = app
        .session_as(Role::Secretariat(Code::parse("o", "UPU").unwrap()))
        .await;
    let (s, mine) = app.page_as("/bodies/POC/meetings.ics", &cookie).await;
    assert_eq!(s, 200);
    assert!(
        events(&mine)
            .iter()
            .any(|e| e.0 == made[3]["uid"].as_str().unwrap())
    );
    assert!(mine.contains("SUMMARY:Members\\, only\\; long"), "{mine}");
    // Cancelled: the same UID, a new SEQUENCE, STATUS:CANCELLED.
    let (s, v) = app
        .patch_json(
            &format!("/api/v1/meetings/{}", made[0]["id"]),
            &json!({"state": "cancelled"}),
            Some(&upu),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let text = app
        .get("/calendar/meetings.ics")
        .await
        .text()
        .await
        .unwrap();
    let cancelled = events(&text)
        .into_iter()
        .find(|e| e.0 == made[0]["uid"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        (cancelled.3.as_str(), cancelled.4.as_str()),
        ("1", "CANCELLED")
    );
    // Per topic, one meeting, and a body that does not exist.
    let text = app
        .get("/topics/dfs/meetings.ics")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        events(&text)
            .iter()
            .any(|e| e.0 == made[0]["uid"].as_str().unwrap())
    );
    let text = app
        .get(&format!("/meetings/{}/meeting.ics", made[1]["id"]))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(events(&text).len(), 1);
    assert_eq!(app.get("/bodies/NOPE/meetings.ics").await.status(), 404);
    assert_eq!(
        app.get(&format!("/meetings/{}/meeting.ics", made[3]["id"]))
            .await
            .status(),
        404
    );
}

async fn a_calendar_import_upserts_by_uid(app: TestApp) {
    use liaise_service::domain::Viewer;
    let ics = |summary: &str| {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:joint-2026@upu.int\r\n\
             SUMMARY:{summary}\r\nDTSTART;TZID=Europe/Zurich:20260325T090000\r\n\
             DTEND;TZID=Europe/Zurich:20260330T120000\r\nCATEGORIES:SG2,Unknown\r\n\
             END:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    };
    let upu = Viewer::new(
        "upu@example.org",
        Role::Secretariat(Code::parse("o", "UPU").unwrap()),
    );
    // SG2 is ITU's: a UPU secretariat may not import meetings of SG2 alone.
    let e = app
        .liaise
        .import_meetings(&upu, ics("Joint").as_bytes(), "SG2", "public")
        .await
        .unwrap_err();
    assert!(
        matches!(e, liaise_service::ServiceError::Forbidden),
        "{e:?}"
    );
    let r = app
        .liaise
        .import_meetings(&Viewer::system(), ics("Joint").as_bytes(), "POC", "public")
        .await
        .unwrap();
    assert_eq!((r.created.len(), r.updated.len()), (1, 0));
    let id = r.created[0].1;
    let m = app.get_json(&format!("/api/v1/meetings/{id}")).await;
    assert_eq!(m["uid"], "joint-2026@upu.int");
    let mut bodies: Vec<&str> = m["bodies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_str().unwrap())
        .collect();
    bodies.sort_unstable();
    assert_eq!(bodies, ["POC", "SG2"]);
    assert_eq!(m["organizations"], json!(["ITU", "UPU"]));
    // Across the change to summer time of 29 March 2026.
    assert_eq!(m["starts_at"], "2026-03-25T08:00:00Z");
    assert_eq!(m["ends_at"], "2026-03-30T10:00:00Z");
    let r = app
        .liaise
        .import_meetings(
            &Viewer::system(),
            ics("Joint, moved").as_bytes(),
            "POC",
            "public",
        )
        .await
        .unwrap();
    assert_eq!((r.created.len(), r.updated.len()), (0, 1));
    let m = app.get_json(&format!("/api/v1/meetings/{id}")).await;
    assert_eq!(m["title"], "Joint, moved");
    assert_eq!(m["sequence"], 1);
    let e = app
        .liaise
        .import_meetings(&Viewer::system(), b"not a calendar", "POC", "public")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not an iCalendar file"), "{e}");
}

async fn the_agenda_keeps_its_numbers_and_minutes_keep_their_revisions(app: TestApp) {
    let upu = app
        .token(Role::Secretariat(Code::parse("o", "UPU").unwrap()))
        .await;
    let itu = app
        .token(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
        .await;
    let mut joint = upu_meeting();
    joint["bodies"] = json!(["POC", "SG2"]);
    let (s, m) = app.post_json("/api/v1/meetings", &joint, Some(&upu)).await;
    assert_eq!(s, 201, "{m}");
    let id = m["id"].as_i64().unwrap();
    let agenda = format!("/api/v1/meetings/{id}/agenda");
    let put = |body: Value, token: String| {
        let app = &app;
        let agenda = agenda.clone();
        async move {
            app.send_json(reqwest::Method::PUT, &agenda, &body, Some(&token))
                .await
        }
    };
    let numbers = |v: &Value| -> Vec<(String, String)> {
        v["agenda"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["number"].as_str().unwrap().to_owned(),
                    i["title"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let (s, v) = put(
        json!({"items": [
            {"title": "Opening"},
            {"title": "Liaison statements", "children": [{"title": "From TSAG"}, {"title": "From SG2"}]},
            {"title": "Closing", "outcome": "Closed at 17:00."}]}),
        upu.clone(),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        numbers(&v),
        [
            ("1", "Opening"),
            ("2", "Liaison statements"),
            ("2.1", "From TSAG"),
            ("2.2", "From SG2"),
            ("3", "Closing")
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    let ids: Vec<i64> = v["agenda"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    // Reordered, one removed, two added: kept items keep their numbers, new ones get the
    // next free number at their level (2.1 is not given again).
    let (s, v) = put(
        json!({"items": [
            {"id": ids[4], "title": "Closing", "outcome": "Closed at 17:00."},
            {"id": ids[1], "title": "Liaison statements", "children": [{"id": ids[3], "title": "From SG2"}, {"title": "From the POC"}]},
            {"id": ids[0], "title": "Opening"},
            {"title": "Any other business"}]}),
        upu.clone(),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        numbers(&v),
        [
            ("3", "Closing"),
            ("2", "Liaison statements"),
            ("2.2", "From SG2"),
            ("2.3", "From the POC"),
            ("1", "Opening"),
            ("4", "Any other business")
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    assert_eq!(
        v["agenda"][0]["outcome"], "Closed at 17:00.",
        "kept with its item"
    );
    // A draft statement of ITU is ITU's working copy: ITU may link it, UPU may not, and
    // readers who may not see it do not see the link.
    let (s, ls) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "Draft LS", "from": ["SG2"], "addressees": [{"body": "SG12", "purpose": "information"}],
                    "access": "public", "date": "2026-01-05"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 201, "{ls}");
    let draft = ls["id"].as_i64().unwrap();
    let with_draft = json!({"items": [{"id": ids[0], "title": "Opening", "liaisons": [draft]}]});
    let (s, v) = put(with_draft.clone(), upu.clone()).await;
    assert_eq!(s, 422, "{v}");
    assert!(
        v["detail"]
            .as_str()
            .unwrap()
            .contains("no liaison statement"),
        "{v}"
    );
    let (s, v) = put(with_draft, itu.clone()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["agenda"][0]["liaisons"], json!([draft]));
    let v = app.get_json(&format!("/api/v1/meetings/{id}")).await;
    assert_eq!(
        v["agenda"][0]["liaisons"],
        json!([]),
        "hidden from the public"
    );
    // Bad agendas: nothing written.
    for (body, field) in [
        (
            json!({"items": [{"title": "A", "children": [{"title": "B", "children": [{"title": "C"}]}]}]}),
            "children",
        ),
        (json!({"items": [{"title": " "}]}), "items[0].title"),
        (
            json!({"items": [{"id": 999999, "title": "X"}]}),
            "items[0].id",
        ),
        (
            json!({"items": [{"title": "X", "documents": [999999]}]}),
            "documents",
        ),
    ] {
        let (s, v) = put(body.clone(), upu.clone()).await;
        assert_eq!(s, 422, "{body}: {v}");
        assert!(
            v["detail"].as_str().unwrap().contains(field),
            "{field}: {v}"
        );
    }
    let v = app.get_json(&format!("/api/v1/meetings/{id}")).await;
    assert_eq!(v["agenda"].as_array().unwrap().len(), 1);

    // Minutes: every revision kept, a word diff between two.
    let minutes = format!("/api/v1/meetings/{id}/minutes");
    let (s, v) = app
        .post_json(
            &minutes,
            &json!({"text": "The council **noted** item 2.2."}),
            Some(&upu),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = app
        .post_json(
            &minutes,
            &json!({"text": "The council **approved** item 2.2.", "approved": true}),
            Some(&upu),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["minutes"].as_array().unwrap().len(), 2);
    assert_eq!(v["minutes"][1]["approved"], true);
    assert!(
        v["minutes"][1]["author"].is_string(),
        "the writer sees who wrote it"
    );
    let public = app.get_json(&format!("/api/v1/meetings/{id}")).await;
    assert_eq!(
        public["minutes"][1]["author"],
        Value::Null,
        "no account name for the public"
    );
    let d = app
        .get_json(&format!("/api/v1/meetings/{id}/minutes/diff?from=1&to=2"))
        .await;
    let changed: Vec<(String, String)> = d
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] != "equal")
        .map(|s| {
            (
                s["kind"].as_str().unwrap().to_owned(),
                s["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        changed,
        [("delete", "**noted**"), ("insert", "**approved**")]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    let (s, _) = liaise_testkit::read(
        app.get(&format!("/api/v1/meetings/{id}/minutes/diff?from=1&to=3"))
            .await,
    )
    .await;
    assert_eq!(s, 404, "a revision that does not exist names nothing");
    let (s, _) = app
        .post_json(&minutes, &json!({"text": "  "}), Some(&upu))
        .await;
    assert_eq!(s, 422);
    let (_, html) = app.page(&format!("/meetings/{id}")).await;
    assert!(html.contains("<strong>approved</strong>"), "{html}");
    assert!(html.contains("Any other business") || html.contains("Opening"));
}
