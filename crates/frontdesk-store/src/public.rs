//! The customer's side of bookings: booking page settings, one-time verification codes
//! (promises O1–O3), the manage-booking links a booking was given (promise B5) and what a
//! verified customer confirms (last verification, consents).
//!
//! Every write that decides something is one conditional statement, so two requests racing (two
//! guesses at a code, a guess and the hold sweep) cannot both win: a guess is counted with
//! `attempts < max` in its `WHERE`, a code is used with `used_at_ms IS NULL`, and a hold is
//! confirmed only while it is still `held` and not lapsed.

use frontdesk_core::*;

use crate::db::{Store, StoreResult, map_err};
use crate::tenant::{TenantRead, TenantWrite};

/// A business's booking page settings.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BookingPageSettings {
    /// Owner tenant.
    pub tenant_id: TenantId,
    /// How long a one-time code is valid, minutes (promise O2: about 5).
    pub code_minutes: i64,
    /// Show the marketing consent checkbox.
    pub ask_marketing_consent: bool,
    /// Show the messaging opt-in checkbox.
    pub ask_messaging_consent: bool,
    /// Last changed (0: never set).
    pub updated_at_ms: i64,
}

impl BookingPageSettings {
    /// The settings of a business that never changed them.
    pub fn defaults(tenant_id: TenantId) -> Self {
        Self {
            tenant_id,
            code_minutes: 5,
            ask_marketing_consent: false,
            ask_messaging_consent: false,
            updated_at_ms: 0,
        }
    }
}

/// A held booking's pending verification.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Verification {
    /// Owner tenant.
    pub tenant_id: TenantId,
    /// The held booking.
    pub booking_id: BookingId,
    /// Where the code went (E.164).
    pub phone: String,
    /// Keyed hash of the current code.
    pub code_hash: String,
    /// The current code is refused from this instant.
    pub expires_at_ms: i64,
    /// Guesses at the current code.
    pub attempts: i64,
    /// Codes sent for this booking (1 + resends).
    pub sends: i64,
    /// When the current code was sent.
    pub last_sent_at_ms: i64,
    /// Set in the transaction that confirms the booking.
    pub used_at_ms: Option<i64>,
    /// E-mail given on the form, applied once the phone is verified.
    pub email: Option<String>,
    /// Marketing consent ticked on the form.
    pub marketing_consent: bool,
    /// Messaging opt-in ticked on the form.
    pub messaging_consent: bool,
    /// Created.
    pub created_at_ms: i64,
}

const VERIFICATION_COLS: &str = "tenant_id, booking_id, phone, code_hash, expires_at_ms, attempts, sends, last_sent_at_ms, used_at_ms, email, marketing_consent, messaging_consent, created_at_ms";

impl TenantRead<'_> {
    /// The business's booking page settings, if it ever set them.
    pub async fn booking_page_settings(&self) -> StoreResult<Option<BookingPageSettings>> {
        on_pool!(&self.store.db, |p| {
            sqlx::query_as(
            "SELECT tenant_id, code_minutes, ask_marketing_consent, ask_messaging_consent, updated_at_ms
             FROM booking_page_settings WHERE tenant_id = $1"
        )
        .bind(self.tenant)
        .fetch_optional(p)
        .await
        .map_err(map_err)
        })
    }

    /// A booking's pending verification.
    pub async fn verification(&self, booking: BookingId) -> StoreResult<Option<Verification>> {
        let sql = format!(
            "SELECT {VERIFICATION_COLS} FROM verification_codes WHERE tenant_id = $1 AND booking_id = $2"
        );
        on_pool!(&self.store.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(self.tenant)
        .bind(booking)
        .fetch_optional(p)
        .await
        .map_err(map_err))
    }

    /// Hashes of the earlier manage links of a booking (the newest is on the booking itself).
    pub async fn booking_link_hashes(&self, booking: BookingId) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = on_pool!(&self.store.db, |p| sqlx::query_as(
            "SELECT token_hash FROM booking_links WHERE tenant_id = $1 AND booking_id = $2"
        )
        .bind(self.tenant)
        .bind(booking)
        .fetch_all(p)
        .await
        .map_err(map_err))?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// The messaging opt-in of a customer: `(consent, when, source)`.
    pub async fn customer_messaging_consent(
        &self,
        customer: CustomerId,
    ) -> StoreResult<Option<(bool, Option<i64>, Option<String>)>> {
        on_pool!(&self.store.db, |p| sqlx::query_as(
            "SELECT messaging_consent, messaging_consent_at_ms, messaging_consent_source
             FROM customers WHERE tenant_id = $1 AND id = $2"
        )
        .bind(self.tenant)
        .bind(customer)
        .fetch_optional(p)
        .await
        .map_err(map_err))
    }
}

impl TenantWrite<'_> {
    /// Saves the booking page settings.
    pub async fn put_booking_page_settings(&mut self, s: &BookingPageSettings) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO booking_page_settings (tenant_id, code_minutes, ask_marketing_consent, ask_messaging_consent, updated_at_ms)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (tenant_id) DO UPDATE SET code_minutes = $2, ask_marketing_consent = $3,
                ask_messaging_consent = $4, updated_at_ms = $5"
        )
        .bind(t)
        .bind(s.code_minutes)
        .bind(s.ask_marketing_consent)
        .bind(s.ask_messaging_consent)
        .bind(s.updated_at_ms)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Records a held booking's first code.
    pub async fn insert_verification(&mut self, v: &Verification) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO verification_codes (tenant_id, booking_id, phone, code_hash, expires_at_ms, attempts, sends,
                last_sent_at_ms, used_at_ms, email, marketing_consent, messaging_consent, created_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        )
        .bind(t)
        .bind(v.booking_id)
        .bind(&v.phone)
        .bind(&v.code_hash)
        .bind(v.expires_at_ms)
        .bind(v.attempts)
        .bind(v.sends)
        .bind(v.last_sent_at_ms)
        .bind(v.used_at_ms)
        .bind(&v.email)
        .bind(v.marketing_consent)
        .bind(v.messaging_consent)
        .bind(v.created_at_ms)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Replaces the code of an unused verification with a new one (a resend): attempts start
    /// again, sends go up. False when the booking already had `max_sends` codes or is verified.
    pub async fn replace_code(
        &mut self,
        booking: BookingId,
        code_hash: &str,
        expires_at_ms: i64,
        max_sends: i64,
        now: i64,
    ) -> StoreResult<bool> {
        let t = self.tenant;
        let n = on_tx!(self.tx, |c| sqlx::query(
            "UPDATE verification_codes SET code_hash = $3, expires_at_ms = $4, attempts = 0,
                sends = sends + 1, last_sent_at_ms = $5
             WHERE tenant_id = $1 AND booking_id = $2 AND used_at_ms IS NULL AND sends < $6"
        )
        .bind(t)
        .bind(booking)
        .bind(code_hash)
        .bind(expires_at_ms)
        .bind(now)
        .bind(max_sends)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Counts one guess at a booking's current code and returns the verification as it is after
    /// the count; `None` when there is no unused code or it already had `max_attempts` guesses
    /// (the guess is then not evaluated at all).
    pub async fn take_attempt(
        &mut self,
        booking: BookingId,
        max_attempts: i64,
    ) -> StoreResult<Option<Verification>> {
        let t = self.tenant;
        let sql = format!(
            "UPDATE verification_codes SET attempts = attempts + 1
             WHERE tenant_id = $1 AND booking_id = $2 AND used_at_ms IS NULL AND attempts < $3
             RETURNING {VERIFICATION_COLS}"
        );
        on_tx!(self.tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(t)
        .bind(booking)
        .bind(max_attempts)
        .fetch_optional(c)
        .await
        .map_err(map_err))
    }

    /// Marks a verification used; false if it was used already (a concurrent success).
    pub async fn use_verification(&mut self, booking: BookingId, now: i64) -> StoreResult<bool> {
        let t = self.tenant;
        let n = on_tx!(self.tx, |c| sqlx::query(
            "UPDATE verification_codes SET used_at_ms = $3
             WHERE tenant_id = $1 AND booking_id = $2 AND used_at_ms IS NULL"
        )
        .bind(t)
        .bind(booking)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Deletes a booking's verification.
    pub async fn delete_verification(&mut self, booking: BookingId) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| sqlx::query(
            "DELETE FROM verification_codes WHERE tenant_id = $1 AND booking_id = $2"
        )
        .bind(t)
        .bind(booking)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Makes a live hold last at least until `until_ms` (the booking and its allocations).
    /// False when the booking is not held any more or its hold already lapsed.
    pub async fn extend_hold(
        &mut self,
        booking: BookingId,
        until_ms: i64,
        now: i64,
    ) -> StoreResult<bool> {
        let t = self.tenant;
        let live: Option<(i64,)> = on_tx!(self.tx, |c| sqlx::query_as(
            "SELECT hold_expires_at_ms FROM bookings
             WHERE tenant_id = $1 AND id = $2 AND status = 'held' AND hold_expires_at_ms > $3"
        )
        .bind(t)
        .bind(booking)
        .bind(now)
        .fetch_optional(&mut *c)
        .await
        .map_err(map_err))?;
        let Some((current,)) = live else {
            return Ok(false);
        };
        if current >= until_ms {
            return Ok(true);
        }
        on_tx!(self.tx, |c| sqlx::query(
            "UPDATE bookings SET hold_expires_at_ms = $3, updated_at_ms = $4
             WHERE tenant_id = $1 AND id = $2 AND status = 'held' AND hold_expires_at_ms > $4"
        )
        .bind(t)
        .bind(booking)
        .bind(until_ms)
        .bind(now)
        .execute(&mut *c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        on_tx!(self.tx, |c| sqlx::query(
            "UPDATE allocations SET hold_expires_at_ms = $3
             WHERE tenant_id = $1 AND booking_id = $2 AND hold_expires_at_ms IS NOT NULL"
        )
        .bind(t)
        .bind(booking)
        .bind(until_ms)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(true)
    }

    /// Confirms a live hold: `held` → `to` (`confirmed` or `pending`) only while the hold has
    /// not lapsed, in one statement, with the history entry. False when the booking is not held
    /// any more or its hold lapsed (its slot may be someone else's by now).
    pub async fn confirm_hold(
        &mut self,
        booking: BookingId,
        to: &str,
        actor: &str,
        note: &str,
        now: i64,
    ) -> StoreResult<bool> {
        let t = self.tenant;
        let n = on_tx!(self.tx, |c| sqlx::query(
            "UPDATE bookings SET status = $3, hold_expires_at_ms = NULL, updated_at_ms = $4
             WHERE tenant_id = $1 AND id = $2 AND status = 'held' AND hold_expires_at_ms > $4"
        )
        .bind(t)
        .bind(booking)
        .bind(to)
        .bind(now)
        .execute(&mut *c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        if n != 1 {
            return Ok(false);
        }
        on_tx!(self.tx, |c| {
            sqlx::query(
            "UPDATE allocations SET hold_expires_at_ms = NULL WHERE tenant_id = $1 AND booking_id = $2"
        )
        .bind(t)
        .bind(booking)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        self.insert_event(booking, now, actor, Some("held"), to, note)
            .await?;
        Ok(true)
    }

    /// Records that a customer proved their phone now (promise B7: last verification date).
    pub async fn mark_customer_verified(
        &mut self,
        customer: CustomerId,
        now: i64,
    ) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "UPDATE customers SET last_verified_at_ms = $3, updated_at_ms = $3 WHERE tenant_id = $1 AND id = $2"
        )
        .bind(t)
        .bind(customer)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Records consents a customer gave (promise R5: with when and where). Only consents given
    /// are written; an unticked box withdraws nothing.
    pub async fn record_customer_consents(
        &mut self,
        customer: CustomerId,
        marketing: bool,
        messaging: bool,
        source: &str,
        now: i64,
    ) -> StoreResult<()> {
        let t = self.tenant;
        if marketing {
            on_tx!(self.tx, |c| sqlx::query(
                "UPDATE customers SET marketing_consent = $3, marketing_consent_at_ms = $4,
                    marketing_consent_source = $5, updated_at_ms = $4
                 WHERE tenant_id = $1 AND id = $2 AND marketing_consent = $6"
            )
            .bind(t)
            .bind(customer)
            .bind(true)
            .bind(now)
            .bind(source)
            .bind(false)
            .execute(c)
            .await
            .map_err(map_err)
            .map(|r| r.rows_affected()))?;
        }
        if messaging {
            on_tx!(self.tx, |c| sqlx::query(
                "UPDATE customers SET messaging_consent = $3, messaging_consent_at_ms = $4,
                    messaging_consent_source = $5, updated_at_ms = $4
                 WHERE tenant_id = $1 AND id = $2 AND messaging_consent = $6"
            )
            .bind(t)
            .bind(customer)
            .bind(true)
            .bind(now)
            .bind(source)
            .bind(false)
            .execute(c)
            .await
            .map_err(map_err)
            .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Gives a customer without an e-mail the one they typed, unless another customer of the
    /// business already has it. Returns whether it was set.
    pub async fn set_customer_email_if_free(
        &mut self,
        customer: CustomerId,
        email: &str,
        email_key: &str,
        now: i64,
    ) -> StoreResult<bool> {
        let t = self.tenant;
        let n = on_tx!(self.tx, |c| {
            sqlx::query(
            "UPDATE customers SET email = $3, email_key = $4, updated_at_ms = $5
             WHERE tenant_id = $1 AND id = $2 AND email IS NULL
               AND NOT EXISTS (SELECT 1 FROM customers o WHERE o.tenant_id = $1 AND o.email_key = $4)"
        )
        .bind(t)
        .bind(customer)
        .bind(email)
        .bind(email_key)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }
}

impl Store {
    /// Deletes verification rows that are used, or whose booking is no longer held (confirmed,
    /// cancelled, or released when its hold expired). Returns how many went.
    pub async fn purge_verifications(&self) -> StoreResult<u64> {
        on_pool!(&self.db, |p| sqlx::query(
            "DELETE FROM verification_codes WHERE used_at_ms IS NOT NULL OR NOT EXISTS (
                SELECT 1 FROM bookings b WHERE b.tenant_id = verification_codes.tenant_id
                  AND b.id = verification_codes.booking_id AND b.status = 'held')"
        )
        .execute(p)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))
    }
}
