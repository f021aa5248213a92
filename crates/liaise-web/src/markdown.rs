//! Body text of statements is Markdown. It is rendered to HTML by pulldown-cmark and the
//! result is cleaned by ammonia's allow-list, so raw HTML in the source, `javascript:` links
//! and event attributes never reach a page or a feed.

use std::collections::HashSet;

use pulldown_cmark::{Event, Options, Parser, html};

/// Safe HTML for a Markdown text: headings, lists, links, emphasis, tables, code.
pub fn to_html(text: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut raw = String::with_capacity(text.len() * 3 / 2);
    // Raw HTML in the source is shown as the author typed it, never interpreted: an unclosed
    // `<style>` would otherwise swallow the rest of the statement (ammonia drops a style
    // element's content) and `<details>` would fold it away.
    let events = Parser::new_ext(text, options).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    html::push_html(&mut raw, events);
    ammonia::Builder::default()
        // No images: a statement's text links to files, it does not load them. Nothing that
        // hides or folds the page around the statement either.
        .rm_tags(["img", "details", "summary"])
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
            // Raw HTML shows as typed (escaped text), so no element or attribute of it is live.
            ("<script>alert(1)</script>", "<script"),
            ("[x](javascript:alert(1))", "javascript:"),
            ("<img src=x onerror=alert(1)>", "<img"),
            ("<img src=\"https://tracker.example/x.png\">", "<img"),
            (
                "<a href=\"javascript:alert(1)\">x</a>",
                "<a href=\"javascript",
            ),
            ("<iframe src=\"https://evil.example\"></iframe>", "<iframe"),
            ("<p style=\"x\" onclick=\"alert(1)\">x</p>", "<p style"),
            ("![x](https://tracker.example/x.png)", "<img"),
        ] {
            let html = to_html(input);
            assert!(!html.contains(forbidden), "{input} gave {html}");
        }
    }

    /// Statement text cannot hide or restyle what follows it: raw HTML shows as typed.
    #[test]
    fn raw_html_cannot_hide_the_rest_of_the_text() {
        for input in [
            "Before.\n\n<style>\n\nAfter the style.",
            "Before. <style>body{display:none} After the style.",
            "Before.\n\n<details><summary>x</summary>\n\nAfter the style.\n\n</details>",
            "Before.\n\n<div hidden>\n\nAfter the style.",
        ] {
            let html = to_html(input);
            assert!(html.contains("After the style."), "{input} gave {html}");
            for element in ["<style", "<details", "<summary", "<div"] {
                assert!(!html.contains(element), "{input} gave {html}");
            }
            assert!(html.contains("&lt;"), "the tag shows as typed: {html}");
        }
    }
}
