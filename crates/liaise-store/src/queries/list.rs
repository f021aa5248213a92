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

/// One item of a kind as its list sees it in memory: what access and every filter and order
/// read, never its text.
pub trait Fact: Send + Sync + 'static {
    /// A few bytes of the fact that most filters read (access, year, owners), kept inline in
    /// each order so a walk through an order reads memory in sequence and touches the whole
    /// fact only when a filter needs more.
    type Hot: Copy + Send + Sync + 'static;
    fn id(&self) -> i32;
    fn hot(&self) -> Self::Hot;
}

/// A kind's list held in memory: each item's [`Fact`], and the items in each of the kind's
/// orders. A list's count and the ids of one of its pages come from one pass over an order,
/// without a query; the rows of the page are then read by id. It answers exactly what the
/// kind's SQL list answers (its kind's test compares the two for every viewer and filter) and
/// is kept up to date by the kind's writes ([`Facts::replace`]) or rebuilt from the database.
pub struct Facts<F: Fact> {
    /// Each item in a slot; a slot freed by a removal is named by no order until reused.
    slots: Vec<F>,
    free: Vec<u32>,
    slot_of: std::collections::HashMap<i32, u32>,
    /// The slots in each order with their hot part, and the order's comparison (which ends
    /// with the id, so no two items compare equal).
    orders: Vec<(FactOrder<F>, Ordered<F>)>,
}

/// The slots of an order, each with its fact's hot part.
type Ordered<F> = Vec<(u32, <F as Fact>::Hot)>;

/// How two facts compare in one of a kind's orders.
pub type FactOrder<F> = fn(&F, &F) -> std::cmp::Ordering;

impl<F: Fact> std::fmt::Debug for Facts<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Facts({} items)", self.slot_of.len())
    }
}

impl<F: Fact> Facts<F> {
    /// The facts of `items`, kept in each of `orders`.
    pub fn new(items: Vec<F>, orders: &[FactOrder<F>]) -> Self {
        let mut facts = Self {
            slot_of: items
                .iter()
                .enumerate()
                .map(|(i, f)| (f.id(), slot(i)))
                .collect(),
            slots: items,
            free: Vec::new(),
            orders: Vec::new(),
        };
        let all: Vec<u32> = (0..facts.slots.len()).map(slot).collect();
        for &cmp in orders {
            let mut order = all.clone();
            order.sort_unstable_by(|&a, &b| cmp(facts.get(a), facts.get(b)));
            let order = order.into_iter().map(|s| (s, facts.get(s).hot())).collect();
            facts.orders.push((cmp, order));
        }
        facts
    }

    fn get(&self, slot: u32) -> &F {
        &self.slots[slot as usize]
    }

    pub fn len(&self) -> usize {
        self.slot_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slot_of.is_empty()
    }

    /// Every item's facts, in no order.
    pub fn iter(&self) -> impl Iterator<Item = &F> {
        self.slot_of.values().map(|s| self.get(*s))
    }

    /// The facts of one item.
    pub fn get_by_id(&self, id: i32) -> Option<&F> {
        self.slot_of.get(&id).map(|s| self.get(*s))
    }

    /// Replaces the facts of `ids` by `fresh` (read again after a write): an id of `ids`
    /// missing from `fresh` is gone.
    pub fn replace(&mut self, ids: &[i32], fresh: Vec<F>) {
        for id in ids {
            if let Some(s) = self.slot_of.remove(id) {
                for (_, order) in &mut self.orders {
                    order.retain(|&(o, _)| o != s);
                }
                self.free.push(s);
            }
        }
        for f in fresh {
            if self.slot_of.contains_key(&f.id()) {
                continue;
            }
            let id = f.id();
            let s = match self.free.pop() {
                Some(s) => {
                    self.slots[s as usize] = f;
                    s
                }
                None => {
                    self.slots.push(f);
                    slot(self.slots.len() - 1)
                }
            };
            self.slot_of.insert(id, s);
            let fact = self.get(s);
            let hot = fact.hot();
            let places: Vec<usize> = self
                .orders
                .iter()
                .map(|(cmp, order)| order.partition_point(|&(o, _)| cmp(self.get(o), fact).is_lt()))
                .collect();
            for ((_, order), at) in self.orders.iter_mut().zip(places) {
                order.insert(at, (s, hot));
            }
        }
    }

    /// How many items `admits` lets through, and the ids of those at `offset` (at most
    /// `limit`) in order `order` (an index into the kind's orders), walked backwards when
    /// `reverse`. `admits` is given each item's hot part and the whole fact; it should look
    /// at the fact only when the hot part does not decide.
    pub fn page(
        &self,
        order: usize,
        reverse: bool,
        admits: impl Fn(&F::Hot, &F) -> bool,
        offset: u64,
        limit: u64,
    ) -> (u64, Vec<i32>) {
        let Some((_, slots)) = self.orders.get(order) else {
            return (0, Vec::new());
        };
        let mut total = 0u64;
        let mut ids = Vec::new();
        let mut visit = |(s, hot): &(u32, F::Hot)| {
            let f = self.get(*s);
            if admits(hot, f) {
                if total >= offset && total - offset < limit {
                    ids.push(f.id());
                }
                total += 1;
            }
        };
        if reverse {
            slots.iter().rev().for_each(&mut visit);
        } else {
            slots.iter().for_each(&mut visit);
        }
        (total, ids)
    }
}

/// The values a link table gives each item (`item` → every `value`), for these items or
/// (`ids` none) for all: what a kind's facts read of its links.
pub async fn link_values<E: EntityTrait>(
    c: &impl ConnectionTrait,
    item: E::Column,
    value: E::Column,
    ids: Option<&[i32]>,
) -> Result<std::collections::HashMap<i32, Vec<i32>>, StoreError> {
    let mut rows = E::find().select_only().columns([item, value]);
    if let Some(ids) = ids {
        rows = rows.filter(item.is_in(ids.iter().copied()));
    }
    let rows: Vec<(i32, i32)> = rows.into_tuple().all(c).await?;
    let mut by_item: std::collections::HashMap<i32, Vec<i32>> = std::collections::HashMap::new();
    for (k, v) in rows {
        by_item.entry(k).or_default().push(v);
    }
    Ok(by_item)
}

fn slot(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}
