//! The search index and the one search over it, on SQLite (FTS5) and PostgreSQL (tsvector).
//!
//! Every searchable item is one [`SearchEntry`], written by the item's own write transaction
//! ([`upsert`], [`remove`]), so a search never shows a deleted or hidden item and never misses
//! a committed one. [`search`] answers the same contract on both backends: the hits of one
//! page with their snippets, the exact total, and facet counts.
//!
//! Snippets are cut in Rust from the item's text around the first word found (a word
//! matches when it starts like a query word: "services" marks "service"), so both backends
//! show the same passage; the parts are plain text, escaped by whoever renders them.
//!
//! The user's text is never handed to FTS5 `MATCH` or `to_tsquery` as it is: [`terms`] keeps
//! the words (letters and digits, folded to lower case without diacritics), and each is
//! quoted (FTS5) or bound to `plainto_tsquery` (PostgreSQL). All words must match; the last
//! one also matches as a prefix when it has three letters or more.
//!
//! Language: SQLite stems with Porter (English) and folds diacritics (`unicode61
//! remove_diacritics 2`); PostgreSQL indexes the text folded without diacritics under both
//! the `english` and the `french` configurations. So "services" finds "service", and
//! "telecommunications" and "télécommunications" find each other, on both.
//!
//! Scale: `total` is exact up to [`TOTAL_CAP`] matches; beyond, it says "more than
//! [`TOTAL_CAP`]" ([`SearchResults::total_exact`] is false), so a common word costs no more to
//! count than a rarer one. Ranking reads every candidate's statistics, so the hits are ranked
//! among the [`RANK_WINDOW`] most recently indexed matches (more for a page beyond them), and
//! facets are counted with one `GROUP BY` on the narrow `search_facets` table over those
//! ranked matches; when more match, [`SearchResults::facets_exact`] is false. On SQLite the
//! access rule and the filters are also written as tokens of the full-text index (`tags`: one
//! per access grant and facet value), so counting and ranking never leave the index; FTS5
//! walks it newest first. On PostgreSQL a GIN index has no order, so each entry's `tsv` also
//! holds the lexeme of its recency bucket ([`BUCKET_SHIFT`]): the newest matches of a large
//! result are found in the newest buckets without reading every match. The page of hits is
//! read back through the shared SQL rule on both.

use liaise_domain::{AccessLevel, Viewer};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter,
    sea_query::{
        Alias, DynIden, Expr, ExprTrait, IntoIden, Order, Query, SelectStatement, SimpleExpr,
    },
};
use time::OffsetDateTime;
use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

use crate::{
    StoreError,
    entity::{search_entry, search_facet, search_owner},
};

/// The total is exact up to this many matches.
pub const TOTAL_CAP: u64 = 10_000;
/// This many matches are ranked (the most recently indexed ones), and facets count them.
pub const RANK_WINDOW: u64 = 1000;
/// PostgreSQL: an entry's recency bucket is its id shifted right by this many bits (4,096
/// consecutive entries a bucket).
pub const BUCKET_SHIFT: u32 = 12;
/// At most this many words of a query are used.
pub const MAX_TERMS: usize = 16;
/// PostgreSQL indexes at most this many bytes of an item's text (a `tsvector` is capped at
/// 1 MiB); SQLite indexes all of it.
const TSV_TEXT_MAX: usize = 256 * 1024;

/// One searchable item, as its write transaction describes it.
#[derive(Debug, Clone, Default)]
pub struct SearchEntry {
    /// `body`, `person`, `topic`, `liaison`, `activity`, `document` …
    pub kind: String,
    /// Stable key of the item within its kind (code, slug, number or id).
    pub key: String,
    pub title: String,
    pub text: String,
    /// Local path of the item's page.
    pub url: String,
    /// `public`, `members` or `secretariat`.
    pub access: String,
    /// Organizations owning the item (their secretariats see secretariat-only items).
    pub owner_ids: Vec<i32>,
    /// Facet values: organization codes, body codes, topic slugs.
    pub organizations: Vec<String>,
    pub bodies: Vec<String>,
    pub topics: Vec<String>,
    pub year: Option<i32>,
    /// `en`, `fr`, or none when unknown or mixed.
    pub language: Option<String>,
}

/// One search, with filters by facet value and a page.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub text: String,
    pub kind: Option<String>,
    pub organization: Option<String>,
    pub body: Option<String>,
    pub topic: Option<String>,
    pub year: Option<i32>,
    pub offset: u64,
    pub limit: u64,
}

/// A piece of a snippet: plain text, or a matched word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetPart {
    pub text: String,
    pub marked: bool,
}

#[derive(Debug, Clone)]
pub struct SearchHit {
    pub kind: String,
    pub key: String,
    pub title: String,
    pub url: String,
    pub year: Option<i32>,
    pub snippet: Vec<SnippetPart>,
    /// The hit's place among the ranked matches the viewer may see: 1 for the first, down
    /// to `1 / n` for the last of `n`. Higher is better; comparable within one result only.
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// Counts per value of each facet, largest first.
#[derive(Debug, Clone, Default)]
pub struct Facets {
    pub organization: Vec<FacetCount>,
    pub body: Vec<FacetCount>,
    pub topic: Vec<FacetCount>,
    pub kind: Vec<FacetCount>,
    pub year: Vec<FacetCount>,
}

#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    /// Every match, or [`TOTAL_CAP`] when more match (then `total_exact` is false).
    pub total: u64,
    pub total_exact: bool,
    pub facets: Facets,
    /// False when more than [`RANK_WINDOW`] items matched and the facets count the ranked
    /// ones only.
    pub facets_exact: bool,
}

/// Text without diacritics, in composed form (`é` → `e`).
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .nfc()
        .collect()
}

/// The words of a query: runs of letters and digits, lower case, without diacritics; at most
/// [`MAX_TERMS`], each at most 64 characters. Quotes, operators and punctuation are dropped.
pub fn terms(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(64).collect::<String>().to_lowercase())
        .take(MAX_TERMS)
        .collect()
}

/// Whether the last word also matches as a prefix.
fn prefix_ok(word: &str) -> bool {
    word.chars().count() >= 3
        && word
            .chars()
            .all(|c| c.is_alphabetic() || c.is_ascii_digit())
}

/// Removes control characters but line breaks and tabs from text before it is indexed.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || c.is_whitespace())
        .collect()
}

/// One token of the `tags` column: a prefix and the value in hex (any code or slug becomes
/// letters and digits), closed by `0` so no stemmer touches it.
fn tag(prefix: &str, value: &str) -> String {
    let mut t = format!("z{prefix}");
    for b in value.to_lowercase().bytes() {
        t.push_str(&format!("{b:02x}"));
    }
    t.push('0');
    t
}

/// PostgreSQL: the lexeme of the recency bucket of the entry `id` (a lexeme no word of text
/// is, in the `simple` configuration).
fn bucket(id: i32) -> String {
    format!("zbkt{}z", id >> BUCKET_SHIFT)
}

/// The tokens of an entry's access grants and facet values: its level (`acl`), its owners
/// (`own`, by organization id), kind, year, organizations, bodies and topics.
fn tags(e: &SearchEntry) -> String {
    let mut t = vec![tag("acl", &e.access), tag("kind", &e.kind)];
    t.extend(e.owner_ids.iter().map(|o| tag("own", &o.to_string())));
    t.extend(e.year.iter().map(|y| tag("year", &y.to_string())));
    t.extend(e.organizations.iter().map(|v| tag("org", v)));
    t.extend(e.bodies.iter().map(|v| tag("body", v)));
    t.extend(e.topics.iter().map(|v| tag("topic", v)));
    t.join(" ")
}

/// The FTS5 query of these words: each one quoted, all required, the last also as a prefix.
fn fts5_query(words: &[String]) -> String {
    let last = words.len().saturating_sub(1);
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i == last && prefix_ok(w) {
                format!("\"{w}\"*")
            } else {
                format!("\"{w}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The PostgreSQL tsquery of these words, as SQL with numbered placeholders and its values.
fn pg_query(words: &[String]) -> (String, Vec<sea_orm::Value>) {
    let last = words.len().saturating_sub(1);
    let mut values: Vec<sea_orm::Value> = Vec::new();
    let mut parts = Vec::new();
    for (i, w) in words.iter().enumerate() {
        values.push(w.clone().into());
        let n = values.len();
        let mut part =
            format!("plainto_tsquery('english', ${n}) || plainto_tsquery('french', ${n})");
        if i == last && prefix_ok(w) {
            values.push(format!("{w}:*").into());
            part.push_str(&format!(" || to_tsquery('simple', ${})", values.len()));
        }
        parts.push(format!("({part})"));
    }
    (parts.join(" && "), values)
}

/// Writes an item's entry, replacing the one it had.
pub async fn upsert(
    c: &impl ConnectionTrait,
    entry: &SearchEntry,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    remove(c, &entry.kind, &entry.key).await?;
    insert(c, entry, now).await
}

/// Removes an item's entry (an item deleted, or no longer searchable).
pub async fn remove(c: &impl ConnectionTrait, kind: &str, key: &str) -> Result<(), StoreError> {
    search_entry::Entity::delete_many()
        .filter(search_entry::Column::Kind.eq(kind))
        .filter(search_entry::Column::ItemKey.eq(key))
        .exec(c)
        .await?;
    Ok(())
}

/// Removes every entry of these kinds (before they are indexed again).
pub async fn remove_kinds(c: &impl ConnectionTrait, kinds: &[&str]) -> Result<(), StoreError> {
    search_entry::Entity::delete_many()
        .filter(search_entry::Column::Kind.is_in(kinds.iter().copied()))
        .exec(c)
        .await?;
    Ok(())
}

/// Removes every entry (before the whole index is rebuilt).
pub async fn clear(c: &impl ConnectionTrait) -> Result<(), StoreError> {
    search_entry::Entity::delete_many().exec(c).await?;
    Ok(())
}

/// Refreshes the planner's statistics after a bulk load (PostgreSQL; SQLite needs none).
pub async fn analyze(c: &impl ConnectionTrait) -> Result<(), StoreError> {
    if c.get_database_backend() == DatabaseBackend::Postgres {
        c.execute_unprepared("ANALYZE search_entries, search_facets, search_owners")
            .await?;
    }
    Ok(())
}

/// How many entries the index holds.
pub async fn count(c: &impl ConnectionTrait) -> Result<u64, StoreError> {
    use sea_orm::PaginatorTrait;
    Ok(search_entry::Entity::find().count(c).await?)
}

/// Adds an entry for an item that has none.
pub async fn insert(
    c: &impl ConnectionTrait,
    entry: &SearchEntry,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    use search_entry::Column as E;
    // The index's access rule relies on every entry having one of the known levels.
    if !AccessLevel::ALL.iter().any(|l| l.as_str() == entry.access) {
        return Err(StoreError::Db(sea_orm::DbErr::Custom(format!(
            "search entry {} {} has an unknown access level {:?}",
            entry.kind, entry.key, entry.access
        ))));
    }
    let backend = c.get_database_backend();
    let title = clean(&entry.title);
    let body = clean(&entry.text);
    let mut columns: Vec<DynIden> = [
        E::Kind,
        E::ItemKey,
        E::Title,
        E::Body,
        E::Url,
        E::Access,
        E::Year,
        E::Language,
        E::Tags,
        E::UpdatedAt,
    ]
    .into_iter()
    .map(IntoIden::into_iden)
    .collect();
    let mut values: Vec<SimpleExpr> = vec![
        entry.kind.clone().into(),
        entry.key.clone().into(),
        title.clone().into(),
        body.clone().into(),
        entry.url.clone().into(),
        entry.access.clone().into(),
        entry.year.into(),
        entry.language.clone().into(),
        tags(entry).into(),
        now.into(),
    ];
    let mut known_id = None;
    if backend == DatabaseBackend::Postgres {
        // The id is drawn first: the bucket lexeme in `tsv` is made from it.
        let id = c
            .query_one(Query::select().expr_as(
                Expr::cust(
                    "CAST(nextval(pg_get_serial_sequence('search_entries', 'id')) AS integer)",
                ),
                Alias::new("id"),
            ))
            .await?
            .ok_or_else(|| StoreError::Db(sea_orm::DbErr::RecordNotInserted))?
            .try_get::<i32>("", "id")?;
        known_id = Some(id);
        columns.push(E::Id.into_iden());
        values.push(id.into());
        let mut text = fold(&body);
        if text.len() > TSV_TEXT_MAX {
            let mut end = TSV_TEXT_MAX;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
        }
        // The title under both configurations; the text under its own language's only
        // (both when unknown), which halves what ranking reads for most items.
        let body_tsv = match entry.language.as_deref() {
            Some("en") => "to_tsvector('english', $2)",
            Some("fr") => "to_tsvector('french', $2)",
            _ => "to_tsvector('english', $2) || to_tsvector('french', $2)",
        };
        columns.push(Alias::new("tsv").into_iden());
        values.push(Expr::cust_with_values(
            format!(
                "setweight(to_tsvector('english', $1) || to_tsvector('french', $1), 'A') \
                 || {body_tsv} || to_tsvector('simple', $3)"
            ),
            [fold(&title), text, bucket(id)],
        ));
    }
    let mut insert = Query::insert();
    insert
        .into_table(search_entry::Entity)
        .columns(columns)
        .values(values)
        .map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(e.to_string())))?;
    let id = match known_id {
        Some(id) => {
            c.execute(&insert).await?;
            id
        }
        None => {
            insert.returning_col(E::Id);
            c.query_one(&insert)
                .await?
                .ok_or_else(|| StoreError::Db(sea_orm::DbErr::RecordNotInserted))?
                .try_get("", "id")?
        }
    };
    let mut owners = entry.owner_ids.clone();
    owners.sort_unstable();
    owners.dedup();
    if !owners.is_empty() {
        search_owner::Entity::insert_many(owners.into_iter().map(|o| search_owner::ActiveModel {
            entry_id: sea_orm::Set(id),
            organization_id: sea_orm::Set(o),
        }))
        .exec_without_returning(c)
        .await?;
    }
    let mut facets: Vec<(&str, String)> = Vec::new();
    facets.extend(
        entry
            .organizations
            .iter()
            .map(|v| ("organization", v.clone())),
    );
    facets.extend(entry.bodies.iter().map(|v| ("body", v.clone())));
    facets.extend(entry.topics.iter().map(|v| ("topic", v.clone())));
    facets.push(("kind", entry.kind.clone()));
    if let Some(y) = entry.year {
        facets.push(("year", y.to_string()));
    }
    facets.sort();
    facets.dedup();
    search_facet::Entity::insert_many(facets.into_iter().map(|(f, v)| search_facet::ActiveModel {
        entry_id: sea_orm::Set(id),
        facet: sea_orm::Set(f.to_owned()),
        value: sea_orm::Set(v),
    }))
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// The entries `viewer` may see.
fn visible(viewer: &Viewer) -> sea_orm::Condition {
    super::access::visible_condition(
        viewer,
        search_entry::Column::Access,
        search_entry::Column::Id,
        search_owner::Entity,
        search_owner::Column::EntryId,
        search_owner::Column::OrganizationId,
    )
}

/// PostgreSQL: the matching entries `viewer` may see, with the filters, as a `FROM … WHERE …`
/// to which the caller adds what it selects.
///
/// With `buckets` (a tsquery of bucket lexemes), only the entries of those buckets: the
/// condition is one tsquery, so the GIN index answers both at once.
fn pg_matching(
    viewer: &Viewer,
    q: &SearchQuery,
    words: &[String],
    buckets: Option<String>,
) -> SelectStatement {
    use search_entry::Column as E;
    let (mut tsq, mut values) = pg_query(words);
    if let Some(b) = buckets {
        values.push(b.into());
        tsq = format!("({tsq}) && to_tsquery('simple', ${})", values.len());
    }
    let mut s = Query::select();
    s.from(search_entry::Entity)
        .and_where(Expr::cust_with_values(
            format!("search_entries.tsv @@ ({tsq})"),
            values,
        ))
        .cond_where(visible(viewer));
    if let Some(k) = &q.kind {
        s.and_where(Expr::col((search_entry::Entity, E::Kind)).eq(k.as_str()));
    }
    if let Some(y) = q.year {
        s.and_where(Expr::col((search_entry::Entity, E::Year)).eq(y));
    }
    for (facet, value) in [
        ("organization", &q.organization),
        ("body", &q.body),
        ("topic", &q.topic),
    ] {
        if let Some(v) = value {
            s.and_where(
                Expr::col((search_entry::Entity, E::Id)).in_subquery(
                    Query::select()
                        .column(search_facet::Column::EntryId)
                        .from(search_facet::Entity)
                        .and_where(search_facet::Column::Facet.eq(facet))
                        .and_where(search_facet::Column::Value.eq(v.as_str()))
                        .to_owned(),
                ),
            );
        }
    }
    s
}

/// PostgreSQL: the total (capped), and the newest `reach` matches ranked by score.
///
/// 1. One statement reads at most [`TOTAL_CAP`] + 1 matches from the GIN index's bitmap:
///    their number is the total, and when that is exact they are every match, so the newest
///    `reach` of them are the candidates.
/// 2. Otherwise the candidates are found bucket by bucket from the newest, one, two, four …
///    buckets at a time, each step one GIN scan of the words and the buckets' lexemes, until
///    `reach` are found: a common word is found in the newest bucket, without reading every
///    one of its matches.
/// 3. Only the candidates' tsvectors are read to rank them.
async fn pg_ranked(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    q: &SearchQuery,
    words: &[String],
    reach: u64,
) -> Result<(u64, Vec<(i32, f64)>), StoreError> {
    use search_entry::Column as E;
    let id = || Expr::col((search_entry::Entity, E::Id));
    let mut capped = pg_matching(viewer, q, words, None);
    capped.expr_as(id(), Alias::new("id")).limit(TOTAL_CAP + 1);
    let m = Alias::new("m");
    let first = Query::select()
        .expr_as(Expr::cust("(SELECT COUNT(*) FROM m)"), Alias::new("total"))
        .expr_as(Expr::cust("(SELECT MAX(id) FROM m)"), Alias::new("reached"))
        .expr_as(Expr::col((m.clone(), Alias::new("id"))), Alias::new("id"))
        .from(m.clone())
        .order_by((m.clone(), Alias::new("id")), Order::Desc)
        .limit(reach)
        .to_owned();
    let with = sea_orm::sea_query::WithClause::new()
        .cte(
            sea_orm::sea_query::CommonTableExpression::new()
                .query(capped)
                .table_name(m)
                .to_owned(),
        )
        .to_owned();
    let mut total = 0;
    let mut reached = 0;
    let mut candidates: Vec<i32> = Vec::new();
    for r in c.query_all(&first.with(with)).await? {
        total = u64::try_from(r.try_get::<i64>("", "total")?).unwrap_or(0);
        reached = r.try_get::<Option<i32>>("", "reached")?.unwrap_or(0);
        candidates.push(r.try_get("", "id")?);
    }
    if total > TOTAL_CAP {
        candidates = pg_newest(c, viewer, q, words, reach, reached).await?;
    }
    if candidates.is_empty() {
        return Ok((total, Vec::new()));
    }
    let (tsq, values) = pg_query(words);
    let scored = Query::select()
        .expr_as(id(), Alias::new("id"))
        .expr_as(
            Expr::cust_with_values(
                format!("CAST(ts_rank(search_entries.tsv, {tsq}) AS double precision)"),
                values,
            ),
            Alias::new("score"),
        )
        .from(search_entry::Entity)
        .and_where(id().is_in(candidates))
        .to_owned();
    let mut ranked = Vec::new();
    for r in c.query_all(&scored).await? {
        ranked.push((r.try_get("", "id")?, r.try_get("", "score")?));
    }
    Ok((total, ranked))
}

/// PostgreSQL: the newest `reach` matches of a large result, bucket by bucket. The first
/// [`TOTAL_CAP`] + 1 matches (in the table's order, mostly the oldest) had ids up to
/// `reached`: their density tells how many buckets the first step takes.
async fn pg_newest(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    q: &SearchQuery,
    words: &[String],
    reach: u64,
    reached: i32,
) -> Result<Vec<i32>, StoreError> {
    use search_entry::Column as E;
    // The newest id, by a walk of the primary key (allowed again for this one statement).
    c.execute_unprepared("SET LOCAL enable_indexscan = on")
        .await?;
    let top = Query::select()
        .expr_as(Expr::cust("MAX(id)"), Alias::new("id"))
        .from(search_entry::Entity)
        .to_owned();
    let top = c
        .query_one(&top)
        .await?
        .and_then(|r| r.try_get::<Option<i32>>("", "id").ok().flatten());
    c.execute_unprepared("SET LOCAL enable_indexscan = off")
        .await?;
    let Some(top) = top else {
        return Ok(Vec::new());
    };
    // The share of entries that match, as seen in the first TOTAL_CAP + 1 matches (at least
    // the share of all entries they are); the first step takes enough buckets for `reach`
    // matches at that share, and one more for the newest bucket, which may be nearly empty.
    // A step that finds too few is followed by one twice as wide.
    let seen = f64::from(Ord::max(Ord::min(reached, top), 1));
    let share = f64::min((TOTAL_CAP + 1) as f64 / seen, 1.0);
    let per_bucket = share * f64::from(1u32 << BUCKET_SHIFT);
    let mut span = ((reach as f64 / f64::max(per_bucket, 1.0)).ceil() as i32).saturating_add(1);
    let mut found: Vec<i32> = Vec::new();
    let mut high = top >> BUCKET_SHIFT;
    while high >= 0 && (found.len() as u64) < reach {
        let low = Ord::max(high - span + 1, 0);
        let buckets = (low..=high)
            .rev()
            .map(|b| format!("zbkt{b}z"))
            .collect::<Vec<_>>()
            .join(" | ");
        let mut s = pg_matching(viewer, q, words, Some(buckets));
        s.expr_as(Expr::col((search_entry::Entity, E::Id)), Alias::new("id"))
            .order_by((search_entry::Entity, E::Id), Order::Desc)
            .limit(reach - found.len() as u64);
        for r in c.query_all(&s).await? {
            found.push(r.try_get("", "id")?);
        }
        high = low - 1;
        span = span.saturating_mul(2);
    }
    Ok(found)
}

/// SQLite: the FTS5 expression of the words, the access rule and the filters. The words are
/// looked for in the title and text only; the rule and filters are tokens of `tags`: the
/// same condition as `access::visible_condition` (public items for everyone, members-only
/// ones for members and secretariats, secretariat-only ones for the secretariats of their
/// owners, everything for administrators), checked against it by the tests.
///
/// The rule is written as what the viewer may *not* see: most items are public, and
/// excluding the few members-only and secretariat-only ones reads far shorter lists of the
/// index than requiring "public" of every match. It is safe because every entry's level is
/// one of [`AccessLevel::ALL`] ([`insert`] refuses any other), so the exclusions cover all
/// that is not granted.
async fn sqlite_expression(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    q: &SearchQuery,
    words: &[String],
) -> Result<String, StoreError> {
    use liaise_domain::Role;
    let level = |l: AccessLevel| format!("\"{}\"", tag("acl", l.as_str()));
    let mut e = format!("({{title body}} : ({}))", fts5_query(words));
    let hidden = match &viewer.role {
        Role::Admin => None,
        Role::Public => Some(format!(
            "{} OR {}",
            level(AccessLevel::Members),
            level(AccessLevel::Secretariat)
        )),
        Role::Member => Some(level(AccessLevel::Secretariat)),
        Role::Secretariat(org) => {
            let own = crate::entity::organization::Entity::find()
                .filter(crate::entity::organization::Column::Code.eq(org.as_str()))
                .one(c)
                .await?
                .map(|o| format!(" NOT \"{}\"", tag("own", &o.id.to_string())))
                .unwrap_or_default();
            Some(format!("{}{own}", level(AccessLevel::Secretariat)))
        }
    };
    if let Some(h) = hidden {
        e = format!("({e} NOT (tags : ({h})))");
    }
    let year = q.year.map(|y| y.to_string());
    for (prefix, value) in [
        ("kind", &q.kind),
        ("org", &q.organization),
        ("body", &q.body),
        ("topic", &q.topic),
        ("year", &year),
    ] {
        if let Some(v) = value {
            e.push_str(&format!(" AND (tags : \"{}\")", tag(prefix, v)));
        }
    }
    Ok(e)
}

/// SQLite: the total, and the best `window` matches with their scores, all from the index.
async fn sqlite_ranked(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    q: &SearchQuery,
    words: &[String],
    reach: u64,
) -> Result<(u64, Vec<(i32, f64)>), StoreError> {
    use sea_orm::Statement;
    let expr = sqlite_expression(c, viewer, q, words).await?;
    let b = DatabaseBackend::Sqlite;
    let total = match c
        .query_one_raw(Statement::from_sql_and_values(
            b,
            format!(
                "SELECT COUNT(*) AS n FROM (SELECT rowid FROM search_fts \
                 WHERE search_fts MATCH ? LIMIT {})",
                TOTAL_CAP + 1
            ),
            [expr.clone().into()],
        ))
        .await?
    {
        Some(r) => u64::try_from(r.try_get::<i64>("", "n")?).unwrap_or(0),
        None => 0,
    };
    if total == 0 {
        return Ok((0, Vec::new()));
    }
    // The newest `reach` matches: FTS5 walks its index newest first and stops there, so
    // bm25 is computed for those only; they are ordered by score here.
    let sql = format!(
        "SELECT rowid AS id, -bm25(search_fts, 5.0, 1.0, 0.0) AS score \
         FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC LIMIT {reach}"
    );
    let mut ranked: Vec<(i32, f64)> = Vec::new();
    for r in c
        .query_all_raw(Statement::from_sql_and_values(b, sql, [expr.into()]))
        .await?
    {
        ranked.push((r.try_get("", "id")?, r.try_get("", "score")?));
    }
    Ok((total, ranked))
}

/// One search, as `viewer` may see it.
pub async fn search(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    q: &SearchQuery,
) -> Result<SearchResults, StoreError> {
    let backend = c.get_database_backend();
    let words = terms(&q.text);
    if words.is_empty() {
        return Ok(SearchResults {
            facets_exact: true,
            total_exact: true,
            ..SearchResults::default()
        });
    }
    if backend == DatabaseBackend::Postgres {
        // Each `@@` on a row reads its whole tsvector out of line; the planner does not count
        // that and scans the table when most rows match. The GIN index is always the better
        // path here. Scoped to the caller's transaction (without one it changes nothing).
        c.execute_unprepared("SET LOCAL enable_seqscan = off")
            .await?;
        // Likewise a walk of the primary key that tests `@@` row by row: only bitmap scans
        // (the GIN index for the words, the key for the candidates) are wanted.
        c.execute_unprepared("SET LOCAL enable_indexscan = off")
            .await?;
        // One search is a few milliseconds of work: parallel workers only add their start-up
        // and take the cores other requests need.
        c.execute_unprepared("SET LOCAL max_parallel_workers_per_gather = 0")
            .await?;
    }
    // The matches ranked: the newest RANK_WINDOW, or more for a page beyond them.
    let reach = Ord::max(RANK_WINDOW, q.offset.saturating_add(q.limit));
    let (total, mut ranked) = match backend {
        DatabaseBackend::Sqlite => sqlite_ranked(c, viewer, q, &words, reach).await?,
        _ => pg_ranked(c, viewer, q, &words, reach).await?,
    };
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    // The score shown is the hit's place in this viewer's own ranked list, not the backend's
    // relevance: SQLite's bm25 counts every entry of the index (the number of entries, their
    // average length, how many hold each word), so its value would change when entries the
    // viewer cannot see are added.
    let n = ranked.len();
    for (i, hit) in ranked.iter_mut().enumerate() {
        hit.1 = place_score(i, n);
    }
    let facets = facets(c, &ranked).await?;
    let total_exact = total <= TOTAL_CAP;
    let page: Vec<(i32, f64)> = ranked
        .iter()
        .skip(usize::try_from(q.offset).unwrap_or(usize::MAX))
        .take(usize::try_from(q.limit).unwrap_or(usize::MAX))
        .copied()
        .collect();
    let hits = hits(c, viewer, &words, &page).await?;
    Ok(SearchResults {
        hits,
        total: Ord::min(total, TOTAL_CAP),
        total_exact,
        facets_exact: total_exact && total <= ranked.len() as u64,
        facets,
    })
}

/// The score of the hit at `place` (from 0) of `n` ranked ones: 1 for the first, down to
/// `1 / n` for the last.
fn place_score(place: usize, n: usize) -> f64 {
    (n - place) as f64 / n as f64
}

/// Facet counts over these entries.
async fn facets(c: &impl ConnectionTrait, ranked: &[(i32, f64)]) -> Result<Facets, StoreError> {
    let mut out = Facets::default();
    if ranked.is_empty() {
        return Ok(out);
    }
    let count = Alias::new("n");
    let q = Query::select()
        .column(search_facet::Column::Facet)
        .column(search_facet::Column::Value)
        .expr_as(Expr::cust("COUNT(*)"), count.clone())
        .from(search_facet::Entity)
        .and_where(search_facet::Column::EntryId.is_in(ranked.iter().map(|(id, _)| *id)))
        .group_by_col(search_facet::Column::Facet)
        .group_by_col(search_facet::Column::Value)
        .to_owned();
    for r in c.query_all(&q).await? {
        let facet: String = r.try_get("", "facet")?;
        let value: String = r.try_get("", "value")?;
        let n: i64 = r.try_get("", "n")?;
        let list = match facet.as_str() {
            "organization" => &mut out.organization,
            "body" => &mut out.body,
            "topic" => &mut out.topic,
            "kind" => &mut out.kind,
            "year" => &mut out.year,
            _ => continue,
        };
        list.push(FacetCount {
            value,
            count: u64::try_from(n).unwrap_or(0),
        });
    }
    for list in [
        &mut out.organization,
        &mut out.body,
        &mut out.topic,
        &mut out.kind,
    ] {
        list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    }
    out.year.sort_by(|a, b| b.value.cmp(&a.value));
    Ok(out)
}

/// The hits of one page, in rank order, with their snippets, read through the shared access
/// rule.
async fn hits(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    words: &[String],
    page: &[(i32, f64)],
) -> Result<Vec<SearchHit>, StoreError> {
    if page.is_empty() {
        return Ok(Vec::new());
    }
    let rows = search_entry::Entity::find()
        .filter(search_entry::Column::Id.is_in(page.iter().map(|(id, _)| *id)))
        .filter(visible(viewer))
        .all(c)
        .await?;
    let mut by_id: std::collections::HashMap<i32, search_entry::Model> =
        rows.into_iter().map(|r| (r.id, r)).collect();
    Ok(page
        .iter()
        .filter_map(|(id, score)| {
            by_id.remove(id).map(|r| {
                let mut snippet = snippet(&r.body, words);
                if !snippet.iter().any(|p| p.marked) {
                    snippet = snippet_or_none(&r.title, words).unwrap_or(snippet);
                }
                SearchHit {
                    kind: r.kind,
                    key: r.item_key,
                    title: r.title,
                    url: r.url,
                    year: r.year,
                    snippet,
                    score: *score,
                }
            })
        })
        .collect())
}

/// Words of a snippet shown around the first match.
const SNIPPET_WORDS: usize = 24;

/// What a word of the text must start with to count as a match of a query word: the word
/// itself when short, else its first three quarters (so "services" marks "service",
/// "postal" marks "postaux", "telecommunications" marks "télécommunication").
fn root(word: &str) -> String {
    let n = word.chars().count();
    let keep = if n <= 4 {
        n
    } else {
        (n * 3).div_ceil(4).max(4)
    };
    word.chars().take(keep).collect()
}

/// A passage of `text` around the first word matching the query, with the matching words
/// marked; the same on both backends. Text without a match gives its beginning.
pub fn snippet(text: &str, words: &[String]) -> Vec<SnippetPart> {
    snippet_at(text, words).unwrap_or_default()
}

fn snippet_or_none(text: &str, words: &[String]) -> Option<Vec<SnippetPart>> {
    let s = snippet_at(text, words)?;
    s.iter().any(|p| p.marked).then_some(s)
}

fn snippet_at(text: &str, words: &[String]) -> Option<Vec<SnippetPart>> {
    if text.trim().is_empty() {
        return None;
    }
    let roots: Vec<String> = words.iter().map(|w| root(w)).collect();
    // Runs of letters and digits (words) and of everything else, as slices of the text.
    let mut runs: Vec<(&str, bool)> = Vec::new();
    let mut start = 0;
    let mut in_word = None;
    for (i, ch) in text.char_indices() {
        let w = ch.is_alphanumeric();
        if in_word != Some(w) {
            if let Some(prev) = in_word {
                runs.push((&text[start..i], prev));
            }
            start = i;
            in_word = Some(w);
        }
    }
    if let Some(prev) = in_word {
        runs.push((&text[start..], prev));
    }
    let matches = |s: &str| {
        let f = fold(s).to_lowercase();
        roots.iter().any(|r| f.starts_with(r.as_str()))
    };
    let word_runs: Vec<usize> = (0..runs.len()).filter(|i| runs[*i].1).collect();
    let first = word_runs
        .iter()
        .position(|i| matches(runs[*i].0))
        .unwrap_or(0);
    let from_word = first.saturating_sub(SNIPPET_WORDS / 3);
    let to_word = (from_word + SNIPPET_WORDS).min(word_runs.len());
    let (Some(&from), Some(&last)) = (
        word_runs.get(from_word),
        word_runs.get(to_word.checked_sub(1)?),
    ) else {
        return None;
    };
    // From the very start when the window holds the first word, else after a "…".
    let from = if from_word == 0 { 0 } else { from };
    let mut parts = Vec::new();
    let mut plain = String::new();
    if from > 0 {
        plain.push('…');
    }
    let more = runs[last + 1..].iter().any(|(_, w)| *w);
    let end = if more { last } else { runs.len() - 1 };
    for (s, is_word) in &runs[from..=end] {
        if *is_word && matches(s) {
            if !plain.is_empty() {
                parts.push(SnippetPart {
                    text: std::mem::take(&mut plain),
                    marked: false,
                });
            }
            parts.push(SnippetPart {
                text: (*s).to_owned(),
                marked: true,
            });
        } else {
            // Line breaks and runs of spaces read as one space.
            let mut space = false;
            for ch in s.chars() {
                if ch.is_whitespace() {
                    if !space {
                        plain.push(' ');
                    }
                    space = true;
                } else {
                    plain.push(ch);
                    space = false;
                }
            }
        }
    }
    if more {
        plain.push('…');
    }
    if !plain.is_empty() {
        parts.push(SnippetPart {
            text: plain,
            marked: false,
        });
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_a_query() {
        assert_eq!(
            terms("Télécommunications, QoS!"),
            ["telecommunications", "qos"]
        );
        assert!(
            terms("\" AND( * - NEAR")
                .iter()
                .all(|w| w.chars().all(char::is_alphanumeric))
        );
        assert_eq!(terms("\"*-()"), Vec::<String>::new());
        assert_eq!(terms(&"a ".repeat(40)).len(), MAX_TERMS);
    }

    #[test]
    fn fts5_queries_are_quoted() {
        let w = terms("near AND( servi");
        assert_eq!(fts5_query(&w), "\"near\" \"and\" \"servi\"*");
        assert_eq!(fts5_query(&terms("qos ab")), "\"qos\" \"ab\"");
    }

    #[test]
    fn snippets_mark_the_words_found() {
        let text = "Opening.\nThe postal services of <b>the</b> Union: postaux, service, télécommunication.";
        let parts = snippet(text, &terms("services telecommunications postal"));
        let marked: Vec<&str> = parts
            .iter()
            .filter(|p| p.marked)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(
            marked,
            [
                "postal",
                "services",
                "postaux",
                "service",
                "télécommunication"
            ]
        );
        let all: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            all,
            "Opening. The postal services of <b>the</b> Union: postaux, service, télécommunication."
        );
        // A long text is cut around the first match.
        let long = format!("{} needle {}", "word ".repeat(100), "tail ".repeat(100));
        let parts = snippet(&long, &terms("needle"));
        let all: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert!(all.starts_with('…') && all.ends_with('…'), "{all}");
        assert_eq!(all.split_whitespace().count(), SNIPPET_WORDS);
        assert!(snippet("", &terms("x")).is_empty());
    }
}
