//! One list of migrations for SQLite and PostgreSQL.

use sea_orm_migration::prelude::*;

mod m20261128_000001_registry;
mod m20261128_000002_accounts;
mod m20261128_000003_activities;
mod m20261128_000004_liaisons;
mod m20261128_000005_attachments;
mod m20261128_000006_reminders;
mod m20261128_000007_ls_numbering;
mod m20261128_000008_documents;
mod m20261128_000009_search;
mod m20261204_000010_search_buckets;
mod m20261206_000011_ls_trust;
mod m20261206_000012_marks;
mod m20261206_000013_people_listed;
mod m20261206_000015_site_keys;
mod m20261206_000017_list_indexes;
mod m20261206_000018_meetings;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_registry::Migration),
            Box::new(m20261128_000002_accounts::Migration),
            Box::new(m20261128_000003_activities::Migration),
            Box::new(m20261128_000004_liaisons::Migration),
            Box::new(m20261128_000005_attachments::Migration),
            Box::new(m20261128_000006_reminders::Migration),
            Box::new(m20261128_000007_ls_numbering::Migration),
            Box::new(m20261128_000008_documents::Migration),
            Box::new(m20261128_000009_search::Migration),
            Box::new(m20261204_000010_search_buckets::Migration),
            Box::new(m20261206_000011_ls_trust::Migration),
            Box::new(m20261206_000012_marks::Migration),
            Box::new(m20261206_000013_people_listed::Migration),
            Box::new(m20261206_000015_site_keys::Migration),
            Box::new(m20261206_000017_list_indexes::Migration),
            Box::new(m20261206_000018_meetings::Migration),
        ]
    }
}
