//! The server-rendered dashboard and sign-in pages.

use axum::Router;

use crate::AppState;
use crate::routes::{RouteSpec, Routes};

/// Every page route with its access class.
pub fn routes() -> (Router<AppState>, Vec<RouteSpec>) {
    Routes::new().finish()
}
