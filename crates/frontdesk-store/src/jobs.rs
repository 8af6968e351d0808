//! The job queue's tables. Jobs are enqueued inside the caller's transaction (so a job exists
//! exactly when the change that caused it was committed), claimed with a lease, and end `done`
//! or `dead`. `frontdesk-jobs` runs them.

use frontdesk_core::*;

use crate::db::{Db, Store, StoreResult, Tx, TxInner, map_err};

/// A job row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    /// Id.
    pub id: JobId,
    /// The business it belongs to, if any.
    pub tenant_id: Option<TenantId>,
    /// Queue name; each queue has its own workers so a backlog in one never delays another.
    pub queue: String,
    /// Handler name.
    pub kind: String,
    /// JSON payload.
    pub payload: String,
    /// `queued`, `running`, `done`, `dead`.
    pub status: String,
    /// Earliest run time.
    pub run_at_ms: i64,
    /// Lease end while running.
    pub locked_until_ms: Option<i64>,
    /// Worker holding the lease.
    pub locked_by: Option<String>,
    /// Attempts started so far.
    pub attempts: i64,
    /// After this many failed attempts the job is dead-lettered.
    pub max_attempts: i64,
    /// Last failure.
    pub last_error: Option<String>,
    /// Unique key: a second enqueue with the same key is ignored.
    pub dedupe_key: Option<String>,
    /// Created.
    pub created_at_ms: i64,
    /// Last change.
    pub updated_at_ms: i64,
    /// When it finished (done or dead).
    pub finished_at_ms: Option<i64>,
}

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// Business, if any.
    pub tenant_id: Option<TenantId>,
    /// Queue.
    pub queue: String,
    /// Handler name.
    pub kind: String,
    /// JSON payload.
    pub payload: serde_json::Value,
    /// Earliest run time.
    pub run_at_ms: i64,
    /// Attempts before dead-lettering.
    pub max_attempts: i64,
    /// Optional dedupe key.
    pub dedupe_key: Option<String>,
}

const JOB_COLS: &str = "id, tenant_id, queue, kind, payload, status, run_at_ms, locked_until_ms, locked_by, attempts, max_attempts, last_error, dedupe_key, created_at_ms, updated_at_ms, finished_at_ms";

const INSERT_JOB: &str = "INSERT INTO jobs (id, tenant_id, queue, kind, payload, status, run_at_ms, attempts, max_attempts, dedupe_key, created_at_ms, updated_at_ms)
     VALUES ($1, $2, $3, $4, $5, 'queued', $6, 0, $7, $8, $9, $9) ON CONFLICT (dedupe_key) DO NOTHING";

impl Tx {
    /// Enqueues a job in this transaction. Returns `None` when the dedupe key was already used.
    pub async fn enqueue(&mut self, j: &NewJob, now: i64) -> StoreResult<Option<JobId>> {
        let id = JobId::new();
        let payload = j.payload.to_string();
        let n = on_tx!(self, |c| sqlx::query(INSERT_JOB)
            .bind(id)
            .bind(j.tenant_id)
            .bind(&j.queue)
            .bind(&j.kind)
            .bind(&payload)
            .bind(j.run_at_ms)
            .bind(j.max_attempts)
            .bind(&j.dedupe_key)
            .bind(now)
            .execute(c)
            .await
            .map_err(map_err)
            .map(|r| r.rows_affected()))?;
        Ok((n == 1).then_some(id))
    }
}

impl Tx {
    /// Deletes a job that is still waiting, by its dedupe key (a rescheduled or cancelled
    /// notification's old dispatch). A job already running is left alone; its handler finds
    /// the work superseded. True if one was deleted.
    pub async fn delete_queued_job(&mut self, dedupe_key: &str) -> StoreResult<bool> {
        let n = on_tx!(self, |c| sqlx::query(
            "DELETE FROM jobs WHERE dedupe_key = $1 AND status = 'queued'"
        )
        .bind(dedupe_key)
        .execute(c)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}

impl Store {
    /// Enqueues a job on its own (for work not tied to another write, e.g. periodic sweeps).
    pub async fn enqueue(&self, j: &NewJob, now: i64) -> StoreResult<Option<JobId>> {
        let mut tx = self.begin().await?;
        let id = tx.enqueue(j, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Claims up to `limit` due jobs of `queue` for `worker`, leasing them until `now + lease_ms`.
    /// Jobs whose lease expired (a crashed worker) are claimed again.
    pub async fn claim_jobs(
        &self,
        queue: &str,
        worker: &str,
        now: i64,
        lease_ms: i64,
        limit: i64,
    ) -> StoreResult<Vec<Job>> {
        match &self.db {
            Db::Sqlite(_) => {
                let mut tx = self.begin().await?;
                let sql = format!(
                    "UPDATE jobs SET status = 'running', locked_until_ms = $1, locked_by = $2, attempts = attempts + 1, updated_at_ms = $3
                     WHERE id IN (SELECT id FROM jobs WHERE queue = $4
                        AND ((status = 'queued' AND run_at_ms <= $3) OR (status = 'running' AND locked_until_ms < $3))
                        ORDER BY run_at_ms LIMIT $5)
                     RETURNING {JOB_COLS}"
                );
                let TxInner::Sqlite(t) = &mut tx.inner else {
                    unreachable!()
                };
                let jobs: Vec<Job> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(now + lease_ms)
                    .bind(worker)
                    .bind(now)
                    .bind(queue)
                    .bind(limit)
                    .fetch_all(&mut **t)
                    .await
                    .map_err(map_err)?;
                tx.commit().await?;
                Ok(jobs)
            }
            Db::Postgres(p) => {
                let sql = format!(
                    "UPDATE jobs SET status = 'running', locked_until_ms = $1, locked_by = $2, attempts = attempts + 1, updated_at_ms = $3
                     WHERE id IN (SELECT id FROM jobs WHERE queue = $4
                        AND ((status = 'queued' AND run_at_ms <= $3) OR (status = 'running' AND locked_until_ms < $3))
                        ORDER BY run_at_ms LIMIT $5 FOR UPDATE SKIP LOCKED)
                     RETURNING {JOB_COLS}"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(now + lease_ms)
                    .bind(worker)
                    .bind(now)
                    .bind(queue)
                    .bind(limit)
                    .fetch_all(p)
                    .await
                    .map_err(map_err)
            }
        }
    }

    /// Marks a claimed job done. False if the lease was lost (another worker took it over).
    pub async fn complete_job(&self, id: JobId, worker: &str, now: i64) -> StoreResult<bool> {
        let n = on_write_pool!(self, |p| {
            sqlx::query(
            "UPDATE jobs SET status = 'done', locked_until_ms = NULL, finished_at_ms = $3, updated_at_ms = $3, last_error = NULL
             WHERE id = $1 AND locked_by = $2 AND status = 'running'"
        )
        .bind(id)
        .bind(worker)
        .bind(now)
        .execute(p)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// Records a failed attempt: back to `queued` at `retry_at_ms`, or `dead` when `retry_at_ms`
    /// is `None`.
    pub async fn fail_job(
        &self,
        id: JobId,
        worker: &str,
        error: &str,
        retry_at_ms: Option<i64>,
        now: i64,
    ) -> StoreResult<bool> {
        let error: String = error.chars().take(2000).collect();
        let n = match retry_at_ms {
            Some(at) => on_write_pool!(self, |p| {
                sqlx::query(
                "UPDATE jobs SET status = 'queued', run_at_ms = $4, locked_until_ms = NULL, locked_by = NULL, last_error = $3, updated_at_ms = $5
                 WHERE id = $1 AND locked_by = $2 AND status = 'running'"
            )
            .bind(id)
            .bind(worker)
            .bind(&error)
            .bind(at)
            .bind(now)
            .execute(p)
            .await
            .map_err(map_err)
            .map(|r| r.rows_affected())
            })?,
            None => on_write_pool!(self, |p| {
                sqlx::query(
                "UPDATE jobs SET status = 'dead', locked_until_ms = NULL, last_error = $3, updated_at_ms = $4, finished_at_ms = $4
                 WHERE id = $1 AND locked_by = $2 AND status = 'running'"
            )
            .bind(id)
            .bind(worker)
            .bind(&error)
            .bind(now)
            .execute(p)
            .await
            .map_err(map_err)
            .map(|r| r.rows_affected())
            })?,
        };
        Ok(n == 1)
    }

    /// A job by id (system use).
    pub async fn job(&self, id: JobId) -> StoreResult<Option<Job>> {
        let sql = format!("SELECT {JOB_COLS} FROM jobs WHERE id = $1");
        on_pool!(&self.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(id)
        .fetch_optional(p)
        .await
        .map_err(map_err))
    }

    /// A business's jobs, newest first, optionally of one status.
    pub async fn tenant_jobs(
        &self,
        tenant: TenantId,
        status: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<Job>> {
        let sql = format!(
            "SELECT {JOB_COLS} FROM jobs WHERE tenant_id = $1 AND ($2 IS NULL OR status = $2) ORDER BY created_at_ms DESC, id DESC LIMIT $3"
        );
        on_pool!(&self.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(tenant)
        .bind(status)
        .bind(limit.clamp(1, 500))
        .fetch_all(p)
        .await
        .map_err(map_err))
    }

    /// Puts a business's dead job back in the queue. False if not found or not dead.
    pub async fn retry_dead_job(&self, tenant: TenantId, id: JobId, now: i64) -> StoreResult<bool> {
        let n = on_write_pool!(self, |p| {
            sqlx::query(
            "UPDATE jobs SET status = 'queued', run_at_ms = $3, attempts = 0, finished_at_ms = NULL, updated_at_ms = $3
             WHERE tenant_id = $1 AND id = $2 AND status = 'dead'"
        )
        .bind(tenant)
        .bind(id)
        .bind(now)
        .execute(p)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// Counts of jobs by queue and status (for `/metrics`).
    pub async fn job_counts(&self) -> StoreResult<Vec<(String, String, i64)>> {
        on_pool!(&self.db, |p| sqlx::query_as(
            "SELECT queue, status, COUNT(*) FROM jobs GROUP BY queue, status ORDER BY queue, status"
        )
        .fetch_all(p)
        .await
        .map_err(map_err))
    }

    /// Deletes finished (done) jobs older than `before_ms` whose dedupe keys are no longer needed.
    pub async fn purge_done_jobs(&self, before_ms: i64) -> StoreResult<u64> {
        on_write_pool!(self, |p| sqlx::query(
            "DELETE FROM jobs WHERE status = 'done' AND finished_at_ms < $1"
        )
        .bind(before_ms)
        .execute(p)
        .await
        .map_err(map_err)
        .map(|r| r.rows_affected()))
    }
}
