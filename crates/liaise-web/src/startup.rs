//! Building and running the server: bind (port 0 in tests), serve, shut down gracefully.

use std::{future::Future, net::SocketAddr};

use liaise_service::{Liaise, ServiceError};
use tokio::net::TcpListener;

/// What the server needs to start.
#[derive(Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    pub database_url: String,
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
    #[error(transparent)]
    Service(#[from] ServiceError),
}

/// A server bound to its port, ready to run.
pub struct Application {
    listener: TcpListener,
    liaise: Liaise,
    addr: SocketAddr,
}

impl Application {
    /// Opens the database (migrating it and loading reference data) and binds the address.
    pub async fn build(settings: Settings) -> Result<Self, StartError> {
        let liaise = Liaise::open(&settings.database_url).await?;
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
        Ok(Self {
            listener,
            liaise,
            addr,
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
        let app = crate::app(crate::AppState::new(self.liaise.clone()));
        axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await?;
        if let Err(e) = self.liaise.close().await {
            tracing::warn!(error = %e, "closing the database");
        }
        Ok(())
    }
}
