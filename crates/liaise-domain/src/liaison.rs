//! Liaison statements: the formal letters between bodies, in the ITU practice. Each addressee
//! is a row with its own purpose and deadline; a reply closes the row it answers.

use time::Date;

use crate::{
    access::AccessLevel,
    error::{DomainError, Validator},
    ids::{Code, Email, Slug},
    registry::{NAME_MAX, TEXT_MAX},
    text,
};

kebab_enum! {
    /// What an addressee is asked to do.
    Purpose {
        Action => "action",
        Comment => "comment",
        Information => "information",
    }
}

impl Purpose {
    /// Action and comment expect an answer, by a deadline.
    pub fn expects_reply(self) -> bool {
        matches!(self, Self::Action | Self::Comment)
    }
}

kebab_enum! {
    /// Where a liaison statement is in its life.
    LsState {
        Draft => "draft",
        Approved => "approved",
        Sent => "sent",
        Withdrawn => "withdrawn",
    }
}

impl LsState {
    /// The states a statement may move to from this one.
    pub fn next(self) -> &'static [Self] {
        match self {
            Self::Draft => &[Self::Approved, Self::Withdrawn],
            Self::Approved => &[Self::Sent, Self::Withdrawn],
            Self::Sent | Self::Withdrawn => &[],
        }
    }

    /// Refuses a move the life cycle does not allow, naming the allowed ones.
    pub fn check_transition(self, to: Self) -> Result<(), DomainError> {
        if self.next().contains(&to) {
            return Ok(());
        }
        let allowed: Vec<&str> = self.next().iter().map(|s| s.as_str()).collect();
        Err(DomainError::invalid(
            "to",
            if allowed.is_empty() {
                format!("a {} liaison statement cannot change state", self.as_str())
            } else {
                format!(
                    "a {} liaison statement can only become {}",
                    self.as_str(),
                    allowed.join(" or ")
                )
            },
        ))
    }
}

kebab_enum! {
    /// Where an action or comment row stands.
    ReplyState {
        Awaiting => "awaiting-reply",
        Replied => "replied",
        Closed => "closed",
    }
}

kebab_enum! {
    /// The level that approved an outgoing statement.
    ApprovalLevel {
        StudyGroup => "study-group",
        WorkingParty => "working-party",
        RapporteurGroup => "rapporteur-group",
        Secretariat => "secretariat",
        Council => "council",
        Committee => "committee",
    }
}

kebab_enum! {
    /// The order of a list of statements (newest first unless asked otherwise).
    LsSort {
        Newest => "newest",
        Oldest => "oldest",
        Title => "title",
    }
}

/// One addressee of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressee {
    pub body: Code,
    pub purpose: Purpose,
    pub deadline: Option<Date>,
}

/// A contact named in a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    pub email: Option<Email>,
    /// `sender`, `technical` or `reply-to`.
    pub role: String,
}

/// The raw fields of a statement.
#[derive(Debug, Clone, Default)]
pub struct LiaisonFields<'a> {
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub text: Option<&'a str>,
    pub date: Option<Date>,
    pub from: &'a [String],
    /// (body, purpose, deadline)
    pub addressees: &'a [(String, String, Option<Date>)],
    pub questions: &'a [String],
    /// (name, email, role)
    pub contacts: &'a [(String, Option<String>, Option<String>)],
    pub other_reference: Option<&'a str>,
    /// The meeting that adopted it, as written (`TSAG, 30 May-2 June 2023`).
    pub meeting: Option<&'a str>,
    pub approval_level: Option<&'a str>,
    pub topics: &'a [String],
    pub access: &'a str,
}

/// A statement as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiaisonInput {
    pub title: String,
    pub summary: Option<String>,
    pub text: Option<String>,
    pub date: Date,
    pub from: Vec<Code>,
    pub addressees: Vec<Addressee>,
    pub questions: Vec<String>,
    pub contacts: Vec<Contact>,
    pub other_reference: Option<String>,
    pub meeting: Option<String>,
    pub approval_level: Option<ApprovalLevel>,
    pub topics: Vec<Slug>,
    pub access: AccessLevel,
}

const CONTACT_ROLES: [&str; 3] = ["sender", "technical", "reply-to"];

impl LiaisonInput {
    pub fn parse(f: &LiaisonFields<'_>) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        let title = v.check(text::line("title", f.title, NAME_MAX));
        let summary = v.check(text::optional_text("summary", f.summary, TEXT_MAX));
        let body_text = v.check(text::optional_text("text", f.text, 200_000));
        if f.date.is_none() {
            v.push("date", "the date of the statement is required (YYYY-MM-DD)");
        }
        let mut from = Vec::new();
        for (i, b) in f.from.iter().enumerate() {
            if let Some(c) = v.check(Code::parse(&format!("from[{i}]"), b))
                && !from.contains(&c)
            {
                from.push(c);
            }
        }
        if f.from.is_empty() {
            v.push("from", "a liaison statement comes from at least one body");
        }
        let mut addressees: Vec<Addressee> = Vec::new();
        for (i, (body, purpose, deadline)) in f.addressees.iter().enumerate() {
            let body = v.check(Code::parse(&format!("addressees[{i}].body"), body));
            let purpose = v.check(Purpose::parse(&format!("addressees[{i}].purpose"), purpose));
            if let Some(p) = purpose {
                if p.expects_reply() && deadline.is_none() {
                    v.push(
                        format!("addressees[{i}].deadline"),
                        format!("a deadline is required for {}", p.as_str()),
                    );
                }
                if let (Some(d), Some(date)) = (deadline, f.date)
                    && *d < date
                {
                    v.push(
                        format!("addressees[{i}].deadline"),
                        format!("the deadline {d} is before the statement's date {date}"),
                    );
                }
            }
            if let (Some(body), Some(purpose)) = (body, purpose) {
                if addressees.iter().any(|a| a.body == body) {
                    v.push(
                        format!("addressees[{i}].body"),
                        format!("{body} is addressed twice"),
                    );
                } else {
                    addressees.push(Addressee {
                        body,
                        purpose,
                        deadline: *deadline,
                    });
                }
            }
        }
        if f.addressees.is_empty() {
            v.push(
                "addressees",
                "a liaison statement goes to at least one body",
            );
        }
        let mut questions = Vec::new();
        for (i, q) in f.questions.iter().enumerate() {
            if let Some(q) = v.check(text::line(&format!("questions[{i}]"), q, 64)) {
                questions.push(q);
            }
        }
        let mut contacts = Vec::new();
        for (i, (name, email, role)) in f.contacts.iter().enumerate() {
            let name = v.check(text::line(&format!("contacts[{i}].name"), name, NAME_MAX));
            let email = v.check(
                email
                    .as_deref()
                    .filter(|e| !e.trim().is_empty())
                    .map(|e| Email::parse(&format!("contacts[{i}].email"), e))
                    .transpose(),
            );
            let role = role.as_deref().unwrap_or("sender").trim().to_owned();
            if !CONTACT_ROLES.contains(&role.as_str()) {
                v.push(
                    format!("contacts[{i}].role"),
                    format!(
                        "`{}` is not one of: {}",
                        text::preview(&role),
                        CONTACT_ROLES.join(", ")
                    ),
                );
            }
            if let (Some(name), Some(email)) = (name, email) {
                contacts.push(Contact { name, email, role });
            }
        }
        let other_reference = v.check(text::optional_line(
            "other_reference",
            f.other_reference,
            100,
        ));
        let meeting = v.check(text::optional_line("meeting", f.meeting, NAME_MAX));
        let approval_level = v.check(
            f.approval_level
                .filter(|a| !a.trim().is_empty())
                .map(|a| ApprovalLevel::parse("approval_level", a))
                .transpose(),
        );
        let mut topics = Vec::new();
        for (i, t) in f.topics.iter().enumerate() {
            if let Some(s) = v.check(Slug::parse(&format!("topics[{i}]"), t))
                && !topics.contains(&s)
            {
                topics.push(s);
            }
        }
        let access = v.check(AccessLevel::parse("access", f.access));
        match (
            title,
            summary,
            body_text,
            f.date,
            other_reference,
            meeting,
            approval_level,
            access,
        ) {
            (
                Some(title),
                Some(summary),
                Some(text),
                Some(date),
                Some(other_reference),
                Some(meeting),
                Some(approval_level),
                Some(access),
            ) if v.is_ok() => Ok(Self {
                title,
                summary,
                text,
                date,
                from,
                addressees,
                questions,
                contacts,
                other_reference,
                meeting,
                approval_level,
                topics,
                access,
            }),
            _ => Err(v.into_error()),
        }
    }
}

/// The number of a statement in its first source body's series: `SG12-LS45`.
pub fn ls_number(body: &Code, sequence: u32) -> String {
    LsPattern::default().number(body, 0, sequence)
}

/// How a body numbers the statements it sends: text with the placeholders `{body}` (its
/// code), `{year}` (the statement's year) and `{n}` (the sequence, required, once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LsPattern(String);

/// The longest pattern.
pub const LS_PATTERN_MAX: usize = 40;

impl Default for LsPattern {
    fn default() -> Self {
        Self("{body}-LS{n}".to_owned())
    }
}

impl LsPattern {
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        let s = raw.trim();
        let bad = |why: &str| {
            Err(DomainError::invalid(
                field,
                format!("`{}` is not a number pattern: {why}", text::preview(s)),
            ))
        };
        if s.is_empty() || s.len() > LS_PATTERN_MAX {
            return bad(&format!("give 1 to {LS_PATTERN_MAX} characters"));
        }
        let mut n_count = 0;
        let mut rest = s;
        while let Some(open) = rest.find(['{', '}']) {
            if rest[open..].starts_with('}') {
                return bad("a `}` without `{`");
            }
            let Some(close) = rest[open..].find('}') else {
                return bad("a `{` without `}`");
            };
            match &rest[open + 1..open + close] {
                "n" => n_count += 1,
                "body" | "year" => {}
                other => {
                    return bad(&format!(
                        "`{{{}}}` is not one of {{body}}, {{year}}, {{n}}",
                        text::preview(other)
                    ));
                }
            }
            rest = &rest[open + close + 1..];
        }
        if n_count != 1 {
            return bad("it must contain `{n}` exactly once");
        }
        if s.contains("{n}{") || s.contains("}{n}") {
            return bad("`{n}` must be separated from the other placeholders");
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "{}-_.".contains(c))
        {
            // Numbers name pages (`/liaisons/SG12-LS7`): nothing a path would split.
            return bad("use letters, digits, `-`, `_` and `.` only");
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text before and after `{n}` for a body and year: a series is the numbers that
    /// share both.
    pub fn series(&self, body: &Code, year: i32) -> (String, String) {
        let filled = self
            .0
            .replace("{body}", body.as_str())
            .replace("{year}", &year.to_string());
        match filled.split_once("{n}") {
            Some((before, after)) => (before.to_owned(), after.to_owned()),
            None => (filled, String::new()),
        }
    }

    /// The number `n` of a body's series in a year.
    pub fn number(&self, body: &Code, year: i32, n: u32) -> String {
        let (before, after) = self.series(body, year);
        format!("{before}{n}{after}")
    }
}

/// An action or comment row is overdue when its deadline has passed without a reply.
pub fn is_overdue(
    purpose: Purpose,
    reply: Option<ReplyState>,
    deadline: Option<Date>,
    today: Date,
) -> bool {
    purpose.expects_reply()
        && reply == Some(ReplyState::Awaiting)
        && deadline.is_some_and(|d| d < today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn fields<'a>(
        addressees: &'a [(String, String, Option<Date>)],
        from: &'a [String],
    ) -> LiaisonFields<'a> {
        LiaisonFields {
            title: "LS on collaboration",
            date: Some(date!(2025 - 11 - 03)),
            from,
            addressees,
            access: "public",
            ..LiaisonFields::default()
        }
    }

    #[test]
    fn a_statement_needs_deadlines_for_action_and_comment() {
        let from = vec!["TSAG".to_owned()];
        let ok = vec![
            (
                "POC".to_owned(),
                "action".to_owned(),
                Some(date!(2026 - 01 - 15)),
            ),
            ("SG12".to_owned(), "information".to_owned(), None),
        ];
        let ls = LiaisonInput::parse(&fields(&ok, &from)).unwrap();
        assert_eq!(ls.addressees.len(), 2);
        let check = |rows: Vec<(String, String, Option<Date>)>, field: &str| {
            let Err(DomainError::Invalid(e)) = LiaisonInput::parse(&fields(&rows, &from)) else {
                panic!("expected an error for {rows:?}");
            };
            assert_eq!(e[0].field, field, "{e:?}");
        };
        check(
            vec![("POC".into(), "action".into(), None)],
            "addressees[0].deadline",
        );
        check(
            vec![("POC".into(), "comment".into(), Some(date!(2025 - 01 - 01)))],
            "addressees[0].deadline",
        );
        check(
            vec![("POC".into(), "ask".into(), None)],
            "addressees[0].purpose",
        );
        check(
            vec![
                ("POC".into(), "information".into(), None),
                ("poc".into(), "information".into(), None),
            ],
            "addressees[1].body",
        );
        check(vec![], "addressees");
    }

    #[test]
    fn life_cycle() {
        assert!(LsState::Draft.check_transition(LsState::Approved).is_ok());
        assert!(LsState::Approved.check_transition(LsState::Sent).is_ok());
        assert!(LsState::Draft.check_transition(LsState::Withdrawn).is_ok());
        let e = LsState::Draft
            .check_transition(LsState::Sent)
            .unwrap_err()
            .to_string();
        assert!(e.contains("can only become approved or withdrawn"), "{e}");
        assert!(LsState::Sent.check_transition(LsState::Withdrawn).is_err());
    }

    #[test]
    fn overdue() {
        let today = date!(2026 - 03 - 02);
        let awaiting = Some(ReplyState::Awaiting);
        assert!(is_overdue(
            Purpose::Action,
            awaiting,
            Some(date!(2026 - 03 - 01)),
            today
        ));
        assert!(!is_overdue(Purpose::Action, awaiting, Some(today), today));
        assert!(!is_overdue(
            Purpose::Action,
            Some(ReplyState::Replied),
            Some(date!(2026 - 01 - 01)),
            today
        ));
        assert!(!is_overdue(
            Purpose::Information,
            None,
            Some(date!(2026 - 01 - 01)),
            today
        ));
        assert_eq!(
            ls_number(&Code::parse("c", "SG12").unwrap(), 45),
            "SG12-LS45"
        );
    }

    #[test]
    fn number_patterns() {
        let sg12 = Code::parse("c", "SG12").unwrap();
        let check = |raw: &str, expected: Result<&str, &str>| match (
            LsPattern::parse("ls_pattern", raw),
            expected,
        ) {
            (Ok(p), Ok(number)) => assert_eq!(p.number(&sg12, 2026, 7), number, "{raw}"),
            (Err(e), Err(why)) => assert!(e.to_string().contains(why), "{raw}: {e}"),
            (got, want) => panic!("{raw}: got {got:?}, expected {want:?}"),
        };
        check("{body}-LS{n}", Ok("SG12-LS7"));
        check("SG12-{year}-LS{n}", Ok("SG12-2026-LS7"));
        check(" LS-{n}-{body} ", Ok("LS-7-SG12"));
        check("{body}/LS{n}", Err("letters, digits"));
        check("{body}-LS", Err("exactly once"));
        check("{n}-{n}", Err("exactly once"));
        check("{body}-{x}{n}", Err("is not one of"));
        check("{body-{n}", Err("is not one of"));
        check("{body}-LS{n", Err("without `}`"));
        check("LS}{n}", Err("without `{`"));
        check("{year}{n}", Err("separated"));
        check("<b>{n}", Err("letters, digits"));
        check(&format!("{}{{n}}", "x".repeat(40)), Err("characters"));
        assert_eq!(
            LsPattern::parse("p", "{body}.{year}.{n}-rev")
                .unwrap()
                .series(&sg12, 2026),
            ("SG12.2026.".to_owned(), "-rev".to_owned())
        );
    }
}
