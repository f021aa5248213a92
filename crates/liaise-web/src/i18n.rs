//! Languages: English and French (UPU's working languages) from Fluent catalogs. The reader's
//! choice (a cookie set by the switch on every page) wins over the browser's Accept-Language.

use axum::{extract::FromRequestParts, http::request::Parts};
use fluent_templates::{Loader, static_loader};
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

pub const COOKIE: &str = "lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

static EN: LanguageIdentifier = langid!("en");
static FR: LanguageIdentifier = langid!("fr");

impl Lang {
    pub const ALL: [Self; 2] = [Self::En, Self::Fr];

    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
        }
    }

    /// The language's own name, for the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Fr => "Français",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Self::En),
            "fr" => Some(Self::Fr),
            _ => None,
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Self::En => &EN,
            Self::Fr => &FR,
        }
    }

    /// A message of the catalog.
    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    /// A message with arguments.
    pub fn t_args(self, key: &str, args: &[(&'static str, String)]) -> String {
        let map: std::collections::HashMap<
            std::borrow::Cow<'static, str>,
            fluent_templates::fluent_bundle::FluentValue<'_>,
        > = args
            .iter()
            .map(|(k, v)| {
                // Numbers stay numbers, so plural rules apply.
                let value = match v.parse::<f64>() {
                    Ok(n) => fluent_templates::fluent_bundle::FluentValue::from(n),
                    Err(_) => fluent_templates::fluent_bundle::FluentValue::from(v.clone()),
                };
                (std::borrow::Cow::Borrowed(*k), value)
            })
            .collect();
        LOCALES.lookup_with_args(self.id(), key, &map)
    }

    /// The French name where there is one and the reader reads French.
    pub fn pick<'a>(self, name: &'a str, name_fr: Option<&'a str>) -> &'a str {
        match (self, name_fr) {
            (Self::Fr, Some(fr)) if !fr.is_empty() => fr,
            _ => name,
        }
    }

    /// The label of a body kind (`study-group` → "Study group").
    pub fn kind(self, kind: &str) -> String {
        self.t(&format!("kind-{kind}"))
    }

    /// The label of an activity kind (`agreement` → "Agreement").
    pub fn activity_kind(self, kind: &str) -> String {
        self.t(&format!("activity-kind-{kind}"))
    }

    /// A message named by a prefix and a value: `tk("ls-state", "sent")` is `ls-state-sent`.
    pub fn tk(self, prefix: &str, value: &str) -> String {
        self.t(&format!("{prefix}-{value}"))
    }

    /// A date, given as such.
    pub fn day(self, date: &time::Date) -> String {
        self.date(&Some(*date))
    }

    /// The label of a role (`focal-point` → "Secretariat focal point").
    pub fn role(self, role: &str) -> String {
        self.t(&format!("role-{role}"))
    }

    /// A date as readers of the language write it; empty when there is none.
    pub fn date(self, date: &Option<time::Date>) -> String {
        const EN: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        const FR: [&str; 12] = [
            "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
            "nov.", "déc.",
        ];
        let Some(d) = *date else {
            return String::new();
        };
        let m = usize::from(u8::from(d.month())).saturating_sub(1);
        let names = match self {
            Self::En => EN,
            Self::Fr => FR,
        };
        format!(
            "{} {} {}",
            d.day(),
            names.get(m).copied().unwrap_or(""),
            d.year()
        )
    }

    /// Picks from a cookie value, then an Accept-Language header.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Self {
        if let Some(l) = cookie.and_then(Self::from_code) {
            return l;
        }
        let Some(header) = accept_language else {
            return Self::En;
        };
        let mut best: Option<(f32, Self)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = Self::from_code(primary)
                && q > 0.0
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map_or(Self::En, |(_, l)| l)
    }
}

/// Reads a cookie from the request headers.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    header_cookie(&parts.headers, name)
}

/// Reads a cookie from a header map.
pub fn header_cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let accept = parts
            .headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        Ok(Self::negotiate(cookie(parts, COOKIE), accept))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(cookie: Option<&str>, accept: Option<&str>, expected: Lang) {
        assert_eq!(
            Lang::negotiate(cookie, accept),
            expected,
            "{cookie:?} {accept:?}"
        );
    }

    #[test]
    fn negotiation() {
        check(None, None, Lang::En);
        check(None, Some("fr-CH, fr;q=0.9, en;q=0.8"), Lang::Fr);
        check(None, Some("en-GB,en;q=0.9,fr;q=0.8"), Lang::En);
        check(None, Some("de, fr;q=0.5"), Lang::Fr);
        check(None, Some("de"), Lang::En);
        check(None, Some("en;q=0.2, fr;q=0.7"), Lang::Fr);
        check(None, Some("fr;q=0"), Lang::En);
        check(Some("en"), Some("fr"), Lang::En);
        check(Some("fr"), None, Lang::Fr);
        check(Some("xx"), Some("fr"), Lang::Fr);
        check(None, Some(";;;,,q=x"), Lang::En);
    }

    #[test]
    fn both_catalogs_have_every_message() {
        let keys = |text: &str| -> Vec<String> {
            text.lines()
                .filter_map(|l| l.split_once(" ="))
                .map(|(k, _)| k.trim().to_owned())
                .filter(|k| !k.starts_with('#') && !k.is_empty() && !k.starts_with('.'))
                .collect()
        };
        // Every catalog file of a language (one per area: main.ftl, liaisons.ftl, ...).
        let catalog = |lang: &str| -> Vec<String> {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("locales")
                .join(lang);
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
                .collect();
            files.sort();
            assert!(!files.is_empty(), "no catalog in {}", dir.display());
            files
                .iter()
                .flat_map(|f| keys(&std::fs::read_to_string(f).unwrap()))
                .collect()
        };
        let en = catalog("en");
        let fr = catalog("fr");
        let mut unique = en.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), en.len(), "a message is defined twice");
        for k in &en {
            assert!(fr.contains(k), "French catalog lacks {k}");
            assert_ne!(Lang::Fr.t(k), "", "{k}");
        }
        for k in &fr {
            assert!(en.contains(k), "English catalog lacks {k}");
        }
        assert_eq!(Lang::Fr.t("nav-topics"), "Thèmes");
    }
}
