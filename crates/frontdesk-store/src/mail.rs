//! The record of every e-mail, whatever transport delivers it.

use frontdesk_core::*;

use crate::db::{Store, StoreResult, Tx, map_err};

/// One e-mail.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Mail {
    /// Id.
    pub id: MailId,
    /// The business it was sent for, if any.
    pub tenant_id: Option<TenantId>,
    /// Recipient.
    pub to_addr: String,
    /// Subject.
    pub subject: String,
    /// Plain text body.
    pub body_text: String,
    /// HTML body.
    pub body_html: Option<String>,
    /// `queued`, `sent`, `failed`.
    pub status: String,
    /// `outbox` or `smtp`.
    pub transport: Option<String>,
    /// Last delivery error.
    pub error: Option<String>,
    /// Created.
    pub created_at_ms: i64,
    /// Delivered.
    pub sent_at_ms: Option<i64>,
}

const MAIL_COLS: &str = "id, tenant_id, to_addr, subject, body_text, body_html, status, transport, error, created_at_ms, sent_at_ms";

impl Tx {
    /// Records an e-mail to send (the caller enqueues the delivery job in the same transaction).
    pub async fn insert_mail(&mut self, m: &Mail) -> StoreResult<()> {
        on_tx!(self, |c| {
            sqlx::query(
            "INSERT INTO mail_outbox (id, tenant_id, to_addr, subject, body_text, body_html, status, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7)"
        )
        .bind(m.id)
        .bind(m.tenant_id)
        .bind(&m.to_addr)
        .bind(&m.subject)
        .bind(&m.body_text)
        .bind(&m.body_html)
        .bind(m.created_at_ms)
        .execute(c)
        .await
        .map_err(map_err).map(|r| r.rows_affected())
        })?;
        Ok(())
    }
}

impl Store {
    /// One e-mail (system use: the delivery job).
    pub async fn mail(&self, id: MailId) -> StoreResult<Option<Mail>> {
        let sql = format!("SELECT {MAIL_COLS} FROM mail_outbox WHERE id = $1");
        on_pool!(&self.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(id)
        .fetch_optional(p)
        .await
        .map_err(map_err))
    }

    /// A business's e-mails, newest first.
    pub async fn tenant_mail(&self, tenant: TenantId, limit: i64) -> StoreResult<Vec<Mail>> {
        let sql = format!(
            "SELECT {MAIL_COLS} FROM mail_outbox WHERE tenant_id = $1 ORDER BY created_at_ms DESC, id DESC LIMIT $2"
        );
        on_pool!(&self.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(tenant)
        .bind(limit.clamp(1, 500))
        .fetch_all(p)
        .await
        .map_err(map_err))
    }

    /// The newest e-mails to an address (development outbox and tests).
    pub async fn mail_to(&self, to_addr: &str, limit: i64) -> StoreResult<Vec<Mail>> {
        let sql = format!(
            "SELECT {MAIL_COLS} FROM mail_outbox WHERE to_addr = $1 ORDER BY created_at_ms DESC, id DESC LIMIT $2"
        );
        on_pool!(&self.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(to_addr)
        .bind(limit)
        .fetch_all(p)
        .await
        .map_err(map_err))
    }

    /// Marks an e-mail delivered.
    pub async fn mark_mail_sent(&self, id: MailId, transport: &str, now: i64) -> StoreResult<()> {
        on_write_pool!(self, |p| {
            sqlx::query("UPDATE mail_outbox SET status = 'sent', transport = $2, sent_at_ms = $3, error = NULL WHERE id = $1")
            .bind(id)
            .bind(transport)
            .bind(now)
            .execute(p)
            .await
            .map_err(map_err).map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Records a delivery failure (final when `final_failure`).
    pub async fn mark_mail_failed(
        &self,
        id: MailId,
        error: &str,
        final_failure: bool,
    ) -> StoreResult<()> {
        let status = if final_failure { "failed" } else { "queued" };
        on_write_pool!(self, |p| sqlx::query(
            "UPDATE mail_outbox SET status = $2, error = $3 WHERE id = $1"
        )
        .bind(id)
        .bind(status)
        .bind(error)
        .execute(p)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
