//! Building and running the server: bind (port 0 in tests), serve, shut down gracefully.

use std::{future::Future, net::SocketAddr};

use liaise_service::{Liaise, ServiceError};
use tokio::net::TcpListener;

/// What the server needs to start.
#[derive(Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    pub database_url: String,
    /// The address people use (e.g. `https://liaise.example.org`); https makes cookies Secure.
    /// Every absolute URL (feeds, reminders) starts with it; without it, with the bound address.
    pub public_url: Option<String>,
    /// Where attached files are kept (`files/` below it).
    pub data_dir: std::path::PathBuf,
    /// Deadline reminders go by this SMTP server (`smtp://host:port`); without it they wait on
    /// the secretariat's page.
    pub smtp_url: Option<String>,
    /// The sender of reminders.
    pub mail_from: Option<String>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field(
                "database_url",
                &liaise_service::redact_url(&self.database_url),
            )
            .finish()
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot bind {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(
        "public_url `{0}` must be http:// or https:// with a host, and no spaces, query or fragment"
    )]
    PublicUrl(String),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

/// A configured public URL as the start of absolute URLs (without a trailing `/`), or why it
/// cannot be one: `http://` or `https://`, a host, an optional path; no user, spaces, query
/// or fragment.
pub fn public_site(url: &str) -> Result<String, StartError> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|r| r.split('/').next().unwrap_or(""));
    let clean = !url.chars().any(|c| {
        c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '"' | '<' | '>' | '\\')
    });
    match host {
        Some(h) if !h.is_empty() && !h.contains('@') && clean => {
            Ok(url.trim_end_matches('/').to_owned())
        }
        _ => Err(StartError::PublicUrl(url.to_owned())),
    }
}

/// The site's address for absolute URLs: the public URL when one is configured, else the
/// address the server is bound to (an unspecified one, `0.0.0.0` or `[::]`, named
/// `localhost`). Never a request's header: a client's `Host: evil.example` must not put
/// its links into a feed others read.
fn site(public_url: Option<&str>, bound: SocketAddr) -> Result<String, StartError> {
    match public_url {
        Some(url) => public_site(url),
        None => {
            let host = if bound.ip().is_unspecified() {
                tracing::warn!(
                    "no public_url: feed links and reminders name http://localhost:{}",
                    bound.port()
                );
                "localhost".to_owned()
            } else {
                match bound.ip() {
                    std::net::IpAddr::V4(ip) => ip.to_string(),
                    std::net::IpAddr::V6(ip) => format!("[{ip}]"),
                }
            };
            Ok(format!("http://{host}:{}", bound.port()))
        }
    }
}

/// A server bound to its port, ready to run.
pub struct Application {
    listener: TcpListener,
    liaise: Liaise,
    addr: SocketAddr,
    secure_cookies: bool,
    mailer: Option<liaise_service::reminders::Mailer>,
}

impl Application {
    /// Opens the database (migrating it and loading reference data) and binds the address.
    pub async fn build(settings: Settings) -> Result<Self, StartError> {
        let liaise = Liaise::open(&settings.database_url)
            .await?
            .with_files(settings.data_dir.join("files"));
        // Proposals stored before marks were kept get them from their files.
        liaise.recover_marks().await?;
        let listener =
            TcpListener::bind(settings.bind)
                .await
                .map_err(|source| StartError::Bind {
                    addr: settings.bind,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: settings.bind,
            source,
        })?;
        let site = site(settings.public_url.as_deref(), addr)?;
        let liaise = liaise.with_site(&site);
        let secure_cookies = settings
            .public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"));
        let mailer = match &settings.smtp_url {
            Some(url) => Some(
                liaise_service::reminders::Mailer::from_url(
                    url,
                    settings
                        .mail_from
                        .as_deref()
                        .unwrap_or("liaise <liaise@localhost>"),
                )
                .map_err(StartError::Service)?,
            ),
            None => None,
        };
        Ok(Self {
            listener,
            liaise,
            addr,
            secure_cookies,
            mailer,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn liaise(&self) -> &Liaise {
        &self.liaise
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight and closes the
    /// database.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let state =
            crate::AppState::new(self.liaise.clone()).with_secure_cookies(self.secure_cookies);
        let app = crate::app(state);
        // The statement list in memory, built while the first lists are answered by SQL.
        self.liaise.build_statement_facts();
        // Expired sessions are swept every ten minutes.
        let sweeper = {
            let liaise = self.liaise.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
                loop {
                    tick.tick().await;
                    if let Err(e) = liaise.sweep_sessions().await {
                        tracing::warn!(error = %e, "sweeping sessions");
                    }
                }
            })
        };
        // Deadline reminders: a first pass a minute after start, then every hour.
        let reminders = {
            let liaise = self.liaise.clone();
            let mailer = self.mailer.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval_at(
                    tokio::time::Instant::now() + std::time::Duration::from_secs(60),
                    std::time::Duration::from_secs(3600),
                );
                loop {
                    tick.tick().await;
                    let today = time::OffsetDateTime::now_utc().date();
                    match liaise.run_reminders(today, mailer.as_ref()).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(reminders = n, "deadline reminders recorded"),
                        Err(e) => tracing::warn!(error = %e, "deadline reminders"),
                    }
                }
            })
        };
        let served = axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        sweeper.abort();
        reminders.abort();
        served?;
        if let Err(e) = self.liaise.close().await {
            tracing::warn!(error = %e, "closing the database");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::site;

    #[test]
    fn the_site_is_the_public_url_else_the_bound_address() {
        let bound = "127.0.0.1:8080".parse().unwrap();
        let check = |url: Option<&str>, expected: &str| {
            assert_eq!(site(url, bound).unwrap(), expected, "{url:?}");
        };
        check(None, "http://127.0.0.1:8080");
        check(
            Some("https://liaise.example.org"),
            "https://liaise.example.org",
        );
        check(
            Some("https://liaise.example.org/"),
            "https://liaise.example.org",
        );
        check(
            Some("https://example.org/liaise/"),
            "https://example.org/liaise",
        );
        check(Some("http://10.0.0.2:3000"), "http://10.0.0.2:3000");
        assert_eq!(
            site(None, "0.0.0.0:3000".parse().unwrap()).unwrap(),
            "http://localhost:3000"
        );
        assert_eq!(
            site(None, "[::1]:3000".parse().unwrap()).unwrap(),
            "http://[::1]:3000"
        );
        for bad in [
            "liaise.example.org",
            "https://",
            "https:///path",
            "https://a b.org",
            "https://a.org/?x=1",
            "https://a.org/#top",
            "https://user@a.org",
            "ftp://a.org",
        ] {
            assert!(site(Some(bad), bound).is_err(), "{bad}");
        }
    }
}
