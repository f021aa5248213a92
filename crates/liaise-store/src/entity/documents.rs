//! Documents, their versions, resolutions and amendment proposals.

pub mod document {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "documents")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub number: String,
        pub title: String,
        pub kind: String,
        pub source: Option<String>,
        /// JSON array of body codes.
        #[sea_orm(column_type = "Text")]
        pub bodies: String,
        pub meeting: Option<String>,
        pub date: Option<TimeDate>,
        pub language: String,
        /// JSON array of topic slugs.
        #[sea_orm(column_type = "Text")]
        pub topics: String,
        pub access: String,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    no_relations!();
}

pub mod document_organization {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "document_organizations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub document_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub organization_id: i32,
    }

    no_relations!();
}

/// The body codes of a document as rows (the same codes as its `bodies` list), for lists
/// filtered by body.
pub mod document_body {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "document_bodies")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub document_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub body: String,
    }

    no_relations!();
}

pub mod document_version {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "document_versions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub document_id: i32,
        pub version: i32,
        pub sha256: String,
        pub size: i64,
        pub content_type: String,
        pub file_name: String,
        #[sea_orm(column_type = "Text")]
        pub text: String,
        pub created_by: String,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    no_relations!();
}

pub mod resolution {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "resolutions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub number: String,
        pub version_key: String,
        pub assembly: String,
        pub year: i32,
        #[sea_orm(column_type = "Text")]
        pub title: String,
        #[sea_orm(column_type = "Text", nullable)]
        pub history: Option<String>,
        /// JSON array of `{key, heading, part, items: [{label, text}]}` in order.
        #[sea_orm(column_type = "Text")]
        pub sections: String,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    no_relations!();
}

pub mod proposal {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "proposals")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub identifier: String,
        pub action: String,
        pub source: String,
        pub target_number: Option<String>,
        pub base_version: Option<String>,
        #[sea_orm(column_type = "Text", nullable)]
        pub title: Option<String>,
        /// JSON array of `{key, heading, label, before, after}` in order.
        #[sea_orm(column_type = "Text")]
        pub sections: String,
        /// JSON array of the topics listed in *resolves* (after the change).
        #[sea_orm(column_type = "Text")]
        pub topics: String,
        #[sea_orm(column_type = "Text", nullable)]
        pub reasons: Option<String>,
        #[sea_orm(column_type = "Text", nullable)]
        pub abstract_text: Option<String>,
        pub status: String,
        pub document_id: i32,
        /// JSON of the parts as the author marked them (see the service's `ProposalMarks`);
        /// NULL when not known yet.
        #[sea_orm(column_type = "Text", nullable)]
        pub marks: Option<String>,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    no_relations!();
}
