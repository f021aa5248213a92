//! The one cache of remembered answers (content query results, rendered lists). A key is
//! typed: what the answer is ([`Answer`], which names the area of data it is computed from),
//! the viewer's access scope, and the query. A write drops the answers of the areas it
//! changes and no others: writing a statement keeps the remembered documents and activities.
//! A registry write drops everything (every answer names bodies and topics).
//!
//! An answer computed from data read before a write must not be remembered after the write
//! dropped its area: [`Cache::recall`] hands out a [`Ticket`] holding the area's generation,
//! and [`Cache::remember`] keeps the answer only if no drop happened in between.

use std::{
    any::Any,
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use liaise_domain::Viewer;
pub use liaise_store::queries::revisions::Area;

/// What a remembered answer is; each names the area it is computed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Answer {
    /// A page of statements (`Liaise::liaisons`).
    LiaisonPage,
    /// The rendered list of statements of the list page.
    LiaisonListHtml,
    /// The serialized JSON of `GET /api/v1/liaisons`.
    LiaisonListJson,
    /// The number of statements that pass a filter, shared by all its pages.
    LiaisonCount,
    /// Statements by direction between organizations.
    LiaisonDirections,
    /// A page of activities.
    ActivityPage,
    /// The number of activities that pass a filter.
    ActivityCount,
    /// A page of documents.
    DocumentPage,
    /// The number of documents that pass a filter.
    DocumentCount,
    /// A page of proposals.
    ProposalPage,
    /// The number of proposals that pass a filter.
    ProposalCount,
    /// A page of meetings.
    MeetingPage,
    /// The number of meetings that pass a filter.
    MeetingCount,
    /// One meeting with its agenda and minutes (links unfiltered; checked per viewer).
    MeetingDetail,
}

impl Answer {
    pub const fn area(self) -> Area {
        match self {
            Answer::LiaisonPage
            | Answer::LiaisonListHtml
            | Answer::LiaisonListJson
            | Answer::LiaisonCount
            | Answer::LiaisonDirections => Area::Liaisons,
            Answer::ActivityPage | Answer::ActivityCount => Area::Activities,
            Answer::DocumentPage
            | Answer::DocumentCount
            | Answer::ProposalPage
            | Answer::ProposalCount => Area::Documents,
            Answer::MeetingPage | Answer::MeetingCount | Answer::MeetingDetail => Area::Meetings,
        }
    }
}

/// A remembered answer's key: what it is, for which access scope, for which query.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    answer: Answer,
    scope: String,
    query: String,
}

impl Key {
    /// The key of `answer` to `query` as `viewer` may see it (answers are shared by everyone
    /// of the same access scope, never across scopes).
    pub fn new(answer: Answer, viewer: &Viewer, query: impl Into<String>) -> Self {
        Self {
            answer,
            scope: crate::access_scope(viewer),
            query: query.into(),
        }
    }
}

/// The right to remember the answer to a key, if its area was not dropped since.
#[derive(Debug)]
pub struct Ticket {
    key: Key,
    generation: u64,
}

/// Answers remembered per area, at most this many in each. A rendered list is tens of KB, so
/// this bounds the cache near 25 MB per area however many distinct queries arrive between two
/// writes; past it the area starts again empty.
const PER_AREA: usize = 512;

#[derive(Default)]
struct Shelf {
    /// Moves at every drop.
    generation: u64,
    entries: HashMap<Key, Arc<dyn Any + Send + Sync>>,
}

#[derive(Default)]
pub struct Cache {
    shelves: Mutex<HashMap<Area, Shelf>>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").finish_non_exhaustive()
    }
}

impl Cache {
    /// The remembered answer to `key`, or the ticket to remember it once computed.
    pub fn recall<T: Any + Send + Sync>(&self, key: Key) -> Result<Arc<T>, Ticket> {
        let shelves = self.shelves.lock().unwrap_or_else(PoisonError::into_inner);
        let shelf = shelves.get(&key.answer.area());
        if let Some(hit) = shelf
            .and_then(|s| s.entries.get(&key))
            .and_then(|v| v.clone().downcast::<T>().ok())
        {
            return Ok(hit);
        }
        Err(Ticket {
            generation: shelf.map_or(0, |s| s.generation),
            key,
        })
    }

    /// Remembers an answer, unless its area was dropped after the ticket was given.
    pub fn remember<T: Any + Send + Sync>(&self, ticket: Ticket, value: Arc<T>) {
        let mut shelves = self.shelves.lock().unwrap_or_else(PoisonError::into_inner);
        let shelf = shelves.entry(ticket.key.answer.area()).or_default();
        if shelf.generation != ticket.generation {
            return;
        }
        if shelf.entries.len() >= PER_AREA {
            shelf.entries.clear();
        }
        shelf.entries.insert(ticket.key, value);
    }

    /// Forgets every answer computed from `area` (all of them for the registry).
    pub fn drop_area(&self, area: Area) {
        let mut shelves = self.shelves.lock().unwrap_or_else(PoisonError::into_inner);
        let areas: &[Area] = if area == Area::Registry {
            &Area::ALL
        } else {
            std::slice::from_ref(&area)
        };
        for a in areas {
            let shelf = shelves.entry(*a).or_default();
            shelf.generation += 1;
            shelf.entries.clear();
        }
    }

    /// How many answers are remembered for `area`.
    pub fn len(&self, area: Area) -> usize {
        self.shelves
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&area)
            .map_or(0, |s| s.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(answer: Answer, q: &str) -> Key {
        Key::new(answer, &Viewer::anonymous(), q)
    }

    #[test]
    fn a_write_drops_only_its_area() {
        let cache = Cache::default();
        for a in [
            Answer::LiaisonListHtml,
            Answer::DocumentPage,
            Answer::ActivityPage,
        ] {
            let t = cache.recall::<u32>(key(a, "q")).unwrap_err();
            cache.remember(t, Arc::new(1u32));
        }
        cache.drop_area(Area::Liaisons);
        assert!(
            cache
                .recall::<u32>(key(Answer::LiaisonListHtml, "q"))
                .is_err()
        );
        assert!(cache.recall::<u32>(key(Answer::DocumentPage, "q")).is_ok());
        assert!(cache.recall::<u32>(key(Answer::ActivityPage, "q")).is_ok());
        cache.drop_area(Area::Registry);
        assert!(cache.recall::<u32>(key(Answer::DocumentPage, "q")).is_err());
        assert!(cache.recall::<u32>(key(Answer::ActivityPage, "q")).is_err());
    }

    #[test]
    fn an_answer_read_before_a_write_is_not_kept_after_it() {
        let cache = Cache::default();
        let t = cache
            .recall::<u32>(key(Answer::LiaisonListHtml, "q"))
            .unwrap_err();
        cache.drop_area(Area::Liaisons);
        cache.remember(t, Arc::new(1u32));
        assert!(
            cache
                .recall::<u32>(key(Answer::LiaisonListHtml, "q"))
                .is_err()
        );
    }

    #[test]
    fn scopes_do_not_share_answers() {
        let cache = Cache::default();
        let t = cache
            .recall::<u32>(key(Answer::LiaisonListHtml, "q"))
            .unwrap_err();
        cache.remember(t, Arc::new(1u32));
        let admin = Viewer::new("a", liaise_domain::Role::Admin);
        assert!(
            cache
                .recall::<u32>(Key::new(Answer::LiaisonListHtml, &admin, "q"))
                .is_err()
        );
    }
}
