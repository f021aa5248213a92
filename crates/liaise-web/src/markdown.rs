//! Body text of statements is Markdown. It is rendered to HTML by pulldown-cmark and the
//! result is cleaned by ammonia's allow-list, so raw HTML in the source, `javascript:` links
//! and event attributes never reach a page or a feed.

use std::collections::HashSet;

use pulldown_cmark::{Options, Parser, html};

/// Safe HTML for a Markdown text: headings, lists, links, emphasis, tables, code.
pub fn to_html(text: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut raw = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(text, options));
    ammonia::Builder::default()
        // No images: a statement's text links to files, it does not load them.
        .rm_tags(["img"])
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&raw)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn markdown_renders_and_nothing_active_passes() {
        let html = to_html(
            "# Heading\n\n* one\n* two\n\n*em* **strong** [link](https://itu.int)\n\n\
             | a | b |\n|---|---|\n| 1 | 2 |\n",
        );
        for expected in [
            "<h1>Heading</h1>",
            "<li>one</li>",
            "<em>em</em>",
            "<strong>strong</strong>",
            "href=\"https://itu.int\"",
            "<table>",
            "<td>1</td>",
        ] {
            assert!(html.contains(expected), "{expected} missing in {html}");
        }
        for (input, forbidden) in [
            ("<script>alert(1)</script>", "<script"),
            ("[x](javascript:alert(1))", "javascript:"),
            ("<img src=x onerror=alert(1)>", "onerror"),
            ("<img src=\"https://tracker.example/x.png\">", "<img"),
            ("<a href=\"javascript:alert(1)\">x</a>", "javascript:"),
            ("<iframe src=\"https://evil.example\"></iframe>", "<iframe"),
            ("<p style=\"x\" onclick=\"alert(1)\">x</p>", "onclick"),
        ] {
            let html = to_html(input);
            assert!(!html.contains(forbidden), "{input} gave {html}");
        }
    }
}
