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
//! Scale: `total` is always exact. Ranking reads every candidate's statistics, so when more
//! than [`RANK_WINDOW`] items match, the hits are ranked among the [`RANK_WINDOW`] most
//! recently indexed matches. Facets are counted with one `GROUP BY` on the narrow
//! `search_facets` table over the best [`FACET_WINDOW`] matches by rank; when more match,
//! [`SearchResults::facets_exact`] is false. On SQLite the access rule and the filters are also
//! written as tokens of the full-text index (`tags`: one per access grant and facet value), so
//! counting and ranking never leave the index; the page of hits is read back through the
//! shared SQL rule as well.

use liaise_domain::Viewer;
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

/// Facets are counted over at most this many best matches.
pub const FACET_WINDOW: u64 = 1000;
/// At most this many matches are ranked: the most recently indexed ones.
pub const RANK_WINDOW: u64 = 2000;
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
    /// Higher is better; comparable within one result only.
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
    pub total: u64,
    pub facets: Facets,
    /// False when more than [`FACET_WINDOW`] items matched and the facets count the best of
    /// them only.
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
    if backend == DatabaseBackend::Postgres {
        let mut text = fold(&body);
        if text.len() > TSV_TEXT_MAX {
            let mut end = TSV_TEXT_MAX;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
        }
        columns.push(Alias::new("tsv").into_iden());
        values.push(Expr::cust_with_values(
            "setweight(to_tsvector('english', $1) || to_tsvector('french', $1), 'A') \
             || to_tsvector('english', $2) || to_tsvector('french', $2)",
            [fold(&title), text],
        ));
    }
    let mut insert = Query::insert();
    insert
        .into_table(search_entry::Entity)
        .columns(columns)
        .values(values)
        .map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(e.to_string())))?
        .returning_col(E::Id);
    let row = c
        .query_one(&insert)
        .await?
        .ok_or_else(|| StoreError::Db(sea_orm::DbErr::RecordNotInserted))?;
    let id: i32 = row.try_get("", "id")?;
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
fn pg_matching(viewer: &Viewer, q: &SearchQuery, words: &[String]) -> SelectStatement {
    use search_entry::Column as E;
    let (tsq, values) = pg_query(words);
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

/// PostgreSQL: the total, and the best `window` matches with their scores.
async fn pg_ranked(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    q: &SearchQuery,
    words: &[String],
    window: u64,
) -> Result<(u64, Vec<(i32, f64)>), StoreError> {
    use search_entry::Column as E;
    let id = Expr::col((search_entry::Entity, E::Id));
    let mut count = pg_matching(viewer, q, words);
    count.expr_as(Expr::cust("COUNT(*)"), Alias::new("n"));
    let total = match c.query_one(&count).await? {
        Some(r) => u64::try_from(r.try_get::<i64>("", "n")?).unwrap_or(0),
        None => 0,
    };
    let mut scored = pg_matching(viewer, q, words);
    if total > RANK_WINDOW {
        let mut newest = pg_matching(viewer, q, words);
        newest
            .expr_as(id.clone(), Alias::new("id"))
            .order_by((search_entry::Entity, E::Id), Order::Desc)
            .offset(RANK_WINDOW - 1)
            .limit(1);
        if let Some(r) = c.query_one(&newest).await? {
            let from: i32 = r.try_get("", "id")?;
            scored.and_where(id.clone().gte(from));
        }
    }
    let (tsq, values) = pg_query(words);
    scored
        .expr_as(id, Alias::new("id"))
        .expr_as(
            Expr::cust_with_values(
                format!("CAST(ts_rank(search_entries.tsv, {tsq}) AS double precision)"),
                values,
            ),
            Alias::new("score"),
        )
        .order_by(Alias::new("score"), Order::Desc)
        .order_by(Alias::new("id"), Order::Asc)
        .limit(window);
    let mut ranked = Vec::new();
    for r in c.query_all(&scored).await? {
        ranked.push((r.try_get("", "id")?, r.try_get("", "score")?));
    }
    Ok((total, ranked))
}

/// SQLite: the FTS5 expression of the words, the access rule and the filters. The words are
/// looked for in the title and text only; the rule and filters are tokens of `tags`: the
/// same condition as `access::visible_condition` (public items for everyone, members-only
/// ones for members and secretariats, secretariat-only ones for the secretariats of their
/// owners, everything for administrators), checked against it by the tests.
async fn sqlite_expression(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    q: &SearchQuery,
    words: &[String],
) -> Result<String, StoreError> {
    use liaise_domain::Role;
    let mut e = format!("{{title body}} : ({})", fts5_query(words));
    let public = format!("\"{}\"", tag("acl", "public"));
    let members = format!("\"{}\"", tag("acl", "members"));
    let grants = match &viewer.role {
        Role::Admin => None,
        Role::Public => Some(public),
        Role::Member => Some(format!("{public} OR {members}")),
        Role::Secretariat(org) => {
            let own = crate::entity::organization::Entity::find()
                .filter(crate::entity::organization::Column::Code.eq(org.as_str()))
                .one(c)
                .await?
                .map(|o| format!(" OR \"{}\"", tag("own", &o.id.to_string())))
                .unwrap_or_default();
            Some(format!("{public} OR {members}{own}"))
        }
    };
    if let Some(g) = grants {
        e.push_str(&format!(" AND tags : ({g})"));
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
            e.push_str(&format!(" AND tags : \"{}\"", tag(prefix, v)));
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
    window: u64,
) -> Result<(u64, Vec<(i32, f64)>), StoreError> {
    use sea_orm::Statement;
    let expr = sqlite_expression(c, viewer, q, words).await?;
    let b = DatabaseBackend::Sqlite;
    let total = match c
        .query_one_raw(Statement::from_sql_and_values(
            b,
            "SELECT COUNT(*) AS n FROM search_fts WHERE search_fts MATCH ?",
            [expr.clone().into()],
        ))
        .await?
    {
        Some(r) => u64::try_from(r.try_get::<i64>("", "n")?).unwrap_or(0),
        None => 0,
    };
    let mut sql = "SELECT rowid AS id, -bm25(search_fts, 5.0, 1.0, 0.0) AS score \
                   FROM search_fts WHERE search_fts MATCH ?"
        .to_owned();
    let mut values: Vec<sea_orm::Value> = vec![expr.clone().into()];
    if total > RANK_WINDOW {
        let newest = c
            .query_one_raw(Statement::from_sql_and_values(
                b,
                "SELECT rowid AS id FROM search_fts WHERE search_fts MATCH ? \
                 ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                [expr.into(), (RANK_WINDOW - 1).into()],
            ))
            .await?;
        if let Some(r) = newest {
            sql.push_str(" AND rowid >= ?");
            values.push(r.try_get::<i32>("", "id")?.into());
        }
    }
    sql.push_str(" ORDER BY score DESC, id ASC LIMIT ?");
    values.push(window.into());
    let mut ranked = Vec::new();
    for r in c
        .query_all_raw(Statement::from_sql_and_values(b, sql, values))
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
            ..SearchResults::default()
        });
    }
    if backend == DatabaseBackend::Postgres {
        // Each `@@` on a row reads its whole tsvector out of line; the planner does not count
        // that and scans the table when most rows match. The GIN index is always the better
        // path here. Scoped to the caller's transaction (without one it changes nothing).
        c.execute_unprepared("SET LOCAL enable_seqscan = off")
            .await?;
    }
    // The best matches by rank: enough for this page and the facets.
    let window = std::cmp::Ord::max(FACET_WINDOW, q.offset.saturating_add(q.limit));
    let (total, ranked) = match backend {
        DatabaseBackend::Sqlite => sqlite_ranked(c, viewer, q, &words, window).await?,
        _ => pg_ranked(c, viewer, q, &words, window).await?,
    };
    let facets = facets(c, &ranked).await?;
    let page: Vec<(i32, f64)> = ranked
        .iter()
        .skip(usize::try_from(q.offset).unwrap_or(usize::MAX))
        .take(usize::try_from(q.limit).unwrap_or(usize::MAX))
        .copied()
        .collect();
    let hits = hits(c, viewer, &words, &page).await?;
    Ok(SearchResults {
        hits,
        total,
        facets,
        facets_exact: total <= FACET_WINDOW,
    })
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
