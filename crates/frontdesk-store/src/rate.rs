//! Fixed-window counters in the database, for limits that must hold across restarts and
//! instances: sign-in attempts per account and per IP, links sent per address.

use crate::db::{Store, StoreResult, map_err};

impl Store {
    /// Adds one to the counter `key` for the window containing `now` and returns the new count.
    pub async fn hit_counter(&self, key: &str, window_ms: i64, now: i64) -> StoreResult<i64> {
        let start = now - now.rem_euclid(window_ms);
        let n: (i64,) = on_write_pool!(self, |p| sqlx::query_as(
            "INSERT INTO rate_counters (key, window_start_ms, count) VALUES ($1, $2, 1)
             ON CONFLICT (key, window_start_ms) DO UPDATE SET count = rate_counters.count + 1
             RETURNING count"
        )
        .bind(key)
        .bind(start)
        .fetch_one(p)
        .await
        .map_err(map_err))?;
        Ok(n.0)
    }

    /// Reads the counter `key` for the window containing `now`.
    pub async fn read_counter(&self, key: &str, window_ms: i64, now: i64) -> StoreResult<i64> {
        let start = now - now.rem_euclid(window_ms);
        let n: Option<(i64,)> = on_pool!(&self.db, |p| sqlx::query_as(
            "SELECT count FROM rate_counters WHERE key = $1 AND window_start_ms = $2"
        )
        .bind(key)
        .bind(start)
        .fetch_optional(p)
        .await
        .map_err(map_err))?;
        Ok(n.map(|n| n.0).unwrap_or(0))
    }

    /// Clears the counter `key` (e.g. after a successful sign-in).
    pub async fn reset_counter(&self, key: &str) -> StoreResult<()> {
        on_write_pool!(self, |p| sqlx::query(
            "DELETE FROM rate_counters WHERE key = $1"
        )
        .bind(key)
        .execute(p)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
