//! A real browser (headless Chromium driven through chromedriver) signs in, reads
//! members-only data, signs out, and has a forged sign-out form refused.
//!
//! Skipped when chromedriver is not installed, unless `LIAISE_TEST_REQUIRE_BROWSER` is set,
//! in which case a missing chromedriver fails the test.

use std::{
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use fantoccini::{Client, ClientBuilder, Locator};
use liaise_service::domain::Role;
use liaise_testkit::{Backend, TestApp, json};
use serde_json::Value;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long to wait for chromedriver to listen, and for a page to show what we expect.
const PATIENCE: Duration = Duration::from_secs(20);
const CSRF_REFUSAL: &str = "This form has expired or did not come from this site";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_in_sees_members_only_data_and_signs_out() {
    let Some(chromedriver) = find_chromedriver() else {
        assert!(
            std::env::var_os("LIAISE_TEST_REQUIRE_BROWSER").is_none(),
            "LIAISE_TEST_REQUIRE_BROWSER is set but chromedriver is not installed \
             (neither {CHROMEDRIVER} nor `chromedriver` on PATH): install the Debian packages \
             chromium and chromium-driver"
        );
        eprintln!("skipped: chromedriver is not installed");
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();

    // A person whose e-mail only members may read, and a member.
    let token = app.admin_token().await;
    let email = format!("browser-delegate-{}@example.org", std::process::id());
    let (status, person) = app
        .post_json(
            "/api/v1/people",
            &json!({"name": "Browser Delegate", "email": email}),
            Some(&token),
        )
        .await;
    assert_eq!(status, 201, "{person}");
    let person_url = app.url(&format!("/people/{}", person["id"].as_i64().unwrap()));
    let (member, password) = app.user(Role::Member).await;

    let driver = Chromedriver::start(&chromedriver);
    let browser = driver.session().await;

    // The public does not see the e-mail.
    browser.goto(&person_url).await.unwrap();
    let public = browser.source().await.unwrap();
    assert!(public.contains("Browser Delegate"), "{public}");
    assert!(!public.contains(&email), "e-mail shown to the public");

    // The search box in the header finds the person; a facet narrows the result.
    browser
        .find(Locator::Css("#site-q"))
        .await
        .unwrap()
        .send_keys("browser delegate")
        .await
        .unwrap();
    browser
        .find(Locator::Css(r#"form.site-search button[type=submit]"#))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let search_url = app.url("/search?q=browser+delegate");
    wait_for_url(&browser, |u| u == search_url).await;
    let found = wait_for_source(&browser, "<mark>").await;
    assert!(
        found.contains(&person_url.replace(&app.url(""), "")),
        "{found}"
    );
    assert!(
        !found.contains(&email),
        "the index holds no e-mail: {found}"
    );
    browser
        .find(Locator::Css(
            r#"aside.facets a[href^="/search?kind=person"]"#,
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_url(&browser, |u| u.contains("kind=person")).await;
    wait_for_source(&browser, "Filters in force").await;
    browser.goto(&person_url).await.unwrap();

    // Sign in from the header link; the form brings the reader back to the person.
    browser
        .find(Locator::LinkText("Sign in"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let login_url = app.url("/login?");
    wait_for_url(&browser, |u| u.starts_with(&login_url)).await;
    sign_in(&browser, &member, &password).await;
    wait_for_url(&browser, |u| u == person_url).await;
    let signed_in = wait_for_source(&browser, "Signed in as").await;
    assert!(signed_in.contains(&email), "a member sees the e-mail");
    assert!(signed_in.contains(&member), "the header names the member");

    // Sign out with the header's button: the e-mail is gone again.
    browser
        .find(Locator::Css(
            r#"form[action="/logout"] button[type=submit]"#,
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_source(&browser, "href=\"/login?next=").await;
    browser.goto(&person_url).await.unwrap();
    let after = browser.source().await.unwrap();
    assert!(!after.contains(&email), "e-mail shown after sign-out");
    assert!(!after.contains("Signed in as"));

    // Signed in again, a sign-out form whose CSRF token was removed or forged is refused and
    // the session goes on. WebDriver's scripts are not subject to the page's
    // Content-Security-Policy, which forbids inline scripts.
    browser.goto(&app.url("/login")).await.unwrap();
    sign_in(&browser, &member, &password).await;
    wait_for_source(&browser, "Signed in as").await;
    let logout_url = app.url("/logout");
    for (forgery, script) in [
        (
            "removed",
            "document.querySelector('form[action=\"/logout\"] input[name=csrf]').remove();",
        ),
        (
            "forged",
            "document.querySelector('form[action=\"/logout\"] input[name=csrf]').value = 'forged';",
        ),
    ] {
        browser.goto(&person_url).await.unwrap();
        wait_for_source(&browser, "Signed in as").await;
        let script =
            format!("{script} document.querySelector('form[action=\"/logout\"]').submit();");
        browser.execute(&script, vec![]).await.unwrap();
        wait_for_url(&browser, |u| u == logout_url).await;
        let status = navigation_status(&browser).await;
        let page = browser.source().await.unwrap();
        assert_eq!(status, 403, "token {forgery}: {page}");
        assert!(page.contains(CSRF_REFUSAL), "token {forgery}: {page}");
        // Headed by what happened, and the reader is still shown as signed in (they are).
        assert!(page.contains("<h1>This form has expired</h1>"), "{page}");
        assert!(page.contains("Signed in as"), "{page}");
        browser.goto(&person_url).await.unwrap();
        let still = browser.source().await.unwrap();
        assert!(
            still.contains("Signed in as"),
            "a sign-out form with its token {forgery} signed out"
        );
        assert!(still.contains(&email));
    }

    browser.close().await.unwrap();
    drop(driver);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secretariat_uploads_a_contribution_and_reads_its_track_changes() {
    let Some(chromedriver) = find_chromedriver() else {
        assert!(
            std::env::var_os("LIAISE_TEST_REQUIRE_BROWSER").is_none(),
            "LIAISE_TEST_REQUIRE_BROWSER is set but chromedriver is not installed"
        );
        eprintln!("skipped: chromedriver is not installed");
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (email, password) = app
        .user(Role::Secretariat(
            liaise_service::domain::Code::parse("o", "ITU").unwrap(),
        ))
        .await;
    // A contribution of another source, written from the shipped one.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("CEPT-50.txt");
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../liaise-import/tests/fixtures/seed-ATU-35A3-1.txt"
    ))
    .unwrap();
    std::fs::write(&file, seed.replace("ATU/35A3/1", "CEPT/50/1")).unwrap();

    let driver = Chromedriver::start(&chromedriver);
    let browser = driver.session().await;
    browser
        .goto(&app.url("/login?next=/documents/import"))
        .await
        .unwrap();
    sign_in(&browser, &email, &password).await;
    wait_for_source(&browser, "Import a contribution").await;
    browser
        .find(Locator::Css("input[type=file]"))
        .await
        .unwrap()
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    browser
        .find(Locator::Css("form.stacked button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let page = wait_for_source(&browser, "CEPT/50").await;
    assert!(page.contains("CEPT-50.txt"), "{page}");
    assert!(
        browser
            .current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/documents/")
    );
    // The details the file does not carry: bodies typed, a topic ticked, saved.
    browser
        .find(Locator::LinkText("Edit the details"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_source(&browser, "Details of CEPT/50").await;
    let bodies = browser.find(Locator::Id("bodies")).await.unwrap();
    bodies.clear().await.unwrap();
    bodies.send_keys("SG12, POC-C3").await.unwrap();
    browser
        .find(Locator::Css("input[name=topics][value=dfs]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .find(Locator::Css("form.ls-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let page = wait_for_source(&browser, "href=\"/topics/dfs\"").await;
    assert!(page.contains("href=\"/bodies/POC-C3\""), "{page}");
    // From the document to its proposal, and to the shipped one shown as track changes.
    browser
        .find(Locator::Css("a[href='/proposals/CEPT/50/1']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_source(&browser, "The proposed changes").await;
    browser
        .goto(&app.url("/proposals/ATU/35A3/1"))
        .await
        .unwrap();
    let page = wait_for_source(&browser, "<ins>").await;
    assert!(page.contains("<del>"), "{page}");
    let decoration = browser
        .execute(
            "return getComputedStyle(document.querySelector('del')).textDecorationLine;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(decoration, json!("line-through"));

    browser.close().await.unwrap();
    drop(driver);
    app.stop().await;
}

/// A secretariat records a statement with the form, approves and sends it with the page's
/// buttons, and finds it in the list: what a person clicks, without any script of ours.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secretariat_records_approves_and_sends_a_statement() {
    let Some(chromedriver) = find_chromedriver() else {
        assert!(
            std::env::var_os("LIAISE_TEST_REQUIRE_BROWSER").is_none(),
            "LIAISE_TEST_REQUIRE_BROWSER is set but chromedriver is not installed"
        );
        eprintln!("skipped: chromedriver is not installed");
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let itu = Role::Secretariat(liaise_service::domain::Code::parse("o", "ITU").unwrap());
    let (email, password) = app.user(itu).await;
    let driver = Chromedriver::start(&chromedriver);
    let browser = driver.session().await;

    browser
        .goto(&app.url("/login?next=/liaisons"))
        .await
        .unwrap();
    sign_in(&browser, &email, &password).await;
    wait_for_source(&browser, "Signed in as").await;
    browser
        .find(Locator::LinkText("Record a liaison statement"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_url(&browser, |u| u.ends_with("/liaisons/new")).await;
    let type_in = |css: &'static str, text: &'static str| {
        let browser = browser.clone();
        async move {
            browser
                .find(Locator::Css(css))
                .await
                .unwrap()
                .send_keys(text)
                .await
                .unwrap();
        }
    };
    type_in("input[name=title]", "LS typed in a browser").await;
    type_in("input[name=from]", "TSAG").await;
    type_in("input[name=row-0-body]", "POC").await;
    browser
        .find(Locator::Css(
            "select[name=row-0-purpose] option[value=information]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    type_in("textarea[name=text]", "Please **note** our work.").await;
    browser
        .find(Locator::Css("button[name=save]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let approve = "//form[input[@name='to' and @value='approved']]/button";
    wait_for_source(&browser, "LS typed in a browser").await;
    browser
        .find(Locator::XPath(approve))
        .await
        .unwrap_or_else(|e| panic!("no approve button ({e})"))
        .click()
        .await
        .unwrap();
    wait_for_url(&browser, |u| u.ends_with("/liaisons/TSAG-LS1")).await;
    browser
        .find(Locator::XPath(
            "//form[input[@name='to' and @value='sent']]/button",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The approved page also shows the text: wait for the page after sending, which has
    // no send button left (sent once).
    wait_until(
        &browser,
        "the sent statement without a send button",
        |page| page.contains("<strong>note</strong>") && !page.contains("value=\"sent\""),
    )
    .await;
    browser
        .find(Locator::Css("nav.crumbs a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_url(&browser, |u| u.ends_with("/liaisons")).await;
    let list = wait_for_source(&browser, "TSAG-LS1").await;
    assert!(list.contains("LS typed in a browser"), "{list}");
    let ls = app.get_json("/api/v1/liaisons/TSAG-LS1").await;
    assert_eq!(ls["state"], "sent");
    assert_eq!(ls["addressees"][0]["purpose"], "information");

    browser.close().await.unwrap();
    drop(driver);
    app.stop().await;
}

/// Fills and submits the sign-in form of the current page.
async fn sign_in(browser: &Client, email: &str, password: &str) {
    let field = |css| browser.find(Locator::Css(css));
    field("input[name=email]")
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    field("input[name=password]")
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    field(r#"form[action="/login"] button[type=submit]"#)
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Waits until the page source contains `text`; answers the source.
async fn wait_for_source(browser: &Client, text: &str) -> String {
    wait_until(browser, &format!("{text:?}"), |source| {
        source.contains(text)
    })
    .await
}

/// The page's source once `ready` holds for it; fails after PATIENCE saying what was awaited.
async fn wait_until(browser: &Client, what: &str, ready: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let source = browser.source().await.unwrap_or_default();
        if ready(&source) {
            return source;
        }
        assert!(
            Instant::now() < deadline,
            "the page never showed {what}; it is at {:?}:\n{source}",
            browser.current_url().await.ok().map(|u| u.to_string())
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The HTTP status of the current page.
async fn navigation_status(browser: &Client) -> u64 {
    let status = browser
        .execute(
            "return performance.getEntriesByType('navigation')[0].responseStatus;",
            vec![],
        )
        .await
        .unwrap();
    status
        .as_u64()
        .unwrap_or_else(|| panic!("no status: {status}"))
}

/// Waits until the browser is at a URL that satisfies `ok`.
async fn wait_for_url(browser: &Client, ok: impl Fn(&str) -> bool) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let url = browser.current_url().await.unwrap();
        if ok(url.as_str()) {
            return;
        }
        assert!(Instant::now() < deadline, "the browser stayed at {url}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// chromedriver from the Debian package, or the first on PATH.
fn find_chromedriver() -> Option<PathBuf> {
    let system = Path::new(CHROMEDRIVER);
    if system.is_file() {
        return Some(system.to_owned());
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("chromedriver"))
        .find(|p| p.is_file())
}

/// A chromedriver of this test's own on a free port, in its own process group, which is
/// killed with the browsers it started when this is dropped (also when the test panics).
struct Chromedriver {
    child: Child,
    port: u16,
    // The browser profile and chromedriver's log; removed after the processes are gone.
    dir: tempfile::TempDir,
}

impl Chromedriver {
    fn start(program: &Path) -> Self {
        use std::os::unix::process::CommandExt;

        let dir = tempfile::tempdir().unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::fs::File::create(dir.path().join("chromedriver.log")).unwrap();
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", program.display()));
        let driver = Self { child, port, dir };
        let deadline = Instant::now() + PATIENCE;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }

    /// A new headless Chromium session with a fresh profile.
    async fn session(&self) -> Client {
        let profile = self.dir.path().join("profile");
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.display()),
        ];
        let mut options = json!({ "args": args });
        // Debian's Chromium; elsewhere chromedriver looks for a Chrome or Chromium itself.
        if Path::new(CHROMIUM).is_file() {
            options["binary"] = json!(CHROMIUM);
        }
        let capabilities = json!({ "browserName": "chrome", "goog:chromeOptions": options });
        let Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .unwrap_or_else(|e| panic!("no browser session: {e}\n{}", self.log()))
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("chromedriver.log")).unwrap_or_default()
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("chromedriver log:\n{}", self.log());
        }
        // The whole group: chromedriver and any browser a failed test left open.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
