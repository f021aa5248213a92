//! The registry tables.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
    sea_query::{Expr, ExprTrait},
};
use time::OffsetDateTime;

use crate::{
    StoreError,
    entity::{body, body_organization, body_topic, counter, organization, person, role, topic},
};

const REGISTRY_REVISION: &str = "registry_revision";

/// Every row of the registry, as read in one consistent pass.
#[derive(Debug, Default, Clone)]
pub struct RegistryRows {
    pub revision: i64,
    pub organizations: Vec<organization::Model>,
    pub bodies: Vec<body::Model>,
    pub body_organizations: Vec<body_organization::Model>,
    pub people: Vec<person::Model>,
    pub roles: Vec<role::Model>,
    pub topics: Vec<topic::Model>,
    pub body_topics: Vec<body_topic::Model>,
}

/// Reads the whole registry (a few thousand rows at most): seven queries, no N+1.
pub async fn load_all(c: &impl ConnectionTrait) -> Result<RegistryRows, StoreError> {
    Ok(RegistryRows {
        revision: revision(c).await?,
        organizations: organization::Entity::find()
            .order_by_asc(organization::Column::Id)
            .all(c)
            .await?,
        bodies: body::Entity::find()
            .order_by_asc(body::Column::Id)
            .all(c)
            .await?,
        body_organizations: body_organization::Entity::find().all(c).await?,
        people: person::Entity::find()
            .order_by_asc(person::Column::Id)
            .all(c)
            .await?,
        roles: role::Entity::find()
            .order_by_asc(role::Column::Id)
            .all(c)
            .await?,
        topics: topic::Entity::find()
            .order_by_asc(topic::Column::Id)
            .all(c)
            .await?,
        body_topics: body_topic::Entity::find().all(c).await?,
    })
}

/// The registry's revision: it grows with every write, so readers know when to reload.
pub async fn revision(c: &impl ConnectionTrait) -> Result<i64, StoreError> {
    let row = counter::Entity::find_by_id(REGISTRY_REVISION.to_owned())
        .one(c)
        .await?;
    Ok(row.map_or(0, |r| r.value))
}

/// Marks the registry as changed; call inside the write's transaction.
pub async fn bump_revision(c: &impl ConnectionTrait) -> Result<(), StoreError> {
    counter::Entity::update_many()
        .col_expr(
            counter::Column::Value,
            Expr::col(counter::Column::Value).add(1),
        )
        .filter(counter::Column::Name.eq(REGISTRY_REVISION))
        .exec(c)
        .await?;
    Ok(())
}

// ---- organizations ----------------------------------------------------------------------

pub struct OrganizationRow<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub name_fr: Option<&'a str>,
    pub url: Option<&'a str>,
    pub to_confirm: bool,
}

pub async fn organization_by_code(
    c: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<organization::Model>, StoreError> {
    Ok(organization::Entity::find()
        .filter(organization::Column::Code.eq(code))
        .one(c)
        .await?)
}

pub async fn organizations_by_codes(
    c: &impl ConnectionTrait,
    codes: &[&str],
) -> Result<Vec<organization::Model>, StoreError> {
    Ok(organization::Entity::find()
        .filter(organization::Column::Code.is_in(codes.iter().copied()))
        .all(c)
        .await?)
}

pub async fn organizations_by_ids(
    c: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<Vec<organization::Model>, StoreError> {
    Ok(organization::Entity::find()
        .filter(organization::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(organization::Column::Code)
        .all(c)
        .await?)
}

pub async fn insert_organization(
    c: &impl ConnectionTrait,
    row: &OrganizationRow<'_>,
    now: OffsetDateTime,
) -> Result<organization::Model, StoreError> {
    let m = organization::ActiveModel {
        code: Set(row.code.to_owned()),
        name: Set(row.name.to_owned()),
        name_fr: Set(row.name_fr.map(str::to_owned)),
        url: Set(row.url.map(str::to_owned)),
        to_confirm: Set(row.to_confirm),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    Ok(m.insert(c).await?)
}

pub async fn update_organization(
    c: &impl ConnectionTrait,
    id: i32,
    row: &OrganizationRow<'_>,
    now: OffsetDateTime,
) -> Result<organization::Model, StoreError> {
    let m = organization::ActiveModel {
        id: Set(id),
        code: Set(row.code.to_owned()),
        name: Set(row.name.to_owned()),
        name_fr: Set(row.name_fr.map(str::to_owned)),
        url: Set(row.url.map(str::to_owned)),
        to_confirm: Set(row.to_confirm),
        updated_at: Set(now),
        ..Default::default()
    };
    Ok(m.update(c).await?)
}

// ---- bodies -----------------------------------------------------------------------------

pub struct BodyRow<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub name_fr: Option<&'a str>,
    pub kind: &'a str,
    pub mandate: Option<&'a str>,
    pub parent_id: Option<i32>,
    pub period_start: Option<i32>,
    pub period_end: Option<i32>,
    pub to_confirm: bool,
    pub organization_ids: &'a [i32],
}

pub async fn body_by_code(
    c: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<body::Model>, StoreError> {
    Ok(body::Entity::find()
        .filter(body::Column::Code.eq(code))
        .one(c)
        .await?)
}

pub async fn bodies_by_codes(
    c: &impl ConnectionTrait,
    codes: &[&str],
) -> Result<Vec<body::Model>, StoreError> {
    Ok(body::Entity::find()
        .filter(body::Column::Code.is_in(codes.iter().copied()))
        .all(c)
        .await?)
}

/// The codes above a body, nearest first, starting with `parent_id` itself. Stops on a
/// cycle already in the data rather than looping.
pub async fn body_chain(
    c: &impl ConnectionTrait,
    parent_id: i32,
) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(i32, String, Option<i32>)> = body::Entity::find()
        .select_only()
        .column(body::Column::Id)
        .column(body::Column::Code)
        .column(body::Column::ParentId)
        .into_tuple()
        .all(c)
        .await?;
    let by_id: std::collections::HashMap<i32, (&str, Option<i32>)> = rows
        .iter()
        .map(|(id, code, parent)| (*id, (code.as_str(), *parent)))
        .collect();
    let mut chain = Vec::new();
    let mut next = Some(parent_id);
    while let Some(id) = next {
        let Some((code, parent)) = by_id.get(&id) else {
            break;
        };
        if chain.iter().any(|c: &String| c == code) || chain.len() > by_id.len() {
            break;
        }
        chain.push((*code).to_owned());
        next = *parent;
    }
    Ok(chain)
}

/// Sets (or clears) the pattern of the numbers of the statements a body sends.
pub async fn set_ls_pattern(
    c: &impl ConnectionTrait,
    body_id: i32,
    pattern: Option<&str>,
) -> Result<(), StoreError> {
    body::ActiveModel {
        id: Set(body_id),
        ls_pattern: Set(pattern.map(str::to_owned)),
        ..Default::default()
    }
    .update(c)
    .await?;
    Ok(())
}

fn body_active(row: &BodyRow<'_>, now: OffsetDateTime) -> body::ActiveModel {
    body::ActiveModel {
        code: Set(row.code.to_owned()),
        name: Set(row.name.to_owned()),
        name_fr: Set(row.name_fr.map(str::to_owned)),
        kind: Set(row.kind.to_owned()),
        mandate: Set(row.mandate.map(str::to_owned)),
        parent_id: Set(row.parent_id),
        period_start: Set(row.period_start),
        period_end: Set(row.period_end),
        to_confirm: Set(row.to_confirm),
        updated_at: Set(now),
        ..Default::default()
    }
}

async fn set_body_organizations(
    c: &impl ConnectionTrait,
    body_id: i32,
    organization_ids: &[i32],
) -> Result<(), StoreError> {
    body_organization::Entity::delete_many()
        .filter(body_organization::Column::BodyId.eq(body_id))
        .exec(c)
        .await?;
    if !organization_ids.is_empty() {
        body_organization::Entity::insert_many(organization_ids.iter().map(|&organization_id| {
            body_organization::ActiveModel {
                body_id: Set(body_id),
                organization_id: Set(organization_id),
            }
        }))
        .exec(c)
        .await?;
    }
    Ok(())
}

pub async fn insert_body(
    c: &impl ConnectionTrait,
    row: &BodyRow<'_>,
    now: OffsetDateTime,
) -> Result<body::Model, StoreError> {
    let mut m = body_active(row, now);
    m.created_at = Set(now);
    let model = m.insert(c).await?;
    set_body_organizations(c, model.id, row.organization_ids).await?;
    Ok(model)
}

pub async fn update_body(
    c: &impl ConnectionTrait,
    id: i32,
    row: &BodyRow<'_>,
    now: OffsetDateTime,
) -> Result<body::Model, StoreError> {
    let mut m = body_active(row, now);
    m.id = Set(id);
    let model = m.update(c).await?;
    set_body_organizations(c, id, row.organization_ids).await?;
    Ok(model)
}

/// The organizations a body belongs to.
pub async fn body_organization_ids(
    c: &impl ConnectionTrait,
    body_id: i32,
) -> Result<Vec<i32>, StoreError> {
    Ok(body_organization::Entity::find()
        .filter(body_organization::Column::BodyId.eq(body_id))
        .all(c)
        .await?
        .into_iter()
        .map(|r| r.organization_id)
        .collect())
}

// ---- people and roles -------------------------------------------------------------------

pub struct PersonRow<'a> {
    pub name: &'a str,
    pub organization_id: Option<i32>,
    pub affiliation: Option<&'a str>,
    pub email: Option<&'a str>,
}

pub async fn person_by_id(
    c: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<person::Model>, StoreError> {
    Ok(person::Entity::find_by_id(id).one(c).await?)
}

pub async fn person_by_email(
    c: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<person::Model>, StoreError> {
    Ok(person::Entity::find()
        .filter(person::Column::Email.eq(email))
        .one(c)
        .await?)
}

/// A new person; `listed` when a secretariat records them (an account's own person is not
/// listed until its holder chooses so, or a role is recorded).
pub async fn insert_person(
    c: &impl ConnectionTrait,
    row: &PersonRow<'_>,
    listed: bool,
    now: OffsetDateTime,
) -> Result<person::Model, StoreError> {
    let m = person::ActiveModel {
        listed: Set(listed),
        name: Set(row.name.to_owned()),
        organization_id: Set(row.organization_id),
        affiliation: Set(row.affiliation.map(str::to_owned)),
        email: Set(row.email.map(str::to_owned)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    Ok(m.insert(c).await?)
}

pub async fn update_person(
    c: &impl ConnectionTrait,
    id: i32,
    row: &PersonRow<'_>,
    now: OffsetDateTime,
) -> Result<person::Model, StoreError> {
    let m = person::ActiveModel {
        id: Set(id),
        name: Set(row.name.to_owned()),
        organization_id: Set(row.organization_id),
        affiliation: Set(row.affiliation.map(str::to_owned)),
        email: Set(row.email.map(str::to_owned)),
        updated_at: Set(now),
        ..Default::default()
    };
    Ok(m.update(c).await?)
}

/// Lists a person in the public directory, or takes them out of it.
pub async fn set_person_listed(
    c: &impl ConnectionTrait,
    id: i32,
    listed: bool,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let m = person::ActiveModel {
        id: Set(id),
        listed: Set(listed),
        updated_at: Set(now),
        ..Default::default()
    };
    m.update(c).await?;
    Ok(())
}

pub struct RoleRow<'a> {
    pub person_id: i32,
    pub body_id: i32,
    pub kind: &'a str,
    pub date_from: Option<time::Date>,
    pub date_to: Option<time::Date>,
}

pub async fn insert_role(
    c: &impl ConnectionTrait,
    row: &RoleRow<'_>,
    now: OffsetDateTime,
) -> Result<role::Model, StoreError> {
    let m = role::ActiveModel {
        person_id: Set(row.person_id),
        body_id: Set(row.body_id),
        kind: Set(row.kind.to_owned()),
        date_from: Set(row.date_from),
        date_to: Set(row.date_to),
        created_at: Set(now),
        ..Default::default()
    };
    Ok(m.insert(c).await?)
}

pub async fn role_by_id(
    c: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<role::Model>, StoreError> {
    Ok(role::Entity::find_by_id(id).one(c).await?)
}

pub async fn delete_role(c: &impl ConnectionTrait, id: i32) -> Result<bool, StoreError> {
    let r = role::Entity::delete_by_id(id).exec(c).await?;
    Ok(r.rows_affected > 0)
}

// ---- topics and links -------------------------------------------------------------------

pub struct TopicRow<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub name_fr: Option<&'a str>,
    pub description: Option<&'a str>,
    pub parent_id: Option<i32>,
    pub to_confirm: bool,
}

pub async fn topic_by_slug(
    c: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<topic::Model>, StoreError> {
    Ok(topic::Entity::find()
        .filter(topic::Column::Slug.eq(slug))
        .one(c)
        .await?)
}

pub async fn topics_by_slugs(
    c: &impl ConnectionTrait,
    slugs: &[&str],
) -> Result<Vec<topic::Model>, StoreError> {
    Ok(topic::Entity::find()
        .filter(topic::Column::Slug.is_in(slugs.iter().copied()))
        .all(c)
        .await?)
}

/// The slugs above a topic, nearest first, starting with `parent_id` itself.
pub async fn topic_chain(
    c: &impl ConnectionTrait,
    parent_id: i32,
) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(i32, String, Option<i32>)> = topic::Entity::find()
        .select_only()
        .column(topic::Column::Id)
        .column(topic::Column::Slug)
        .column(topic::Column::ParentId)
        .into_tuple()
        .all(c)
        .await?;
    let by_id: std::collections::HashMap<i32, (&str, Option<i32>)> = rows
        .iter()
        .map(|(id, slug, parent)| (*id, (slug.as_str(), *parent)))
        .collect();
    let mut chain = Vec::new();
    let mut next = Some(parent_id);
    while let Some(id) = next {
        let Some((slug, parent)) = by_id.get(&id) else {
            break;
        };
        if chain.iter().any(|s: &String| s == slug) || chain.len() > by_id.len() {
            break;
        }
        chain.push((*slug).to_owned());
        next = *parent;
    }
    Ok(chain)
}

fn topic_active(row: &TopicRow<'_>, now: OffsetDateTime) -> topic::ActiveModel {
    topic::ActiveModel {
        slug: Set(row.slug.to_owned()),
        name: Set(row.name.to_owned()),
        name_fr: Set(row.name_fr.map(str::to_owned)),
        description: Set(row.description.map(str::to_owned)),
        parent_id: Set(row.parent_id),
        to_confirm: Set(row.to_confirm),
        updated_at: Set(now),
        ..Default::default()
    }
}

pub async fn insert_topic(
    c: &impl ConnectionTrait,
    row: &TopicRow<'_>,
    now: OffsetDateTime,
) -> Result<topic::Model, StoreError> {
    let mut m = topic_active(row, now);
    m.created_at = Set(now);
    Ok(m.insert(c).await?)
}

pub async fn update_topic(
    c: &impl ConnectionTrait,
    id: i32,
    row: &TopicRow<'_>,
    now: OffsetDateTime,
) -> Result<topic::Model, StoreError> {
    let mut m = topic_active(row, now);
    m.id = Set(id);
    Ok(m.update(c).await?)
}

/// Links a body to a topic; `false` if the link was already there.
pub async fn link_body_topic(
    c: &impl ConnectionTrait,
    body_id: i32,
    topic_id: i32,
) -> Result<bool, StoreError> {
    let exists = body_topic::Entity::find_by_id((body_id, topic_id))
        .one(c)
        .await?
        .is_some();
    if exists {
        return Ok(false);
    }
    body_topic::ActiveModel {
        body_id: Set(body_id),
        topic_id: Set(topic_id),
    }
    .insert(c)
    .await?;
    Ok(true)
}

/// Removes a link; `false` if there was none.
pub async fn unlink_body_topic(
    c: &impl ConnectionTrait,
    body_id: i32,
    topic_id: i32,
) -> Result<bool, StoreError> {
    let r = body_topic::Entity::delete_by_id((body_id, topic_id))
        .exec(c)
        .await?;
    Ok(r.rows_affected > 0)
}
