//! The rules of the request fields, written into the OpenAPI document from the domain's own
//! lists and limits: closed lists as `enum`, lengths, and patterns for codes, slugs and
//! typed text, so the document accepts what the server accepts.
//!
//! Patterns are ECMA-262 and Python compatible and describe the text rules of
//! `liaise_domain::text` for the Basic Multilingual Plane: the surrounding white space is
//! trimmed (so lengths are not bounded by `maxLength`, which would count it: the limits are
//! in each field's description, and codes are bounded in their pattern); a line has no control character, line separator, noncharacter or bidirectional
//! override and at least one visible character; a multi-line text also keeps tabs and
//! newlines. (The rare noncharacters and invisible tags beyond U+FFFF are refused by the
//! server but not by the patterns.) Rules no schema can state remain 422 answers: a name of a
//! record that does not exist, a change the item's current state does not allow, a date that
//! is not in the calendar, a choice that depends on another field.

use liaise_domain::{
    access::AccessLevel,
    activity::ActivityKind,
    document::{DocumentKind, ProposalStatus},
    ids::{Code, Slug},
    liaison::Purpose,
    meeting::{MeetingKind, MeetingState, NUMBER_MAX, PLACE_MAX},
    registry::{BodyKind, NAME_MAX, RoleKind, TEXT_MAX, URL_MAX},
};
use serde_json::{Value, json};

/// White space as Rust's `char::is_whitespace` sees it (what `trim` removes).
const WS: &str = r"\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
/// Control characters (`char::is_control`).
const CTRL: &str = r"\u0000-\u001F\u007F-\u009F";
/// Refused in every text: bidirectional overrides and isolates, noncharacters.
const FORBIDDEN: &str = r"\u202A-\u202E\u2066-\u2069\uFDD0-\uFDEF\uFFFE\uFFFF";
/// Characters that show nothing (`liaise_domain::text::invisible`, BMP part).
const INVISIBLE: &str = r"\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u2060-\u206F\u2800\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFF8";

fn visible() -> String {
    format!("[^{WS}{CTRL}{FORBIDDEN}{INVISIBLE}]")
}

/// A required line (`text::line`).
pub fn line_pattern() -> String {
    let inner = format!("[^{CTRL}\\u2028\\u2029{FORBIDDEN}]");
    format!("^[{WS}]*{inner}*{}{inner}*[{WS}]*$", visible())
}

/// An optional line (`text::optional_line`): empty or white space means absent.
pub fn optional_line_pattern() -> String {
    let inner = format!("[^{CTRL}\\u2028\\u2029{FORBIDDEN}]");
    format!("^[{WS}]*({inner}*{}{inner}*[{WS}]*)?$", visible())
}

fn text_inner() -> String {
    format!("[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F{FORBIDDEN}]")
}

/// An optional multi-line text (`text::optional_text`): tabs and newlines are kept.
pub fn text_pattern() -> String {
    let inner = text_inner();
    format!("^[{WS}]*({inner}*{}{inner}*[{WS}]*)?$", visible())
}

/// A multi-line text that must not be empty.
pub fn required_text_pattern() -> String {
    let inner = text_inner();
    format!("^[{WS}]*{inner}*{}{inner}*[{WS}]*$", visible())
}

fn code_pattern() -> String {
    format!(
        "^[{WS}]*[A-Za-z0-9][A-Za-z0-9._-]{{0,{}}}[{WS}]*$",
        Code::MAX_LEN - 1
    )
}

fn slug_pattern() -> String {
    format!("^[{WS}]*[a-z0-9]+(-[a-z0-9]+)*[{WS}]*$")
}

/// What a field must be.
#[derive(Clone)]
enum Rule {
    /// One of these names.
    OneOf(Vec<&'static str>),
    /// A required line of at most this many characters.
    Line(usize),
    /// An optional line of at most this many characters.
    OptLine(usize),
    /// An optional multi-line text of at most this many characters.
    Text(usize),
    /// A multi-line text that must say something.
    RequiredText(usize),
    Code,
    Slug,
    /// A list with at least one entry.
    NonEmpty,
}

fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|k| name(*k)).collect()
}

/// The rules of each request schema's fields. A list field's rule applies to its items
/// (except `NonEmpty`, which is about the list).
fn rules() -> Vec<(&'static str, &'static str, Rule)> {
    use Rule::*;
    let access = OneOf(names(&AccessLevel::ALL, AccessLevel::as_str));
    let activity_kind = OneOf(names(ActivityKind::ALL, ActivityKind::as_str));
    let body_kind = OneOf(names(BodyKind::ALL, BodyKind::as_str));
    let role_kind = OneOf(names(RoleKind::ALL, RoleKind::as_str));
    let purpose = OneOf(names(Purpose::ALL, Purpose::as_str));
    let document_kind = OneOf(names(DocumentKind::ALL, DocumentKind::as_str));
    let status = OneOf(names(ProposalStatus::ALL, ProposalStatus::as_str));
    let languages = OneOf(liaise_service::documents::DOCUMENT_LANGUAGES.to_vec());
    let meeting_kind = OneOf(names(MeetingKind::ALL, MeetingKind::as_str));
    let meeting_state = OneOf(names(MeetingState::ALL, MeetingState::as_str));
    let mut meetings = Vec::new();
    for schema in ["NewMeeting", "MeetingPatchDto"] {
        meetings.extend([
            (schema, "kind", meeting_kind.clone()),
            (schema, "state", meeting_state.clone()),
            (schema, "title", Line(NAME_MAX)),
            (schema, "number", OptLine(NUMBER_MAX)),
            (schema, "summary", Text(TEXT_MAX)),
            (schema, "place", OptLine(PLACE_MAX)),
            (schema, "online_link", OptLine(URL_MAX)),
            (schema, "online_access", access.clone()),
            (schema, "access", access.clone()),
            (schema, "bodies", Code),
            (schema, "topics", Slug),
            (schema, "organizations", Code),
        ]);
    }
    meetings.extend([
        ("AgendaItemInDto", "title", Line(NAME_MAX)),
        ("AgendaItemInDto", "outcome", Text(TEXT_MAX)),
        (
            "NewMinutes",
            "text",
            RequiredText(liaise_service::meetings::MINUTES_MAX),
        ),
    ]);
    let mut all = vec![
        ("NewOrganization", "code", Code),
        ("NewOrganization", "name", Line(NAME_MAX)),
        ("NewOrganization", "name_fr", OptLine(NAME_MAX)),
        ("NewOrganization", "url", OptLine(URL_MAX)),
        ("OrganizationPatchDto", "name", Line(NAME_MAX)),
        ("OrganizationPatchDto", "name_fr", OptLine(NAME_MAX)),
        ("OrganizationPatchDto", "url", OptLine(URL_MAX)),
        ("NewBody", "code", Code),
        ("NewBody", "name", Line(NAME_MAX)),
        ("NewBody", "name_fr", OptLine(NAME_MAX)),
        ("NewBody", "kind", body_kind.clone()),
        ("NewBody", "mandate", Text(TEXT_MAX)),
        ("NewBody", "organization", Code),
        ("NewBody", "organizations", Code),
        ("BodyPatchDto", "name", Line(NAME_MAX)),
        ("BodyPatchDto", "name_fr", OptLine(NAME_MAX)),
        ("BodyPatchDto", "kind", body_kind),
        ("BodyPatchDto", "mandate", Text(TEXT_MAX)),
        ("BodyPatchDto", "organizations", Code),
        ("BodyPatchDto", "organizations", NonEmpty),
        ("NewPerson", "name", Line(NAME_MAX)),
        ("NewPerson", "affiliation", OptLine(NAME_MAX)),
        ("PersonPatchDto", "name", Line(NAME_MAX)),
        ("PersonPatchDto", "affiliation", OptLine(NAME_MAX)),
        ("NewRole", "body", Code),
        ("NewRole", "role", role_kind),
        ("NewTopic", "slug", Slug),
        ("NewTopic", "name", Line(NAME_MAX)),
        ("NewTopic", "name_fr", OptLine(NAME_MAX)),
        ("NewTopic", "description", Text(TEXT_MAX)),
        ("TopicPatchDto", "name", Line(NAME_MAX)),
        ("TopicPatchDto", "name_fr", OptLine(NAME_MAX)),
        ("TopicPatchDto", "description", Text(TEXT_MAX)),
        ("NewActivity", "kind", activity_kind.clone()),
        ("NewActivity", "title", Line(NAME_MAX)),
        ("NewActivity", "summary", Text(TEXT_MAX)),
        ("NewActivity", "access", access.clone()),
        ("NewActivity", "bodies", Code),
        ("NewActivity", "topics", Slug),
        ("NewActivity", "organizations", Code),
        ("ActivityPatchDto", "kind", activity_kind),
        ("ActivityPatchDto", "title", Line(NAME_MAX)),
        ("ActivityPatchDto", "summary", Text(TEXT_MAX)),
        ("ActivityPatchDto", "access", access.clone()),
        ("ActivityPatchDto", "bodies", Code),
        ("ActivityPatchDto", "topics", Slug),
        ("ActivityPatchDto", "organizations", Code),
        ("NewLiaison", "title", Line(NAME_MAX)),
        ("NewLiaison", "summary", Text(TEXT_MAX)),
        ("NewLiaison", "text", Text(200_000)),
        ("NewLiaison", "from", Code),
        ("NewLiaison", "from", NonEmpty),
        ("NewLiaison", "addressees", NonEmpty),
        ("NewLiaison", "questions", Line(64)),
        ("NewLiaison", "meeting", OptLine(NAME_MAX)),
        ("NewLiaison", "topics", Slug),
        ("NewLiaison", "access", access.clone()),
        ("NewLiaison", "state", OneOf(vec!["draft", "sent"])),
        ("LiaisonPatchDto", "title", Line(NAME_MAX)),
        ("LiaisonPatchDto", "summary", Text(TEXT_MAX)),
        ("LiaisonPatchDto", "text", Text(200_000)),
        ("LiaisonPatchDto", "addressees", NonEmpty),
        ("LiaisonPatchDto", "questions", Line(64)),
        ("LiaisonPatchDto", "meeting", OptLine(NAME_MAX)),
        ("LiaisonPatchDto", "topics", Slug),
        ("LiaisonPatchDto", "access", access.clone()),
        ("AddresseeDto", "body", Code),
        ("AddresseeDto", "purpose", purpose),
        (
            "ContactDto",
            "role",
            OneOf(vec!["sender", "technical", "reply-to"]),
        ),
        ("ContactDto", "name", Line(NAME_MAX)),
        (
            "TransitionDto",
            "to",
            OneOf(vec!["approved", "sent", "withdrawn"]),
        ),
        ("CloseRowDto", "note", Text(2000)),
        ("CommentDto", "text", RequiredText(4000)),
        ("DocumentPatchDto", "title", Line(500)),
        ("DocumentPatchDto", "kind", document_kind),
        ("DocumentPatchDto", "source", OptLine(200)),
        ("DocumentPatchDto", "meeting", OptLine(200)),
        ("DocumentPatchDto", "bodies", Code),
        ("DocumentPatchDto", "topics", Slug),
        ("DocumentPatchDto", "language", languages),
        ("DocumentPatchDto", "access", access),
        ("ProposalPatchDto", "status", status),
    ];
    all.extend(meetings);
    all
}

/// Says the limit in the field's description: `maxLength` would count the white space the
/// server trims.
fn limit(obj: &mut serde_json::Map<String, Value>, max: usize) {
    let said = format!("At most {max} characters, once trimmed.");
    let text = match obj.get("description").and_then(Value::as_str) {
        Some(d) => format!("{d} {said}"),
        None => said,
    };
    obj.insert("description".into(), json!(text));
}

/// Applies `rule` to one schema object (a string, or the items of an array).
fn apply(schema: &mut Value, rule: &Rule) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    let is_array = match obj.get("type") {
        Some(Value::String(t)) => t == "array",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "array"),
        _ => false,
    };
    if let Rule::NonEmpty = rule {
        obj.insert("minItems".into(), json!(1));
        return;
    }
    if is_array {
        if let Some(items) = obj.get_mut("items") {
            apply(items, rule);
        }
        return;
    }
    let nullable =
        matches!(obj.get("type"), Some(Value::Array(ts)) if ts.iter().any(|t| t == "null"));
    match rule {
        Rule::OneOf(values) => {
            let mut list: Vec<Value> = values.iter().map(|v| json!(v)).collect();
            if nullable {
                list.push(Value::Null);
            }
            obj.insert("enum".into(), Value::Array(list));
        }
        Rule::Line(max) => {
            limit(obj, *max);
            obj.insert("minLength".into(), json!(1));
            obj.insert("pattern".into(), json!(line_pattern()));
        }
        Rule::OptLine(max) => {
            limit(obj, *max);
            obj.insert("pattern".into(), json!(optional_line_pattern()));
        }
        Rule::Text(max) => {
            limit(obj, *max);
            obj.insert("pattern".into(), json!(text_pattern()));
        }
        Rule::RequiredText(max) => {
            limit(obj, *max);
            obj.insert("minLength".into(), json!(1));
            obj.insert("pattern".into(), json!(required_text_pattern()));
        }
        Rule::Code => {
            obj.insert("minLength".into(), json!(1));
            obj.insert("pattern".into(), json!(code_pattern()));
        }
        Rule::Slug => {
            limit(obj, Slug::MAX_LEN);
            obj.insert("minLength".into(), json!(1));
            obj.insert("pattern".into(), json!(slug_pattern()));
        }
        Rule::NonEmpty => {}
    }
}

/// Writes the field rules into the document's request schemas.
pub fn constrain(doc: &mut Value) {
    for (schema, field, rule) in rules() {
        if let Some(prop) =
            doc.pointer_mut(&format!("/components/schemas/{schema}/properties/{field}"))
        {
            apply(prop, &rule);
        }
    }
}

/// A form field: one of `names`, or empty for the default (white space around is trimmed).
fn choice(names: &[&str]) -> String {
    format!("^[{WS}]*({})?[{WS}]*$", names.join("|"))
}

/// The form fields of the uploads (`file` required; the import's options beside it), which
/// the handlers read from a multipart body themselves.
pub fn multipart_file(doc: &mut Value) {
    let forms = [
        (
            "/liaisons/{id}/attachments",
            json!({"type": "object", "required": ["file"], "additionalProperties": false,
                "properties": {"file": {"type": "string", "format": "binary"}}}),
        ),
        (
            "/imports",
            json!({"type": "object", "required": ["file"], "additionalProperties": false,
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "access": {"type": "string", "pattern": choice(&names(&AccessLevel::ALL, AccessLevel::as_str))},
                    "kind": {"type": "string", "pattern": choice(&names(DocumentKind::ALL, DocumentKind::as_str))},
                    "organizations": {"type": "array", "items": {"type": "string",
                        "minLength": 1, "pattern": code_pattern()}}}}),
        ),
    ];
    for (path, schema) in forms {
        let pointer = format!(
            "/paths/{}/post/requestBody/content/multipart~1form-data",
            path.replace('~', "~0").replace('/', "~1")
        );
        if let Some(Value::Object(content)) = doc.pointer_mut(&pointer) {
            content.insert("schema".into(), schema);
        }
    }
}

/// Query parameters never hold U+0000 (a 400, `extract::ApiQuery`): said in each text
/// parameter without a pattern of its own (those allow only letters, digits and `-`, or say so).
pub fn no_nul_in_queries(doc: &mut Value) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for op in item.values_mut() {
            let Some(Value::Array(params)) = op.get_mut("parameters") else {
                continue;
            };
            for p in params {
                if p.get("in").and_then(Value::as_str) != Some("query") {
                    continue;
                }
                let Some(Value::Object(schema)) = p.get_mut("schema") else {
                    continue;
                };
                let text = match schema.get("type") {
                    Some(Value::String(t)) => t == "string",
                    Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
                    _ => false,
                };
                if text && !schema.contains_key("pattern") {
                    schema.insert("pattern".into(), json!("^[^\\u0000]*$"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule names a field the document has: a renamed field cannot silently lose its rule.
    #[test]
    fn every_rule_names_a_field_of_the_document() {
        let (_, openapi) = super::super::router().split_for_parts();
        let doc = serde_json::to_value(&openapi).unwrap_or_default();
        for (schema, field, _) in rules() {
            assert!(
                doc.pointer(&format!("/components/schemas/{schema}/properties/{field}"))
                    .is_some(),
                "{schema}.{field}"
            );
        }
    }
}
