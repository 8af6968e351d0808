//! Connection, migrations, transactions and error mapping.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

/// Runs `$body` with `$p` bound to the backend's pool; the body is compiled once per backend.
#[macro_export]
macro_rules! on_pool {
    ($db:expr, |$p:ident| $body:expr) => {
        match $db {
            $crate::db_internal::Db::Sqlite($p) => $body,
            $crate::db_internal::Db::Postgres($p) => $body,
        }
    };
}

/// Like `on_pool!` for a single auto-committed write outside a transaction: on SQLite it takes
/// the writers' gate and connection, so it never fights a transaction for the file lock (the
/// loser would sleep in the busy handler).
#[macro_export]
macro_rules! on_write_pool {
    ($store:expr, |$p:ident| $body:expr) => {
        match &$store.db {
            $crate::db_internal::Db::Sqlite(read) => {
                let _gate = $store.write_gate_lock().await?;
                let $p = $store.writer.as_ref().unwrap_or(read);
                $body
            }
            $crate::db_internal::Db::Postgres($p) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to the transaction's connection.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, |$c:ident| $body:expr) => {
        match &mut $tx.inner {
            $crate::db_internal::TxInner::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::db_internal::TxInner::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

/// The two backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite (default).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

#[derive(Debug, Clone)]
#[doc(hidden)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[doc(hidden)]
pub enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Errors of the store, mapped so callers can answer 404/409 without knowing SQL.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write; the string names what was taken.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The database is unreachable or refused for another reason.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// Migrations could not be applied.
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Stored data did not decode (a bug or manual tampering).
    #[error("corrupt data: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Whether the error means the database could not be reached (so 503, not 500).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Db(
                sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed
            )
        )
    }
}

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// Maps unique violations to [`StoreError::Conflict`] by the name of the index or constraint,
/// which both backends report (PostgreSQL by constraint name, SQLite in the message as
/// `table.column`).
pub(crate) fn map_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e
        && db.is_unique_violation()
    {
        let what = format!("{} {}", db.constraint().unwrap_or(""), db.message());
        let name = if what.contains("customers") {
            "customer_exists"
        } else if what.contains("email_key") {
            "email_taken"
        } else if what.contains("slug") {
            "slug_taken"
        } else if (what.contains("secrets")
            || what.contains("resources")
            || what.contains("services")
            || what.contains("areas"))
            && what.contains("name")
        {
            "name_taken"
        } else if what.contains("dedupe_key") {
            "duplicate_job"
        } else {
            "already_exists"
        };
        return StoreError::Conflict(name);
    }
    StoreError::Db(e)
}

/// How to connect.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// `sqlite://path/to/file.db` or `postgres://…`.
    pub url: String,
    /// Pool size (SQLite: readers; writes serialise on `BEGIN IMMEDIATE`).
    pub max_connections: u32,
    /// How long to wait for a connection before failing fast with "unavailable".
    pub acquire_timeout: Duration,
}

impl ConnectOptions {
    /// Options for a URL with defaults suited to the backend.
    pub fn new(url: impl Into<String>) -> Self {
        let url = url.into();
        let max = if url.starts_with("postgres") { 16 } else { 8 };
        Self {
            url,
            max_connections: max,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

/// The one entry point to the database.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) db: Db,
    /// SQLite has one writer: writers of this process queue here instead of polling the busy
    /// handler (which sleeps in steps of milliseconds and wastes most of the write capacity under
    /// contention). Other processes on the same file still meet `busy_timeout`.
    pub(crate) write_gate: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// SQLite: the connection writers use, apart from the readers' pool, so a writer holding
    /// the gate never waits behind readers for a connection.
    pub(crate) writer: Option<SqlitePool>,
}

/// A write transaction. On SQLite it is opened with `BEGIN IMMEDIATE`, so two writers never
/// deadlock upgrading from read to write; on PostgreSQL it is an ordinary transaction.
pub struct Tx {
    pub(crate) inner: TxInner,
    _gate: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Store {
    /// Connects to the database named by the URL (SQLite files are created if missing).
    pub async fn connect(opts: &ConnectOptions) -> StoreResult<Self> {
        let url = opts.url.as_str();
        let mut writer = None;
        let db = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let o = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(opts.max_connections)
                .acquire_timeout(opts.acquire_timeout)
                .connect_with(o)
                .await?;
            Db::Postgres(pool)
        } else if url.starts_with("sqlite:") {
            let o = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(opts.max_connections)
                .acquire_timeout(opts.acquire_timeout)
                .connect_with(o.clone())
                .await?;
            // An in-memory database exists once per connection: keep it to one pool.
            if !url.contains(":memory:") && !url.contains("mode=memory") {
                writer = Some(
                    SqlitePoolOptions::new()
                        .max_connections(1)
                        .acquire_timeout(opts.acquire_timeout)
                        .connect_with(o)
                        .await?,
                );
            }
            Db::Sqlite(pool)
        } else {
            return Err(StoreError::Corrupt(format!(
                "unsupported database URL scheme in {:?}: use sqlite://… or postgres://…",
                url.split(':').next().unwrap_or("")
            )));
        };
        Ok(Self {
            db,
            write_gate: Default::default(),
            writer,
        })
    }

    /// Applies the embedded migrations of this backend.
    pub async fn migrate(&self) -> StoreResult<()> {
        match &self.db {
            Db::Sqlite(p) => sqlx::migrate!("migrations/sqlite").run(p).await?,
            Db::Postgres(p) => sqlx::migrate!("migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    /// The versions of the embedded migrations of a backend (for the schema test).
    pub fn migration_versions(backend: Backend) -> Vec<(i64, String)> {
        let m = match backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("migrations/postgres"),
        };
        m.iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect()
    }

    /// Which backend this store talks to.
    pub fn backend(&self) -> Backend {
        match self.db {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Checks the database answers (for `/readyz`).
    pub async fn ping(&self) -> StoreResult<()> {
        on_pool!(&self.db, |p| sqlx::query("SELECT 1")
            .execute(p)
            .await
            .map_err(map_err)
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Opens a write transaction.
    pub async fn begin(&self) -> StoreResult<Tx> {
        let (inner, gate) = match &self.db {
            Db::Sqlite(p) => {
                let p = self.writer.as_ref().unwrap_or(p);
                let gate = self.write_gate_lock().await?;
                (
                    TxInner::Sqlite(p.begin_with("BEGIN IMMEDIATE").await.map_err(map_err)?),
                    Some(gate),
                )
            }
            Db::Postgres(p) => (TxInner::Postgres(p.begin().await.map_err(map_err)?), None),
        };
        Ok(Tx { inner, _gate: gate })
    }

    /// Waits for the SQLite writers' gate. Bounded, so a task that asked for it twice (holding
    /// a transaction while writing outside it) fails with "unavailable" instead of hanging.
    pub(crate) async fn write_gate_lock(&self) -> StoreResult<tokio::sync::OwnedMutexGuard<()>> {
        tokio::time::timeout(
            Duration::from_secs(15),
            self.write_gate.clone().lock_owned(),
        )
        .await
        .map_err(|_| StoreError::Db(sqlx::Error::PoolTimedOut))
    }

    /// Closes the pool (on shutdown).
    pub async fn close(&self) {
        if let Some(w) = &self.writer {
            w.close().await;
        }
        on_pool!(&self.db, |p| p.close().await)
    }

    /// Every table of the schema with its columns, primary key, foreign keys and indexes, read
    /// from the database's own catalogue (for the schema tests).
    pub async fn describe_schema(&self) -> StoreResult<Vec<TableShape>> {
        let mut out = Vec::new();
        match &self.db {
            Db::Sqlite(p) => {
                let tables: Vec<(String,)> = sqlx::query_as(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' ORDER BY name",
                )
                .fetch_all(p)
                .await?;
                for (t,) in tables {
                    let cols: Vec<(i64, String, String, i64, Option<String>, i64)> =
                        sqlx::query_as("SELECT cid, name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1)")
                            .bind(&t)
                            .fetch_all(p)
                            .await?;
                    let mut pk: Vec<(i64, String)> = cols
                        .iter()
                        .filter(|c| c.5 > 0)
                        .map(|c| (c.5, c.1.clone()))
                        .collect();
                    pk.sort();
                    let fks: Vec<(i64, i64, String, String, Option<String>)> = sqlx::query_as(
                        "SELECT id, seq, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list($1) ORDER BY id, seq",
                    )
                    .bind(&t)
                    .fetch_all(p)
                    .await?;
                    let mut foreign_keys: Vec<ForeignKeyShape> = Vec::new();
                    for (id, _seq, table, from, _to) in fks {
                        match foreign_keys.last_mut() {
                            Some(fk) if fk.id == id => fk.columns.push(from),
                            _ => foreign_keys.push(ForeignKeyShape {
                                id,
                                references: table,
                                columns: vec![from],
                            }),
                        }
                    }
                    let idx: Vec<(String, String)> = sqlx::query_as(
                        "SELECT name, origin FROM pragma_index_list($1) WHERE origin = 'c' ORDER BY name",
                    )
                    .bind(&t)
                    .fetch_all(p)
                    .await?;
                    let mut indexes = Vec::new();
                    for (name, _) in idx {
                        let icols: Vec<(i64, String)> = sqlx::query_as(
                            "SELECT seqno, name FROM pragma_index_info($1) ORDER BY seqno",
                        )
                        .bind(&name)
                        .fetch_all(p)
                        .await?;
                        indexes.push(IndexShape {
                            name,
                            columns: icols.into_iter().map(|c| c.1).collect(),
                        });
                    }
                    out.push(TableShape {
                        name: t,
                        columns: cols.into_iter().map(|c| c.1).collect(),
                        primary_key: pk.into_iter().map(|c| c.1).collect(),
                        foreign_keys,
                        indexes,
                    });
                }
            }
            Db::Postgres(p) => {
                let tables: Vec<(String,)> = sqlx::query_as(
                    "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE '_sqlx%' ORDER BY 1",
                )
                .fetch_all(p)
                .await?;
                for (t,) in tables {
                    let cols: Vec<(String,)> = sqlx::query_as(
                        "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                    )
                    .bind(&t)
                    .fetch_all(p)
                    .await?;
                    // Constraint columns in key order, from pg_catalog (information_schema loses order for FKs).
                    let cons: Vec<(String, String, Option<String>, Vec<String>)> = sqlx::query_as(
                        "SELECT c.conname::text, c.contype::text, ft.relname::text,
                                ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, ord)
                                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.ord)
                         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
                         LEFT JOIN pg_class ft ON ft.oid = c.confrelid
                         WHERE t.relname = $1 AND c.contype IN ('p', 'f') AND t.relnamespace = current_schema()::regnamespace
                         ORDER BY c.conname",
                    )
                    .bind(&t)
                    .fetch_all(p)
                    .await?;
                    let idx: Vec<(String, Vec<String>)> = sqlx::query_as(
                        "SELECT i.relname::text,
                                ARRAY(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY k(n, ord)
                                      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.n ORDER BY k.ord)
                         FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid
                         WHERE t.relname = $1 AND NOT ix.indisprimary AND t.relnamespace = current_schema()::regnamespace
                         ORDER BY 1",
                    )
                    .bind(&t)
                    .fetch_all(p)
                    .await?;
                    let mut foreign_keys = Vec::new();
                    let mut primary_key = Vec::new();
                    for (i, (_name, kind, refd, columns)) in cons.into_iter().enumerate() {
                        if kind == "p" {
                            primary_key = columns;
                        } else {
                            foreign_keys.push(ForeignKeyShape {
                                id: i as i64,
                                references: refd.unwrap_or_default(),
                                columns,
                            });
                        }
                    }
                    out.push(TableShape {
                        name: t,
                        columns: cols.into_iter().map(|c| c.0).collect(),
                        primary_key,
                        foreign_keys,
                        indexes: idx
                            .into_iter()
                            .map(|(name, columns)| IndexShape { name, columns })
                            .collect(),
                    });
                }
            }
        }
        Ok(out)
    }

    /// Counts the rows of `table` that belong to `tenant` (for deletion and isolation tests).
    pub async fn count_tenant_rows(
        &self,
        table: &str,
        tenant: frontdesk_core::TenantId,
    ) -> StoreResult<i64> {
        if !table.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return Err(StoreError::Corrupt("bad table name".into()));
        }
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE tenant_id = $1");
        let n: (i64,) = on_pool!(&self.db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
            sql.clone()
        ))
        .bind(tenant)
        .fetch_one(p)
        .await
        .map_err(map_err))?;
        Ok(n.0)
    }
}

/// One table's shape, as the database reports it.
#[derive(Debug, Clone)]
pub struct TableShape {
    /// Table name.
    pub name: String,
    /// Column names in order.
    pub columns: Vec<String>,
    /// Primary key columns in key order.
    pub primary_key: Vec<String>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKeyShape>,
    /// Secondary indexes (not the primary key).
    pub indexes: Vec<IndexShape>,
}

/// A foreign key.
#[derive(Debug, Clone)]
pub struct ForeignKeyShape {
    /// Backend-specific ordinal.
    pub id: i64,
    /// The referenced table.
    pub references: String,
    /// Local columns in key order.
    pub columns: Vec<String>,
}

/// A secondary index.
#[derive(Debug, Clone)]
pub struct IndexShape {
    /// Index name.
    pub name: String,
    /// Columns in key order.
    pub columns: Vec<String>,
}

impl Tx {
    /// Commits the transaction.
    pub async fn commit(self) -> StoreResult<()> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await.map_err(map_err),
            TxInner::Postgres(t) => t.commit().await.map_err(map_err),
        }
    }

    /// Rolls the transaction back (also happens on drop).
    pub async fn rollback(self) -> StoreResult<()> {
        match self.inner {
            TxInner::Sqlite(t) => t.rollback().await.map_err(map_err),
            TxInner::Postgres(t) => t.rollback().await.map_err(map_err),
        }
    }

    /// The backend of this transaction.
    pub fn backend(&self) -> Backend {
        match self.inner {
            TxInner::Sqlite(_) => Backend::Sqlite,
            TxInner::Postgres(_) => Backend::Postgres,
        }
    }
}
