//! Everything that differs between SQLite and PostgreSQL, each function with both arms.

use std::time::Duration;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction,
    SqliteTransactionMode, TransactionOptions, TransactionTrait, sqlx::sqlite::SqliteJournalMode,
};

use crate::{Backend, StoreError};

/// How much of an SQLite file each connection maps into memory for reading (1 GiB of
/// address space; resident only as pages are read, and shared with the page cache).
const MMAP_SIZE: u64 = 1 << 30;

/// How long an SQLite write waits for the write lock before it gives up (busy timeout).
const WRITE_WAIT: Duration = Duration::from_secs(15);

/// Pool and per-connection settings. SQLite: WAL, foreign keys, busy timeout, NORMAL sync
/// (durable with WAL at every checkpoint, crash-safe). PostgreSQL: a bounded pool.
pub fn connect_options(backend: Backend, url: &str, timeout: Duration) -> ConnectOptions {
    let mut o = ConnectOptions::new(url.to_owned());
    o.connect_timeout(timeout)
        .acquire_timeout(timeout)
        .sqlx_logging(false);
    match backend {
        Backend::Sqlite => {
            o.max_connections(8)
                .min_connections(1)
                .map_sqlx_sqlite_opts(|s| {
                    s.journal_mode(SqliteJournalMode::Wal)
                        .foreign_keys(true)
                        .busy_timeout(WRITE_WAIT)
                        .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                        // Reads map the file instead of copying each page into every
                        // connection's cache: the search index is read in large runs, and
                        // the mapped pages are the kernel's page cache, shared by all
                        // connections and given back under memory pressure.
                        .pragma("mmap_size", MMAP_SIZE.to_string())
                        .create_if_missing(true)
                });
        }
        Backend::Postgres => {
            o.max_connections(16).min_connections(1);
        }
    }
    o
}

/// The key of the PostgreSQL advisory lock every write transaction holds (any fixed number
/// no other program on the database uses; this one spells "liaise" in a phone keypad).
const WRITE_LOCK: i64 = 542_473;

/// Starts a write transaction that holds the database's one write lock from its first
/// statement, waiting for it (never failing at once) while another writer has it.
///
/// SQLite: `BEGIN IMMEDIATE`, so the lock is taken before the transaction reads (a deferred
/// transaction that read first cannot upgrade once another connection committed, and fails
/// with "database is locked" whatever the busy timeout); waiting is the busy timeout's job.
/// PostgreSQL: a transaction-scoped advisory lock, so writes of every server on the database
/// run one at a time: numbering (highest + 1), the registry's search entries (rewritten
/// whole) and approvals never race, and nothing answers a spurious unique violation.
pub async fn begin_write(
    backend: Backend,
    db: &DatabaseConnection,
) -> Result<DatabaseTransaction, StoreError> {
    match backend {
        Backend::Sqlite => Ok(db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            })
            .await?),
        Backend::Postgres => {
            let tx = db.begin().await?;
            tx.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({WRITE_LOCK})"))
                .await?;
            Ok(tx)
        }
    }
}

/// One direct connection attempt, so an unreachable database fails fast with the real cause
/// (refused, unknown host, bad password, unwritable file) instead of a pool timeout.
pub async fn probe(backend: Backend, url: &str, timeout: Duration) -> Result<(), String> {
    use sea_orm::sqlx::Connection;
    let attempt = async {
        match backend {
            Backend::Sqlite => {
                let opts: sea_orm::sqlx::sqlite::SqliteConnectOptions = url
                    .parse()
                    .map_err(|e: sea_orm::sqlx::Error| e.to_string())?;
                let c =
                    sea_orm::sqlx::SqliteConnection::connect_with(&opts.create_if_missing(true))
                        .await
                        .map_err(|e| e.to_string())?;
                c.close().await.map_err(|e| e.to_string())
            }
            Backend::Postgres => {
                let c = sea_orm::sqlx::PgConnection::connect(url)
                    .await
                    .map_err(|e| e.to_string())?;
                c.close().await.map_err(|e| e.to_string())
            }
        }
    };
    match tokio::time::timeout(timeout, attempt).await {
        Ok(r) => r,
        Err(_) => Err(format!("no answer within {} s", timeout.as_secs())),
    }
}

/// The SQLite URL of a database file, created if missing.
pub fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// Creates a PostgreSQL database (for tests and first installs). Names are checked to be
/// plain identifiers, as they cannot be bound as parameters.
pub async fn create_postgres_database(server_url: &str, name: &str) -> Result<(), StoreError> {
    check_identifier(name)?;
    let db = Database::connect(server_url)
        .await
        .map_err(StoreError::from)?;
    db.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .map_err(StoreError::from)?;
    db.close().await.map_err(StoreError::from)
}

/// Drops a PostgreSQL database, ending its sessions first.
pub async fn drop_postgres_database(server_url: &str, name: &str) -> Result<(), StoreError> {
    check_identifier(name)?;
    let db = Database::connect(server_url)
        .await
        .map_err(StoreError::from)?;
    db.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await
        .map_err(StoreError::from)?;
    db.close().await.map_err(StoreError::from)
}

/// The URL of database `name` on the server of `server_url`.
pub fn postgres_database_url(server_url: &str, name: &str) -> String {
    let (base, query) = match server_url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (server_url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut url = format!("{}/{name}", &base[..path_start]);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

fn check_identifier(name: &str) -> Result<(), StoreError> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(StoreError::Config(format!(
            "`{name}` is not a plain database name"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls() {
        assert_eq!(
            postgres_database_url("postgres://postgres@127.0.0.1:5432/test", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            postgres_database_url("postgres://u:p@h/test?sslmode=disable", "t1"),
            "postgres://u:p@h/t1?sslmode=disable"
        );
        assert_eq!(
            postgres_database_url("postgres://h:5432", "t1"),
            "postgres://h:5432/t1"
        );
        assert!(check_identifier("liaise_test_1").is_ok());
        assert!(check_identifier("x\"; DROP").is_err());
    }

    #[test]
    fn redaction() {
        assert_eq!(
            crate::redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(crate::redact_url("sqlite://x.db"), "sqlite://x.db");
    }
}
