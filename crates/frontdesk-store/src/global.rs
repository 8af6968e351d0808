//! Global tables: people, sessions, link tokens, slugs; and the cross-tenant sweeps that only
//! the system runs (key rotation, expiry clean-up).

use frontdesk_core::*;

use crate::db::{Store, StoreResult, Tx, map_err};
use crate::models::*;

const USER_COLS: &str =
    "id, email, email_key, name, phone, language, password_hash, created_at_ms, updated_at_ms";
const SESSION_COLS: &str = "id, token_hash, user_id, tenant_id, staff_key_id, created_at_ms, expires_at_ms, last_seen_at_ms, ip, user_agent";

impl Store {
    /// A person by the lower-cased e-mail.
    pub async fn user_by_email(&self, email_key: &str) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {USER_COLS} FROM users WHERE email_key = $1");
        on_pool!(&self.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(email_key)
        .fetch_optional(p)
        .await
        .map_err(map_err))
    }

    /// A person by id.
    pub async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {USER_COLS} FROM users WHERE id = $1");
        on_pool!(&self.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(id)
        .fetch_optional(p)
        .await
        .map_err(map_err))
    }

    /// The businesses a person belongs to.
    pub async fn memberships_of(&self, user: UserId) -> StoreResult<Vec<MembershipOf>> {
        on_pool!(&self.db, |p| sqlx::query_as(
            "SELECT m.tenant_id, t.name AS tenant_name, m.role, m.expires_at_ms
             FROM memberships m JOIN tenants t ON t.tenant_id = m.tenant_id
             WHERE m.user_id = $1 ORDER BY m.created_at_ms"
        )
        .bind(user)
        .fetch_all(p)
        .await
        .map_err(map_err))
    }

    /// A session by the hash of its cookie.
    pub async fn session_by_hash(&self, token_hash: &str) -> StoreResult<Option<Session>> {
        let sql = format!("SELECT {SESSION_COLS} FROM sessions WHERE token_hash = $1");
        on_pool!(&self.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(token_hash)
        .fetch_optional(p)
        .await
        .map_err(map_err))
    }

    /// A person's sessions, newest first.
    pub async fn sessions_of(&self, user: UserId) -> StoreResult<Vec<Session>> {
        let sql = format!(
            "SELECT {SESSION_COLS} FROM sessions WHERE user_id = $1 ORDER BY created_at_ms DESC"
        );
        on_pool!(&self.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(user)
        .fetch_all(p)
        .await
        .map_err(map_err))
    }

    /// Marks a session as seen (at most once a minute per session, by the caller's choice).
    pub async fn touch_session(&self, id: SessionId, now: i64) -> StoreResult<()> {
        on_write_pool!(self, |p| sqlx::query(
            "UPDATE sessions SET last_seen_at_ms = $2 WHERE id = $1"
        )
        .bind(id)
        .bind(now)
        .execute(p)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// A link token by id.
    pub async fn auth_token(&self, id: AuthTokenId) -> StoreResult<Option<AuthToken>> {
        on_pool!(&self.db, |p| {
            sqlx::query_as(
            "SELECT id, user_id, purpose, secret_hash, created_at_ms, expires_at_ms, used_at_ms FROM auth_tokens WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(p)
        .await
        .map_err(map_err)
        })
    }

    /// The location behind a public slug (promise T3: public pages find their tenant here only).
    pub async fn location_by_slug(&self, slug: &str) -> StoreResult<Option<Location>> {
        let row: Option<(TenantId, LocationId)> = on_pool!(&self.db, |p| sqlx::query_as(
            "SELECT tenant_id, location_id FROM slugs WHERE slug = $1"
        )
        .bind(slug)
        .fetch_optional(p)
        .await
        .map_err(map_err))?;
        match row {
            Some((t, l)) => self.tenant(t).location(l).await,
            None => Ok(None),
        }
    }

    /// The API key behind a credential's scope and id (the scope is the tenant).
    pub async fn api_key_for_credential(
        &self,
        tenant: TenantId,
        id: ApiKeyId,
    ) -> StoreResult<Option<ApiKey>> {
        self.tenant(tenant).api_key(id).await
    }

    /// Records that an API key was used.
    pub async fn touch_api_key(&self, tenant: TenantId, id: ApiKeyId, now: i64) -> StoreResult<()> {
        on_write_pool!(self, |p| sqlx::query(
            "UPDATE api_keys SET last_used_at_ms = $3 WHERE tenant_id = $1 AND id = $2"
        )
        .bind(tenant)
        .bind(id)
        .bind(now)
        .execute(p)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Secrets not encrypted under `active_kid`, a batch at a time (for key rotation).
    pub async fn secrets_needing_rotation(
        &self,
        active_kid: &str,
        limit: i64,
    ) -> StoreResult<Vec<SecretRow>> {
        on_pool!(&self.db, |p| {
            sqlx::query_as(
            "SELECT tenant_id, id, name, ciphertext, key_id, created_at_ms, updated_at_ms FROM secrets WHERE key_id <> $1 ORDER BY tenant_id, id LIMIT $2"
        )
        .bind(active_kid)
        .bind(limit)
        .fetch_all(p)
        .await
        .map_err(map_err)
        })
    }

    /// Replaces a secret's ciphertext only if it still holds `old` (so a concurrent write wins).
    pub async fn swap_secret_ciphertext(
        &self,
        tenant: TenantId,
        id: SecretId,
        old: &str,
        new: &str,
        new_kid: &str,
    ) -> StoreResult<bool> {
        let n = on_write_pool!(self, |p| {
            sqlx::query(
            "UPDATE secrets SET ciphertext = $4, key_id = $5 WHERE tenant_id = $1 AND id = $2 AND ciphertext = $3"
        )
        .bind(tenant)
        .bind(id)
        .bind(old)
        .bind(new)
        .bind(new_kid)
        .execute(p)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// Deletes every row of a tenant: the `tenants` row cascades to every tenant table through
    /// their foreign keys; global tables that mention the tenant are cleared explicitly.
    pub async fn delete_tenant_rows(&self, tenant: TenantId) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        for sql in [
            "DELETE FROM sessions WHERE tenant_id = $1",
            "DELETE FROM jobs WHERE tenant_id = $1",
            "DELETE FROM mail_outbox WHERE tenant_id = $1",
            "DELETE FROM slugs WHERE tenant_id = $1",
            // Same-table and sibling references that would otherwise be checked mid-cascade.
            "UPDATE services SET prerequisite_service_id = NULL WHERE tenant_id = $1",
            "UPDATE resources SET area_id = NULL WHERE tenant_id = $1",
            "DELETE FROM tenants WHERE tenant_id = $1",
        ] {
            on_tx!(tx, |c| sqlx::query(sql)
                .bind(tenant)
                .execute(c)
                .await
                .map_err(map_err)
                .map(|r| r.rows_affected()))?;
        }
        tx.commit().await
    }

    /// Deletes expired sessions and used or expired link tokens; returns how many rows went.
    pub async fn purge_expired_auth(&self, now: i64) -> StoreResult<u64> {
        let a = on_write_pool!(self, |p| sqlx::query(
            "DELETE FROM sessions WHERE expires_at_ms <= $1"
        )
        .bind(now)
        .execute(p)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        let b = on_write_pool!(self, |p| sqlx::query(
            "DELETE FROM auth_tokens WHERE expires_at_ms <= $1 OR used_at_ms IS NOT NULL"
        )
        .bind(now)
        .execute(p)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        let c = on_write_pool!(self, |p| {
            sqlx::query(
            "DELETE FROM memberships WHERE role = 'support' AND expires_at_ms IS NOT NULL AND expires_at_ms <= $1"
        )
        .bind(now)
        .execute(p)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        let d = on_write_pool!(self, |p| sqlx::query(
            "DELETE FROM rate_counters WHERE window_start_ms < $1"
        )
        .bind(now - 2 * 86_400_000)
        .execute(p)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(a + b + c + d)
    }
}

impl Tx {
    /// Creates a person.
    pub async fn insert_user(&mut self, u: &User) -> StoreResult<()> {
        on_tx!(self, |c| {
            sqlx::query(
            "INSERT INTO users (id, email, email_key, name, phone, language, password_hash, created_at_ms, updated_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        )
        .bind(u.id)
        .bind(&u.email)
        .bind(&u.email_key)
        .bind(&u.name)
        .bind(&u.phone)
        .bind(&u.language)
        .bind(&u.password_hash)
        .bind(u.created_at_ms)
        .bind(u.updated_at_ms)
        .execute(c)
        .await
        .map_err(map_err).map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Sets a person's password hash.
    pub async fn set_password_hash(
        &mut self,
        user: UserId,
        hash: &str,
        now: i64,
    ) -> StoreResult<()> {
        on_tx!(self, |c| sqlx::query(
            "UPDATE users SET password_hash = $2, updated_at_ms = $3 WHERE id = $1"
        )
        .bind(user)
        .bind(hash)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Updates a person's profile.
    pub async fn update_profile(
        &mut self,
        user: UserId,
        name: &str,
        phone: Option<&str>,
        language: &str,
        now: i64,
    ) -> StoreResult<()> {
        on_tx!(self, |c| {
            sqlx::query("UPDATE users SET name = $2, phone = $3, language = $4, updated_at_ms = $5 WHERE id = $1")
            .bind(user)
            .bind(name)
            .bind(phone)
            .bind(language)
            .bind(now)
            .execute(c)
            .await
            .map_err(map_err).map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Opens a session.
    pub async fn insert_session(&mut self, s: &Session) -> StoreResult<()> {
        on_tx!(self, |c| {
            sqlx::query(
            "INSERT INTO sessions (id, token_hash, user_id, tenant_id, staff_key_id, created_at_ms, expires_at_ms, last_seen_at_ms, ip, user_agent)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        )
        .bind(s.id)
        .bind(&s.token_hash)
        .bind(s.user_id)
        .bind(s.tenant_id)
        .bind(s.staff_key_id)
        .bind(s.created_at_ms)
        .bind(s.expires_at_ms)
        .bind(s.last_seen_at_ms)
        .bind(&s.ip)
        .bind(&s.user_agent)
        .execute(c)
        .await
        .map_err(map_err).map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Ends one session.
    pub async fn delete_session(&mut self, id: SessionId) -> StoreResult<bool> {
        let n = on_tx!(self, |c| sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id)
            .execute(c)
            .await
            .map_err(map_err)
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Ends every session of a person ("log out everywhere"); returns how many.
    pub async fn delete_user_sessions(&mut self, user: UserId) -> StoreResult<u64> {
        on_tx!(self, |c| sqlx::query(
            "DELETE FROM sessions WHERE user_id = $1"
        )
        .bind(user)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))
    }

    /// Moves a session to another business the person belongs to.
    pub async fn switch_session_tenant(
        &mut self,
        id: SessionId,
        tenant: TenantId,
    ) -> StoreResult<()> {
        on_tx!(self, |c| sqlx::query(
            "UPDATE sessions SET tenant_id = $2 WHERE id = $1"
        )
        .bind(id)
        .bind(tenant)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Stores a link token.
    pub async fn insert_auth_token(&mut self, t: &AuthToken) -> StoreResult<()> {
        on_tx!(self, |c| {
            sqlx::query(
            "INSERT INTO auth_tokens (id, user_id, purpose, secret_hash, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5, $6)"
        )
        .bind(t.id)
        .bind(t.user_id)
        .bind(&t.purpose)
        .bind(&t.secret_hash)
        .bind(t.created_at_ms)
        .bind(t.expires_at_ms)
        .execute(c)
        .await
        .map_err(map_err).map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Uses a link token once: true only for the first use before expiry (promise A7).
    pub async fn use_auth_token(&mut self, id: AuthTokenId, now: i64) -> StoreResult<bool> {
        let n = on_tx!(self, |c| {
            sqlx::query(
            "UPDATE auth_tokens SET used_at_ms = $2 WHERE id = $1 AND used_at_ms IS NULL AND expires_at_ms > $2"
        )
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// Invalidates a person's other open tokens of one purpose (a new reset link voids old ones).
    pub async fn void_auth_tokens(
        &mut self,
        user: UserId,
        purpose: &str,
        now: i64,
    ) -> StoreResult<()> {
        on_tx!(self, |c| {
            sqlx::query(
            "UPDATE auth_tokens SET used_at_ms = $3 WHERE user_id = $1 AND purpose = $2 AND used_at_ms IS NULL"
        )
        .bind(user)
        .bind(purpose)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err).map(|r| r.rows_affected())
        })?;
        Ok(())
    }
}
