//! A write transaction that holds this process's turn to write for as long as it lives.
//!
//! Writers queue in the process (a fair async mutex) before they take a database connection,
//! so waiting writers hold no connection: readers and the writer in turn always find one,
//! and a burst of writes cannot starve the pool. Across processes (several servers on one
//! PostgreSQL, or the command line beside a server on SQLite) the database's own write lock
//! orders them ([`crate::dialect::begin_write`]).

use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, ExecResult, QueryResult, Statement,
};
use sea_orm_migration::async_trait::async_trait;
use tokio::sync::OwnedMutexGuard;

/// A write transaction; commit or roll it back, or drop it to roll back.
pub struct Tx {
    tx: DatabaseTransaction,
    /// Released after the transaction ends (fields drop in order).
    _turn: OwnedMutexGuard<()>,
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tx")
    }
}

impl Tx {
    pub(crate) fn new(tx: DatabaseTransaction, turn: OwnedMutexGuard<()>) -> Self {
        Self { tx, _turn: turn }
    }

    /// Commits, then gives the turn to the next writer.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.tx.commit().await
    }

    /// Rolls back, then gives the turn to the next writer.
    pub async fn rollback(self) -> Result<(), DbErr> {
        self.tx.rollback().await
    }
}

#[async_trait]
impl ConnectionTrait for Tx {
    fn get_database_backend(&self) -> DbBackend {
        self.tx.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.tx.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.tx.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.tx.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.tx.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.tx.support_returning()
    }
}
