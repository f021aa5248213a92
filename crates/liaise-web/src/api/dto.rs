//! The wire shapes of the API. Registry entries are referred to by code or slug; dates are
//! `YYYY-MM-DD`, instants RFC 3339 in UTC.

use liaise_service::snapshot;
use serde::{Deserialize, Deserializer, Serialize};
use time::{OffsetDateTime, format_description::well_known::Rfc3339};
use utoipa::{IntoParams, ToSchema};

pub fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
}

pub fn ymd(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Absent means "keep", `null` means "clear", a value means "set".
pub(crate) fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A field that may be left out but not set to `null`: absent means "keep", and a value that
/// cannot be cleared has no `null` (the answer is a 422 naming the field).
pub(crate) fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

// ---- organizations ----------------------------------------------------------------------

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationDto {
    pub code: String,
    pub name: String,
    pub name_fr: Option<String>,
    pub url: Option<String>,
    pub to_confirm: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&snapshot::Organization> for OrganizationDto {
    fn from(o: &snapshot::Organization) -> Self {
        Self {
            code: o.code.clone(),
            name: o.name.clone(),
            name_fr: o.name_fr.clone(),
            url: o.url.clone(),
            to_confirm: o.to_confirm,
            created_at: rfc3339(o.created_at),
            updated_at: rfc3339(o.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganization {
    /// Stable code, e.g. `ITU`.
    pub code: String,
    pub name: String,
    pub name_fr: Option<String>,
    pub url: Option<String>,
    #[serde(default)]
    pub to_confirm: bool,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationPatchDto {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = String, required = false)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub name_fr: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub url: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = bool, required = false)]
    pub to_confirm: Option<bool>,
}

// ---- bodies -----------------------------------------------------------------------------

#[derive(Debug, Serialize, ToSchema)]
pub struct BodyDto {
    pub code: String,
    pub name: String,
    pub name_fr: Option<String>,
    /// `study-group`, `committee`, `standing-group` …
    pub kind: String,
    /// The owning organization (the first, for a joint body).
    pub organization: String,
    /// Every owning organization; two for a joint body.
    pub organizations: Vec<String>,
    /// The parent body's code.
    pub parent: Option<String>,
    pub children: Vec<String>,
    pub mandate: Option<String>,
    /// `2025-2028`.
    pub period: Option<String>,
    /// Topic slugs.
    pub topics: Vec<String>,
    /// Reference data not yet checked against a primary source.
    pub to_confirm: bool,
    /// How it numbers the statements it sends: `{body}`, `{year}` and `{n}` (none: the
    /// default `{body}-LS{n}`).
    pub ls_pattern: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&snapshot::Body> for BodyDto {
    fn from(b: &snapshot::Body) -> Self {
        Self {
            code: b.code.clone(),
            name: b.name.clone(),
            name_fr: b.name_fr.clone(),
            kind: b.kind.clone(),
            organization: b.organizations.first().cloned().unwrap_or_default(),
            organizations: b.organizations.clone(),
            parent: b.parent.clone(),
            children: b.children.clone(),
            mandate: b.mandate.clone(),
            period: b.period(),
            topics: b.topics.clone(),
            to_confirm: b.to_confirm,
            ls_pattern: b.ls_pattern.clone(),
            created_at: rfc3339(b.created_at),
            updated_at: rfc3339(b.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBody {
    pub code: String,
    pub name: String,
    pub name_fr: Option<String>,
    pub kind: String,
    pub mandate: Option<String>,
    pub parent: Option<String>,
    pub period: Option<String>,
    /// The owning organization …
    pub organization: Option<String>,
    /// … or several, for a joint body.
    #[serde(default)]
    pub organizations: Vec<String>,
    #[serde(default)]
    pub to_confirm: bool,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyPatchDto {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = String, required = false)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub name_fr: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = String, required = false)]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub mandate: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub parent: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub period: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Vec<String>, required = false)]
    pub organizations: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = bool, required = false)]
    pub to_confirm: Option<bool>,
    /// The pattern of the numbers of the statements it sends, e.g. `SG12-LS{n}` or
    /// `{body}-{year}-LS{n}`: placeholders `{body}`, `{year}` (the statement's year) and
    /// `{n}` (required, once); letters, digits, `-`, `_`, `.`; at most 40 characters.
    /// `null` returns to `{body}-LS{n}`. Applies from the next number given.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub ls_pattern: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BodiesQuery {
    /// Organization code: bodies it owns (alone or jointly).
    pub organization: Option<String>,
    /// Body kind, e.g. `study-group`.
    pub kind: Option<String>,
    /// Parent body code.
    pub parent: Option<String>,
    /// Topic slug.
    pub topic: Option<String>,
    /// Words in the code or name (English or French).
    pub q: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u64>,
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u64>,
}

// ---- people -----------------------------------------------------------------------------

#[derive(Debug, Serialize, ToSchema)]
pub struct RoleDto {
    pub id: i32,
    pub person: i32,
    /// Body code.
    pub body: String,
    /// `chair`, `vice-chair`, `rapporteur`, `focal-point`, `member` …
    pub role: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl From<&snapshot::Role> for RoleDto {
    fn from(r: &snapshot::Role) -> Self {
        Self {
            id: r.id,
            person: r.person_id,
            body: r.body.clone(),
            role: r.kind.clone(),
            from: r.from.map(ymd),
            to: r.to.map(ymd),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonDto {
    pub id: i32,
    pub name: String,
    pub organization: Option<String>,
    pub affiliation: Option<String>,
    /// Shown to signed-in callers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub roles: Vec<RoleDto>,
    pub created_at: String,
    pub updated_at: String,
}

impl PersonDto {
    pub fn new(p: &snapshot::Person, show_email: bool) -> Self {
        Self {
            id: p.id,
            name: p.name.clone(),
            organization: p.organization.clone(),
            affiliation: p.affiliation.clone(),
            email: if show_email { p.email.clone() } else { None },
            roles: p.roles.iter().map(RoleDto::from).collect(),
            created_at: rfc3339(p.created_at),
            updated_at: rfc3339(p.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    pub name: String,
    pub organization: Option<String>,
    pub affiliation: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonPatchDto {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = String, required = false)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub organization: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub affiliation: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRole {
    /// Body code.
    pub body: String,
    pub role: String,
    /// `YYYY-MM-DD`.
    pub from: Option<String>,
    /// `YYYY-MM-DD`.
    pub to: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// Organization code.
    pub organization: Option<String>,
    /// Body code: people with a role in it.
    pub body: Option<String>,
    /// Words in the name or affiliation.
    pub q: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u64>,
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u64>,
}

// ---- topics -----------------------------------------------------------------------------

#[derive(Debug, Serialize, ToSchema)]
pub struct TopicDto {
    pub slug: String,
    pub name: String,
    pub name_fr: Option<String>,
    pub description: Option<String>,
    /// The parent topic's slug.
    pub parent: Option<String>,
    pub children: Vec<String>,
    /// Codes of the bodies on this topic, of every organization.
    pub bodies: Vec<String>,
    pub to_confirm: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&snapshot::Topic> for TopicDto {
    fn from(t: &snapshot::Topic) -> Self {
        Self {
            slug: t.slug.clone(),
            name: t.name.clone(),
            name_fr: t.name_fr.clone(),
            description: t.description.clone(),
            parent: t.parent.clone(),
            children: t.children.clone(),
            bodies: t.bodies.clone(),
            to_confirm: t.to_confirm,
            created_at: rfc3339(t.created_at),
            updated_at: rfc3339(t.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTopic {
    pub slug: String,
    pub name: String,
    pub name_fr: Option<String>,
    pub description: Option<String>,
    pub parent: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicPatchDto {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = String, required = false)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub name_fr: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub parent: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = bool, required = false)]
    pub to_confirm: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopicsQuery {
    /// Parent topic slug.
    pub parent: Option<String>,
    /// Organization code: topics on which it has a body.
    pub organization: Option<String>,
    /// Body code: topics of this body.
    pub body: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u64>,
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u64>,
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u64>,
}

// ---- matrix -----------------------------------------------------------------------------

#[derive(Debug, Serialize, ToSchema)]
pub struct MatrixAxis {
    pub organization: String,
    /// Body codes, in registry order.
    pub bodies: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatrixCell {
    /// Body code of the row organization.
    pub row: String,
    /// Body code of the column organization.
    pub column: String,
    /// Slugs of the topics both bodies work on.
    pub topics: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatrixDto {
    pub rows: MatrixAxis,
    pub columns: MatrixAxis,
    /// Non-empty cells only.
    pub cells: Vec<MatrixCell>,
}

impl From<&snapshot::Matrix> for MatrixDto {
    fn from(m: &snapshot::Matrix) -> Self {
        let mut cells = Vec::new();
        for (r, row) in m.rows.iter().zip(&m.cells) {
            for (c, topics) in m.columns.iter().zip(row) {
                if !topics.is_empty() {
                    cells.push(MatrixCell {
                        row: r.clone(),
                        column: c.clone(),
                        topics: topics.clone(),
                    });
                }
            }
        }
        Self {
            rows: MatrixAxis {
                organization: m.rows_organization.clone(),
                bodies: m.rows.clone(),
            },
            columns: MatrixAxis {
                organization: m.columns_organization.clone(),
                bodies: m.columns.clone(),
            },
            cells,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatrixQuery {
    /// Organization of the rows (default: the first registered, e.g. ITU).
    pub rows: Option<String>,
    /// Organization of the columns (default: the second registered, e.g. UPU).
    pub columns: Option<String>,
}

// ---- lists ------------------------------------------------------------------------------

macro_rules! page_of {
    ($name:ident, $item:ty) => {
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            pub total: u64,
            pub page: u64,
            pub per_page: u64,
        }
    };
}

page_of!(BodyPage, BodyDto);
page_of!(PersonPage, PersonDto);
page_of!(TopicPage, TopicDto);
