//! The one list machinery of content kinds (statements, documents, proposals, activities, the
//! audit log, and every kind to come): the access condition, filters on the kind's own
//! columns, filters through a link table, a year range, the order, the count and the page.
//! A kind says which columns and link tables it has; it writes no query code of its own.
//!
//! Every filter is written so an index can answer it: equality on a column, `id IN (SELECT
//! item FROM link WHERE value = ?)` for a link table (served by the link table's
//! `(value, item)` index), a closed date range for a year. The plan test
//! (`tests/plans.rs`) reads the plan of every list query on both databases and fails on a full
//! scan of a content table.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Statement,
    sea_query::{Alias, Iden, IntoCondition, Query, SelectStatement, SimpleExpr},
};
use time::Date;

use crate::StoreError;

/// The items of one kind that a viewer may see, narrowed by filters; ordered and paged by
/// [`List::page`], counted by [`List::count`].
#[derive(Debug, Clone)]
pub struct List<E: EntityTrait> {
    select: Select<E>,
    id: E::Column,
}

impl<E: EntityTrait> List<E>
where
    E::Model: Sync,
{
    /// The items passing `access` (the kind's viewer-aware condition), identified by `id`.
    pub fn new(id: E::Column, access: Condition) -> Self {
        Self {
            select: E::find().filter(access),
            id,
        }
    }

    /// Items whose `column` equals `value`, when there is a value.
    pub fn equals(mut self, column: E::Column, value: Option<&str>) -> Self {
        if let Some(v) = value {
            self.select = self.select.filter(column.eq(v));
        }
        self
    }

    /// Items linked to `value` through a link table whose rows are (`item`, `column`).
    pub fn linked<L: Iden + Copy + 'static>(
        self,
        link: L,
        item: impl ColumnTrait,
        column: impl ColumnTrait,
        value: Option<impl Into<sea_orm::Value>>,
    ) -> Self {
        match value {
            Some(v) => self.linked_where(
                Query::select()
                    .column(item)
                    .from(link)
                    .and_where(column.eq(v))
                    .to_owned(),
            ),
            None => self,
        }
    }

    /// Items whose id is among those `rows` selects (a link table with several conditions).
    pub fn linked_where(mut self, rows: SelectStatement) -> Self {
        self.select = self.select.filter(self.id.in_subquery(rows));
        self
    }

    /// Items dated within `year` (a closed range, so the date index answers it).
    pub fn year(mut self, date: E::Column, year: Option<i32>) -> Self {
        if let Some(y) = year
            && let (Ok(from), Ok(to)) = (
                Date::from_calendar_date(y, time::Month::January, 1),
                Date::from_calendar_date(y, time::Month::December, 31),
            )
        {
            self.select = self.select.filter(date.between(from, to));
        }
        self
    }

    /// Any other condition on the kind's own columns.
    pub fn filter(mut self, condition: impl IntoCondition) -> Self {
        self.select = self.select.filter(condition);
        self
    }

    /// Any other expression, when there is one.
    pub fn filter_if(self, expr: Option<SimpleExpr>) -> Self {
        match expr {
            Some(e) => self.filter(e),
            None => self,
        }
    }

    /// How many items pass.
    pub async fn count(&self, c: &impl ConnectionTrait) -> Result<u64, StoreError> {
        Ok(self.select.clone().count(c).await?)
    }

    fn ordered(&self, order: &[(E::Column, Order)], offset: u64, limit: u64) -> Select<E> {
        let mut q = self.select.clone();
        for (column, o) in order {
            q = q.order_by(*column, o.clone());
        }
        q.offset(offset).limit(limit)
    }

    /// The items at `offset`, at most `limit`, in `order` (each order ends with the id, so a
    /// page is stable).
    pub async fn page(
        &self,
        c: &impl ConnectionTrait,
        order: &[(E::Column, Order)],
        offset: u64,
        limit: u64,
    ) -> Result<Vec<E::Model>, StoreError> {
        Ok(self.ordered(order, offset, limit).all(c).await?)
    }

    /// The statements [`List::count`] and [`List::page`] run, for reading their plans.
    pub fn statements(
        &self,
        backend: DbBackend,
        order: &[(E::Column, Order)],
        offset: u64,
        limit: u64,
    ) -> [Statement; 2] {
        let count = Query::select()
            .expr(sea_orm::sea_query::Expr::cust("COUNT(*)"))
            .from_subquery(self.select.clone().into_query(), Alias::new("counted"))
            .to_owned();
        [
            backend.build(&count),
            self.ordered(order, offset, limit).build(backend),
        ]
    }
}
