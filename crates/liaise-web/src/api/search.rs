//! One search over everything the caller may see.

use axum::{Json, extract::State};
use liaise_service::search::{FacetCount, SearchRequest, SearchResults, SnippetPart};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiQuery, ApiViewer};
use crate::{AppState, error::ApiError};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The words to find (1 to 200 characters). All must match; the last also as a prefix.
    /// Punctuation and operators are ignored.
    #[param(
        required = true,
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000]*[^\u0000\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000]*$"
    )]
    pub q: Option<String>,
    /// Kind of item: `body`, `person`, `topic`, `liaison`, `activity`.
    pub kind: Option<String>,
    /// Organization code.
    pub organization: Option<String>,
    /// Body code.
    pub body: Option<String>,
    /// Topic slug.
    pub topic: Option<String>,
    /// Year of the item's date.
    #[param(minimum = 1865, maximum = 9999)]
    pub year: Option<i32>,
    /// Page number, from 1. Results go 10,000 deep at most: a page beyond (`page` times
    /// `per_page` over 10,000) is a 422.
    #[param(minimum = 1, maximum = 10000)]
    pub page: Option<u64>,
    /// Hits per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHitDto {
    pub kind: String,
    /// The item's key within its kind (code, slug or id).
    pub key: String,
    pub title: String,
    /// Local path of the item's page.
    pub url: String,
    pub year: Option<i32>,
    /// A passage with the matched words in `<mark>`; everything else is HTML-escaped.
    pub snippet: String,
    /// The hit's place among the matches the caller may see that were ranked: 1 for the
    /// first, down to `1 / n` for the last of `n`. Higher is better; comparable within one
    /// answer only. It is derived from the order alone, so it says nothing about items the
    /// caller cannot see.
    pub score: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FacetCountDto {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FacetsDto {
    pub organization: Vec<FacetCountDto>,
    pub body: Vec<FacetCountDto>,
    pub topic: Vec<FacetCountDto>,
    pub kind: Vec<FacetCountDto>,
    pub year: Vec<FacetCountDto>,
    /// False when more than 1,000 items matched: the counts then cover the 1,000 best.
    pub exact: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchPageDto {
    pub items: Vec<SearchHitDto>,
    /// Every match the caller may see, over all pages; when `total_exact` is false, more
    /// than this many match.
    pub total: u64,
    pub total_exact: bool,
    pub page: u64,
    pub per_page: u64,
    pub facets: FacetsDto,
}

/// A snippet as HTML: the text escaped, the matched words in `<mark>`.
pub fn snippet_html(parts: &[SnippetPart]) -> String {
    let mut out = String::new();
    for p in parts {
        if p.marked {
            out.push_str("<mark>");
        }
        for c in p.text.chars() {
            match c {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c => out.push(c),
            }
        }
        if p.marked {
            out.push_str("</mark>");
        }
    }
    out
}

fn counts(list: &[FacetCount]) -> Vec<FacetCountDto> {
    list.iter()
        .map(|f| FacetCountDto {
            value: f.value.clone(),
            count: f.count,
        })
        .collect()
}

fn page_dto(r: &SearchResults, page: u64, per_page: u64) -> SearchPageDto {
    SearchPageDto {
        items: r
            .hits
            .iter()
            .map(|h| SearchHitDto {
                kind: h.kind.clone(),
                key: h.key.clone(),
                title: h.title.clone(),
                url: h.url.clone(),
                year: h.year,
                snippet: snippet_html(&h.snippet),
                score: h.score,
            })
            .collect(),
        total: r.total,
        total_exact: r.total_exact,
        page,
        per_page,
        facets: FacetsDto {
            organization: counts(&r.facets.organization),
            body: counts(&r.facets.body),
            topic: counts(&r.facets.topic),
            kind: counts(&r.facets.kind),
            year: counts(&r.facets.year),
            exact: r.facets_exact,
        },
    }
}

/// Searches bodies, people, topics, liaison statements and activities, showing only what
/// the caller may see; hits by relevance, facet counts over the whole filtered result.
#[utoipa::path(get, path = "/search", tag = "search", params(SearchParams),
    responses((status = 200, body = SearchPageDto),
        (status = 422, description = "`q` is missing, blank or longer than 200 characters, or the page is too deep", body = crate::error::Problem)))]
pub async fn search(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> Result<Json<SearchPageDto>, ApiError> {
    let page = super::extract::page_request(p.page, p.per_page)?;
    let request = SearchRequest {
        q: p.q.unwrap_or_default(),
        kind: p.kind,
        organization: p.organization,
        body: p.body,
        topic: p.topic,
        year: p.year,
    };
    let found = state.liaise.search(&viewer, &request, page).await?;
    Ok(Json(page_dto(&found, page.page(), page.per_page())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_escape_all_but_the_marks() {
        let parts = vec![
            SnippetPart {
                text: "<script>".into(),
                marked: false,
            },
            SnippetPart {
                text: "a&b".into(),
                marked: true,
            },
        ];
        assert_eq!(snippet_html(&parts), "&lt;script&gt;<mark>a&amp;b</mark>");
    }
}
