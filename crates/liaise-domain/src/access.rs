//! Who is asking, what they may see and do.
//!
//! The registry (organizations, bodies, people, topics) is public; content items carry an
//! [`AccessLevel`]. Writes are decided by [`authorize`], called by every use case.

use crate::{error::DomainError, ids::Code};

/// The role a viewer acts in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// Anyone, without an account.
    Public,
    /// A signed-in delegate.
    Member,
    /// Secretariat staff of one organization.
    Secretariat(Code),
    /// Everything, including users and tokens.
    Admin,
}

/// The person or program behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// Who: a user's e-mail or a token's name; `None` for the public.
    pub principal: Option<String>,
    pub role: Role,
    /// The account behind the request, when there is one.
    pub user_id: Option<i32>,
}

impl Viewer {
    pub fn anonymous() -> Self {
        Self {
            principal: None,
            role: Role::Public,
            user_id: None,
        }
    }

    pub fn new(principal: impl Into<String>, role: Role) -> Self {
        Self {
            principal: Some(principal.into()),
            role,
            user_id: None,
        }
    }

    /// A signed-in user (or a personal token acting for one).
    pub fn user(user_id: i32, principal: impl Into<String>, role: Role) -> Self {
        Self {
            principal: Some(principal.into()),
            role,
            user_id: Some(user_id),
        }
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The system itself (reference data loading, command line administration).
    pub fn system() -> Self {
        Self::new("system", Role::Admin)
    }

    pub fn is_anonymous(&self) -> bool {
        self.principal.is_none()
    }

    /// The name written into logs and audit entries.
    pub fn actor(&self) -> &str {
        self.principal.as_deref().unwrap_or("anonymous")
    }
}

/// Who may see a content item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessLevel {
    Public,
    Members,
    Secretariat,
}

impl AccessLevel {
    pub const ALL: [Self; 3] = [Self::Public, Self::Members, Self::Secretariat];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Members => "members",
            Self::Secretariat => "secretariat",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == raw)
            .ok_or_else(|| {
                DomainError::invalid(field, "must be one of public, members, secretariat")
            })
    }

    /// May `viewer` see an item at this level owned by `owners`?
    pub fn visible_to(self, viewer: &Viewer, owners: &[Code]) -> bool {
        match (self, &viewer.role) {
            (Self::Public, _) | (_, Role::Admin) => true,
            (Self::Members, Role::Member | Role::Secretariat(_)) => true,
            (Self::Secretariat, Role::Secretariat(org)) => owners.contains(org),
            _ => false,
        }
    }
}

/// What a viewer wants to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action<'a> {
    /// Create or change a registry entry owned by these organizations (empty: not owned, e.g.
    /// a topic or an organization itself).
    EditRegistry { owners: &'a [Code] },
    /// Create or revoke API tokens, manage users.
    Administer,
}

/// The single rule book for writes.
pub fn authorize(viewer: &Viewer, action: &Action<'_>) -> Result<(), DomainError> {
    if viewer.is_anonymous() {
        return Err(DomainError::Unauthenticated);
    }
    let allowed = match (&viewer.role, action) {
        (Role::Admin, _) => true,
        (Role::Secretariat(org), Action::EditRegistry { owners }) => {
            owners.is_empty() || owners.contains(org)
        }
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(DomainError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> Code {
        Code::parse("c", s).unwrap()
    }

    #[test]
    fn visibility() {
        let itu = [code("ITU")];
        let public = Viewer::anonymous();
        let member = Viewer::new("m@x.org", Role::Member);
        let sec_itu = Viewer::new("s@itu.int", Role::Secretariat(code("ITU")));
        let sec_upu = Viewer::new("s@upu.int", Role::Secretariat(code("UPU")));
        let admin = Viewer::new("root", Role::Admin);
        let check = |level: AccessLevel, v: &Viewer, expected: bool| {
            assert_eq!(level.visible_to(v, &itu), expected, "{level:?} {v:?}");
        };
        check(AccessLevel::Public, &public, true);
        check(AccessLevel::Members, &public, false);
        check(AccessLevel::Members, &member, true);
        check(AccessLevel::Secretariat, &member, false);
        check(AccessLevel::Secretariat, &sec_itu, true);
        check(AccessLevel::Secretariat, &sec_upu, false);
        check(AccessLevel::Secretariat, &admin, true);
    }

    #[test]
    fn writes() {
        let itu = [code("ITU")];
        let anonymous = authorize(&Viewer::anonymous(), &Action::EditRegistry { owners: &itu });
        assert_eq!(anonymous, Err(DomainError::Unauthenticated));
        let member = Viewer::new("m", Role::Member);
        assert_eq!(
            authorize(&member, &Action::EditRegistry { owners: &itu }),
            Err(DomainError::Forbidden)
        );
        let sec_upu = Viewer::new("s", Role::Secretariat(code("UPU")));
        assert!(authorize(&sec_upu, &Action::EditRegistry { owners: &itu }).is_err());
        let sec_itu = Viewer::new("s", Role::Secretariat(code("ITU")));
        assert!(authorize(&sec_itu, &Action::EditRegistry { owners: &itu }).is_ok());
        assert!(authorize(&sec_itu, &Action::Administer).is_err());
        assert!(authorize(&Viewer::system(), &Action::Administer).is_ok());
    }
}
