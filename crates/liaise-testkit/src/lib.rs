//! Test support: the real application on port 0, on a fresh SQLite file or a fresh
//! PostgreSQL database (dropped afterwards), with a client and helpers.
//!
//! PostgreSQL runs when `LIAISE_TEST_POSTGRES_URL` names a server (its database is only used
//! to create and drop the per-test ones). With `LIAISE_TEST_REQUIRE_POSTGRES=1` a missing URL
//! fails the tests instead of skipping them, so CI cannot pass without PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{net::SocketAddr, sync::atomic::AtomicU32};

use liaise_service::{
    Liaise, dialect,
    domain::{Role, Viewer},
};
use liaise_web::{Application, Settings};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

pub use reqwest;
pub use serde_json::json;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database made for one test.
pub enum TestDb {
    Sqlite {
        _dir: tempfile::TempDir,
        url: String,
    },
    Postgres {
        server: String,
        name: String,
        url: String,
    },
}

impl TestDb {
    pub fn url(&self) -> &str {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url, .. } => url,
        }
    }

    /// A fresh database, or `None` when PostgreSQL is not configured (and not required).
    pub async fn create(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = dialect::sqlite_url(&dir.path().join("liaise.db"));
                Some(Self::Sqlite { _dir: dir, url })
            }
            Backend::Postgres => {
                let Ok(server) = std::env::var("LIAISE_TEST_POSTGRES_URL") else {
                    assert!(
                        std::env::var("LIAISE_TEST_REQUIRE_POSTGRES").is_err(),
                        "LIAISE_TEST_REQUIRE_POSTGRES is set but LIAISE_TEST_POSTGRES_URL is not"
                    );
                    eprintln!("skipped: LIAISE_TEST_POSTGRES_URL is not set");
                    return None;
                };
                let name = unique_name();
                dialect::create_postgres_database(&server, &name)
                    .await
                    .expect("create the test database");
                let url = dialect::postgres_database_url(&server, &name);
                Some(Self::Postgres { server, name, url })
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Self::Postgres { server, name, .. } = self {
            let (server, name) = (server.clone(), name.clone());
            // Drop runs outside any runtime we may block: use a thread with its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                if let Err(e) = rt.block_on(dialect::drop_postgres_database(&server, &name)) {
                    eprintln!("could not drop test database {name}: {e}");
                }
            })
            .join();
        }
    }
}

fn unique_name() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "liaise_test_{}_{}_{}_{}",
        std::process::id(),
        n,
        nanos,
        rand::random::<u32>()
    )
}

/// The running application.
pub struct TestApp {
    pub addr: SocketAddr,
    pub client: Client,
    pub liaise: Liaise,
    pub backend: Backend,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    /// The data folder (attached files).
    pub files: std::sync::Arc<tempfile::TempDir>,
    // Last: the database outlives the server.
    pub db: std::sync::Arc<TestDb>,
}

impl TestApp {
    /// Starts the app on a fresh database; `None` if the backend is not available.
    pub async fn spawn(backend: Backend) -> Option<Self> {
        let db = TestDb::create(backend).await?;
        Some(Self::spawn_on(backend, std::sync::Arc::new(db)).await)
    }

    /// Starts another app on the same database (a second application server).
    pub async fn spawn_on(backend: Backend, db: std::sync::Arc<TestDb>) -> Self {
        Self::spawn_with(backend, db, |_| {}).await
    }

    /// Starts another app on the same database with settings of its own (e.g. a public URL).
    pub async fn spawn_with(
        backend: Backend,
        db: std::sync::Arc<TestDb>,
        configure: impl FnOnce(&mut Settings),
    ) -> Self {
        let files = std::sync::Arc::new(tempfile::tempdir().expect("data folder"));
        let mut settings = Settings {
            bind: "127.0.0.1:0".parse().expect("address"),
            database_url: db.url().to_owned(),
            public_url: None,
            data_dir: files.path().to_owned(),
            smtp_url: None,
            mail_from: None,
        };
        configure(&mut settings);
        let app = Application::build(settings).await.expect("build the app");
        let addr = app.addr();
        let liaise = app.liaise().clone();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = app
                .run_until(async {
                    let _ = rx.await;
                })
                .await;
        });
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            addr,
            client,
            liaise,
            backend,
            shutdown: Some(tx),
            task: Some(task),
            files,
            db,
        }
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A new admin API token.
    pub async fn admin_token(&self) -> String {
        self.token(Role::Admin).await
    }

    /// A new API token with the given role.
    pub async fn token(&self, role: Role) -> String {
        let (secret, _) = self
            .liaise
            .create_token(&Viewer::system(), "test", role)
            .await
            .expect("token");
        secret
    }

    /// Creates an account with this role; answers its e-mail and password.
    pub async fn user(&self, role: Role) -> (String, String) {
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let email = format!("user{n}-{}@example.org", rand::random::<u32>());
        let password = format!("correct horse battery {n}");
        self.liaise
            .add_user(
                &Viewer::system(),
                &email,
                None,
                role,
                Some(password.clone()),
            )
            .await
            .expect("add user");
        (email, password)
    }

    /// Signs in through the login form like a browser; answers the `Cookie` header value of
    /// the session, or the status of the refusal.
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<String, StatusCode> {
        let form = self.get("/login").await;
        let csrf_cookie =
            set_cookie(&form, "liaise_csrf").expect("the login form sets a CSRF cookie");
        let html = form.text().await.expect("body");
        let csrf = hidden_field(&html, "csrf").expect("the login form has a csrf field");
        let r = self
            .client
            .post(self.url("/login"))
            .header("cookie", format!("liaise_csrf={csrf_cookie}"))
            .form(&[
                ("email", email),
                ("password", password),
                ("csrf", csrf.as_str()),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("POST /login");
        if r.status() != StatusCode::SEE_OTHER {
            return Err(r.status());
        }
        let session = set_cookie(&r, "liaise_session").expect("a session cookie");
        Ok(format!("liaise_session={session}"))
    }

    /// A signed-in session of a new account with this role.
    pub async fn session_as(&self, role: Role) -> String {
        let (email, password) = self.user(role).await;
        self.sign_in(&email, &password).await.expect("sign in")
    }

    /// GET with a session cookie; status and body.
    pub async fn page_as(&self, path: &str, cookie: &str) -> (StatusCode, String) {
        let r = self
            .client
            .get(self.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .expect("GET");
        let status = r.status();
        (status, r.text().await.expect("body"))
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// GET with an `Accept-Language` header.
    pub async fn get_lang(&self, path: &str, lang: &str) -> Response {
        self.client
            .get(self.url(path))
            .header("accept-language", lang)
            .send()
            .await
            .expect("GET")
    }

    /// GET a page and return its status and body.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        let status = r.status();
        (status, r.text().await.expect("body"))
    }

    /// GET JSON, asserting 200.
    pub async fn get_json(&self, path: &str) -> Value {
        let r = self.get(path).await;
        let status = r.status();
        let body = r.text().await.expect("body");
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: not JSON ({e}): {body}"))
    }

    /// GET JSON with a bearer token, asserting 200.
    pub async fn get_json_as(&self, path: &str, token: &str) -> Value {
        let r = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET");
        let status = r.status();
        let body = r.text().await.expect("body");
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: not JSON ({e}): {body}"))
    }

    /// Sends JSON with a method and optional bearer token; returns status and parsed body
    /// (`Value::Null` when empty).
    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
        token: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut req = self.client.request(method, self.url(path)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.expect("request");
        read(r).await
    }

    pub async fn post_json(
        &self,
        path: &str,
        body: &Value,
        token: Option<&str>,
    ) -> (StatusCode, Value) {
        self.send_json(reqwest::Method::POST, path, body, token)
            .await
    }

    pub async fn patch_json(
        &self,
        path: &str,
        body: &Value,
        token: Option<&str>,
    ) -> (StatusCode, Value) {
        self.send_json(reqwest::Method::PATCH, path, body, token)
            .await
    }
}

/// The value a response sets for a cookie.
pub fn set_cookie(r: &Response, name: &str) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The value of a hidden form field in a page.
pub fn hidden_field(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

/// Status and JSON body of a response, checking that errors are problem+json.
pub async fn read(r: Response) -> (StatusCode, Value) {
    let status = r.status();
    let content_type = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = r.text().await.expect("body");
    if status.is_client_error() || status.is_server_error() {
        assert_eq!(
            content_type, "application/problem+json",
            "error {status} without problem+json: {text}"
        );
    }
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    };
    (status, value)
}

/// The `items` of a list answer, or the answer itself if it is an array.
pub fn items(v: &Value) -> &Vec<Value> {
    v.get("items")
        .and_then(Value::as_array)
        .or_else(|| v.as_array())
        .unwrap_or_else(|| panic!("not a list: {v}"))
}

/// The string values of `field` in a list.
pub fn field_values(list: &[Value], field: &str) -> Vec<String> {
    list.iter()
        .filter_map(|x| x.get(field).and_then(Value::as_str).map(str::to_owned))
        .collect()
}

/// Declares one test per backend for each `async fn name(app: TestApp)`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    if let Some(app) = $crate::TestApp::spawn($crate::Backend::Sqlite).await {
                        super::$name(app).await;
                    }
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(app) = $crate::TestApp::spawn($crate::Backend::Postgres).await {
                        super::$name(app).await;
                    }
                }
            }
        )+
    };
}
