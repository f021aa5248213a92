//! Accounts, sign-in, sessions, CSRF, rate limiting, personal tokens.

use liaise_service::domain::{Code, Role};
use liaise_testkit::{TestApp, backend_tests, hidden_field, json, set_cookie};
use reqwest::StatusCode;

backend_tests!(
    sign_in_shows_members_only_data_and_sign_out_hides_it,
    wrong_password_and_unknown_user_look_the_same_and_are_rate_limited,
    forms_without_a_valid_csrf_token_are_refused,
    sessions_end_everywhere_and_foreign_cookies_are_ignored,
    personal_tokens_act_with_the_users_rights,
    audit_page_is_for_administrators,
    an_account_is_not_a_public_person,
    sign_in_tokens_are_issued_by_the_server,
    an_address_with_many_failures_is_slowed_not_locked_out,
);

async fn get_as(app: &TestApp, path: &str, token: &str) -> serde_json::Value {
    let r = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

async fn person_with_email(app: &TestApp) -> (i64, String) {
    let token = app.admin_token().await;
    let email = format!("delegate{}@example.org", rand_suffix());
    let (s, p) = app
        .post_json(
            "/api/v1/people",
            &json!({"name": "Delegate", "email": email}),
            Some(&token),
        )
        .await;
    assert_eq!(s, 201);
    (p["id"].as_i64().unwrap(), email)
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
}

async fn sign_in_shows_members_only_data_and_sign_out_hides_it(app: TestApp) {
    // An account is a person of the registry: the one with its e-mail, else a new one.
    let (existing_id, existing_email) = person_with_email(&app).await;
    let (user, _) = app
        .liaise
        .add_user(
            &liaise_service::domain::Viewer::system(),
            &existing_email,
            None,
            Role::Member,
            None,
        )
        .await
        .unwrap();
    assert_eq!(user.person_id, Some(existing_id as i32));
    let (user, generated) = app
        .liaise
        .add_user(
            &liaise_service::domain::Viewer::system(),
            "New.Person@Example.org",
            Some("New Person"),
            Role::Member,
            None,
        )
        .await
        .unwrap();
    assert!(
        generated.is_some_and(|p| p.len() == 20),
        "a password is generated"
    );
    // That person is not public: only administrators (and the person) see it.
    let path = format!("/api/v1/people/{}", user.person_id.unwrap());
    assert_eq!(app.get(&path).await.status(), 404);
    let person = get_as(&app, &path, &app.admin_token().await).await;
    assert_eq!(person["name"], "New Person");
    let (id, email) = person_with_email(&app).await;
    let path = format!("/people/{id}");
    let (_, public) = app.page(&path).await;
    assert!(!public.contains(&email), "e-mail shown to the public");
    let cookie = app.session_as(Role::Member).await;
    let (_, member) = app.page_as(&path, &cookie).await;
    assert!(member.contains(&email), "a member sees the e-mail");
    assert!(member.contains("Signed in as"));
    // Sign out with the session's CSRF token.
    let csrf = hidden_field(&member, "csrf").unwrap();
    let r = app
        .client
        .post(app.url("/logout"))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(set_cookie(&r, "liaise_session").as_deref(), Some(""));
    let (_, after) = app.page_as(&path, &cookie).await;
    assert!(
        !after.contains(&email),
        "the old cookie still works after sign-out"
    );
    assert!(after.contains("href=\"/login"));
}

async fn wrong_password_and_unknown_user_look_the_same_and_are_rate_limited(app: TestApp) {
    let (email, password) = app.user(Role::Member).await;
    let wrong = app.sign_in(&email, "not the password at all").await;
    let unknown = app
        .sign_in("nobody@example.org", "not the password at all")
        .await;
    assert_eq!(wrong, Err(StatusCode::UNAUTHORIZED));
    assert_eq!(unknown, Err(StatusCode::UNAUTHORIZED));
    // Four more failures for the account make five.
    for _ in 0..4 {
        assert_eq!(
            app.sign_in(&email, "still wrong password").await,
            Err(StatusCode::UNAUTHORIZED)
        );
    }
    // Five failures for the account: now refused even with the right password.
    assert_eq!(
        app.sign_in(&email, &password).await,
        Err(StatusCode::TOO_MANY_REQUESTS)
    );
    // Failed sign-ins are audited.
    let admin = app.admin_token().await;
    let r = app
        .client
        .get(app.url(&format!("/api/v1/audit?action=login-failed&key={email}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["total"], 5, "{v}");
    // Another account is unaffected.
    let (other, other_pw) = app.user(Role::Member).await;
    assert!(app.sign_in(&other, &other_pw).await.is_ok());
}

async fn forms_without_a_valid_csrf_token_are_refused(app: TestApp) {
    let (email, password) = app.user(Role::Member).await;
    // Login without the CSRF cookie.
    let r = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("email", email.as_str()),
            ("password", password.as_str()),
            ("csrf", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(set_cookie(&r, "liaise_session").is_none());
    // Login from another site.
    let r = app
        .client
        .post(app.url("/login"))
        .header("origin", "https://evil.example")
        .header("cookie", "liaise_csrf=abc")
        .form(&[
            ("email", email.as_str()),
            ("password", password.as_str()),
            ("csrf", "abc"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let cookie = app.sign_in(&email, &password).await.unwrap();
    // A token form without, with a forged, and with another session's token.
    let other = app.session_as(Role::Member).await;
    let (_, other_page) = app.page_as("/account", &other).await;
    let other_csrf = hidden_field(&other_page, "csrf").unwrap();
    for csrf in ["", "forged", other_csrf.as_str()] {
        let r = app
            .client
            .post(app.url("/account/tokens"))
            .header("cookie", &cookie)
            .form(&[("csrf", csrf), ("name", "t")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "csrf {csrf:?}");
    }
    let r = app
        .client
        .post(app.url("/account/tokens"))
        .header("cookie", &cookie)
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf", "x"), ("name", "t")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, account) = app.page_as("/account", &cookie).await;
    assert!(
        account.contains("No token yet"),
        "a refused form created a token"
    );
    // An oversized form.
    let big = "x".repeat(200 * 1024);
    let r = app
        .client
        .post(app.url("/login"))
        .header("cookie", "liaise_csrf=abc")
        .form(&[("email", big.as_str()), ("password", "p"), ("csrf", "abc")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

async fn sessions_end_everywhere_and_foreign_cookies_are_ignored(app: TestApp) {
    let (email, password) = app.user(Role::Member).await;
    let a = app.sign_in(&email, &password).await.unwrap();
    let b = app.sign_in(&email, &password).await.unwrap();
    assert_ne!(a, b, "a new session id at each sign-in");
    let (_, page) = app.page_as("/account", &a).await;
    assert!(page.contains(&email));
    let csrf = hidden_field(&page, "csrf").unwrap();
    let r = app
        .client
        .post(app.url("/account/sign-out-everywhere"))
        .header("cookie", &a)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for cookie in [&a, &b] {
        let r = app
            .client
            .get(app.url("/account"))
            .header("cookie", cookie.as_str())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "a session survived");
    }
    // A cookie this server never issued reads as the public.
    let (s, html) = app
        .page_as("/", &format!("liaise_session={}", "ab".repeat(32)))
        .await;
    assert_eq!(s, 200);
    assert!(html.contains("href=\"/login"));
    let (s, _) = app.page_as("/", "liaise_session=<script>").await;
    assert_eq!(s, 200);
    // A disabled account's session ends.
    let c = app.sign_in(&email, &password).await.unwrap();
    app.liaise
        .disable_user(&liaise_service::domain::Viewer::system(), &email)
        .await
        .unwrap();
    let r = app
        .client
        .get(app.url("/account"))
        .header("cookie", c.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.sign_in(&email, &password).await,
        Err(StatusCode::UNAUTHORIZED)
    );
}

async fn personal_tokens_act_with_the_users_rights(app: TestApp) {
    let upu = Role::Secretariat(Code::parse("o", "UPU").unwrap());
    let (email, password) = app.user(upu).await;
    let cookie = app.sign_in(&email, &password).await.unwrap();
    let (_, page) = app.page_as("/account", &cookie).await;
    assert!(page.contains("Secretariat of UPU"));
    let csrf = hidden_field(&page, "csrf").unwrap();
    let r = app
        .client
        .post(app.url("/account/tokens"))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str()), ("name", "my script")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let start = html.find("<code id=\"new-token\">").unwrap() + "<code id=\"new-token\">".len();
    let token = html[start..start + 68].to_owned();
    assert!(token.starts_with("lsk_"));
    let (s, _) = app
        .patch_json(
            "/api/v1/bodies/POC-C2",
            &json!({"name_fr": "Commission 2"}),
            Some(&token),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = app
        .patch_json(
            "/api/v1/bodies/SG12",
            &json!({"name_fr": "CE 12"}),
            Some(&token),
        )
        .await;
    assert_eq!(s, 403);
    // The audit names the person, not the token.
    let admin = app.admin_token().await;
    let r = app
        .client
        .get(app.url("/api/v1/audit?entity=body&key=POC-C2"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["items"][0]["actor"], email.as_str());
    // Listed once on the account page, and never shown again.
    let (_, page) = app.page_as("/account", &cookie).await;
    assert!(page.contains("my script") && !page.contains(&token));
    // Revoked from the account page.
    let id_start = page.find("/account/tokens/").unwrap() + "/account/tokens/".len();
    let id: String = page[id_start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let csrf = hidden_field(&page, "csrf").unwrap();
    let r = app
        .client
        .post(app.url(&format!("/account/tokens/{id}/revoke")))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (s, _) = app
        .patch_json(
            "/api/v1/bodies/POC-C2",
            &json!({"name_fr": "C2"}),
            Some(&token),
        )
        .await;
    assert_eq!(s, 401);
    // A disabled account's tokens stop working.
    let r = app
        .client
        .post(app.url("/account/tokens"))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str()), ("name", "second")])
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    let start = html.find("<code id=\"new-token\">").unwrap() + "<code id=\"new-token\">".len();
    let second = html[start..start + 68].to_owned();
    app.liaise
        .disable_user(&liaise_service::domain::Viewer::system(), &email)
        .await
        .unwrap();
    let (s, _) = app
        .patch_json(
            "/api/v1/bodies/POC-C2",
            &json!({"name_fr": "C2"}),
            Some(&second),
        )
        .await;
    assert_eq!(s, 401);
}

async fn audit_page_is_for_administrators(app: TestApp) {
    let member = app.session_as(Role::Member).await;
    let (s, _) = app.page_as("/admin/audit", &member).await;
    assert_eq!(s, 404);
    let (s, _) = app.page("/admin/audit").await;
    assert_eq!(s, 404);
    let admin = app.session_as(Role::Admin).await;
    let (s, html) = app.page_as("/admin/audit", &admin).await;
    assert_eq!(s, 200);
    assert!(
        html.contains("login") && html.contains("session"),
        "sign-ins are listed"
    );
    assert!(
        html.contains("href=\"/admin/audit\""),
        "administrators see the link"
    );
}

/// `liaise user add --name` makes an account, not a public person: its name appears in
/// the public directory, the API and search only once its holder chooses so or a
/// secretariat records a role for it.
async fn an_account_is_not_a_public_person(app: TestApp) {
    let name = format!("Ada Lovelace{}", rand_suffix());
    let email = format!("ada{}@example.org", rand_suffix());
    let password = "analytical engine 1843";
    app.liaise
        .add_user(
            &liaise_service::domain::Viewer::system(),
            &email,
            Some(&name),
            Role::Secretariat(Code::parse("organization", "ITU").unwrap()),
            Some(password.to_owned()),
        )
        .await
        .unwrap();
    let admin = app.admin_token().await;
    let q = format!("/api/v1/people?q={}", name.replace(' ', "+"));
    let found = get_as(&app, &q, &admin).await;
    let id = found["items"][0]["id"]
        .as_i64()
        .expect("an administrator sees the account's person");
    let search = format!("/api/v1/search?q={}", name.replace(' ', "+"));
    hidden(&app, &q, &search, &name, id, "anonymous").await;
    // Another organization's secretariat and a member do not see it either.
    for role in [
        Role::Member,
        Role::Secretariat(Code::parse("organization", "UPU").unwrap()),
    ] {
        let token = app.token(role.clone()).await;
        let v = get_as(&app, &q, &token).await;
        assert_eq!(v["total"], 0, "{role:?} sees the account");
        let v = get_as(&app, &search, &token).await;
        assert_eq!(v["total"], 0, "{role:?} finds the account");
    }
    // Its organization's secretariat does (to record a role for it).
    let itu = app
        .token(Role::Secretariat(
            Code::parse("organization", "ITU").unwrap(),
        ))
        .await;
    let v = get_as(&app, &q, &itu).await;
    assert_eq!(v["total"], 1);
    // The holder chooses to be listed on the account page.
    let cookie = app.sign_in(&email, password).await.unwrap();
    let (_, page) = app.page_as("/account", &cookie).await;
    assert!(page.contains("not shown to the public"), "{page}");
    let csrf = hidden_field(&page, "csrf").unwrap();
    let r = app
        .client
        .post(app.url("/account/listing"))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str()), ("listed", "on")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, list) = app.page("/people").await;
    assert!(list.contains(&name), "a listed person is public");
    assert_eq!(app.get_json(&q).await["total"], 1);
    assert_eq!(app.get(&format!("/people/{id}")).await.status(), 200);
    assert_eq!(
        app.get_json(&search).await["total"],
        1,
        "search finds a listed person"
    );
    // And takes it back; a forged token changes nothing.
    let r = app
        .client
        .post(app.url("/account/listing"))
        .header("cookie", &cookie)
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get_json(&q).await["total"], 1);
    let r = app
        .client
        .post(app.url("/account/listing"))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    hidden(&app, &q, &search, &name, id, "anonymous after unlisting").await;
    // A role recorded by a secretariat makes the person public.
    let (s, _) = app
        .post_json(
            &format!("/api/v1/people/{id}/roles"),
            &json!({"body": "SG2", "role": "rapporteur"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 201);
    assert_eq!(
        app.get_json(&q).await["total"],
        1,
        "a person with a role is public"
    );
    // A person recorded by a secretariat is public at once.
    let (_, recorded) = app
        .post_json(
            "/api/v1/people",
            &json!({"name": format!("Grace Hopper{}", rand_suffix())}),
            Some(&admin),
        )
        .await;
    let rid = recorded["id"].as_i64().unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/people/{rid}")).await.status(),
        200
    );
}

/// Nothing of the person shows to an anonymous reader.
async fn hidden(app: &TestApp, q: &str, search: &str, name: &str, id: i64, who: &str) {
    let (_, list) = app.page("/people").await;
    assert!(!list.contains(name), "{who}: /people lists the account");
    let v = app.get_json(q).await;
    assert_eq!(v["total"], 0, "{who}: the API lists the account");
    assert_eq!(
        app.get(&format!("/people/{id}")).await.status(),
        404,
        "{who}"
    );
    assert_eq!(
        app.get(&format!("/api/v1/people/{id}")).await.status(),
        404,
        "{who}"
    );
    let v = app.get_json(search).await;
    assert_eq!(v["total"], 0, "{who}: search finds the account: {v}");
}

/// The sign-in form's token is one the server issued: a value an attacker chooses for both
/// the cookie and the field (login CSRF, by a planted cookie) is refused.
async fn sign_in_tokens_are_issued_by_the_server(app: TestApp) {
    let (email, password) = app.user(Role::Member).await;
    let post = |cookie: String, csrf: String| {
        let (email, password) = (email.clone(), password.clone());
        let app = &app;
        async move {
            app.client
                .post(app.url("/login"))
                .header("cookie", format!("liaise_csrf={cookie}"))
                .form(&[
                    ("email", email.as_str()),
                    ("password", password.as_str()),
                    ("csrf", csrf.as_str()),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    // The same invented value in both places, in the old format and in one like the new.
    let invented = "ab".repeat(32);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let lookalike = format!("{now}.{}", "cd".repeat(16));
    for value in [invented.clone(), lookalike] {
        let r = post(value.clone(), value.clone()).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{value}");
        assert!(set_cookie(&r, "liaise_session").is_none(), "signed in");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("not issued by this site"),
            "no clear message: {html}"
        );
        // The answer is the form again, with a token that works.
        assert!(hidden_field(&html, "csrf").is_some());
    }
    // A pair from the server works; its parts do not work with other parts.
    let form = app.get("/login").await;
    let cookie = set_cookie(&form, "liaise_csrf").unwrap();
    let field = hidden_field(&form.text().await.unwrap(), "csrf").unwrap();
    assert_ne!(cookie, field, "the field is not the cookie");
    assert_eq!(post(cookie.clone(), cookie.clone()).await.status(), 403);
    assert_eq!(post(field.clone(), field.clone()).await.status(), 403);
    let other = set_cookie(&app.get("/login").await, "liaise_csrf").unwrap();
    assert_ne!(other, cookie, "each visitor gets a token of its own");
    assert_eq!(post(other, field.clone()).await.status(), 403);
    // A cookie whose time was moved (to stay valid longer) no longer matches its field.
    let (issued, nonce) = cookie.split_once('.').unwrap();
    let moved = format!("{}.{nonce}", issued.parse::<u64>().unwrap() + 3600);
    assert_eq!(post(moved, field.clone()).await.status(), 403);
    // Another tab's form stays valid: the page reuses a fresh cookie it is sent.
    let again = app
        .client
        .get(app.url("/login"))
        .header("cookie", format!("liaise_csrf={cookie}"))
        .send()
        .await
        .unwrap();
    let again_field = hidden_field(&again.text().await.unwrap(), "csrf").unwrap();
    assert_eq!(again_field, field);
    let r = post(cookie, field).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(set_cookie(&r, "liaise_session").is_some());
    // Another server on the same database accepts this server's forms (one key per site).
    let second = TestApp::spawn_on(app.backend, app.db.clone()).await;
    let form = app.get("/login").await;
    let cookie = set_cookie(&form, "liaise_csrf").unwrap();
    let field = hidden_field(&form.text().await.unwrap(), "csrf").unwrap();
    let r = second
        .client
        .post(second.url("/login"))
        .header("cookie", format!("liaise_csrf={cookie}"))
        .form(&[
            ("email", email.as_str()),
            ("password", password.as_str()),
            ("csrf", field.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "refused by the other server"
    );
    second.stop().await;
}

/// Many failures from one address (one office behind one NAT) slow sign-in from there, but
/// the right password still signs in; the per-account lockout is unchanged.
async fn an_address_with_many_failures_is_slowed_not_locked_out(app: TestApp) {
    use std::time::{Duration, Instant};
    let step = Duration::from_millis(40);
    let max = Duration::from_millis(160);
    app.liaise.set_address_delays(step, max);
    let (victim, victim_pw) = app.user(Role::Member).await;
    // 35 failures for other accounts (and e-mails without one), each under the account limit.
    let mut accounts = Vec::new();
    for _ in 0..7 {
        accounts.push(app.user(Role::Member).await.0);
    }
    let mut slowest = Duration::ZERO;
    for n in 0..35 {
        let email = if n % 5 == 4 {
            format!("nobody{n}@example.org")
        } else {
            accounts[n % 7].clone()
        };
        let started = Instant::now();
        let r = app.sign_in(&email, "a wrong password here").await;
        assert_eq!(
            r,
            Err(StatusCode::UNAUTHORIZED),
            "failure {n} is refused as such"
        );
        if n >= 33 {
            slowest = slowest.max(started.elapsed());
        }
    }
    assert!(slowest >= max, "failures are slowed down: {slowest:?}");
    // The right password from the same address signs in, after the delay.
    let started = Instant::now();
    assert!(app.sign_in(&victim, &victim_pw).await.is_ok(), "locked out");
    assert!(
        started.elapsed() >= max,
        "not slowed: {:?}",
        started.elapsed()
    );
    // The account limit still refuses even the right password.
    let (locked, locked_pw) = app.user(Role::Member).await;
    for _ in 0..5 {
        assert_eq!(
            app.sign_in(&locked, "a wrong password here").await,
            Err(StatusCode::UNAUTHORIZED)
        );
    }
    assert_eq!(
        app.sign_in(&locked, &locked_pw).await,
        Err(StatusCode::TOO_MANY_REQUESTS)
    );
}
