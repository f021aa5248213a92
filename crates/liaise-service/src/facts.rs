//! The statement list in memory: every statement's facts (access, owners, sources, topics,
//! addressee rows, date, title; never its text) in each order of the list, so a list's count
//! and the ids of one of its pages come from one pass in memory instead of a count and a
//! page query (`queries::list::Facts`).
//!
//! Kept exact, never approximately right:
//! - a write of this process announces, inside its transaction, the revision its commit makes
//!   and the statements it touches ([`StatementFacts::expect`]); once committed, the facts of
//!   those statements are read again and replaced before the write returns
//!   ([`StatementFacts::catch_up`], under the reload lock);
//! - a revision nobody announced (another process wrote, or a bulk write) drops the facts;
//!   until they are rebuilt in the background from one consistent read, lists are answered
//!   by the SQL list, which is always right, only slower.

use std::{
    collections::BTreeMap,
    sync::{PoisonError, RwLock},
};

use liaise_domain::{Role, Viewer};
use liaise_store::queries::{
    liaisons::{self as q, LiaisonFilter, Reader, StatementFact},
    list::Facts,
};

use crate::{ServiceError, Snapshot};

#[derive(Debug, Default)]
pub(crate) struct StatementFacts {
    inner: RwLock<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    facts: Option<Facts<StatementFact>>,
    /// The statements' revision the facts reflect.
    revision: i64,
    /// Writes of this process: the revision each makes and the statements it touches.
    pending: BTreeMap<i64, Vec<i32>>,
    building: bool,
    /// Moved by each drop, so a build started before one is not installed.
    generation: u64,
}

/// Who reads, with a secretariat's organization as the id its statements' owners name.
pub(crate) fn reader(viewer: &Viewer, snap: &Snapshot) -> Reader {
    match &viewer.role {
        Role::Admin => Reader::Admin,
        Role::Public => Reader::Public,
        Role::Member => Reader::Member,
        Role::Secretariat(org) => {
            Reader::Secretariat(snap.organization(org.as_str()).map(|o| o.id))
        }
    }
}

impl StatementFacts {
    fn inner(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn inner_mut(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// The count, the ids and the links of the page of `f` as `reader` sees it, or `None`
    /// while the facts are not built.
    pub(crate) fn page(
        &self,
        reader: Reader,
        f: &LiaisonFilter,
        offset: u64,
        limit: u64,
    ) -> Option<(u64, Vec<i32>, q::Links)> {
        let inner = self.inner();
        let facts = inner.facts.as_ref()?;
        let (order, reverse) = q::fact_order(f.sort);
        let matcher = q::Matcher::new(reader, f);
        let (total, ids) = facts.page(
            order,
            reverse,
            |h, s| matcher.admits_hot(h, s),
            offset,
            limit,
        );
        let mut links = q::Links::default();
        for id in &ids {
            if let Some(fact) = facts.get_by_id(*id) {
                fact.links_into(&mut links);
            }
        }
        Some((total, ids, links))
    }

    /// How many sent statements `reader` sees went from each organization to each other one
    /// (a statement counted once per pair, as `queries::liaisons::directions` counts), or
    /// `None` while the facts are not built.
    pub(crate) fn directions(
        &self,
        reader: Reader,
        snap: &Snapshot,
    ) -> Option<Vec<(String, String, u64)>> {
        use std::collections::{BTreeSet, HashMap};
        let inner = self.inner();
        let facts = inner.facts.as_ref()?;
        let orgs = |body: i32| {
            snap.body_by_id(body)
                .map(|b| b.organizations.as_slice())
                .unwrap_or_default()
        };
        let mut counts: HashMap<(&str, &str), u64> = HashMap::new();
        for s in facts.iter() {
            if !s.sent || !reader.sees(s.sent, &s.state, s.access, &s.owners) {
                continue;
            }
            let from: BTreeSet<&str> = s
                .sources
                .iter()
                .flat_map(|b| orgs(*b))
                .map(String::as_str)
                .collect();
            let to: BTreeSet<&str> = s
                .rows
                .iter()
                .flat_map(|r| orgs(r.body_id))
                .map(String::as_str)
                .collect();
            for f in &from {
                for t in to.iter().filter(|t| *t != f) {
                    *counts.entry((f, t)).or_default() += 1;
                }
            }
        }
        let mut out: Vec<(String, String, u64)> = counts
            .into_iter()
            .map(|((f, t), n)| (f.to_owned(), t.to_owned(), n))
            .collect();
        out.sort();
        Some(out)
    }

    /// A write of this process makes `revision` and touches `ids`; call inside its
    /// transaction, before the commit.
    pub(crate) fn expect(&self, revision: i64, ids: Vec<i32>) {
        let mut inner = self.inner_mut();
        if revision > inner.revision {
            inner.pending.insert(revision, ids);
        }
    }

    /// Forgets the facts (a change nobody announced); lists use SQL until they are rebuilt.
    pub(crate) fn drop_all(&self) {
        let mut inner = self.inner_mut();
        inner.facts = None;
        inner.generation += 1;
    }

    /// Brings the facts to `now`, the statements' revision in the database, by the writes
    /// this process announced; drops them if a revision between was not announced. Call under
    /// the reload lock.
    pub(crate) async fn catch_up(
        &self,
        c: &impl liaise_store::Conn,
        now: i64,
    ) -> Result<(), ServiceError> {
        loop {
            let (next, ids, generation) = {
                let mut inner = self.inner_mut();
                if inner.facts.is_none() || inner.revision >= now {
                    let done = inner.revision;
                    inner.pending.retain(|r, _| *r > done.min(now));
                    return Ok(());
                }
                let next = inner.revision + 1;
                match inner.pending.remove(&next) {
                    Some(ids) => (next, ids, inner.generation),
                    None => {
                        drop(inner);
                        self.drop_all();
                        return Ok(());
                    }
                }
            };
            let fresh = q::facts(c, Some(&ids)).await?;
            let mut inner = self.inner_mut();
            if inner.generation != generation {
                return Ok(());
            }
            if let Some(facts) = inner.facts.as_mut() {
                facts.replace(&ids, fresh);
            }
            inner.revision = next;
        }
    }

    /// Claims the right to build the facts when they are missing and nobody builds them:
    /// the generation to build for.
    pub(crate) fn claim_build(&self) -> Option<u64> {
        let mut inner = self.inner_mut();
        if inner.facts.is_some() || inner.building {
            return None;
        }
        inner.building = true;
        Some(inner.generation)
    }

    /// Installs facts read at `revision` for `generation` (dropped if a drop came since).
    pub(crate) fn install(&self, generation: u64, revision: i64, facts: Vec<StatementFact>) {
        let mut inner = self.inner_mut();
        inner.building = false;
        if inner.generation != generation {
            return;
        }
        inner.facts = Some(Facts::new(facts, &q::FACT_ORDERS));
        inner.revision = revision;
        inner.pending.retain(|r, _| *r > revision);
    }

    /// The build failed: another request may try again.
    pub(crate) fn build_failed(&self) {
        self.inner_mut().building = false;
    }

    /// How many statements are held (0 while not built).
    pub(crate) fn len(&self) -> usize {
        self.inner().facts.as_ref().map_or(0, Facts::len)
    }
}
