//! Roles of the people who work in a business (promise A2).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A member's role in one business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the business: settings, people, exports, deletion, support grants.
    Owner,
    /// Manages the day-to-day: catalogue, bookings, team except owners; no owner-only actions.
    Admin,
    /// Serves clients: their own calendar and clients.
    Professional,
    /// Runs the desk: bookings, clients, inbox.
    Receptionist,
    /// Time-boxed, read-only access granted by an owner (promise A8).
    Support,
}

impl Role {
    /// All roles, most powerful first.
    pub const ALL: [Role; 5] = [
        Role::Owner,
        Role::Admin,
        Role::Professional,
        Role::Receptionist,
        Role::Support,
    ];

    /// The stable text form stored in the database and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Professional => "professional",
            Role::Receptionist => "receptionist",
            Role::Support => "support",
        }
    }

    /// Whether this role may change data at all (support is read-only).
    pub fn can_write(self) -> bool {
        !matches!(self, Role::Support)
    }

    /// Whether this role may manage the team, locations and keys (owner and admin).
    pub fn can_manage(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }

    /// Roles that can be given through an invitation or a role change. Owners are made at
    /// sign-up; support access is given through a support grant.
    pub fn is_assignable(self) -> bool {
        matches!(self, Role::Admin | Role::Professional | Role::Receptionist)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or(UnknownRole)
    }
}

/// Error for a role name that does not exist.
#[derive(Debug, thiserror::Error)]
#[error("unknown role")]
pub struct UnknownRole;
