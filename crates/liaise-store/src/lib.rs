//! Storage of liaise on SQLite or PostgreSQL through sea-orm.
//!
//! Invariant: the only crate that writes SQL. Everything that differs by backend lives in
//! [`dialect`], each function with both arms. Functions take any connection (`&impl
//! ConnectionTrait`), so the service decides what runs inside one transaction.

pub mod dialect;
pub mod entity;
mod error;
pub mod migration;
pub mod queries;
mod tx;

use std::time::Duration;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, TransactionTrait};
use sea_orm_migration::MigratorTrait;

pub use error::StoreError;
pub use sea_orm;
pub use sea_orm::{ConnectionTrait as Conn, DatabaseTransaction as ReadTx};
pub use tx::Tx;

/// Which database the store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(StoreError::Config(format!(
                "database URL must start with sqlite:, postgres:// or postgresql:// (got `{}`)",
                redact_url(url)
            )))
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgresql",
        }
    }
}

/// A database URL with its password hidden, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The database of one liaise deployment.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    backend: Backend,
    /// This process's writers take turns here before they take a connection.
    write_turn: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Store {
    /// Opens the database named by `url` and checks that it answers.
    #[tracing::instrument(skip(url), fields(url = %redact_url(url)))]
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let backend = Backend::from_url(url)?;
        dialect::probe(backend, url, Duration::from_secs(5))
            .await
            .map_err(|e| {
                StoreError::Unavailable(format!(
                    "cannot open the database at {}: {e}",
                    redact_url(url)
                ))
            })?;
        let options = dialect::connect_options(backend, url, Duration::from_secs(5));
        let db = Database::connect(options)
            .await
            .map_err(|e| StoreError::Unavailable(format!("{}: {e}", redact_url(url))))?;
        let store = Self {
            db,
            backend,
            write_turn: std::sync::Arc::default(),
        };
        store
            .ping()
            .await
            .map_err(|e| StoreError::Unavailable(format!("{}: {e}", redact_url(url))))?;
        Ok(store)
    }

    /// Brings the schema up to date.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        migration::Migrator::up(&self.db, None)
            .await
            .map_err(StoreError::from)
    }

    /// Is the database reachable?
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db
            .execute_unprepared("SELECT 1")
            .await
            .map(|_| ())
            .map_err(StoreError::from)
    }

    /// Refreshes the planner's statistics after a bulk write (an import of statements, generated
    /// documents). PostgreSQL: `ANALYZE`, since the lists are planned on the tables' statistics
    /// and autovacuum (when it runs at all) refreshes them only later: measured on 20,000
    /// statements just generated, one statement list query took 3.6 s before and 4.8 ms after.
    /// SQLite keeps no statistics unless asked, and its plans of the lists were slower with
    /// them (the count and the page of a filtered list, 4–8 ms without, 9–11 ms with), so
    /// nothing is done there.
    pub async fn analyze(&self) -> Result<(), StoreError> {
        match self.backend() {
            Backend::Postgres => self
                .db
                .execute_unprepared("ANALYZE")
                .await
                .map(|_| ())
                .map_err(StoreError::from),
            Backend::Sqlite => Ok(()),
        }
    }

    /// Starts a write transaction: every write of a use case goes through one, and holds
    /// the database's write lock from its start (see [`dialect::begin_write`]), so
    /// concurrent writers wait their turn instead of failing.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let turn = self.write_turn.clone().lock_owned().await;
        let tx = dialect::begin_write(self.backend, &self.db).await?;
        Ok(Tx::new(tx, turn))
    }

    /// Starts a read-only transaction (one consistent view for several queries); it takes no
    /// write lock and waits for no writer.
    pub async fn begin_read(&self) -> Result<ReadTx, StoreError> {
        self.db.begin().await.map_err(StoreError::from)
    }

    /// The connection pool, for reads outside a transaction.
    pub fn conn(&self) -> &DatabaseConnection {
        &self.db
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every connection (at shutdown, so SQLite checkpoints its WAL).
    pub async fn close(self) -> Result<(), StoreError> {
        self.db.close().await.map_err(StoreError::from)
    }
}
