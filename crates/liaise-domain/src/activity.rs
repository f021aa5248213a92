//! Activities: dated records of the collaboration (a decision of the two secretariats, a
//! memorandum of understanding, a joint initiative or event, a note), each with an access level.

use time::Date;

use crate::{
    access::AccessLevel,
    error::{DomainError, Validator},
    ids::{Code, Slug},
    registry::{NAME_MAX, TEXT_MAX},
    text,
};

kebab_enum! {
    /// What an activity records.
    ActivityKind {
        Decision => "decision",
        Agreement => "agreement",
        Initiative => "initiative",
        Event => "event",
        Meeting => "meeting",
        Publication => "publication",
        Note => "note",
    }
}

/// An activity as a user or the reference data describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityInput {
    pub kind: ActivityKind,
    pub title: String,
    pub summary: Option<String>,
    pub date: Option<Date>,
    pub access: AccessLevel,
    pub bodies: Vec<Code>,
    pub topics: Vec<Slug>,
    /// Owning organizations besides those of the bodies.
    pub organizations: Vec<Code>,
}

/// The raw fields of an activity.
#[derive(Debug, Clone, Default)]
pub struct ActivityFields<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub date: Option<Date>,
    pub access: &'a str,
    pub bodies: &'a [String],
    pub topics: &'a [String],
    pub organizations: &'a [String],
}

impl ActivityInput {
    pub fn parse(f: &ActivityFields<'_>) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        let kind = v.check(ActivityKind::parse("kind", f.kind));
        let title = v.check(text::line("title", f.title, NAME_MAX));
        let summary = v.check(text::optional_text("summary", f.summary, TEXT_MAX));
        let access = v.check(AccessLevel::parse("access", f.access));
        let mut bodies = Vec::new();
        for (i, b) in f.bodies.iter().enumerate() {
            if let Some(c) = v.check(Code::parse(&format!("bodies[{i}]"), b))
                && !bodies.contains(&c)
            {
                bodies.push(c);
            }
        }
        let mut topics = Vec::new();
        for (i, t) in f.topics.iter().enumerate() {
            if let Some(s) = v.check(Slug::parse(&format!("topics[{i}]"), t))
                && !topics.contains(&s)
            {
                topics.push(s);
            }
        }
        let mut organizations = Vec::new();
        for (i, o) in f.organizations.iter().enumerate() {
            if let Some(c) = v.check(Code::parse(&format!("organizations[{i}]"), o))
                && !organizations.contains(&c)
            {
                organizations.push(c);
            }
        }
        if f.bodies.is_empty() && f.organizations.is_empty() {
            v.push(
                "bodies",
                "an activity belongs to at least one body or organization",
            );
        }
        match (kind, title, summary, access) {
            (Some(kind), Some(title), Some(summary), Some(access)) if v.is_ok() => Ok(Self {
                kind,
                title,
                summary,
                date: f.date,
                access,
                bodies,
                topics,
                organizations,
            }),
            _ => Err(v.into_error()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activities() {
        let bodies = vec!["TSB".to_owned(), "ib".to_owned(), "TSB".to_owned()];
        let topics = vec!["dfs".to_owned()];
        let ok = ActivityInput::parse(&ActivityFields {
            kind: "decision",
            title: "Regular joint meetings",
            access: "members",
            bodies: &bodies,
            topics: &topics,
            ..ActivityFields::default()
        })
        .unwrap();
        assert_eq!(ok.bodies.len(), 2);
        assert_eq!(ok.access, AccessLevel::Members);
        let Err(DomainError::Invalid(errors)) = ActivityInput::parse(&ActivityFields {
            kind: "rumour",
            title: "",
            access: "everyone",
            ..ActivityFields::default()
        }) else {
            panic!("expected errors")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["kind", "title", "access", "bodies"]);
    }
}
