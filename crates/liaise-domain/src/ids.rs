//! Identifiers people read and type: codes of organizations and bodies, topic slugs, e-mails.

use std::fmt;

use crate::error::DomainError;

/// The stable code of an organization or a body: `ITU`, `SG12`, `POC-C4`, `FG-AI4NDM`.
///
/// One to 32 characters: ASCII letters, digits, `-`, `_` and `.`, starting with a letter or
/// digit. Codes are kept in upper case so `sg12` and `SG12` name the same body.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(String);

impl Code {
    pub const MAX_LEN: usize = 32;

    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(DomainError::invalid(field, "must not be empty"));
        }
        if s.chars().count() > Self::MAX_LEN {
            return Err(DomainError::invalid(
                field,
                format!("must be at most {} characters", Self::MAX_LEN),
            ));
        }
        let first_ok = s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        let all_ok = s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !first_ok || !all_ok {
            return Err(DomainError::invalid(
                field,
                format!(
                    "`{}` is not a valid code: use letters, digits, '-', '_' or '.', starting with a letter or digit",
                    crate::text::preview(s)
                ),
            ));
        }
        Ok(Self(s.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The slug of a topic in URLs and data: `dfs`, `mobile-payment-costs`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    pub const MAX_LEN: usize = 64;

    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(DomainError::invalid(field, "must not be empty"));
        }
        if s.len() > Self::MAX_LEN {
            return Err(DomainError::invalid(
                field,
                format!("must be at most {} characters", Self::MAX_LEN),
            ));
        }
        let ok = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if !ok {
            return Err(DomainError::invalid(
                field,
                format!(
                    "`{}` is not a valid slug: use lower-case letters, digits and single '-' inside",
                    crate::text::preview(s)
                ),
            ));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address, checked for shape only (one `@`, a dotted domain, no spaces).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        let s = raw.trim();
        let bad = || {
            DomainError::invalid(
                field,
                format!("`{}` is not an e-mail address", crate::text::preview(s)),
            )
        };
        if s.len() > Self::MAX_LEN {
            return Err(DomainError::invalid(
                field,
                format!("must be at most {} characters", Self::MAX_LEN),
            ));
        }
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        let local_ok = !local.is_empty()
            && !local.chars().any(|c| {
                c.is_whitespace() || c.is_control() || matches!(c, '@' | '<' | '>' | '"' | ',')
            });
        if !domain_ok || !local_ok {
            return Err(bad());
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_code(input: &str, expected: Option<&str>) {
        let got = Code::parse("code", input).ok();
        assert_eq!(got.as_ref().map(Code::as_str), expected, "input {input:?}");
    }

    #[test]
    fn codes() {
        check_code("SG12", Some("SG12"));
        check_code("sg12", Some("SG12"));
        check_code(" POC-C4 ", Some("POC-C4"));
        check_code("FG-AI4NDM", Some("FG-AI4NDM"));
        check_code("ITU-T", Some("ITU-T"));
        check_code("Q1.12", Some("Q1.12"));
        check_code("", None);
        check_code("-SG", None);
        check_code("SG 12", None);
        check_code("SG/12", None);
        check_code("<script>", None);
        check_code(&"A".repeat(33), None);
        check_code(&"A".repeat(32), Some(&"A".repeat(32)));
    }

    fn check_slug(input: &str, ok: bool) {
        assert_eq!(Slug::parse("slug", input).is_ok(), ok, "input {input:?}");
    }

    #[test]
    fn slugs() {
        check_slug("dfs", true);
        check_slug("mobile-payment-costs", true);
        check_slug("qos2", true);
        check_slug("DFS", false);
        check_slug("-dfs", false);
        check_slug("dfs-", false);
        check_slug("a--b", false);
        check_slug("a b", false);
        check_slug("", false);
        check_slug("é", false);
    }

    fn check_email(input: &str, ok: bool) {
        assert_eq!(Email::parse("email", input).is_ok(), ok, "input {input:?}");
    }

    #[test]
    fn emails() {
        check_email("tsbsg12@itu.int", true);
        check_email("first.last@upu.int", true);
        check_email("no-at-sign", false);
        check_email("a@b", false);
        check_email("a b@upu.int", false);
        check_email("@upu.int", false);
        check_email("a@upu..int", false);
        check_email("a@@upu.int", false);
    }

    #[test]
    fn errors_name_the_field() {
        let Err(DomainError::Invalid(errors)) = Code::parse("parent", "a b") else {
            panic!("expected an error");
        };
        assert_eq!(errors[0].field, "parent");
        assert!(errors[0].message.contains("not a valid code"));
    }
}
