//! The registry in memory: every organization, body, person and topic with their links
//! resolved to codes, indexed for the pages and the API. Built from the store's rows in one
//! pass; rebuilt whenever the registry's revision moves.

use std::{
    collections::{BTreeSet, HashMap},
    sync::{Arc, Mutex},
};

use liaise_domain::{Code, Slug, Viewer};
use liaise_store::queries::registry::RegistryRows;
use time::{Date, OffsetDateTime};

#[derive(Debug, Clone)]
pub struct Organization {
    /// The database id (never shown; links between tables use it).
    pub id: i32,
    pub code: String,
    pub name: String,
    pub name_fr: Option<String>,
    pub url: Option<String>,
    pub to_confirm: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct Body {
    pub id: i32,
    pub code: String,
    pub name: String,
    pub name_fr: Option<String>,
    pub kind: String,
    pub mandate: Option<String>,
    pub parent: Option<String>,
    pub period_start: Option<i32>,
    pub period_end: Option<i32>,
    /// Owning organizations' codes; two or more for a joint body.
    pub organizations: Vec<String>,
    pub topics: Vec<String>,
    pub children: Vec<String>,
    pub to_confirm: bool,
    /// How it numbers the statements it sends (`{body}-LS{n}` when none).
    pub ls_pattern: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl Body {
    /// `2025-2028`, `2025-` or `None`.
    pub fn period(&self) -> Option<String> {
        match (self.period_start, self.period_end) {
            (Some(s), Some(e)) if s == e => Some(s.to_string()),
            (Some(s), Some(e)) => Some(format!("{s}-{e}")),
            (Some(s), None) => Some(format!("{s}-")),
            _ => None,
        }
    }

    pub fn is_joint(&self) -> bool {
        self.organizations.len() > 1
    }

    pub fn belongs_to(&self, organization: &str) -> bool {
        self.organizations.iter().any(|o| o == organization)
    }
}

#[derive(Debug, Clone)]
pub struct Role {
    pub id: i32,
    pub person_id: i32,
    pub body: String,
    pub kind: String,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub id: i32,
    pub name: String,
    pub organization: Option<String>,
    pub affiliation: Option<String>,
    pub email: Option<String>,
    pub roles: Vec<Role>,
    /// Listed in the public directory even without a role.
    pub listed: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl Person {
    /// In the public directory: a secretariat recorded the person (listed, or with a role),
    /// or the person chose so on their account page. An account alone is not a public person.
    pub fn is_public(&self) -> bool {
        self.listed || !self.roles.is_empty()
    }

    /// Whether `viewer` may see this person: everyone when public; otherwise administrators,
    /// the secretariat of the person's organization, and the person themselves.
    pub fn visible_to(&self, viewer: &Viewer) -> bool {
        if self.is_public() || viewer.is_admin() {
            return true;
        }
        if let liaise_domain::Role::Secretariat(org) = &viewer.role
            && self.organization.as_deref() == Some(org.as_str())
        {
            return true;
        }
        matches!(
            (&viewer.principal, &self.email, viewer.user_id),
            (Some(me), Some(email), Some(_)) if me.eq_ignore_ascii_case(email)
        )
    }
}

#[derive(Debug, Clone)]
pub struct Topic {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub name_fr: Option<String>,
    pub description: Option<String>,
    pub parent: Option<String>,
    pub children: Vec<String>,
    pub bodies: Vec<String>,
    pub to_confirm: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// Which bodies of two organizations meet on which topics.
#[derive(Debug, Clone)]
pub struct Matrix {
    pub rows_organization: String,
    pub columns_organization: String,
    /// Bodies of the first organization that have a topic shared with the second.
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    /// `cells[r][c]`: the slugs of the topics shared by `rows[r]` and `columns[c]`.
    pub cells: Vec<Vec<Vec<String>>>,
}

impl Matrix {
    /// Number of non-empty cells.
    pub fn links(&self) -> usize {
        self.cells
            .iter()
            .flatten()
            .filter(|c| !c.is_empty())
            .count()
    }
}

/// The whole registry at one revision.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub revision: i64,
    pub organizations: Vec<Organization>,
    pub bodies: Vec<Body>,
    pub people: Vec<Person>,
    pub topics: Vec<Topic>,
    organization_index: HashMap<String, usize>,
    body_index: HashMap<String, usize>,
    person_index: HashMap<i32, usize>,
    topic_index: HashMap<String, usize>,
    id_index: HashMap<i32, usize>,
    topic_id_index: HashMap<i32, usize>,
    /// Matrices already computed at this revision, by (rows, columns) organization.
    matrices: Mutex<HashMap<(String, String), Arc<Matrix>>>,
}

impl Snapshot {
    pub fn build(rows: RegistryRows) -> Self {
        let org_code: HashMap<i32, &str> = rows
            .organizations
            .iter()
            .map(|o| (o.id, o.code.as_str()))
            .collect();
        let body_code: HashMap<i32, &str> = rows
            .bodies
            .iter()
            .map(|b| (b.id, b.code.as_str()))
            .collect();
        let topic_slug: HashMap<i32, &str> = rows
            .topics
            .iter()
            .map(|t| (t.id, t.slug.as_str()))
            .collect();

        let mut body_orgs: HashMap<i32, Vec<String>> = HashMap::new();
        for bo in &rows.body_organizations {
            if let Some(code) = org_code.get(&bo.organization_id) {
                body_orgs
                    .entry(bo.body_id)
                    .or_default()
                    .push((*code).to_owned());
            }
        }
        let mut body_topics: HashMap<i32, Vec<String>> = HashMap::new();
        let mut topic_bodies: HashMap<i32, Vec<String>> = HashMap::new();
        for bt in &rows.body_topics {
            if let (Some(b), Some(t)) = (body_code.get(&bt.body_id), topic_slug.get(&bt.topic_id)) {
                body_topics
                    .entry(bt.body_id)
                    .or_default()
                    .push((*t).to_owned());
                topic_bodies
                    .entry(bt.topic_id)
                    .or_default()
                    .push((*b).to_owned());
            }
        }
        let mut body_children: HashMap<i32, Vec<String>> = HashMap::new();
        for b in &rows.bodies {
            if let Some(p) = b.parent_id {
                body_children.entry(p).or_default().push(b.code.clone());
            }
        }
        let mut topic_children: HashMap<i32, Vec<String>> = HashMap::new();
        for t in &rows.topics {
            if let Some(p) = t.parent_id {
                topic_children.entry(p).or_default().push(t.slug.clone());
            }
        }
        let mut person_roles: HashMap<i32, Vec<Role>> = HashMap::new();
        for r in &rows.roles {
            if let Some(b) = body_code.get(&r.body_id) {
                person_roles.entry(r.person_id).or_default().push(Role {
                    id: r.id,
                    person_id: r.person_id,
                    body: (*b).to_owned(),
                    kind: r.kind.clone(),
                    from: r.date_from,
                    to: r.date_to,
                });
            }
        }

        let organizations: Vec<Organization> = rows
            .organizations
            .iter()
            .map(|o| Organization {
                id: o.id,
                code: o.code.clone(),
                name: o.name.clone(),
                name_fr: o.name_fr.clone(),
                url: o.url.clone(),
                to_confirm: o.to_confirm,
                created_at: o.created_at,
                updated_at: o.updated_at,
            })
            .collect();
        let mut bodies: Vec<Body> = rows
            .bodies
            .iter()
            .map(|b| Body {
                id: b.id,
                code: b.code.clone(),
                name: b.name.clone(),
                name_fr: b.name_fr.clone(),
                kind: b.kind.clone(),
                mandate: b.mandate.clone(),
                parent: b
                    .parent_id
                    .and_then(|p| body_code.get(&p))
                    .map(|c| (*c).to_owned()),
                period_start: b.period_start,
                period_end: b.period_end,
                organizations: body_orgs.remove(&b.id).unwrap_or_default(),
                topics: body_topics.remove(&b.id).unwrap_or_default(),
                children: body_children.remove(&b.id).unwrap_or_default(),
                to_confirm: b.to_confirm,
                ls_pattern: b.ls_pattern.clone(),
                created_at: b.created_at,
                updated_at: b.updated_at,
            })
            .collect();
        for b in &mut bodies {
            b.organizations.sort();
        }
        let people: Vec<Person> = rows
            .people
            .iter()
            .map(|p| Person {
                id: p.id,
                name: p.name.clone(),
                organization: p
                    .organization_id
                    .and_then(|o| org_code.get(&o))
                    .map(|c| (*c).to_owned()),
                affiliation: p.affiliation.clone(),
                email: p.email.clone(),
                roles: person_roles.remove(&p.id).unwrap_or_default(),
                listed: p.listed,
                created_at: p.created_at,
                updated_at: p.updated_at,
            })
            .collect();
        let topics: Vec<Topic> = rows
            .topics
            .iter()
            .map(|t| Topic {
                id: t.id,
                slug: t.slug.clone(),
                name: t.name.clone(),
                name_fr: t.name_fr.clone(),
                description: t.description.clone(),
                parent: t
                    .parent_id
                    .and_then(|p| topic_slug.get(&p))
                    .map(|s| (*s).to_owned()),
                children: topic_children.remove(&t.id).unwrap_or_default(),
                bodies: topic_bodies.remove(&t.id).unwrap_or_default(),
                to_confirm: t.to_confirm,
                created_at: t.created_at,
                updated_at: t.updated_at,
            })
            .collect();

        let mut s = Self {
            revision: rows.revision,
            organizations,
            bodies,
            people,
            topics,
            ..Self::default()
        };
        s.organization_index = index(&s.organizations, |o| o.code.clone());
        s.body_index = index(&s.bodies, |b| b.code.clone());
        s.person_index = s
            .people
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i))
            .collect();
        s.topic_index = index(&s.topics, |t| t.slug.clone());
        s.id_index = s
            .bodies
            .iter()
            .enumerate()
            .map(|(i, b)| (b.id, i))
            .collect();
        s.topic_id_index = s
            .topics
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id, i))
            .collect();
        // Topics list their bodies in registry order, and bodies their topics.
        for t in &mut s.topics {
            t.bodies.sort_by_key(|b| s.body_index.get(b).copied());
        }
        for b in &mut s.bodies {
            b.topics.sort_by_key(|t| s.topic_index.get(t).copied());
        }
        s
    }

    pub fn organization(&self, code: &str) -> Option<&Organization> {
        let i = match self.organization_index.get(code) {
            Some(&i) => i,
            None => *self
                .organization_index
                .get(Code::parse("code", code).ok()?.as_str())?,
        };
        self.organizations.get(i)
    }

    /// A body by code, in any letter case.
    pub fn body(&self, code: &str) -> Option<&Body> {
        let i = match self.body_index.get(code) {
            Some(&i) => i,
            None => *self
                .body_index
                .get(Code::parse("code", code).ok()?.as_str())?,
        };
        self.bodies.get(i)
    }

    pub fn person(&self, id: i32) -> Option<&Person> {
        self.person_index.get(&id).and_then(|&i| self.people.get(i))
    }

    /// The person with this id, when `viewer` may see them.
    pub fn person_for(&self, viewer: &Viewer, id: i32) -> Option<&Person> {
        self.person(id).filter(|p| p.visible_to(viewer))
    }

    pub fn topic(&self, slug: &str) -> Option<&Topic> {
        let i = match self.topic_index.get(slug) {
            Some(&i) => i,
            None => *self
                .topic_index
                .get(Slug::parse("slug", slug).ok()?.as_str())?,
        };
        self.topics.get(i)
    }

    pub fn organization_by_id(&self, id: i32) -> Option<&Organization> {
        self.organizations.iter().find(|o| o.id == id)
    }

    pub fn body_by_id(&self, id: i32) -> Option<&Body> {
        self.id_index.get(&id).and_then(|&i| self.bodies.get(i))
    }

    pub fn topic_by_id(&self, id: i32) -> Option<&Topic> {
        self.topic_id_index
            .get(&id)
            .and_then(|&i| self.topics.get(i))
    }

    /// The chain of parents above a body, nearest first.
    pub fn ancestors(&self, code: &str) -> Vec<&Body> {
        let mut out: Vec<&Body> = Vec::new();
        let mut next = self.body(code).and_then(|b| b.parent.as_deref());
        while let Some(c) = next {
            match self.body(c) {
                Some(b) if !out.iter().any(|o| o.code == b.code) => {
                    out.push(b);
                    next = b.parent.as_deref();
                }
                _ => break,
            }
        }
        out
    }

    /// The people with a role in a body, with that role.
    pub fn people_in(&self, body: &str) -> Vec<(&Person, &Role)> {
        self.people
            .iter()
            .flat_map(|p| {
                p.roles
                    .iter()
                    .filter(|r| r.body == body)
                    .map(move |r| (p, r))
            })
            .collect()
    }

    /// The bodies on a topic, grouped by organization in registry order. A joint body shows
    /// under each of its organizations.
    pub fn topic_bodies_by_organization(&self, topic: &Topic) -> Vec<(&Organization, Vec<&Body>)> {
        self.organizations
            .iter()
            .map(|o| {
                let bodies = topic
                    .bodies
                    .iter()
                    .filter_map(|c| self.body(c))
                    .filter(|b| b.belongs_to(&o.code))
                    .collect::<Vec<_>>();
                (o, bodies)
            })
            .collect()
    }

    /// The collaboration matrix of two organizations, computed once per revision.
    pub fn matrix(&self, rows_org: &str, columns_org: &str) -> Arc<Matrix> {
        let key = (rows_org.to_owned(), columns_org.to_owned());
        let mut cache = self
            .matrices
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache
            .entry(key)
            .or_insert_with(|| Arc::new(self.compute_matrix(rows_org, columns_org)))
            .clone()
    }

    fn compute_matrix(&self, rows_org: &str, columns_org: &str) -> Matrix {
        let on_topics = |org: &str| -> Vec<&Body> {
            self.bodies
                .iter()
                .filter(|b| b.belongs_to(org) && !b.topics.is_empty())
                .collect()
        };
        let row_bodies = on_topics(rows_org);
        let col_bodies = on_topics(columns_org);
        let shared = |a: &Body, b: &Body| -> Vec<String> {
            let bt: BTreeSet<&String> = b.topics.iter().collect();
            let mut v: Vec<String> = a
                .topics
                .iter()
                .filter(|t| bt.contains(t))
                .cloned()
                .collect();
            v.sort_by_key(|t| self.topic_index.get(t).copied());
            v
        };
        let cells_full: Vec<Vec<Vec<String>>> = row_bodies
            .iter()
            .map(|r| col_bodies.iter().map(|c| shared(r, c)).collect())
            .collect();
        // Keep only rows and columns that meet someone.
        let keep_rows: Vec<usize> = (0..row_bodies.len())
            .filter(|&r| {
                cells_full
                    .get(r)
                    .is_some_and(|row| row.iter().any(|c| !c.is_empty()))
            })
            .collect();
        let keep_cols: Vec<usize> = (0..col_bodies.len())
            .filter(|&c| {
                cells_full
                    .iter()
                    .any(|row| row.get(c).is_some_and(|cell| !cell.is_empty()))
            })
            .collect();
        Matrix {
            rows_organization: rows_org.to_owned(),
            columns_organization: columns_org.to_owned(),
            rows: keep_rows
                .iter()
                .filter_map(|&r| row_bodies.get(r).map(|b| b.code.clone()))
                .collect(),
            columns: keep_cols
                .iter()
                .filter_map(|&c| col_bodies.get(c).map(|b| b.code.clone()))
                .collect(),
            cells: keep_rows
                .iter()
                .map(|&r| {
                    keep_cols
                        .iter()
                        .map(|&c| {
                            cells_full
                                .get(r)
                                .and_then(|row| row.get(c))
                                .cloned()
                                .unwrap_or_default()
                        })
                        .collect()
                })
                .collect(),
        }
    }
}

fn index<T>(items: &[T], key: impl Fn(&T) -> String) -> HashMap<String, usize> {
    items.iter().enumerate().map(|(i, t)| (key(t), i)).collect()
}

/// Filters of the body list (the same for the page and the API).
#[derive(Debug, Default, Clone)]
pub struct BodyFilter {
    pub organization: Option<String>,
    pub kind: Option<String>,
    pub parent: Option<String>,
    pub topic: Option<String>,
    pub q: Option<String>,
}

/// Filters of the people list.
#[derive(Debug, Default, Clone)]
pub struct PersonFilter {
    pub organization: Option<String>,
    pub body: Option<String>,
    pub q: Option<String>,
}

/// Filters of the topic list.
#[derive(Debug, Default, Clone)]
pub struct TopicFilter {
    pub parent: Option<String>,
    pub organization: Option<String>,
    pub body: Option<String>,
}

fn words(q: Option<&str>) -> Vec<String> {
    q.unwrap_or("")
        .split_whitespace()
        .map(str::to_lowercase)
        .collect()
}

fn matches_words(words: &[String], fields: &[Option<&str>]) -> bool {
    words.iter().all(|w| {
        fields
            .iter()
            .flatten()
            .any(|f| f.to_lowercase().contains(w.as_str()))
    })
}

fn blank(o: &Option<String>) -> Option<&str> {
    o.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl Snapshot {
    pub fn find_bodies(&self, f: &BodyFilter) -> Vec<&Body> {
        let org = blank(&f.organization).map(str::to_ascii_uppercase);
        let parent = blank(&f.parent).map(str::to_ascii_uppercase);
        let kind = blank(&f.kind);
        let topic = blank(&f.topic);
        let w = words(f.q.as_deref());
        self.bodies
            .iter()
            .filter(|b| org.as_deref().is_none_or(|o| b.belongs_to(o)))
            .filter(|b| kind.is_none_or(|k| b.kind == k))
            .filter(|b| {
                parent
                    .as_deref()
                    .is_none_or(|p| b.parent.as_deref() == Some(p))
            })
            .filter(|b| topic.is_none_or(|t| b.topics.iter().any(|x| x == t)))
            .filter(|b| matches_words(&w, &[Some(&b.code), Some(&b.name), b.name_fr.as_deref()]))
            .collect()
    }

    /// The people `viewer` may see that match the filter, by name.
    pub fn find_people(&self, viewer: &Viewer, f: &PersonFilter) -> Vec<&Person> {
        let org = blank(&f.organization).map(str::to_ascii_uppercase);
        let body = blank(&f.body).map(str::to_ascii_uppercase);
        let w = words(f.q.as_deref());
        let mut people: Vec<&Person> = self
            .people
            .iter()
            .filter(|p| p.visible_to(viewer))
            .filter(|p| org.is_none() || p.organization == org)
            .filter(|p| {
                body.as_deref()
                    .is_none_or(|b| p.roles.iter().any(|r| r.body == b))
            })
            .filter(|p| matches_words(&w, &[Some(&p.name), p.affiliation.as_deref()]))
            .collect();
        people.sort_by_key(|p| p.name.to_lowercase());
        people
    }

    pub fn find_topics(&self, f: &TopicFilter) -> Vec<&Topic> {
        let org = blank(&f.organization).map(str::to_ascii_uppercase);
        let body = blank(&f.body).map(str::to_ascii_uppercase);
        let parent = blank(&f.parent);
        self.topics
            .iter()
            .filter(|t| parent.is_none_or(|p| t.parent.as_deref() == Some(p)))
            .filter(|t| {
                body.as_deref()
                    .is_none_or(|b| t.bodies.iter().any(|x| x == b))
            })
            .filter(|t| {
                org.as_deref().is_none_or(|o| {
                    t.bodies
                        .iter()
                        .filter_map(|b| self.body(b))
                        .any(|b| b.belongs_to(o))
                })
            })
            .collect()
    }

    /// The default pair of the matrix: the first two organizations registered.
    pub fn default_pair(&self) -> (String, String) {
        let mut it = self.organizations.iter().map(|o| o.code.clone());
        let a = it.next().unwrap_or_default();
        let b = it.next().unwrap_or_default();
        (a, b)
    }
}
