//! The one access rule of content items, as SQL: public items for everyone, members-only ones
//! for any signed-in member or secretariat, secretariat-only ones for the secretariat of an
//! owning organization, everything for administrators.

use liaise_domain::{Role, Viewer};
use sea_orm::{
    ColumnTrait, Condition,
    sea_query::{Expr, ExprTrait, Iden, Query},
};

use crate::entity::organization;

/// The condition on a content table whose rows have an `access` column and whose owners are
/// listed in a link table (`owners`: item column, organization column).
pub fn visible_condition<A, I, O, OI, OO>(
    viewer: &Viewer,
    access: A,
    id: I,
    owners: O,
    owners_item: OI,
    owners_org: OO,
) -> Condition
where
    A: ColumnTrait,
    I: ColumnTrait,
    O: Iden + Copy + 'static,
    OI: ColumnTrait,
    OO: ColumnTrait,
{
    match &viewer.role {
        Role::Admin => Condition::all(),
        Role::Public => Condition::all().add(access.eq("public")),
        Role::Member => Condition::all().add(access.is_in(["public", "members"])),
        Role::Secretariat(_) => Condition::any()
            .add(access.is_in(["public", "members"]))
            .add(
                Condition::all()
                    .add(access.eq("secretariat"))
                    .add(owned_condition(viewer, id, owners, owners_item, owners_org)),
            ),
    }
}

/// The condition "the viewer may see this item whatever its access level": administrators
/// see everything, the secretariat of an owning organization sees its organization's items,
/// nobody else sees any (a working copy, e.g. a liaison statement not yet sent).
pub fn owned_condition<I, O, OI, OO>(
    viewer: &Viewer,
    id: I,
    owners: O,
    owners_item: OI,
    owners_org: OO,
) -> Condition
where
    I: ColumnTrait,
    O: Iden + Copy + 'static,
    OI: ColumnTrait,
    OO: ColumnTrait,
{
    match &viewer.role {
        Role::Admin => Condition::all(),
        Role::Public | Role::Member => Condition::any(),
        Role::Secretariat(org) => Condition::all().add(
            id.in_subquery(
                Query::select()
                    .column(owners_item)
                    .from(owners)
                    .inner_join(
                        organization::Entity,
                        Expr::col((organization::Entity, organization::Column::Id))
                            .equals((owners, owners_org)),
                    )
                    .and_where(
                        Expr::col((organization::Entity, organization::Column::Code))
                            .eq(org.as_str()),
                    )
                    .to_owned(),
            ),
        ),
    }
}
