//! Persistence for Frontdesk: one [`Store`] over SQLite (embedded default) and PostgreSQL.
//!
//! SQL is written once in the subset both databases share (`$n` placeholders, `RETURNING`,
//! `ON CONFLICT`, BIGINT epoch-ms instants) and compiled per backend by the [`on_pool!`] and
//! [`on_tx!`] macros. Tenant data is reached only through a tenant scope
//! ([`Store::tenant`], [`Tx::tenant`]) whose every query filters by `tenant_id` (promise T1).

#[macro_use]
mod db;
#[doc(hidden)]
pub mod db_internal {
    pub use crate::db::{Db, TxInner};
}
pub mod bookings;
mod catalogue;
mod global;
pub mod jobs;
pub mod mail;
pub mod models;
pub mod models_catalogue;
pub mod notify;
pub mod public;
pub mod rate;
mod tenant;

pub use bookings::{
    Allocation, Booking, BookingEvent, BookingFilter, BookingItem, MAX_ALLOCATION_MS, NewBooking,
    WaitlistEntry,
};
pub use db::{
    Backend, ConnectOptions, ForeignKeyShape, IndexShape, Store, StoreError, StoreResult,
    TableShape, Tx,
};
pub use models::*;
pub use models_catalogue::*;
pub use tenant::{TenantRead, TenantWrite};

/// The tables that belong to no tenant. Every other table must carry `tenant_id` and lead its
/// keys and indexes with it; the schema test enforces both.
pub const GLOBAL_TABLES: &[&str] = &[
    "users",
    "sessions",
    "auth_tokens",
    "slugs",
    "jobs",
    "mail_outbox",
    "rate_counters",
];
