//! Pagination of every list.

use crate::error::DomainError;

/// A page of a list: `page` counts from 1, `per_page` is 1 to 500.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    page: u64,
    per_page: u64,
}

impl PageRequest {
    pub const DEFAULT_PER_PAGE: u64 = 50;
    pub const MAX_PER_PAGE: u64 = 500;

    pub fn parse(page: Option<u64>, per_page: Option<u64>) -> Result<Self, DomainError> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(Self::DEFAULT_PER_PAGE);
        if page == 0 {
            return Err(DomainError::invalid("page", "pages count from 1"));
        }
        if page > 1_000_000 {
            return Err(DomainError::invalid("page", "must be at most 1000000"));
        }
        if per_page == 0 || per_page > Self::MAX_PER_PAGE {
            return Err(DomainError::invalid(
                "per_page",
                format!("must be between 1 and {}", Self::MAX_PER_PAGE),
            ));
        }
        Ok(Self { page, per_page })
    }

    /// Everything on one page (for internal use on small lists).
    pub fn all() -> Self {
        Self {
            page: 1,
            per_page: u64::MAX / 2,
        }
    }

    pub fn page(&self) -> u64 {
        self.page
    }

    pub fn per_page(&self) -> u64 {
        self.per_page
    }

    pub fn offset(&self) -> u64 {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// The slice of `items` this page shows.
    pub fn slice<'a, T>(&self, items: &'a [T]) -> &'a [T] {
        let start = usize::try_from(self.offset())
            .unwrap_or(usize::MAX)
            .min(items.len());
        let len = usize::try_from(self.per_page).unwrap_or(usize::MAX);
        let end = start.saturating_add(len).min(items.len());
        items.get(start..end).unwrap_or(&[])
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: Self::DEFAULT_PER_PAGE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages() {
        let items: Vec<u32> = (1..=7).collect();
        let p = PageRequest::parse(Some(2), Some(3)).unwrap();
        assert_eq!(p.slice(&items), &[4, 5, 6]);
        let p = PageRequest::parse(Some(3), Some(3)).unwrap();
        assert_eq!(p.slice(&items), &[7]);
        let p = PageRequest::parse(Some(9), Some(3)).unwrap();
        assert!(p.slice(&items).is_empty());
        assert!(PageRequest::parse(Some(0), None).is_err());
        assert!(PageRequest::parse(None, Some(501)).is_err());
        assert!(PageRequest::parse(None, Some(0)).is_err());
        assert_eq!(PageRequest::all().slice(&items).len(), 7);
    }
}
