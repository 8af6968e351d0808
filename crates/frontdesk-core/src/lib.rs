//! Frontdesk domain: typed ids, validation, roles, the secrets envelope, tokens and the clock.
//!
//! Pure: no IO (beyond the OS random generator), no async, no database, no HTTP.

pub mod clock;
pub mod crypto;
pub mod engine;
pub mod ids;
pub mod role;
pub mod token;
pub mod validate;

pub use clock::{Clock, ManualClock, SystemClock};
pub use ids::*;
pub use role::Role;
