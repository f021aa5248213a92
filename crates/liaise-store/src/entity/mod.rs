//! sea-orm entities, one per table. Relations are resolved by explicit batched queries in
//! `queries`, so no entity needs relation definitions.

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod organization {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "organizations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub code: String,
        pub name: String,
        pub name_fr: Option<String>,
        pub url: Option<String>,
        pub to_confirm: bool,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    no_relations!();
}

pub mod body {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "bodies")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub code: String,
        pub name: String,
        pub name_fr: Option<String>,
        pub kind: String,
        #[sea_orm(column_type = "Text", nullable)]
        pub mandate: Option<String>,
        pub parent_id: Option<i32>,
        pub period_start: Option<i32>,
        pub period_end: Option<i32>,
        pub to_confirm: bool,
        /// The pattern of the numbers of the statements it sends, e.g. `{body}-LS{n}`.
        pub ls_pattern: Option<String>,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    no_relations!();
}

pub mod body_organization {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "body_organizations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub body_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub organization_id: i32,
    }

    no_relations!();
}

pub mod person {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "people")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub name: String,
        pub organization_id: Option<i32>,
        pub affiliation: Option<String>,
        pub email: Option<String>,
        /// Listed in the public directory even without a role (recorded by a secretariat,
        /// or chosen by the person on their account page).
        pub listed: bool,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    no_relations!();
}

pub mod role {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "roles")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub person_id: i32,
        pub body_id: i32,
        pub kind: String,
        pub date_from: Option<TimeDate>,
        pub date_to: Option<TimeDate>,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    no_relations!();
}

pub mod topic {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "topics")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub slug: String,
        pub name: String,
        pub name_fr: Option<String>,
        #[sea_orm(column_type = "Text", nullable)]
        pub description: Option<String>,
        pub parent_id: Option<i32>,
        pub to_confirm: bool,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    no_relations!();
}

pub mod body_topic {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "body_topics")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub body_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub topic_id: i32,
    }

    no_relations!();
}

pub mod api_token {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_tokens")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub name: String,
        #[sea_orm(unique)]
        pub token_hash: String,
        pub role: String,
        pub organization: Option<String>,
        pub created_at: TimeDateTimeWithTimeZone,
        pub last_used_at: Option<TimeDateTimeWithTimeZone>,
        pub revoked_at: Option<TimeDateTimeWithTimeZone>,
        pub user_id: Option<i32>,
    }

    no_relations!();
}

pub mod reference_entry {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "reference_entries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub applied_at: TimeDateTimeWithTimeZone,
    }

    no_relations!();
}

pub mod counter {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "counters")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub name: String,
        pub value: i64,
    }

    no_relations!();
}

pub mod audit_entry {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub at: TimeDateTimeWithTimeZone,
        pub actor: String,
        pub action: String,
        pub entity: String,
        pub entity_key: String,
        #[sea_orm(column_type = "Text", nullable)]
        pub changes: Option<String>,
    }

    no_relations!();
}

pub mod user {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub email: String,
        pub name: Option<String>,
        pub person_id: Option<i32>,
        pub role: String,
        pub organization: Option<String>,
        pub password_hash: String,
        pub disabled: bool,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    no_relations!();
}

pub mod session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub id_hash: String,
        pub user_id: i32,
        pub csrf_token: String,
        pub created_at: TimeDateTimeWithTimeZone,
        pub last_seen_at: TimeDateTimeWithTimeZone,
        pub expires_at: TimeDateTimeWithTimeZone,
    }

    no_relations!();
}

/// A secret shared by the servers of one site, by name (`sign-in-csrf`).
pub mod site_key {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "site_keys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub name: String,
        pub secret: String,
    }

    no_relations!();
}

pub mod activity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "activities")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub kind: String,
        pub title: String,
        #[sea_orm(column_type = "Text", nullable)]
        pub summary: Option<String>,
        pub date: Option<TimeDate>,
        pub access: String,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    no_relations!();
}

pub mod activity_body {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "activity_bodies")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub activity_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub body_id: i32,
    }

    no_relations!();
}

pub mod activity_topic {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "activity_topics")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub activity_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub topic_id: i32,
    }

    no_relations!();
}

pub mod activity_organization {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "activity_organizations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub activity_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub organization_id: i32,
    }

    no_relations!();
}

pub mod liaison {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "liaisons")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub number: Option<String>,
        pub title: String,
        #[sea_orm(column_type = "Text", nullable)]
        pub summary: Option<String>,
        #[sea_orm(column_type = "Text", nullable)]
        pub body_text: Option<String>,
        pub date: TimeDate,
        pub state: String,
        pub approval_level: Option<String>,
        pub other_reference: Option<String>,
        /// JSON array of strings.
        #[sea_orm(column_type = "Text")]
        pub questions: String,
        /// JSON array of `{name, email, role}`.
        #[sea_orm(column_type = "Text")]
        pub contacts: String,
        pub in_reply_to: Option<i32>,
        pub access: String,
        /// Recorded from reference data not yet checked against a primary source.
        pub to_confirm: bool,
        /// The meeting that adopted it, as written.
        pub meeting: Option<String>,
        /// A statement it refers to without answering it.
        pub related_to: Option<i32>,
        /// Recorded from another organization's sender: known by `other_reference`, never
        /// numbered by liaise.
        pub received: bool,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    no_relations!();
}

pub mod liaison_addressee {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "liaison_addressees")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub liaison_id: i32,
        pub body_id: i32,
        pub purpose: String,
        pub deadline: Option<TimeDate>,
        pub reply_state: Option<String>,
        pub replied_by: Option<i32>,
    }

    no_relations!();
}

macro_rules! link_entity {
    ($module:ident, $table:literal, $right:ident) => {
        pub mod $module {
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                #[sea_orm(primary_key, auto_increment = false)]
                pub liaison_id: i32,
                #[sea_orm(primary_key, auto_increment = false)]
                pub $right: i32,
            }

            no_relations!();
        }
    };
}

link_entity!(liaison_source, "liaison_sources", body_id);
link_entity!(liaison_topic, "liaison_topics", topic_id);
link_entity!(
    liaison_organization,
    "liaison_organizations",
    organization_id
);

pub mod liaison_attachment {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "liaison_attachments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub liaison_id: i32,
        pub sha256: String,
        pub size: i64,
        pub content_type: String,
        pub file_name: String,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    no_relations!();
}

pub mod reminder {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "reminders")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub liaison_id: i32,
        pub addressee_id: i32,
        pub kind: String,
        /// Comma-separated e-mail addresses.
        #[sea_orm(column_type = "Text")]
        pub recipients: String,
        pub subject: String,
        #[sea_orm(column_type = "Text")]
        pub body: String,
        pub sent_at: Option<TimeDateTimeWithTimeZone>,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    no_relations!();
}

mod documents;
pub use documents::{
    document, document_body, document_organization, document_version, proposal, resolution,
};
pub mod search_entry {
    use sea_orm::entity::prelude::*;

    /// One searchable item. PostgreSQL adds a `tsvector` column, `tsv`, that only the
    /// search queries name.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "search_entries")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub kind: String,
        pub item_key: String,
        #[sea_orm(column_type = "Text")]
        pub title: String,
        #[sea_orm(column_type = "Text")]
        pub body: String,
        pub url: String,
        pub access: String,
        pub year: Option<i32>,
        pub language: Option<String>,
        /// Access grants and facet values as tokens, for the SQLite full-text index.
        #[sea_orm(column_type = "Text")]
        pub tags: String,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    no_relations!();
}

pub mod search_owner {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "search_owners")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub entry_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub organization_id: i32,
    }

    no_relations!();
}

pub mod search_facet {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "search_facets")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub entry_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub facet: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub value: String,
    }

    no_relations!();
}

pub mod meeting {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meetings")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        /// The iCalendar UID: given once, kept by every change and re-import.
        #[sea_orm(unique)]
        pub uid: String,
        pub kind: String,
        pub state: String,
        pub title: String,
        pub number: Option<String>,
        #[sea_orm(column_type = "Text", nullable)]
        pub summary: Option<String>,
        /// Dates announced by a secondary source, not yet checked.
        pub to_confirm: bool,
        pub starts_at: TimeDateTimeWithTimeZone,
        pub ends_at: TimeDateTimeWithTimeZone,
        pub all_day: bool,
        pub time_zone: String,
        pub place: Option<String>,
        pub online_link: Option<String>,
        pub online_access: String,
        pub access: String,
        /// The iCalendar SEQUENCE: one more at every change.
        pub sequence: i32,
        /// The activity this meeting was recorded as before meetings existed.
        pub activity_id: Option<i32>,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    no_relations!();
}

pub mod meeting_body {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_bodies")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub meeting_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub body_id: i32,
    }

    no_relations!();
}

pub mod meeting_topic {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_topics")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub meeting_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub topic_id: i32,
    }

    no_relations!();
}

pub mod meeting_organization {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_organizations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub meeting_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub organization_id: i32,
    }

    no_relations!();
}

pub mod meeting_agenda_item {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_agenda_items")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub meeting_id: i32,
        /// The item it is nested under (one level).
        pub parent_id: Option<i32>,
        /// Its place among its siblings.
        pub position: i32,
        /// Its label ("3", "3.1"), given once: reordering never changes it.
        pub number: String,
        pub title: String,
        pub presenter_id: Option<i32>,
        pub starts_at: Option<TimeDateTimeWithTimeZone>,
        pub ends_at: Option<TimeDateTimeWithTimeZone>,
        #[sea_orm(column_type = "Text", nullable)]
        pub outcome: Option<String>,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    no_relations!();
}

pub mod agenda_item_document {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "agenda_item_documents")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub item_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub document_id: i32,
    }

    no_relations!();
}

pub mod agenda_item_liaison {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "agenda_item_liaisons")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub item_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub liaison_id: i32,
    }

    no_relations!();
}

pub mod meeting_minutes {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_minutes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub meeting_id: i32,
        /// 1, 2, … per meeting.
        pub revision: i32,
        #[sea_orm(column_type = "Text")]
        pub text: String,
        /// Who wrote this revision (the audit actor).
        pub author: String,
        pub at: TimeDateTimeWithTimeZone,
        pub approved: bool,
    }

    no_relations!();
}
