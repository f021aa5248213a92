//! The registry: organizations, bodies in their hierarchy, people and their roles, topics.

use time::Date;

use crate::{
    error::{DomainError, Validator},
    ids::{Code, Email, Slug},
    text,
};

/// Longest name of anything (organization, body, person, topic).
pub const NAME_MAX: usize = 300;
/// Longest mandate or description.
pub const TEXT_MAX: usize = 20_000;
/// Longest URL.
pub const URL_MAX: usize = 500;

kebab_enum! {
    /// What kind of organ a body is.
    BodyKind {
        Sector => "sector",
        Assembly => "assembly",
        Council => "council",
        AdvisoryGroup => "advisory-group",
        StudyGroup => "study-group",
        WorkingParty => "working-party",
        Question => "question",
        RapporteurGroup => "rapporteur-group",
        FocusGroup => "focus-group",
        Committee => "committee",
        StandingGroup => "standing-group",
        Cooperative => "cooperative",
        JointGroup => "joint-group",
        Secretariat => "secretariat",
        SecretariatUnit => "secretariat-unit",
        Other => "other",
    }
}

kebab_enum! {
    /// A person's role in a body.
    RoleKind {
        Chair => "chair",
        CoChair => "co-chair",
        ViceChair => "vice-chair",
        Rapporteur => "rapporteur",
        AssociateRapporteur => "associate-rapporteur",
        Editor => "editor",
        FocalPoint => "focal-point",
        Counsellor => "counsellor",
        Member => "member",
    }
}

/// The years a body is active: `2025-2028`, `2014-2016`, `2025-` (open) or `2025`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: i32,
    pub end: Option<i32>,
}

impl Period {
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        let s = raw.trim();
        let bad = || {
            DomainError::invalid(
                field,
                format!(
                    "`{}` is not a period: write years like 2025-2028 or 2025-",
                    text::preview(s)
                ),
            )
        };
        let year = |y: &str| -> Result<i32, DomainError> {
            let y = y.trim();
            if y.len() != 4 {
                return Err(bad());
            }
            y.parse::<i32>().map_err(|_| bad())
        };
        let (start, end) = match s.split_once('-') {
            Some((a, "")) => (year(a)?, None),
            Some((a, b)) => (year(a)?, Some(year(b)?)),
            None => {
                let y = year(s)?;
                (y, Some(y))
            }
        };
        if end.is_some_and(|e| e < start) {
            return Err(DomainError::invalid(field, "ends before it starts"));
        }
        Ok(Self { start, end })
    }

    pub fn contains_year(&self, year: i32) -> bool {
        year >= self.start && self.end.is_none_or(|e| year <= e)
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.end {
            Some(end) if end == self.start => write!(f, "{}", self.start),
            Some(end) => write!(f, "{}-{end}", self.start),
            None => write!(f, "{}-", self.start),
        }
    }
}

/// A URL of a web site: http or https, one line.
pub fn parse_url(field: &str, raw: Option<&str>) -> Result<Option<String>, DomainError> {
    let Some(url) = text::optional_line(field, raw, URL_MAX)? else {
        return Ok(None);
    };
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !url.contains(char::is_whitespace) => Ok(Some(url)),
        _ => Err(DomainError::invalid(
            field,
            "must be an http:// or https:// address",
        )),
    }
}

/// An organization that takes part in the collaboration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationInput {
    pub code: Code,
    pub name: String,
    pub name_fr: Option<String>,
    pub url: Option<String>,
    pub to_confirm: bool,
}

impl OrganizationInput {
    pub fn parse(
        code: &str,
        name: &str,
        name_fr: Option<&str>,
        url: Option<&str>,
        to_confirm: bool,
    ) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        let code = v.check(Code::parse("code", code));
        let name = v.check(text::line("name", name, NAME_MAX));
        let name_fr = v.check(text::optional_line("name_fr", name_fr, NAME_MAX));
        let url = v.check(parse_url("url", url));
        match (code, name, name_fr, url) {
            (Some(code), Some(name), Some(name_fr), Some(url)) if v.is_ok() => Ok(Self {
                code,
                name,
                name_fr,
                url,
                to_confirm,
            }),
            _ => Err(v.into_error()),
        }
    }
}

/// A body as a user or the reference data describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyInput {
    pub code: Code,
    pub name: String,
    pub name_fr: Option<String>,
    pub kind: BodyKind,
    pub mandate: Option<String>,
    pub parent: Option<Code>,
    pub period: Option<Period>,
    /// One organization, or two (or more) for a joint body. Never empty.
    pub organizations: Vec<Code>,
    pub to_confirm: bool,
}

/// The raw fields of a body, before they are checked.
#[derive(Debug, Clone, Default)]
pub struct BodyFields<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub name_fr: Option<&'a str>,
    pub kind: &'a str,
    pub mandate: Option<&'a str>,
    pub parent: Option<&'a str>,
    pub period: Option<&'a str>,
    pub organizations: &'a [String],
    pub to_confirm: bool,
}

impl BodyInput {
    pub fn parse(f: &BodyFields<'_>) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        let code = v.check(Code::parse("code", f.code));
        let name = v.check(text::line("name", f.name, NAME_MAX));
        let name_fr = v.check(text::optional_line("name_fr", f.name_fr, NAME_MAX));
        let kind = v.check(BodyKind::parse("kind", f.kind));
        let mandate = v.check(text::optional_text("mandate", f.mandate, TEXT_MAX));
        let parent = v.check(
            f.parent
                .filter(|p| !p.trim().is_empty())
                .map(|p| Code::parse("parent", p))
                .transpose(),
        );
        let period = v.check(
            f.period
                .filter(|p| !p.trim().is_empty())
                .map(|p| Period::parse("period", p))
                .transpose(),
        );
        let mut organizations = Vec::new();
        for (i, o) in f.organizations.iter().enumerate() {
            if let Some(c) = v.check(Code::parse(&format!("organizations[{i}]"), o))
                && !organizations.contains(&c)
            {
                organizations.push(c);
            }
        }
        if f.organizations.is_empty() {
            v.push(
                "organizations",
                "a body belongs to at least one organization",
            );
        }
        if let (Some(code), Some(Some(parent))) = (&code, &parent)
            && code == parent
        {
            v.push("parent", "a body cannot be its own parent");
        }
        match (code, name, name_fr, kind, mandate, parent, period) {
            (
                Some(code),
                Some(name),
                Some(name_fr),
                Some(kind),
                Some(mandate),
                Some(parent),
                Some(period),
            ) if v.is_ok() => Ok(Self {
                code,
                name,
                name_fr,
                kind,
                mandate,
                parent,
                period,
                organizations,
                to_confirm: f.to_confirm,
            }),
            _ => Err(v.into_error()),
        }
    }
}

/// Refuses a parent that would make the hierarchy a cycle.
///
/// `parent_chain` is the new parent followed by its ancestors, nearest first.
pub fn check_parent(body: &Code, parent_chain: &[Code]) -> Result<(), DomainError> {
    if parent_chain.contains(body) {
        let path: Vec<&str> = parent_chain.iter().map(Code::as_str).collect();
        return Err(DomainError::invalid(
            "parent",
            format!(
                "{body} cannot be placed under {}: {body} is already above it ({} → {body})",
                path.first().copied().unwrap_or_default(),
                path.join(" → ")
            ),
        ));
    }
    Ok(())
}

/// A person of the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonInput {
    pub name: String,
    pub organization: Option<Code>,
    pub affiliation: Option<String>,
    pub email: Option<Email>,
}

impl PersonInput {
    pub fn parse(
        name: &str,
        organization: Option<&str>,
        affiliation: Option<&str>,
        email: Option<&str>,
    ) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        let name = v.check(text::line("name", name, NAME_MAX));
        let organization = v.check(
            organization
                .filter(|o| !o.trim().is_empty())
                .map(|o| Code::parse("organization", o))
                .transpose(),
        );
        let affiliation = v.check(text::optional_line("affiliation", affiliation, NAME_MAX));
        let email = v.check(
            email
                .filter(|e| !e.trim().is_empty())
                .map(|e| Email::parse("email", e))
                .transpose(),
        );
        match (name, organization, affiliation, email) {
            (Some(name), Some(organization), Some(affiliation), Some(email)) if v.is_ok() => {
                Ok(Self {
                    name,
                    organization,
                    affiliation,
                    email,
                })
            }
            _ => Err(v.into_error()),
        }
    }
}

/// A person's role in a body over a span of dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleInput {
    pub body: Code,
    pub kind: RoleKind,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl RoleInput {
    pub fn parse(
        body: &str,
        kind: &str,
        from: Option<Date>,
        to: Option<Date>,
    ) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        let body = v.check(Code::parse("body", body));
        let kind = v.check(RoleKind::parse("role", kind));
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            v.push("to", "the role ends before it starts");
        }
        match (body, kind) {
            (Some(body), Some(kind)) if v.is_ok() => Ok(Self {
                body,
                kind,
                from,
                to,
            }),
            _ => Err(v.into_error()),
        }
    }

    /// Is the role held on `day`?
    pub fn current_on(&self, day: Date) -> bool {
        self.from.is_none_or(|f| f <= day) && self.to.is_none_or(|t| day <= t)
    }
}

/// A topic of common interest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicInput {
    pub slug: Slug,
    pub name: String,
    pub name_fr: Option<String>,
    pub description: Option<String>,
    pub parent: Option<Slug>,
}

impl TopicInput {
    pub fn parse(
        slug: &str,
        name: &str,
        name_fr: Option<&str>,
        description: Option<&str>,
        parent: Option<&str>,
    ) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        let slug = v.check(Slug::parse("slug", slug));
        let name = v.check(text::line("name", name, NAME_MAX));
        let name_fr = v.check(text::optional_line("name_fr", name_fr, NAME_MAX));
        let description = v.check(text::optional_text("description", description, TEXT_MAX));
        let parent = v.check(
            parent
                .filter(|p| !p.trim().is_empty())
                .map(|p| Slug::parse("parent", p))
                .transpose(),
        );
        if let (Some(s), Some(Some(p))) = (&slug, &parent)
            && s == p
        {
            v.push("parent", "a topic cannot be its own parent");
        }
        match (slug, name, name_fr, description, parent) {
            (Some(slug), Some(name), Some(name_fr), Some(description), Some(parent))
                if v.is_ok() =>
            {
                Ok(Self {
                    slug,
                    name,
                    name_fr,
                    description,
                    parent,
                })
            }
            _ => Err(v.into_error()),
        }
    }
}

/// Refuses a topic parent that would make the taxonomy a cycle (see [`check_parent`]).
pub fn check_topic_parent(topic: &Slug, parent_chain: &[Slug]) -> Result<(), DomainError> {
    if parent_chain.contains(topic) {
        return Err(DomainError::invalid(
            "parent",
            format!("{topic} cannot be placed under one of its own subtopics"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> Code {
        Code::parse("c", s).unwrap()
    }

    fn check_period(input: &str, expected: Option<&str>) {
        let got = Period::parse("period", input).ok().map(|p| p.to_string());
        assert_eq!(got.as_deref(), expected, "input {input:?}");
    }

    #[test]
    fn periods() {
        check_period("2025-2028", Some("2025-2028"));
        check_period("2025-", Some("2025-"));
        check_period("2014", Some("2014"));
        check_period("2028-2025", None);
        check_period("25-28", None);
        check_period("soon", None);
        check_period("", None);
        assert!(Period::parse("p", "2025-2028").unwrap().contains_year(2026));
        assert!(!Period::parse("p", "2014-2016").unwrap().contains_year(2026));
    }

    #[test]
    fn kinds() {
        assert_eq!(
            BodyKind::parse("kind", "study-group"),
            Ok(BodyKind::StudyGroup)
        );
        let err = BodyKind::parse("kind", "club").unwrap_err().to_string();
        assert!(
            err.starts_with("kind: `club` is not one of: sector"),
            "{err}"
        );
        assert_eq!(
            RoleKind::parse("role", "focal-point"),
            Ok(RoleKind::FocalPoint)
        );
    }

    #[test]
    fn body_collects_every_error() {
        let orgs = vec![];
        let f = BodyFields {
            code: "bad code",
            name: "",
            kind: "club",
            period: Some("later"),
            organizations: &orgs,
            ..BodyFields::default()
        };
        let Err(DomainError::Invalid(errors)) = BodyInput::parse(&f) else {
            panic!("expected errors");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["code", "name", "kind", "period", "organizations"]);
    }

    #[test]
    fn joint_body_keeps_both_organizations_once() {
        let orgs = vec!["ITU".to_owned(), "upu".to_owned(), "ITU".to_owned()];
        let f = BodyFields {
            code: "JWG-ST",
            name: "Joint working group",
            kind: "joint-group",
            organizations: &orgs,
            ..BodyFields::default()
        };
        let body = BodyInput::parse(&f).unwrap();
        assert_eq!(body.organizations, vec![code("ITU"), code("UPU")]);
    }

    #[test]
    fn cycles() {
        let chain = [code("SG12"), code("ITU-T")];
        assert!(check_parent(&code("Q1-12"), &chain).is_ok());
        let err = check_parent(&code("ITU-T"), &chain)
            .unwrap_err()
            .to_string();
        assert!(err.contains("ITU-T cannot be placed under SG12"), "{err}");
    }

    #[test]
    fn roles() {
        let d = |y, m, day| {
            Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), day).unwrap()
        };
        let r =
            RoleInput::parse("SG12", "chair", Some(d(2025, 1, 1)), Some(d(2028, 12, 31))).unwrap();
        assert!(r.current_on(d(2026, 6, 1)));
        assert!(!r.current_on(d(2029, 1, 1)));
        assert!(
            RoleInput::parse("SG12", "chair", Some(d(2025, 1, 1)), Some(d(2024, 1, 1))).is_err()
        );
        assert!(RoleInput::parse("SG12", "king", None, None).is_err());
    }

    #[test]
    fn urls() {
        assert!(
            parse_url("url", Some("https://www.itu.int"))
                .unwrap()
                .is_some()
        );
        assert!(parse_url("url", Some("javascript:alert(1)")).is_err());
        assert!(parse_url("url", None).unwrap().is_none());
    }
}
