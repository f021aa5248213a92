//! Use cases of liaise. Each write opens one transaction, asks `authorize()`, does the work
//! and commits; reads of the registry come from an in-memory snapshot that follows the
//! database's registry revision.
//!
//! Invariant: knows no HTTP status and no template; writes no SQL (calls liaise-store).

pub mod accounts;
pub mod activities;
pub mod audit;
pub mod cache;
mod corpus;
pub mod documents;
mod error;
mod facts;
pub mod files;
pub mod liaisons;
pub mod meetings;
pub mod meetings_ics;
pub mod reference;
pub mod registry;
pub mod reminders;
pub mod search;
pub mod snapshot;
pub mod tokens;

use std::{
    sync::{Arc, Mutex, RwLock},
    time::{Duration, Instant},
};

use liaise_store::{Store, queries};

pub use error::ServiceError;
pub use liaise_domain as domain;
pub use liaise_store::{Backend, StoreError, dialect, queries::audit::AuditFilter, redact_url};
pub use snapshot::Snapshot;

/// The part of a viewer that decides what it sees: remembered content results are shared per
/// scope (public, members, secretariat:ORG, admin), here and in the web layer's memo of
/// rendered answers.
pub fn access_scope(viewer: &liaise_domain::Viewer) -> String {
    use liaise_domain::Role;
    match &viewer.role {
        Role::Public => "public".to_owned(),
        Role::Member => "members".to_owned(),
        Role::Secretariat(org) => format!("secretariat:{org}"),
        Role::Admin => "admin".to_owned(),
    }
}

/// A filter value, or `None` when absent or blank.
pub(crate) fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// How often a reader checks whether another process changed the registry.
const REFRESH_EVERY: Duration = Duration::from_secs(1);

/// The application's use cases over one database.
#[derive(Clone, Debug)]
pub struct Liaise {
    store: Store,
    cache: Arc<RegistryCache>,
    security: Arc<accounts::Security>,
    /// Where attached files are kept (by content hash); none disables attachments.
    files: Option<Arc<std::path::PathBuf>>,
    /// The site's own address (`https://liaise.example.org`, no trailing `/`), the start of
    /// every absolute URL the product writes (feeds, reminders); never taken from a request.
    site: Arc<str>,
}

#[derive(Debug)]
struct RegistryCache {
    current: RwLock<Arc<Snapshot>>,
    /// The remembered answers of content queries.
    answers: cache::Cache,
    /// The revisions of each area (`revisions::Area::ALL`) the answers were checked against.
    seen: Mutex<[i64; queries::revisions::Area::ALL.len()]>,
    checked_at: Mutex<Instant>,
    reload: tokio::sync::Mutex<()>,
    /// The statement list in memory (see [`facts`]).
    facts: facts::StatementFacts,
}

impl Liaise {
    /// Connects, migrates, loads the reference data and the registry snapshot.
    pub async fn open(database_url: &str) -> Result<Self, ServiceError> {
        let store = Store::connect(database_url).await?;
        store.migrate().await?;
        reference::load(&store).await?;
        meetings::adopt_activities(&store).await?;
        documents::load_reference(&store).await?;
        documents::recover_marks(&store, None).await?;
        let rows = queries::registry::load_all(store.conn()).await?;
        let seen = queries::revisions::all(store.conn()).await?;
        let cache = RegistryCache {
            current: RwLock::new(Arc::new(Snapshot::build(rows))),
            answers: cache::Cache::default(),
            seen: Mutex::new(seen),
            checked_at: Mutex::new(Instant::now()),
            reload: tokio::sync::Mutex::new(()),
            facts: facts::StatementFacts::default(),
        };
        let form_key = accounts::sign_in_key(&store).await?;
        Ok(Self {
            store,
            cache: Arc::new(cache),
            security: Arc::new(accounts::Security::new(form_key)),
            files: None,
            site: Arc::from("http://localhost"),
        })
    }

    /// Connects and migrates only (for `liaise migrate`).
    pub async fn migrate(database_url: &str) -> Result<(), ServiceError> {
        let store = Store::connect(database_url).await?;
        store.migrate().await?;
        store.close().await?;
        Ok(())
    }

    /// Keeps attached files under this folder.
    #[must_use]
    pub fn with_files(mut self, dir: std::path::PathBuf) -> Self {
        self.files = Some(Arc::new(dir));
        self
    }

    /// Writes absolute URLs from this address (the configured public URL, else the bound
    /// address): `https://liaise.example.org` or `https://example.org/liaise`, without `/` at
    /// the end.
    #[must_use]
    pub fn with_site(mut self, base: &str) -> Self {
        self.site = Arc::from(base.trim_end_matches('/'));
        self
    }

    /// The absolute URL of a path of the site (`/liaisons/SG12-LS1`): the one place where
    /// absolute URLs are made, so none can come from a request's `Host` or `Forwarded`.
    pub fn absolute(&self, path: &str) -> String {
        if path.starts_with('/') {
            format!("{}{path}", self.site)
        } else {
            format!("{}/{path}", self.site)
        }
    }

    pub fn backend(&self) -> Backend {
        self.store.backend()
    }

    /// Is the database reachable?
    pub async fn ready(&self) -> Result<(), ServiceError> {
        Ok(self.store.ping().await?)
    }

    /// Closes the database (SQLite checkpoints its log).
    pub async fn close(self) -> Result<(), ServiceError> {
        Ok(self.store.close().await?)
    }

    /// The registry as it is now: in memory, reloaded when the database's revision moved.
    pub async fn registry(&self) -> Result<Arc<Snapshot>, ServiceError> {
        let current = self.current();
        let stale = {
            let checked = self
                .cache
                .checked_at
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            checked.elapsed() >= REFRESH_EVERY
        };
        if !stale {
            return Ok(current);
        }
        let _guard = self.cache.reload.lock().await;
        self.follow_revisions().await?;
        self.touch();
        Ok(self.current())
    }

    /// How many items pass a list's filter, remembered per filter (so every page and order of
    /// one filter counts once per change of its area).
    pub(crate) async fn count<E: liaise_store::sea_orm::EntityTrait>(
        &self,
        answer: cache::Answer,
        viewer: &liaise_domain::Viewer,
        filter: String,
        list: &queries::list::List<E>,
    ) -> Result<u64, ServiceError>
    where
        E::Model: Sync,
    {
        match self
            .cache()
            .recall::<u64>(cache::Key::new(answer, viewer, filter))
        {
            Ok(total) => Ok(*total),
            Err(ticket) => {
                let total = list.count(self.store.conn()).await?;
                self.cache().remember(ticket, Arc::new(total));
                Ok(total)
            }
        }
    }

    /// Starts building the statement list in memory in the background, unless it is built
    /// or being built; lists are answered by SQL meanwhile.
    pub fn build_statement_facts(&self) {
        let Some(generation) = self.cache.facts.claim_build() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.cache.facts.build_failed();
            return;
        };
        let me = self.clone();
        runtime.spawn(async move {
            if let Err(e) = me.read_statement_facts(generation).await {
                tracing::warn!(error = %e, "the statement list in memory could not be built");
                me.cache.facts.build_failed();
            }
        });
    }

    async fn read_statement_facts(&self, generation: u64) -> Result<(), ServiceError> {
        use liaise_store::sea_orm::{AccessMode, IsolationLevel, TransactionTrait};
        let area = queries::revisions::Area::Liaisons;
        let at = queries::revisions::Area::ALL
            .iter()
            .position(|a| *a == area)
            .unwrap_or_default();
        // One consistent view: the revision and the facts it names.
        let tx = match self.store.backend() {
            liaise_store::Backend::Postgres => self
                .store
                .conn()
                .begin_with_config(
                    Some(IsolationLevel::RepeatableRead),
                    Some(AccessMode::ReadOnly),
                )
                .await
                .map_err(liaise_store::StoreError::from)?,
            liaise_store::Backend::Sqlite => self.store.begin_read().await?,
        };
        let revision = queries::revisions::all(&tx).await?[at];
        let facts = queries::liaisons::facts(&tx, None).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        let _guard = self.cache.reload.lock().await;
        self.cache.facts.install(generation, revision, facts);
        let now = queries::revisions::all(self.store.conn()).await?[at];
        self.cache.facts.catch_up(self.store.conn(), now).await
    }

    /// How many statements the list in memory holds (0 while it is not built).
    pub fn statement_facts_len(&self) -> usize {
        self.cache.facts.len()
    }

    /// The remembered answers (see [`cache`]).
    pub fn cache(&self) -> &cache::Cache {
        &self.cache.answers
    }

    /// Drops what the database's revisions say changed since last seen (by this process or
    /// another sharing the database): the registry snapshot and every answer when the registry
    /// moved, else the answers of each area that moved.
    async fn follow_revisions(&self) -> Result<(), ServiceError> {
        let now = queries::revisions::all(self.store.conn()).await?;
        let before = std::mem::replace(
            &mut *self
                .cache
                .seen
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
            now,
        );
        for (i, area) in queries::revisions::Area::ALL.into_iter().enumerate() {
            if before[i] == now[i] {
                continue;
            }
            if area == queries::revisions::Area::Liaisons {
                self.cache.facts.catch_up(self.store.conn(), now[i]).await?;
            }
            if area == queries::revisions::Area::Registry {
                // A body or topic removed takes its links with it.
                self.cache.facts.drop_all();
                let rows = queries::registry::load_all(self.store.conn()).await?;
                *self
                    .cache
                    .current
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) =
                    Arc::new(Snapshot::build(rows));
            }
            self.cache.answers.drop_area(area);
        }
        Ok(())
    }

    /// After a committed write of `area`: forget what it changed, at once.
    async fn changed(&self, area: queries::revisions::Area) -> Result<(), ServiceError> {
        let _guard = self.cache.reload.lock().await;
        self.cache.answers.drop_area(area);
        self.follow_revisions().await?;
        self.touch();
        Ok(())
    }

    fn current(&self) -> Arc<Snapshot> {
        self.cache
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn touch(&self) {
        *self
            .cache
            .checked_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Instant::now();
    }

    /// Rebuilds the snapshot from the database and forgets every answer (after a registry
    /// write of this process).
    async fn reload(&self) -> Result<(), ServiceError> {
        let _guard = self.cache.reload.lock().await;
        let rows = queries::registry::load_all(self.store.conn()).await?;
        *self
            .cache
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(Snapshot::build(rows));
        self.cache
            .answers
            .drop_area(queries::revisions::Area::Registry);
        self.cache.facts.drop_all();
        *self
            .cache
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            queries::revisions::all(self.store.conn()).await?;
        self.touch();
        Ok(())
    }
}
