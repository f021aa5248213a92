//! Search over everything a viewer may see, and the index behind it.
//!
//! Each kind of item describes itself as a [`SearchEntry`] in its own write transaction
//! (`index_*` below, called by the write before it commits), so the index never disagrees with
//! what is committed. [`KINDS`] lists every kind once; `reindex` rebuilds them all in one
//! transaction. A new kind adds one `entry_for_*` function, calls it in its writes, and adds
//! one line to [`reindex_all`].

use liaise_domain::{DomainError, PageRequest, Viewer};
use liaise_store::{
    Conn,
    queries::{
        activities as activity_q, documents as document_q, liaisons as liaison_q, registry as reg,
        search::{self as q, SearchEntry},
    },
};
use time::OffsetDateTime;

use crate::{
    Liaise, ServiceError,
    activities::Activity,
    documents::{DocumentView, ProposalView, ResolutionVersion},
    liaisons::Liaison,
    snapshot::Snapshot,
};

pub use liaise_store::queries::search::{
    FacetCount, Facets, SearchHit, SearchResults, SnippetPart,
};

/// Every kind of item the index holds, in the order facets list them.
pub const KINDS: &[&str] = &[
    "body",
    "person",
    "topic",
    "liaison",
    "activity",
    "meeting",
    "document",
    "proposal",
    "resolution",
];

/// The kinds that belong to the registry, indexed again with each registry write.
const REGISTRY_KINDS: &[&str] = &["body", "person", "topic"];

/// The longest query accepted, in characters.
pub const QUERY_MAX: usize = 200;
/// How deep results can be paged (offset plus page size).
pub const DEPTH_MAX: u64 = 10_000;

/// A search as asked: the words and the filters, by code and slug.
#[derive(Debug, Default, Clone)]
pub struct SearchRequest {
    pub q: String,
    pub kind: Option<String>,
    pub organization: Option<String>,
    pub body: Option<String>,
    pub topic: Option<String>,
    pub year: Option<i32>,
}

impl SearchRequest {
    /// The query text, checked: not blank, not too long.
    pub fn check(&self) -> Result<&str, ServiceError> {
        let q = self.q.trim();
        if q.is_empty() {
            return Err(DomainError::invalid("q", "type at least one word to search for").into());
        }
        if q.chars().count() > QUERY_MAX {
            return Err(DomainError::invalid(
                "q",
                format!("must be at most {QUERY_MAX} characters"),
            )
            .into());
        }
        Ok(q)
    }
}

fn joined<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn body_entry(snap: &Snapshot, b: &crate::snapshot::Body) -> SearchEntry {
    let _ = snap;
    SearchEntry {
        kind: "body".into(),
        key: b.code.clone(),
        title: format!("{} {}", b.code, b.name),
        text: joined([b.name_fr.as_deref(), b.mandate.as_deref()]),
        url: format!("/bodies/{}", b.code),
        access: "public".into(),
        organizations: b.organizations.clone(),
        bodies: vec![b.code.clone()],
        topics: b.topics.clone(),
        ..SearchEntry::default()
    }
}

fn person_entry(snap: &Snapshot, p: &crate::snapshot::Person) -> SearchEntry {
    // Never the e-mail address: the index is shared by every viewer.
    let roles: Vec<String> = p
        .roles
        .iter()
        .map(|r| format!("{} {}", r.kind, r.body))
        .collect();
    let mut bodies: Vec<String> = p.roles.iter().map(|r| r.body.clone()).collect();
    bodies.sort();
    bodies.dedup();
    SearchEntry {
        kind: "person".into(),
        key: p.id.to_string(),
        title: p.name.clone(),
        text: joined([
            p.affiliation.as_deref(),
            p.organization.as_deref(),
            Some(&roles.join("\n")),
        ]),
        url: format!("/people/{}", p.id),
        // A person not in the public directory is found by those who may see them
        // (administrators, and their organization's secretariat): the index is shared.
        access: if p.is_public() {
            "public"
        } else {
            "secretariat"
        }
        .into(),
        owner_ids: owner_ids(snap, p.organization.as_slice()),
        organizations: p.organization.iter().cloned().collect(),
        bodies,
        ..SearchEntry::default()
    }
}

fn topic_entry(snap: &Snapshot, t: &crate::snapshot::Topic) -> SearchEntry {
    let mut organizations: Vec<String> = t
        .bodies
        .iter()
        .filter_map(|b| snap.body(b))
        .flat_map(|b| b.organizations.iter().cloned())
        .collect();
    organizations.sort();
    organizations.dedup();
    SearchEntry {
        kind: "topic".into(),
        key: t.slug.clone(),
        title: t.name.clone(),
        text: joined([t.name_fr.as_deref(), t.description.as_deref()]),
        url: format!("/topics/{}", t.slug),
        access: "public".into(),
        organizations,
        bodies: t.bodies.clone(),
        topics: vec![t.slug.clone()],
        ..SearchEntry::default()
    }
}

fn owner_ids(snap: &Snapshot, codes: &[String]) -> Vec<i32> {
    codes
        .iter()
        .filter_map(|c| snap.organization(c).map(|o| o.id))
        .collect()
}

fn liaison_entry(snap: &Snapshot, ls: &Liaison) -> SearchEntry {
    let title = match &ls.number {
        Some(n) => format!("{n}: {}", ls.title),
        None => ls.title.clone(),
    };
    let mut bodies: Vec<String> = ls
        .from
        .iter()
        .cloned()
        .chain(ls.addressees.iter().map(|a| a.body.clone()))
        .collect();
    bodies.sort();
    bodies.dedup();
    SearchEntry {
        kind: "liaison".into(),
        // The id, not the number: a draft gets its number later.
        key: ls.id.to_string(),
        title,
        text: joined([
            ls.summary.as_deref(),
            ls.text.as_deref(),
            ls.other_reference.as_deref(),
            Some(&ls.questions.join(" ")),
        ]),
        url: format!("/liaisons/{}", ls.key()),
        // Until it is sent, a statement is its secretariats' working copy, whatever level it
        // will have once sent; sending it writes its entry again.
        access: if ls.is_sent() {
            ls.access.as_str().to_owned()
        } else {
            liaise_domain::AccessLevel::Secretariat.as_str().to_owned()
        },
        owner_ids: owner_ids(snap, &ls.organizations),
        organizations: ls.organizations.clone(),
        bodies,
        topics: ls.topics.clone(),
        year: Some(ls.date.year()),
        language: None,
    }
}

fn activity_entry(snap: &Snapshot, a: &Activity) -> SearchEntry {
    SearchEntry {
        kind: "activity".into(),
        key: a.id.to_string(),
        title: a.title.clone(),
        text: joined([a.summary.as_deref(), Some(&a.kind)]),
        url: format!("/activities/{}", a.id),
        access: a.access.as_str().to_owned(),
        owner_ids: owner_ids(snap, &a.organizations),
        organizations: a.organizations.clone(),
        bodies: a.bodies.clone(),
        topics: a.topics.clone(),
        year: a.date.map(|d| d.year()),
        language: None,
    }
}

/// Indexes the registry (bodies, people, topics) again as it stands in this transaction. It
/// is small, and one change (a link, a role, a rename) touches several entries.
pub(crate) async fn index_registry(c: &impl Conn) -> Result<(), ServiceError> {
    let snap = Snapshot::build(reg::load_all(c).await?);
    let now = OffsetDateTime::now_utc();
    q::remove_kinds(c, REGISTRY_KINDS).await?;
    for b in &snap.bodies {
        q::insert(c, &body_entry(&snap, b), now).await?;
    }
    for p in &snap.people {
        q::insert(c, &person_entry(&snap, p), now).await?;
    }
    for t in &snap.topics {
        q::insert(c, &topic_entry(&snap, t), now).await?;
    }
    Ok(())
}

/// Indexes one liaison statement as it stands in this transaction.
pub(crate) async fn index_liaison(
    c: &impl Conn,
    snap: &Snapshot,
    id: i32,
) -> Result<(), ServiceError> {
    match crate::liaisons::load(c, snap, id).await? {
        Some(ls) => q::upsert(c, &liaison_entry(snap, &ls), OffsetDateTime::now_utc()).await?,
        None => q::remove(c, "liaison", &id.to_string()).await?,
    }
    Ok(())
}

fn meeting_entry(snap: &Snapshot, m: &crate::meetings::Meeting) -> SearchEntry {
    let start = m.time_zone.local(m.starts_at);
    SearchEntry {
        kind: "meeting".into(),
        key: m.id.to_string(),
        title: m.title.clone(),
        // The link is left out: who may read it can be narrower than who may read the entry.
        text: joined([
            m.number.as_deref(),
            m.place.as_deref(),
            Some(m.kind.as_str()),
            Some(&start.date),
        ]),
        url: format!("/meetings/{}", m.id),
        access: m.access.as_str().to_owned(),
        owner_ids: owner_ids(snap, &m.organizations),
        organizations: m.organizations.clone(),
        bodies: m.bodies.clone(),
        topics: m.topics.clone(),
        year: start.date.get(..4).and_then(|y| y.parse().ok()),
        language: None,
    }
}

/// Indexes one meeting as it stands in this transaction.
pub(crate) async fn index_meeting(
    c: &impl Conn,
    snap: &Snapshot,
    id: i32,
) -> Result<(), ServiceError> {
    match crate::meetings::load(c, snap, id).await? {
        Some(m) => q::upsert(c, &meeting_entry(snap, &m), OffsetDateTime::now_utc()).await?,
        None => q::remove(c, "meeting", &id.to_string()).await?,
    }
    Ok(())
}

/// Indexes one activity as it stands in this transaction.
pub(crate) async fn index_activity(
    c: &impl Conn,
    snap: &Snapshot,
    id: i32,
) -> Result<(), ServiceError> {
    match crate::activities::load(c, snap, id).await? {
        Some(a) => q::upsert(c, &activity_entry(snap, &a), OffsetDateTime::now_utc()).await?,
        None => q::remove(c, "activity", &id.to_string()).await?,
    }
    Ok(())
}

fn document_entry(snap: &Snapshot, d: &DocumentView) -> SearchEntry {
    let _ = snap;
    SearchEntry {
        kind: "document".into(),
        key: d.id.to_string(),
        title: format!("{}: {}", d.number, d.title),
        text: joined([
            d.source.as_deref(),
            d.meeting.as_deref(),
            d.latest().map(|v| v.file_name.as_str()),
            d.latest().map(|v| v.text.as_str()),
        ]),
        url: format!("/documents/{}", d.id),
        access: d.access.as_str().to_owned(),
        owner_ids: owner_ids(snap, &d.organizations),
        organizations: d.organizations.clone(),
        bodies: d.bodies.clone(),
        topics: d.topics.clone(),
        year: d.date.map(|x| x.year()),
        language: Some(d.language.clone()).filter(|l| l == "en" || l == "fr"),
    }
}

fn proposal_entry(snap: &Snapshot, d: &DocumentView, p: &ProposalView) -> SearchEntry {
    let sections: Vec<&str> = p.text.sections.iter().map(|s| s.after.as_str()).collect();
    SearchEntry {
        kind: "proposal".into(),
        key: p.identifier.clone(),
        title: format!("{} {} {}", p.action, p.identifier, p.target_label()),
        text: joined([
            Some(p.source.as_str()),
            p.text.title.as_ref().map(|t| t.after.as_str()),
            p.abstract_text.as_deref(),
            p.reasons.as_deref(),
            Some(&p.topics.join("\n")),
            Some(&sections.join("\n")),
        ]),
        url: format!("/proposals/{}", p.identifier),
        access: d.access.as_str().to_owned(),
        owner_ids: owner_ids(snap, &d.organizations),
        organizations: d.organizations.clone(),
        bodies: d.bodies.clone(),
        topics: d.topics.clone(),
        year: d.date.map(|x| x.year()),
        language: None,
    }
}

fn resolution_entry(r: &ResolutionVersion) -> SearchEntry {
    let items: Vec<String> = r
        .items()
        .map(|(s, i)| format!("{} {}", s.heading, i.text))
        .collect();
    SearchEntry {
        kind: "resolution".into(),
        key: r.number.clone(),
        title: format!(
            "Resolution {} (Rev. {}, {}): {}",
            r.number, r.assembly, r.year, r.title
        ),
        text: joined([r.history.as_deref(), Some(&items.join("\n"))]),
        url: format!("/resolutions/{}", r.number),
        access: "public".into(),
        year: Some(r.year),
        language: Some("en".into()),
        ..SearchEntry::default()
    }
}

/// Indexes one document and its proposals as they stand in this transaction.
pub(crate) async fn index_document(
    c: &impl Conn,
    snap: &Snapshot,
    id: i32,
) -> Result<(), ServiceError> {
    let system = Viewer::system();
    let now = OffsetDateTime::now_utc();
    let Some(row) = document_q::get(c, &system, id).await? else {
        return Ok(q::remove(c, "document", &id.to_string()).await?);
    };
    let docs = crate::documents::assemble(c, snap, vec![row]).await?;
    for d in &docs {
        q::upsert(c, &document_entry(snap, d), now).await?;
        for p in document_q::proposals_of(c, &system, &[d.id]).await? {
            let p = crate::documents::proposal_view(p);
            q::upsert(c, &proposal_entry(snap, d, &p), now).await?;
        }
    }
    Ok(())
}

/// Indexes a resolution (its latest text) as it stands in this transaction.
pub(crate) async fn index_resolution(c: &impl Conn, number: &str) -> Result<(), ServiceError> {
    let latest = document_q::resolution_versions(c, number).await?.pop();
    match latest {
        Some(r) => {
            let r = crate::documents::resolution_view(r);
            q::upsert(c, &resolution_entry(&r), OffsetDateTime::now_utc()).await?;
        }
        None => q::remove(c, "resolution", number).await?,
    }
    Ok(())
}

/// Rebuilds the whole index: one line per kind.
async fn reindex_all(c: &impl Conn, snap: &Snapshot) -> Result<(), ServiceError> {
    q::clear(c).await?;
    index_registry(c).await?;
    for id in liaison_q::all_ids(c).await? {
        index_liaison(c, snap, id).await?;
    }
    for id in activity_q::all_ids(c).await? {
        index_activity(c, snap, id).await?;
    }
    for id in liaise_store::queries::meetings::all_ids(c).await? {
        index_meeting(c, snap, id).await?;
    }
    for id in document_q::all_ids(c).await? {
        index_document(c, snap, id).await?;
    }
    for number in document_q::resolution_numbers(c).await? {
        index_resolution(c, &number).await?;
    }
    Ok(())
}

impl Liaise {
    /// Everything `viewer` may see that matches, one page of it, with facet counts.
    #[tracing::instrument(skip_all, fields(actor = viewer.actor()))]
    pub async fn search(
        &self,
        viewer: &Viewer,
        request: &SearchRequest,
        page: PageRequest,
    ) -> Result<SearchResults, ServiceError> {
        let text = request.check()?;
        if page.offset().saturating_add(page.per_page()) > DEPTH_MAX {
            return Err(DomainError::invalid(
                "page",
                format!("search results can be paged {DEPTH_MAX} deep at most"),
            )
            .into());
        }
        let query = q::SearchQuery {
            text: text.to_owned(),
            kind: crate::blank(&request.kind).map(str::to_owned),
            organization: crate::blank(&request.organization).map(str::to_owned),
            body: crate::blank(&request.body).map(str::to_owned),
            topic: crate::blank(&request.topic).map(str::to_owned),
            year: liaise_domain::text::optional_year("year", request.year)?,
            offset: page.offset(),
            limit: page.per_page(),
        };
        // One read transaction: the counts, the ranking and the page see the same data.
        let tx = self.store.begin_read().await?;
        let found = q::search(&tx, viewer, &query).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        Ok(found)
    }

    /// Rebuilds the search index from the items, in one transaction (administrators).
    /// Answers how many entries it holds.
    pub async fn reindex_search(&self, viewer: &Viewer) -> Result<u64, ServiceError> {
        liaise_domain::authorize(viewer, &liaise_domain::Action::Administer)?;
        let snap = self.registry().await?;
        let tx = self.store.begin().await?;
        reindex_all(&tx, &snap).await?;
        let n = q::count(&tx).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        Ok(n)
    }

    /// Writes `count` synthetic index entries of kind `document` (about 5 KB of English and
    /// French text each), in transactions of `batch`, to measure search before documents
    /// exist. Calls `progress` with each batch written.
    pub async fn generate_search_corpus(
        &self,
        count: u64,
        seed: u64,
        batch: u64,
        mut progress: impl FnMut(u64),
    ) -> Result<(), ServiceError> {
        let snap = self.registry().await?;
        let mut corpus = crate::corpus::Corpus::new(&snap, seed);
        let now = OffsetDateTime::now_utc();
        let mut done = 0;
        while done < count {
            let n = batch.min(count - done);
            let tx = self.store.begin().await?;
            for i in done..done + n {
                q::upsert(&tx, &corpus.entry(i), now).await?;
            }
            tx.commit().await.map_err(liaise_store::StoreError::from)?;
            done += n;
            progress(n);
        }
        q::analyze(self.store.conn()).await?;
        Ok(())
    }
}
