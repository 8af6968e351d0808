//! Tenant-scoped access. A [`TenantRead`] or [`TenantWrite`] holds one tenant id and every query
//! it runs filters by it: another tenant's row is simply not found (promise T1).

use frontdesk_core::*;

use crate::db::{Store, StoreResult, Tx, map_err};
use crate::models::*;

/// Reads within one tenant.
#[derive(Debug, Clone, Copy)]
pub struct TenantRead<'a> {
    pub(crate) store: &'a Store,
    pub(crate) tenant: TenantId,
}

/// Writes within one tenant, inside a transaction.
pub struct TenantWrite<'a> {
    pub(crate) tx: &'a mut Tx,
    pub(crate) tenant: TenantId,
}

impl Store {
    /// The read scope of one tenant.
    pub fn tenant(&self, tenant: TenantId) -> TenantRead<'_> {
        TenantRead {
            store: self,
            tenant,
        }
    }
}

impl Tx {
    /// The write scope of one tenant inside this transaction.
    pub fn tenant(&mut self, tenant: TenantId) -> TenantWrite<'_> {
        TenantWrite { tx: self, tenant }
    }
}

const LOCATION_COLS: &str = "tenant_id, id, name, slug, address, phone, time_zone, country, currency, brand_colour, booking_description, tax_id, image_url, created_at_ms, updated_at_ms";

impl<'a> TenantRead<'a> {
    /// The tenant's id.
    pub fn id(&self) -> TenantId {
        self.tenant
    }

    /// The business itself.
    pub async fn get(&self) -> StoreResult<Option<Tenant>> {
        on_pool!(&self.store.db, |p| {
            sqlx::query_as(
            "SELECT tenant_id, name, default_language, created_at_ms, updated_at_ms FROM tenants WHERE tenant_id = $1"
        )
        .bind(self.tenant)
        .fetch_optional(p)
        .await
        .map_err(map_err)
        })
    }

    /// All locations, oldest first.
    pub async fn locations(&self) -> StoreResult<Vec<Location>> {
        let sql = format!("SELECT {LOCATION_COLS} FROM locations WHERE tenant_id = $1 ORDER BY id");
        on_pool!(&self.store.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(self.tenant)
        .fetch_all(p)
        .await
        .map_err(map_err))
    }

    /// One location.
    pub async fn location(&self, id: LocationId) -> StoreResult<Option<Location>> {
        let sql = format!("SELECT {LOCATION_COLS} FROM locations WHERE tenant_id = $1 AND id = $2");
        on_pool!(&self.store.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(self.tenant)
        .bind(id)
        .fetch_optional(p)
        .await
        .map_err(map_err))
    }

    /// The team: every member with their role.
    pub async fn members(&self) -> StoreResult<Vec<Member>> {
        on_pool!(&self.store.db, |p| sqlx::query_as(
            "SELECT m.user_id, u.email, u.name, m.role, m.created_at_ms, m.expires_at_ms
             FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.tenant_id = $1 ORDER BY m.created_at_ms, u.email"
        )
        .bind(self.tenant)
        .fetch_all(p)
        .await
        .map_err(map_err))
    }

    /// One member.
    pub async fn member(&self, user: UserId) -> StoreResult<Option<Member>> {
        on_pool!(&self.store.db, |p| sqlx::query_as(
            "SELECT m.user_id, u.email, u.name, m.role, m.created_at_ms, m.expires_at_ms
             FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.tenant_id = $1 AND m.user_id = $2"
        )
        .bind(self.tenant)
        .bind(user)
        .fetch_optional(p)
        .await
        .map_err(map_err))
    }

    /// Invitations, newest first.
    pub async fn invitations(&self) -> StoreResult<Vec<Invitation>> {
        on_pool!(&self.store.db, |p| {
            sqlx::query_as(
            "SELECT tenant_id, id, email, email_key, role, invited_by, secret_hash, created_at_ms, expires_at_ms, accepted_at_ms, revoked_at_ms
             FROM invitations WHERE tenant_id = $1 ORDER BY id DESC"
        )
        .bind(self.tenant)
        .fetch_all(p)
        .await
        .map_err(map_err)
        })
    }

    /// One invitation.
    pub async fn invitation(&self, id: InvitationId) -> StoreResult<Option<Invitation>> {
        on_pool!(&self.store.db, |p| {
            sqlx::query_as(
            "SELECT tenant_id, id, email, email_key, role, invited_by, secret_hash, created_at_ms, expires_at_ms, accepted_at_ms, revoked_at_ms
             FROM invitations WHERE tenant_id = $1 AND id = $2"
        )
        .bind(self.tenant)
        .bind(id)
        .fetch_optional(p)
        .await
        .map_err(map_err)
        })
    }

    /// API keys, newest first.
    pub async fn api_keys(&self) -> StoreResult<Vec<ApiKey>> {
        on_pool!(&self.store.db, |p| {
            sqlx::query_as(
            "SELECT tenant_id, id, name, role, secret_hash, created_by, created_at_ms, last_used_at_ms, revoked_at_ms
             FROM api_keys WHERE tenant_id = $1 ORDER BY id DESC"
        )
        .bind(self.tenant)
        .fetch_all(p)
        .await
        .map_err(map_err)
        })
    }

    /// One API key.
    pub async fn api_key(&self, id: ApiKeyId) -> StoreResult<Option<ApiKey>> {
        on_pool!(&self.store.db, |p| {
            sqlx::query_as(
            "SELECT tenant_id, id, name, role, secret_hash, created_by, created_at_ms, last_used_at_ms, revoked_at_ms
             FROM api_keys WHERE tenant_id = $1 AND id = $2"
        )
        .bind(self.tenant)
        .bind(id)
        .fetch_optional(p)
        .await
        .map_err(map_err)
        })
    }

    /// Staff keys, newest first.
    pub async fn staff_keys(&self) -> StoreResult<Vec<StaffKey>> {
        on_pool!(&self.store.db, |p| {
            sqlx::query_as(
            "SELECT tenant_id, id, user_id, name, secret_hash, created_by, created_at_ms, last_used_at_ms, revoked_at_ms
             FROM staff_keys WHERE tenant_id = $1 ORDER BY id DESC"
        )
        .bind(self.tenant)
        .fetch_all(p)
        .await
        .map_err(map_err)
        })
    }

    /// One staff key.
    pub async fn staff_key(&self, id: StaffKeyId) -> StoreResult<Option<StaffKey>> {
        on_pool!(&self.store.db, |p| {
            sqlx::query_as(
            "SELECT tenant_id, id, user_id, name, secret_hash, created_by, created_at_ms, last_used_at_ms, revoked_at_ms
             FROM staff_keys WHERE tenant_id = $1 AND id = $2"
        )
        .bind(self.tenant)
        .bind(id)
        .fetch_optional(p)
        .await
        .map_err(map_err)
        })
    }

    /// The audit log, newest first, filtered.
    pub async fn audit(&self, f: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        let action_prefix = f
            .action
            .as_deref()
            .filter(|a| a.ends_with('.'))
            .map(|a| format!("{a}%"));
        let action_exact = f.action.as_deref().filter(|a| !a.ends_with('.'));
        let limit = f.limit.clamp(1, 500);
        on_pool!(&self.store.db, |p| {
            sqlx::query_as(
            "SELECT tenant_id, id, at_ms, actor_kind, actor_id, actor_label, action, target, details, ip, user_agent
             FROM audit_log WHERE tenant_id = $1
               AND ($2 IS NULL OR action = $2)
               AND ($3 IS NULL OR action LIKE $3)
               AND ($4 IS NULL OR actor_id = $4)
               AND ($5 IS NULL OR at_ms >= $5)
               AND ($6 IS NULL OR at_ms < $6)
               AND ($7 IS NULL OR at_ms < $7)
             ORDER BY at_ms DESC, id DESC LIMIT $8"
        )
        .bind(self.tenant)
        .bind(action_exact)
        .bind(action_prefix.as_deref())
        .bind(f.actor_id.as_deref())
        .bind(f.from_ms)
        .bind(f.until_ms)
        .bind(f.before_ms)
        .bind(limit)
        .fetch_all(p)
        .await
        .map_err(map_err)
        })
    }

    /// Support grants, newest first.
    pub async fn support_grants(&self) -> StoreResult<Vec<(SupportGrant, String)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            g: SupportGrant,
            email: String,
        }
        let rows: Vec<Row> = on_pool!(&self.store.db, |p| {
            sqlx::query_as(
            "SELECT g.tenant_id, g.id, g.user_id, g.granted_by, g.reason, g.created_at_ms, g.expires_at_ms, g.revoked_at_ms, u.email
             FROM support_grants g JOIN users u ON u.id = g.user_id WHERE g.tenant_id = $1 ORDER BY g.id DESC"
        )
        .bind(self.tenant)
        .fetch_all(p)
        .await
        .map_err(map_err)
        })?;
        Ok(rows.into_iter().map(|r| (r.g, r.email)).collect())
    }

    /// One support grant.
    pub async fn support_grant(&self, id: SupportGrantId) -> StoreResult<Option<SupportGrant>> {
        on_pool!(&self.store.db, |p| {
            sqlx::query_as(
            "SELECT tenant_id, id, user_id, granted_by, reason, created_at_ms, expires_at_ms, revoked_at_ms
             FROM support_grants WHERE tenant_id = $1 AND id = $2"
        )
        .bind(self.tenant)
        .bind(id)
        .fetch_optional(p)
        .await
        .map_err(map_err)
        })
    }

    /// Stored secrets (names and metadata; values stay encrypted).
    pub async fn secrets(&self) -> StoreResult<Vec<SecretRow>> {
        on_pool!(&self.store.db, |p| {
            sqlx::query_as(
            "SELECT tenant_id, id, name, ciphertext, key_id, created_at_ms, updated_at_ms FROM secrets WHERE tenant_id = $1 ORDER BY name"
        )
        .bind(self.tenant)
        .fetch_all(p)
        .await
        .map_err(map_err)
        })
    }

    /// One secret by name.
    pub async fn secret(&self, name: &str) -> StoreResult<Option<SecretRow>> {
        on_pool!(&self.store.db, |p| {
            sqlx::query_as(
            "SELECT tenant_id, id, name, ciphertext, key_id, created_at_ms, updated_at_ms FROM secrets WHERE tenant_id = $1 AND name = $2"
        )
        .bind(self.tenant)
        .bind(name)
        .fetch_optional(p)
        .await
        .map_err(map_err)
        })
    }
}

impl<'a> TenantWrite<'a> {
    /// The tenant's id.
    pub fn id(&self) -> TenantId {
        self.tenant
    }

    /// Creates the business row.
    pub async fn insert_tenant(
        &mut self,
        name: &str,
        default_language: &str,
        now: i64,
    ) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO tenants (tenant_id, name, default_language, created_at_ms, updated_at_ms) VALUES ($1, $2, $3, $4, $4)"
        )
        .bind(t)
        .bind(name)
        .bind(default_language)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err).map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Renames the business or changes its default language.
    pub async fn update_tenant(
        &mut self,
        name: &str,
        default_language: &str,
        now: i64,
    ) -> StoreResult<bool> {
        let t = self.tenant;
        let r = on_tx!(self.tx, |c| {
            sqlx::query(
            "UPDATE tenants SET name = $2, default_language = $3, updated_at_ms = $4 WHERE tenant_id = $1"
        )
        .bind(t)
        .bind(name)
        .bind(default_language)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(r == 1)
    }

    /// Adds a location and claims its slug deployment-wide.
    pub async fn insert_location(&mut self, l: &Location) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO locations (tenant_id, id, name, slug, address, phone, time_zone, country, currency, brand_colour, booking_description, tax_id, image_url, created_at_ms, updated_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        )
        .bind(t)
        .bind(l.id)
        .bind(&l.name)
        .bind(&l.slug)
        .bind(&l.address)
        .bind(&l.phone)
        .bind(&l.time_zone)
        .bind(&l.country)
        .bind(&l.currency)
        .bind(&l.brand_colour)
        .bind(&l.booking_description)
        .bind(&l.tax_id)
        .bind(&l.image_url)
        .bind(l.created_at_ms)
        .bind(l.updated_at_ms)
        .execute(&mut *c)
        .await
        .map_err(map_err).map(|r| r.rows_affected())
        })?;
        on_tx!(self.tx, |c| sqlx::query(
            "INSERT INTO slugs (slug, tenant_id, location_id) VALUES ($1, $2, $3)"
        )
        .bind(&l.slug)
        .bind(t)
        .bind(l.id)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Replaces a location's fields (and moves its slug if it changed). False if not found.
    pub async fn update_location(&mut self, l: &Location) -> StoreResult<bool> {
        let t = self.tenant;
        let old: Option<(String,)> = on_tx!(self.tx, |c| sqlx::query_as(
            "SELECT slug FROM locations WHERE tenant_id = $1 AND id = $2"
        )
        .bind(t)
        .bind(l.id)
        .fetch_optional(c)
        .await
        .map_err(map_err))?;
        let Some((old_slug,)) = old else {
            return Ok(false);
        };
        if old_slug != l.slug {
            on_tx!(self.tx, |c| sqlx::query(
                "INSERT INTO slugs (slug, tenant_id, location_id) VALUES ($1, $2, $3)"
            )
            .bind(&l.slug)
            .bind(t)
            .bind(l.id)
            .execute(c)
            .await
            .map_err(map_err)
            .map(|r| r.rows_affected()))?;
            on_tx!(self.tx, |c| sqlx::query(
                "DELETE FROM slugs WHERE slug = $1 AND tenant_id = $2"
            )
            .bind(&old_slug)
            .bind(t)
            .execute(c)
            .await
            .map_err(map_err)
            .map(|r| r.rows_affected()))?;
        }
        on_tx!(self.tx, |c| {
            sqlx::query(
            "UPDATE locations SET name = $3, slug = $4, address = $5, phone = $6, time_zone = $7, country = $8, currency = $9,
                brand_colour = $10, booking_description = $11, tax_id = $12, image_url = $13, updated_at_ms = $14
             WHERE tenant_id = $1 AND id = $2"
        )
        .bind(t)
        .bind(l.id)
        .bind(&l.name)
        .bind(&l.slug)
        .bind(&l.address)
        .bind(&l.phone)
        .bind(&l.time_zone)
        .bind(&l.country)
        .bind(&l.currency)
        .bind(&l.brand_colour)
        .bind(&l.booking_description)
        .bind(&l.tax_id)
        .bind(&l.image_url)
        .bind(l.updated_at_ms)
        .execute(c)
        .await
        .map_err(map_err).map(|r| r.rows_affected())
        })?;
        Ok(true)
    }

    /// Deletes a location (its slug goes with it). False if not found.
    pub async fn delete_location(&mut self, id: LocationId) -> StoreResult<bool> {
        let t = self.tenant;
        on_tx!(self.tx, |c| sqlx::query(
            "DELETE FROM slugs WHERE tenant_id = $1 AND location_id = $2"
        )
        .bind(t)
        .bind(id)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        let n = on_tx!(self.tx, |c| sqlx::query(
            "DELETE FROM locations WHERE tenant_id = $1 AND id = $2"
        )
        .bind(t)
        .bind(id)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Counts locations (a business keeps at least one).
    pub async fn count_locations(&mut self) -> StoreResult<i64> {
        let t = self.tenant;
        let n: (i64,) = on_tx!(self.tx, |c| sqlx::query_as(
            "SELECT COUNT(*) FROM locations WHERE tenant_id = $1"
        )
        .bind(t)
        .fetch_one(c)
        .await
        .map_err(map_err))?;
        Ok(n.0)
    }

    /// Adds a member (or updates their role and expiry if already one).
    pub async fn upsert_membership(
        &mut self,
        user: UserId,
        role: Role,
        now: i64,
        expires_at_ms: Option<i64>,
    ) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO memberships (tenant_id, user_id, role, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (tenant_id, user_id) DO UPDATE SET role = excluded.role, expires_at_ms = excluded.expires_at_ms"
        )
        .bind(t)
        .bind(user)
        .bind(role.as_str())
        .bind(now)
        .bind(expires_at_ms)
        .execute(c)
        .await
        .map_err(map_err).map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// The role of a member, read inside the transaction.
    pub async fn member_role(&mut self, user: UserId) -> StoreResult<Option<String>> {
        let t = self.tenant;
        let r: Option<(String,)> = on_tx!(self.tx, |c| sqlx::query_as(
            "SELECT role FROM memberships WHERE tenant_id = $1 AND user_id = $2"
        )
        .bind(t)
        .bind(user)
        .fetch_optional(c)
        .await
        .map_err(map_err))?;
        Ok(r.map(|r| r.0))
    }

    /// Counts members with a role.
    pub async fn count_role(&mut self, role: Role) -> StoreResult<i64> {
        let t = self.tenant;
        let n: (i64,) = on_tx!(self.tx, |c| sqlx::query_as(
            "SELECT COUNT(*) FROM memberships WHERE tenant_id = $1 AND role = $2"
        )
        .bind(t)
        .bind(role.as_str())
        .fetch_one(c)
        .await
        .map_err(map_err))?;
        Ok(n.0)
    }

    /// Changes a member's role. False if not a member.
    pub async fn set_role(&mut self, user: UserId, role: Role) -> StoreResult<bool> {
        let t = self.tenant;
        let n = on_tx!(self.tx, |c| sqlx::query(
            "UPDATE memberships SET role = $3 WHERE tenant_id = $1 AND user_id = $2"
        )
        .bind(t)
        .bind(user)
        .bind(role.as_str())
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Removes a member, their staff keys and their sessions in this business. False if not a member.
    pub async fn remove_member(&mut self, user: UserId) -> StoreResult<bool> {
        let t = self.tenant;
        on_tx!(self.tx, |c| sqlx::query(
            "DELETE FROM sessions WHERE user_id = $1 AND tenant_id = $2"
        )
        .bind(user)
        .bind(t)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        let n = on_tx!(self.tx, |c| sqlx::query(
            "DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2"
        )
        .bind(t)
        .bind(user)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Records an invitation.
    pub async fn insert_invitation(&mut self, i: &Invitation) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO invitations (tenant_id, id, email, email_key, role, invited_by, secret_hash, created_at_ms, expires_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        )
        .bind(t)
        .bind(i.id)
        .bind(&i.email)
        .bind(&i.email_key)
        .bind(&i.role)
        .bind(i.invited_by)
        .bind(&i.secret_hash)
        .bind(i.created_at_ms)
        .bind(i.expires_at_ms)
        .execute(c)
        .await
        .map_err(map_err).map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Marks an open invitation accepted; false if it was already used, revoked or expired.
    pub async fn accept_invitation(&mut self, id: InvitationId, now: i64) -> StoreResult<bool> {
        let t = self.tenant;
        let n = on_tx!(self.tx, |c| sqlx::query(
            "UPDATE invitations SET accepted_at_ms = $3 WHERE tenant_id = $1 AND id = $2
               AND accepted_at_ms IS NULL AND revoked_at_ms IS NULL AND expires_at_ms > $3"
        )
        .bind(t)
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Revokes an open invitation. False if not found or no longer open.
    pub async fn revoke_invitation(&mut self, id: InvitationId, now: i64) -> StoreResult<bool> {
        let t = self.tenant;
        let n = on_tx!(self.tx, |c| {
            sqlx::query(
            "UPDATE invitations SET revoked_at_ms = $3 WHERE tenant_id = $1 AND id = $2 AND accepted_at_ms IS NULL AND revoked_at_ms IS NULL"
        )
        .bind(t)
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// Stores a new API key.
    pub async fn insert_api_key(&mut self, k: &ApiKey) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO api_keys (tenant_id, id, name, role, secret_hash, created_by, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        )
        .bind(t)
        .bind(k.id)
        .bind(&k.name)
        .bind(&k.role)
        .bind(&k.secret_hash)
        .bind(k.created_by)
        .bind(k.created_at_ms)
        .execute(c)
        .await
        .map_err(map_err).map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Revokes an API key. False if not found or already revoked.
    pub async fn revoke_api_key(&mut self, id: ApiKeyId, now: i64) -> StoreResult<bool> {
        let t = self.tenant;
        let n = on_tx!(self.tx, |c| {
            sqlx::query(
            "UPDATE api_keys SET revoked_at_ms = $3 WHERE tenant_id = $1 AND id = $2 AND revoked_at_ms IS NULL"
        )
        .bind(t)
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// Stores a new staff key.
    pub async fn insert_staff_key(&mut self, k: &StaffKey) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO staff_keys (tenant_id, id, user_id, name, secret_hash, created_by, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        )
        .bind(t)
        .bind(k.id)
        .bind(k.user_id)
        .bind(&k.name)
        .bind(&k.secret_hash)
        .bind(k.created_by)
        .bind(k.created_at_ms)
        .execute(c)
        .await
        .map_err(map_err).map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Revokes a staff key and ends the session it opened. False if not found or already revoked.
    pub async fn revoke_staff_key(&mut self, id: StaffKeyId, now: i64) -> StoreResult<bool> {
        let t = self.tenant;
        let n = on_tx!(self.tx, |c| {
            sqlx::query(
            "UPDATE staff_keys SET revoked_at_ms = $3 WHERE tenant_id = $1 AND id = $2 AND revoked_at_ms IS NULL"
        )
        .bind(t)
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        on_tx!(self.tx, |c| sqlx::query(
            "DELETE FROM sessions WHERE tenant_id = $1 AND staff_key_id = $2"
        )
        .bind(t)
        .bind(id)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Records that a staff key was used, and ends every earlier session it opened (promise A4).
    pub async fn staff_key_login(&mut self, id: StaffKeyId, now: i64) -> StoreResult<u64> {
        let t = self.tenant;
        on_tx!(self.tx, |c| sqlx::query(
            "UPDATE staff_keys SET last_used_at_ms = $3 WHERE tenant_id = $1 AND id = $2"
        )
        .bind(t)
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        on_tx!(self.tx, |c| sqlx::query(
            "DELETE FROM sessions WHERE tenant_id = $1 AND staff_key_id = $2"
        )
        .bind(t)
        .bind(id)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))
    }

    /// Appends to the audit log.
    pub async fn audit(&mut self, e: &NewAudit) -> StoreResult<AuditId> {
        let t = self.tenant;
        let id = AuditId::new();
        on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO audit_log (tenant_id, id, at_ms, actor_kind, actor_id, actor_label, action, target, details, ip, user_agent)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        )
        .bind(t)
        .bind(id)
        .bind(e.at_ms)
        .bind(&e.actor_kind)
        .bind(&e.actor_id)
        .bind(&e.actor_label)
        .bind(&e.action)
        .bind(&e.target)
        .bind(e.details.to_string())
        .bind(&e.ip)
        .bind(&e.user_agent)
        .execute(c)
        .await
        .map_err(map_err).map(|r| r.rows_affected())
        })?;
        Ok(id)
    }

    /// Records a support grant.
    pub async fn insert_support_grant(&mut self, g: &SupportGrant) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO support_grants (tenant_id, id, user_id, granted_by, reason, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        )
        .bind(t)
        .bind(g.id)
        .bind(g.user_id)
        .bind(g.granted_by)
        .bind(&g.reason)
        .bind(g.created_at_ms)
        .bind(g.expires_at_ms)
        .execute(c)
        .await
        .map_err(map_err).map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Revokes a support grant: the support membership and its sessions end at once.
    /// Returns the support user's id, or None if the grant was not active.
    pub async fn revoke_support_grant(
        &mut self,
        id: SupportGrantId,
        now: i64,
    ) -> StoreResult<Option<UserId>> {
        let t = self.tenant;
        let row: Option<(UserId,)> = on_tx!(self.tx, |c| {
            sqlx::query_as(
            "UPDATE support_grants SET revoked_at_ms = $3 WHERE tenant_id = $1 AND id = $2 AND revoked_at_ms IS NULL RETURNING user_id"
        )
        .bind(t)
        .bind(id)
        .bind(now)
        .fetch_optional(c)
        .await
        .map_err(map_err)
        })?;
        let Some((user,)) = row else { return Ok(None) };
        on_tx!(self.tx, |c| sqlx::query(
            "DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2 AND role = 'support'"
        )
        .bind(t)
        .bind(user)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        on_tx!(self.tx, |c| sqlx::query(
            "DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2"
        )
        .bind(t)
        .bind(user)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(Some(user))
    }

    /// Creates or replaces a named secret.
    pub async fn put_secret(
        &mut self,
        name: &str,
        ciphertext: &str,
        key_id: &str,
        now: i64,
    ) -> StoreResult<()> {
        let t = self.tenant;
        on_tx!(self.tx, |c| {
            sqlx::query(
            "INSERT INTO secrets (tenant_id, id, name, ciphertext, key_id, created_at_ms, updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $6)
             ON CONFLICT (tenant_id, name) DO UPDATE SET ciphertext = excluded.ciphertext, key_id = excluded.key_id, updated_at_ms = excluded.updated_at_ms"
        )
        .bind(t)
        .bind(SecretId::new())
        .bind(name)
        .bind(ciphertext)
        .bind(key_id)
        .bind(now)
        .execute(c)
        .await
        .map_err(map_err).map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Deletes a named secret. False if none.
    pub async fn delete_secret(&mut self, name: &str) -> StoreResult<bool> {
        let t = self.tenant;
        let n = on_tx!(self.tx, |c| sqlx::query(
            "DELETE FROM secrets WHERE tenant_id = $1 AND name = $2"
        )
        .bind(t)
        .bind(name)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
