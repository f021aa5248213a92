//! Writes to the registry. Each is one transaction that also bumps the registry revision,
//! so every server reloads its snapshot.

use std::sync::Arc;

use liaise_domain::{
    Action, Code, FieldError, Viewer, authorize,
    registry::{
        BodyFields, BodyInput, OrganizationInput, PersonInput, RoleInput, TopicInput, check_parent,
        check_topic_parent,
    },
};
use liaise_store::{
    Tx,
    queries::registry::{self as q, BodyRow, OrganizationRow, PersonRow, RoleRow, TopicRow},
};
use time::OffsetDateTime;

use crate::{
    Liaise, ServiceError,
    audit::{self, Fields, diff},
    snapshot,
};

/// Changes to an organization; `None` keeps a field.
#[derive(Debug, Default, Clone)]
pub struct OrganizationPatch {
    pub name: Option<String>,
    pub name_fr: Option<Option<String>>,
    pub url: Option<Option<String>>,
    pub to_confirm: Option<bool>,
}

/// Changes to a body; `None` keeps a field, `Some(None)` clears an optional one.
#[derive(Debug, Default, Clone)]
pub struct BodyPatch {
    pub name: Option<String>,
    pub name_fr: Option<Option<String>>,
    pub kind: Option<String>,
    pub mandate: Option<Option<String>>,
    pub parent: Option<Option<String>>,
    pub period: Option<Option<String>>,
    pub organizations: Option<Vec<String>>,
    pub to_confirm: Option<bool>,
    /// The pattern of its statements' numbers; `Some(None)` returns to the default.
    pub ls_pattern: Option<Option<String>>,
}

/// Changes to a person.
#[derive(Debug, Default, Clone)]
pub struct PersonPatch {
    pub name: Option<String>,
    pub organization: Option<Option<String>>,
    pub affiliation: Option<Option<String>>,
    pub email: Option<Option<String>>,
}

/// Changes to a topic.
#[derive(Debug, Default, Clone)]
pub struct TopicPatch {
    pub name: Option<String>,
    pub name_fr: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub parent: Option<Option<String>>,
    pub to_confirm: Option<bool>,
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn merge(patch: Option<Option<String>>, current: Option<String>) -> Option<String> {
    patch.unwrap_or(current)
}

impl Liaise {
    /// Bumps the revision, commits, and shows the new registry.
    async fn commit_registry(&self, tx: Tx) -> Result<Arc<snapshot::Snapshot>, ServiceError> {
        crate::search::index_registry(&tx).await?;
        q::bump_revision(&tx).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.reload().await?;
        Ok(self.current())
    }

    // ---- organizations ------------------------------------------------------------------

    #[tracing::instrument(skip_all, fields(code = %input.code, actor = viewer.actor()))]
    pub async fn create_organization(
        &self,
        viewer: &Viewer,
        input: OrganizationInput,
    ) -> Result<snapshot::Organization, ServiceError> {
        authorize(viewer, &Action::Administer)?;
        let tx = self.store.begin().await?;
        if q::organization_by_code(&tx, input.code.as_str())
            .await?
            .is_some()
        {
            return Err(ServiceError::conflict(
                "code",
                format!(
                    "an organization with the code {} already exists",
                    input.code
                ),
            ));
        }
        q::insert_organization(&tx, &org_row(&input), now()).await?;
        let changes = diff(&Vec::new(), &org_fields(&org_row(&input)));
        audit::record(
            &tx,
            viewer,
            "create",
            "organization",
            input.code.as_str(),
            changes,
        )
        .await?;
        let snap = self.commit_registry(tx).await?;
        found(snap.organization(input.code.as_str()).cloned())
    }

    #[tracing::instrument(skip_all, fields(code, actor = viewer.actor()))]
    pub async fn update_organization(
        &self,
        viewer: &Viewer,
        code: &str,
        patch: OrganizationPatch,
    ) -> Result<snapshot::Organization, ServiceError> {
        let tx = self.store.begin().await?;
        let current = q::organization_by_code(&tx, &normalize_code(code))
            .await?
            .ok_or_else(|| not_found("organization", code))?;
        let owner = [Code::parse("code", &current.code)?];
        authorize(viewer, &Action::EditRegistry { owners: &owner })?;
        let input = OrganizationInput::parse(
            &current.code,
            patch.name.as_deref().unwrap_or(&current.name),
            merge(patch.name_fr, current.name_fr.clone()).as_deref(),
            merge(patch.url, current.url.clone()).as_deref(),
            patch.to_confirm.unwrap_or(current.to_confirm),
        )?;
        q::update_organization(&tx, current.id, &org_row(&input), now()).await?;
        let before = org_fields(&OrganizationRow {
            code: &current.code,
            name: &current.name,
            name_fr: current.name_fr.as_deref(),
            url: current.url.as_deref(),
            to_confirm: current.to_confirm,
        });
        let changes = diff(&before, &org_fields(&org_row(&input)));
        audit::record(
            &tx,
            viewer,
            "update",
            "organization",
            &current.code,
            changes,
        )
        .await?;
        let snap = self.commit_registry(tx).await?;
        found(snap.organization(&current.code).cloned())
    }

    // ---- bodies -------------------------------------------------------------------------

    #[tracing::instrument(skip_all, fields(code = %input.code, actor = viewer.actor()))]
    pub async fn create_body(
        &self,
        viewer: &Viewer,
        input: BodyInput,
    ) -> Result<snapshot::Body, ServiceError> {
        authorize(
            viewer,
            &Action::EditRegistry {
                owners: &input.organizations,
            },
        )?;
        let tx = self.store.begin().await?;
        if q::body_by_code(&tx, input.code.as_str()).await?.is_some() {
            return Err(ServiceError::conflict(
                "code",
                format!("a body with the code {} already exists", input.code),
            ));
        }
        let organization_ids = resolve_organizations(&tx, &input.organizations).await?;
        let parent_id = resolve_parent(&tx, input.parent.as_ref()).await?;
        q::insert_body(&tx, &body_row(&input, parent_id, &organization_ids), now()).await?;
        let changes = diff(&Vec::new(), &body_input_fields(&input));
        audit::record(&tx, viewer, "create", "body", input.code.as_str(), changes).await?;
        let snap = self.commit_registry(tx).await?;
        found(snap.body(input.code.as_str()).cloned())
    }

    #[tracing::instrument(skip_all, fields(code, actor = viewer.actor()))]
    pub async fn update_body(
        &self,
        viewer: &Viewer,
        code: &str,
        patch: BodyPatch,
    ) -> Result<snapshot::Body, ServiceError> {
        let tx = self.store.begin().await?;
        let current = q::body_by_code(&tx, &normalize_code(code))
            .await?
            .ok_or_else(|| not_found("body", code))?;
        let current_org_ids = q::body_organization_ids(&tx, current.id).await?;
        let current_orgs = org_codes_by_id(&tx, &current_org_ids).await?;
        let current_parent = match current.parent_id {
            Some(pid) => q::body_chain(&tx, pid).await?.into_iter().next(),
            None => None,
        };
        let organizations = patch.organizations.clone().unwrap_or(current_orgs.clone());
        let period = merge(patch.period, current_period(&current));
        let name_fr = merge(patch.name_fr, current.name_fr.clone());
        let mandate = merge(patch.mandate, current.mandate.clone());
        let current_parent_code = current_parent.clone();
        let parent = merge(patch.parent, current_parent);
        let before = body_fields(
            &current.code,
            &current.name,
            current.name_fr.as_deref(),
            &current.kind,
            current.mandate.as_deref(),
            current_parent_code.as_deref(),
            current_period(&current),
            &current_orgs,
            current.to_confirm,
        );
        let fields = BodyFields {
            code: &current.code,
            name: patch.name.as_deref().unwrap_or(&current.name),
            name_fr: name_fr.as_deref(),
            kind: patch.kind.as_deref().unwrap_or(&current.kind),
            mandate: mandate.as_deref(),
            parent: parent.as_deref(),
            period: period.as_deref(),
            organizations: &organizations,
            to_confirm: patch.to_confirm.unwrap_or(current.to_confirm),
        };
        let input = BodyInput::parse(&fields);
        let pattern = patch
            .ls_pattern
            .as_ref()
            .map(|p| {
                p.as_deref()
                    .filter(|p| !p.trim().is_empty())
                    .map(|p| liaise_domain::liaison::LsPattern::parse("ls_pattern", p))
                    .transpose()
            })
            .transpose();
        let (input, pattern) = match (input, pattern) {
            (Ok(i), Ok(p)) => (i, p),
            (Err(a), Err(b)) => {
                let mut all = match ServiceError::from(a) {
                    ServiceError::Invalid(list) => list,
                    _ => Vec::new(),
                };
                if let ServiceError::Invalid(list) = ServiceError::from(b) {
                    all.extend(list);
                }
                return Err(ServiceError::Invalid(all));
            }
            (Err(e), _) | (_, Err(e)) => return Err(e.into()),
        };
        // The viewer must hold rights on the body as it is and as it will be, so a
        // secretariat cannot hand a body over to another organization alone.
        let owners: Vec<Code> = current_orgs
            .iter()
            .map(|o| Code::parse("organizations", o))
            .collect::<Result<_, _>>()?;
        authorize(viewer, &Action::EditRegistry { owners: &owners })?;
        authorize(
            viewer,
            &Action::EditRegistry {
                owners: &input.organizations,
            },
        )?;
        let organization_ids = resolve_organizations(&tx, &input.organizations).await?;
        let parent_id = resolve_parent(&tx, input.parent.as_ref()).await?;
        if let Some(pid) = parent_id {
            let chain = q::body_chain(&tx, pid).await?;
            let chain: Vec<Code> = chain
                .iter()
                .filter_map(|c| Code::parse("parent", c).ok())
                .collect();
            check_parent(&input.code, &chain)?;
        }
        q::update_body(
            &tx,
            current.id,
            &body_row(&input, parent_id, &organization_ids),
            now(),
        )
        .await?;
        let mut after = body_input_fields(&input);
        let mut before = before;
        if let Some(pattern) = &pattern {
            let new = pattern.as_ref().map(|p| p.as_str().to_owned());
            q::set_ls_pattern(&tx, current.id, new.as_deref()).await?;
            before.push(("ls_pattern", current.ls_pattern.clone()));
            after.push(("ls_pattern", new));
        }
        let changes = diff(&before, &after);
        audit::record(&tx, viewer, "update", "body", &current.code, changes).await?;
        let snap = self.commit_registry(tx).await?;
        found(snap.body(&current.code).cloned())
    }

    // ---- people and roles ---------------------------------------------------------------

    #[tracing::instrument(skip_all, fields(actor = viewer.actor()))]
    pub async fn create_person(
        &self,
        viewer: &Viewer,
        input: PersonInput,
    ) -> Result<snapshot::Person, ServiceError> {
        let owners: Vec<Code> = input.organization.iter().cloned().collect();
        authorize(viewer, &Action::EditRegistry { owners: &owners })?;
        let tx = self.store.begin().await?;
        check_email_free(&tx, input.email.as_ref().map(|e| e.as_str()), None).await?;
        let organization_id = resolve_organization(&tx, input.organization.as_ref()).await?;
        let row = person_row(&input, organization_id);
        let person = q::insert_person(&tx, &row, true, now()).await?;
        let after = person_fields(
            &input.name,
            input.organization.as_ref().map(|c| c.as_str()),
            input.affiliation.as_deref(),
            input.email.as_ref().map(|e| e.as_str()),
        );
        audit::record(
            &tx,
            viewer,
            "create",
            "person",
            &person.id.to_string(),
            diff(&Vec::new(), &after),
        )
        .await?;
        let snap = self.commit_registry(tx).await?;
        found(snap.person(person.id).cloned())
    }

    #[tracing::instrument(skip_all, fields(id, actor = viewer.actor()))]
    pub async fn update_person(
        &self,
        viewer: &Viewer,
        id: i32,
        patch: PersonPatch,
    ) -> Result<snapshot::Person, ServiceError> {
        let tx = self.store.begin().await?;
        let current = q::person_by_id(&tx, id)
            .await?
            .ok_or_else(|| not_found("person", &id.to_string()))?;
        let current_org = org_codes_by_id(
            &tx,
            &current.organization_id.into_iter().collect::<Vec<_>>(),
        )
        .await?
        .into_iter()
        .next();
        let current_org_code = current_org.clone();
        let organization = merge(patch.organization, current_org.clone());
        let affiliation = merge(patch.affiliation, current.affiliation.clone());
        let email = merge(patch.email, current.email.clone());
        let input = PersonInput::parse(
            patch.name.as_deref().unwrap_or(&current.name),
            organization.as_deref(),
            affiliation.as_deref(),
            email.as_deref(),
        )?;
        let old_owner: Vec<Code> = current_org
            .iter()
            .map(|o| Code::parse("organization", o))
            .collect::<Result<_, _>>()?;
        let new_owner: Vec<Code> = input.organization.iter().cloned().collect();
        authorize(viewer, &Action::EditRegistry { owners: &old_owner })?;
        authorize(viewer, &Action::EditRegistry { owners: &new_owner })?;
        check_email_free(&tx, input.email.as_ref().map(|e| e.as_str()), Some(id)).await?;
        let organization_id = resolve_organization(&tx, input.organization.as_ref()).await?;
        q::update_person(&tx, id, &person_row(&input, organization_id), now()).await?;
        let before = person_fields(
            &current.name,
            current_org_code.as_deref(),
            current.affiliation.as_deref(),
            current.email.as_deref(),
        );
        let after = person_fields(
            &input.name,
            input.organization.as_ref().map(|c| c.as_str()),
            input.affiliation.as_deref(),
            input.email.as_ref().map(|e| e.as_str()),
        );
        audit::record(
            &tx,
            viewer,
            "update",
            "person",
            &id.to_string(),
            diff(&before, &after),
        )
        .await?;
        let snap = self.commit_registry(tx).await?;
        found(snap.person(id).cloned())
    }

    /// The registry person behind the viewer's account, when there is one.
    pub async fn my_person(
        &self,
        viewer: &Viewer,
    ) -> Result<Option<snapshot::Person>, ServiceError> {
        let Some(user_id) = viewer.user_id else {
            return Ok(None);
        };
        let Some(user) = liaise_store::queries::users::by_id(self.store.conn(), user_id).await?
        else {
            return Ok(None);
        };
        let snap = self.registry().await?;
        Ok(user.person_id.and_then(|p| snap.person(p).cloned()))
    }

    /// The holder of an account lists themselves in the public directory of people, or
    /// takes themselves out of it (a person with a role stays public: the secretariat
    /// recorded them).
    #[tracing::instrument(skip_all, fields(listed, actor = viewer.actor()))]
    pub async fn set_listed(
        &self,
        viewer: &Viewer,
        listed: bool,
    ) -> Result<snapshot::Person, ServiceError> {
        let user_id = viewer.user_id.ok_or(ServiceError::Unauthenticated)?;
        let tx = self.store.begin().await?;
        let user = liaise_store::queries::users::by_id(&tx, user_id)
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        let person_id = user
            .person_id
            .ok_or_else(|| ServiceError::NotFound("this account has no person".to_owned()))?;
        let current = q::person_by_id(&tx, person_id)
            .await?
            .ok_or_else(|| not_found("person", &person_id.to_string()))?;
        if current.listed != listed {
            q::set_person_listed(&tx, person_id, listed, now()).await?;
            let field = |v: bool| vec![("listed", Some(v.to_string()))];
            audit::record(
                &tx,
                viewer,
                "update",
                "person",
                &person_id.to_string(),
                diff(&field(current.listed), &field(listed)),
            )
            .await?;
        }
        let snap = self.commit_registry(tx).await?;
        found(snap.person(person_id).cloned())
    }

    #[tracing::instrument(skip_all, fields(person_id, actor = viewer.actor()))]
    pub async fn add_role(
        &self,
        viewer: &Viewer,
        person_id: i32,
        input: RoleInput,
    ) -> Result<snapshot::Role, ServiceError> {
        let tx = self.store.begin().await?;
        q::person_by_id(&tx, person_id)
            .await?
            .ok_or_else(|| not_found("person", &person_id.to_string()))?;
        let body = q::body_by_code(&tx, input.body.as_str())
            .await?
            .ok_or_else(|| unknown("body", "body", input.body.as_str()))?;
        let owners = body_owners(&tx, body.id).await?;
        authorize(viewer, &Action::EditRegistry { owners: &owners })?;
        let role = q::insert_role(
            &tx,
            &RoleRow {
                person_id,
                body_id: body.id,
                kind: input.kind.as_str(),
                date_from: input.from,
                date_to: input.to,
            },
            now(),
        )
        .await?;
        let after: Fields = vec![
            ("person", Some(person_id.to_string())),
            ("body", Some(input.body.to_string())),
            ("role", Some(input.kind.as_str().to_owned())),
            ("from", input.from.map(|d| d.to_string())),
            ("to", input.to.map(|d| d.to_string())),
        ];
        audit::record(
            &tx,
            viewer,
            "create",
            "role",
            &role.id.to_string(),
            diff(&Vec::new(), &after),
        )
        .await?;
        let snap = self.commit_registry(tx).await?;
        found(
            snap.person(person_id)
                .and_then(|p| p.roles.iter().find(|r| r.id == role.id))
                .cloned(),
        )
    }

    #[tracing::instrument(skip_all, fields(role_id, actor = viewer.actor()))]
    pub async fn remove_role(&self, viewer: &Viewer, role_id: i32) -> Result<(), ServiceError> {
        let tx = self.store.begin().await?;
        let role = q::role_by_id(&tx, role_id)
            .await?
            .ok_or_else(|| not_found("role", &role_id.to_string()))?;
        let owners = body_owners(&tx, role.body_id).await?;
        authorize(viewer, &Action::EditRegistry { owners: &owners })?;
        q::delete_role(&tx, role_id).await?;
        let before: Fields = vec![
            ("person", Some(role.person_id.to_string())),
            ("role", Some(role.kind.clone())),
        ];
        audit::record(
            &tx,
            viewer,
            "delete",
            "role",
            &role_id.to_string(),
            diff(&before, &Vec::new()).or_else(|| Some(String::from("{}"))),
        )
        .await?;
        self.commit_registry(tx).await?;
        Ok(())
    }

    // ---- topics and links ---------------------------------------------------------------

    #[tracing::instrument(skip_all, fields(slug = %input.slug, actor = viewer.actor()))]
    pub async fn create_topic(
        &self,
        viewer: &Viewer,
        input: TopicInput,
    ) -> Result<snapshot::Topic, ServiceError> {
        authorize(viewer, &Action::EditRegistry { owners: &[] })?;
        let tx = self.store.begin().await?;
        if q::topic_by_slug(&tx, input.slug.as_str()).await?.is_some() {
            return Err(ServiceError::conflict(
                "slug",
                format!("a topic with the slug {} already exists", input.slug),
            ));
        }
        let parent_id =
            resolve_topic_parent(&tx, input.parent.as_ref().map(|p| p.as_str())).await?;
        q::insert_topic(&tx, &topic_row(&input, parent_id, false), now()).await?;
        let after = topic_fields(&input, false);
        audit::record(
            &tx,
            viewer,
            "create",
            "topic",
            input.slug.as_str(),
            diff(&Vec::new(), &after),
        )
        .await?;
        let snap = self.commit_registry(tx).await?;
        found(snap.topic(input.slug.as_str()).cloned())
    }

    #[tracing::instrument(skip_all, fields(slug, actor = viewer.actor()))]
    pub async fn update_topic(
        &self,
        viewer: &Viewer,
        slug: &str,
        patch: TopicPatch,
    ) -> Result<snapshot::Topic, ServiceError> {
        authorize(viewer, &Action::EditRegistry { owners: &[] })?;
        let tx = self.store.begin().await?;
        let current = q::topic_by_slug(&tx, slug.trim())
            .await?
            .ok_or_else(|| not_found("topic", slug))?;
        let current_parent = match current.parent_id {
            Some(pid) => q::topic_chain(&tx, pid).await?.into_iter().next(),
            None => None,
        };
        let name_fr = merge(patch.name_fr, current.name_fr.clone());
        let description = merge(patch.description, current.description.clone());
        let current_parent_slug = current_parent.clone();
        let parent = merge(patch.parent, current_parent);
        let input = TopicInput::parse(
            &current.slug,
            patch.name.as_deref().unwrap_or(&current.name),
            name_fr.as_deref(),
            description.as_deref(),
            parent.as_deref(),
        )?;
        let parent_id =
            resolve_topic_parent(&tx, input.parent.as_ref().map(|p| p.as_str())).await?;
        if let Some(pid) = parent_id {
            let chain: Vec<liaise_domain::Slug> = q::topic_chain(&tx, pid)
                .await?
                .iter()
                .filter_map(|s| liaise_domain::Slug::parse("parent", s).ok())
                .collect();
            check_topic_parent(&input.slug, &chain)?;
        }
        let to_confirm = patch.to_confirm.unwrap_or(current.to_confirm);
        q::update_topic(
            &tx,
            current.id,
            &topic_row(&input, parent_id, to_confirm),
            now(),
        )
        .await?;
        let before: Fields = vec![
            ("slug", Some(current.slug.clone())),
            ("name", Some(current.name.clone())),
            ("name_fr", current.name_fr.clone()),
            ("description", current.description.clone()),
            ("parent", current_parent_slug),
            ("to_confirm", Some(current.to_confirm.to_string())),
        ];
        let changes = diff(&before, &topic_fields(&input, to_confirm));
        audit::record(&tx, viewer, "update", "topic", &current.slug, changes).await?;
        let snap = self.commit_registry(tx).await?;
        found(snap.topic(&current.slug).cloned())
    }

    /// Tags a body with a topic. Answers whether the link is new.
    #[tracing::instrument(skip_all, fields(body, topic, actor = viewer.actor()))]
    pub async fn link_body_topic(
        &self,
        viewer: &Viewer,
        body: &str,
        topic: &str,
    ) -> Result<bool, ServiceError> {
        let tx = self.store.begin().await?;
        let (body_id, topic_id) = resolve_link(&tx, body, topic).await?;
        let owners = body_owners(&tx, body_id).await?;
        authorize(viewer, &Action::EditRegistry { owners: &owners })?;
        let created = q::link_body_topic(&tx, body_id, topic_id).await?;
        if created {
            audit::record(
                &tx,
                viewer,
                "link",
                "body-topic",
                &format!("{}:{}", normalize_code(body), topic.trim()),
                None,
            )
            .await?;
        }
        self.commit_registry(tx).await?;
        Ok(created)
    }

    /// Removes a topic from a body.
    #[tracing::instrument(skip_all, fields(body, topic, actor = viewer.actor()))]
    pub async fn unlink_body_topic(
        &self,
        viewer: &Viewer,
        body: &str,
        topic: &str,
    ) -> Result<(), ServiceError> {
        let tx = self.store.begin().await?;
        let (body_id, topic_id) = resolve_link(&tx, body, topic).await?;
        let owners = body_owners(&tx, body_id).await?;
        authorize(viewer, &Action::EditRegistry { owners: &owners })?;
        if !q::unlink_body_topic(&tx, body_id, topic_id).await? {
            return Err(ServiceError::NotFound(format!(
                "body {body} is not linked to topic {topic}"
            )));
        }
        audit::record(
            &tx,
            viewer,
            "unlink",
            "body-topic",
            &format!("{}:{}", normalize_code(body), topic.trim()),
            None,
        )
        .await?;
        self.commit_registry(tx).await?;
        Ok(())
    }
}

fn normalize_code(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

fn found<T>(item: Option<T>) -> Result<T, ServiceError> {
    item.ok_or_else(|| {
        ServiceError::Internal("a committed write is missing from the registry".into())
    })
}

fn not_found(what: &str, key: &str) -> ServiceError {
    ServiceError::NotFound(format!("no {what} `{}`", liaise_domain::text::preview(key)))
}

fn unknown(field: &str, what: &str, key: &str) -> ServiceError {
    ServiceError::Invalid(vec![FieldError::new(
        field,
        format!(
            "no {what} has the code `{}`",
            liaise_domain::text::preview(key)
        ),
    )])
}

fn current_period(b: &liaise_store::entity::body::Model) -> Option<String> {
    match (b.period_start, b.period_end) {
        (Some(s), Some(e)) if s == e => Some(s.to_string()),
        (Some(s), Some(e)) => Some(format!("{s}-{e}")),
        (Some(s), None) => Some(format!("{s}-")),
        _ => None,
    }
}

async fn org_codes_by_id(tx: &Tx, ids: &[i32]) -> Result<Vec<String>, ServiceError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(q::organizations_by_ids(tx, ids)
        .await?
        .into_iter()
        .map(|o| o.code)
        .collect())
}

async fn body_owners(tx: &Tx, body_id: i32) -> Result<Vec<Code>, ServiceError> {
    let ids = q::body_organization_ids(tx, body_id).await?;
    Ok(org_codes_by_id(tx, &ids)
        .await?
        .iter()
        .filter_map(|c| Code::parse("organization", c).ok())
        .collect())
}

async fn resolve_organizations(tx: &Tx, codes: &[Code]) -> Result<Vec<i32>, ServiceError> {
    let wanted: Vec<&str> = codes.iter().map(Code::as_str).collect();
    let found = q::organizations_by_codes(tx, &wanted).await?;
    let mut ids = Vec::with_capacity(codes.len());
    let mut errors = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        match found.iter().find(|o| o.code == code.as_str()) {
            Some(o) => ids.push(o.id),
            None => errors.push(FieldError::new(
                format!("organizations[{i}]"),
                format!("no organization has the code `{code}`"),
            )),
        }
    }
    if errors.is_empty() {
        Ok(ids)
    } else {
        Err(ServiceError::Invalid(errors))
    }
}

async fn resolve_organization(tx: &Tx, code: Option<&Code>) -> Result<Option<i32>, ServiceError> {
    let Some(code) = code else { return Ok(None) };
    let o = q::organization_by_code(tx, code.as_str())
        .await?
        .ok_or_else(|| unknown("organization", "organization", code.as_str()))?;
    Ok(Some(o.id))
}

async fn resolve_parent(tx: &Tx, parent: Option<&Code>) -> Result<Option<i32>, ServiceError> {
    let Some(code) = parent else { return Ok(None) };
    let b = q::body_by_code(tx, code.as_str())
        .await?
        .ok_or_else(|| unknown("parent", "body", code.as_str()))?;
    Ok(Some(b.id))
}

async fn resolve_topic_parent(tx: &Tx, parent: Option<&str>) -> Result<Option<i32>, ServiceError> {
    let Some(slug) = parent else { return Ok(None) };
    let t = q::topic_by_slug(tx, slug).await?.ok_or_else(|| {
        ServiceError::invalid("parent", format!("no topic has the slug `{slug}`"))
    })?;
    Ok(Some(t.id))
}

async fn resolve_link(tx: &Tx, body: &str, topic: &str) -> Result<(i32, i32), ServiceError> {
    let b = q::body_by_code(tx, &normalize_code(body))
        .await?
        .ok_or_else(|| not_found("body", body))?;
    let t = q::topic_by_slug(tx, topic.trim())
        .await?
        .ok_or_else(|| not_found("topic", topic))?;
    Ok((b.id, t.id))
}

async fn check_email_free(
    tx: &Tx,
    email: Option<&str>,
    except: Option<i32>,
) -> Result<(), ServiceError> {
    let Some(email) = email else { return Ok(()) };
    match q::person_by_email(tx, email).await? {
        Some(p) if Some(p.id) != except => Err(ServiceError::conflict(
            "email",
            format!("another person already has the e-mail {email}"),
        )),
        _ => Ok(()),
    }
}

fn org_fields(r: &OrganizationRow<'_>) -> Fields {
    vec![
        ("code", Some(r.code.to_owned())),
        ("name", Some(r.name.to_owned())),
        ("name_fr", r.name_fr.map(str::to_owned)),
        ("url", r.url.map(str::to_owned)),
        ("to_confirm", Some(r.to_confirm.to_string())),
    ]
}

#[allow(clippy::too_many_arguments)]
fn body_fields(
    code: &str,
    name: &str,
    name_fr: Option<&str>,
    kind: &str,
    mandate: Option<&str>,
    parent: Option<&str>,
    period: Option<String>,
    organizations: &[String],
    to_confirm: bool,
) -> Fields {
    vec![
        ("code", Some(code.to_owned())),
        ("name", Some(name.to_owned())),
        ("name_fr", name_fr.map(str::to_owned)),
        ("kind", Some(kind.to_owned())),
        ("mandate", mandate.map(str::to_owned)),
        ("parent", parent.map(str::to_owned)),
        ("period", period),
        ("organizations", Some(organizations.join(","))),
        ("to_confirm", Some(to_confirm.to_string())),
    ]
}

fn body_input_fields(i: &BodyInput) -> Fields {
    let orgs: Vec<String> = i.organizations.iter().map(ToString::to_string).collect();
    body_fields(
        i.code.as_str(),
        &i.name,
        i.name_fr.as_deref(),
        i.kind.as_str(),
        i.mandate.as_deref(),
        i.parent.as_ref().map(|p| p.as_str()),
        i.period.map(|p| p.to_string()),
        &orgs,
        i.to_confirm,
    )
}

fn person_fields(
    name: &str,
    organization: Option<&str>,
    affiliation: Option<&str>,
    email: Option<&str>,
) -> Fields {
    vec![
        ("name", Some(name.to_owned())),
        ("organization", organization.map(str::to_owned)),
        ("affiliation", affiliation.map(str::to_owned)),
        ("email", email.map(str::to_owned)),
    ]
}

fn topic_fields(i: &TopicInput, to_confirm: bool) -> Fields {
    vec![
        ("slug", Some(i.slug.to_string())),
        ("name", Some(i.name.clone())),
        ("name_fr", i.name_fr.clone()),
        ("description", i.description.clone()),
        ("parent", i.parent.as_ref().map(ToString::to_string)),
        ("to_confirm", Some(to_confirm.to_string())),
    ]
}

fn org_row(i: &OrganizationInput) -> OrganizationRow<'_> {
    OrganizationRow {
        code: i.code.as_str(),
        name: &i.name,
        name_fr: i.name_fr.as_deref(),
        url: i.url.as_deref(),
        to_confirm: i.to_confirm,
    }
}

fn body_row<'a>(
    i: &'a BodyInput,
    parent_id: Option<i32>,
    organization_ids: &'a [i32],
) -> BodyRow<'a> {
    BodyRow {
        code: i.code.as_str(),
        name: &i.name,
        name_fr: i.name_fr.as_deref(),
        kind: i.kind.as_str(),
        mandate: i.mandate.as_deref(),
        parent_id,
        period_start: i.period.map(|p| p.start),
        period_end: i.period.and_then(|p| p.end),
        to_confirm: i.to_confirm,
        organization_ids,
    }
}

fn person_row(i: &PersonInput, organization_id: Option<i32>) -> PersonRow<'_> {
    PersonRow {
        name: &i.name,
        organization_id,
        affiliation: i.affiliation.as_deref(),
        email: i.email.as_ref().map(|e| e.as_str()),
    }
}

fn topic_row(i: &TopicInput, parent_id: Option<i32>, to_confirm: bool) -> TopicRow<'_> {
    TopicRow {
        slug: i.slug.as_str(),
        name: &i.name,
        name_fr: i.name_fr.as_deref(),
        description: i.description.as_deref(),
        parent_id,
        to_confirm,
    }
}
