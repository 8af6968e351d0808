//! The durable job queue's workers.
//!
//! Jobs live in the database (`frontdesk-store::jobs`), are enqueued in the same transaction as
//! the change that causes them, and are run here: each queue has its own worker loop, a job is
//! leased while it runs (a crashed worker's lease expires and another takes the job over), a
//! failure is retried with exponential backoff and jitter, and after `max_attempts` the job is
//! dead-lettered where the business owner can see and retry it. Handlers must be idempotent:
//! a job can run more than once if a worker dies between doing the work and recording it.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use frontdesk_core::Clock;
use frontdesk_store::Store;
use frontdesk_store::jobs::{Job, NewJob};
use tokio::sync::Notify;

/// The queue for everything that is not time-critical.
pub const QUEUE_DEFAULT: &str = "default";
/// The queue for periodic maintenance.
pub const QUEUE_MAINTENANCE: &str = "maintenance";
/// The queue for messages someone is waiting for right now (one-time codes): never behind a
/// backlog of reminders.
pub const QUEUE_URGENT: &str = "urgent";

/// How a handler's failure should be treated.
#[derive(Debug)]
pub enum JobError {
    /// Try again later (after backoff, or at the time given, e.g. from Retry-After).
    Retry(anyhow::Error, Option<i64>),
    /// Give up now: the job is dead-lettered.
    Fatal(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for JobError {
    fn from(e: E) -> Self {
        JobError::Retry(e.into(), None)
    }
}

/// What a handler returns.
pub type JobResult = Result<(), JobError>;

type BoxFut = Pin<Box<dyn Future<Output = JobResult> + Send>>;
type Handler = Arc<dyn Fn(Job) -> BoxFut + Send + Sync>;

/// Handlers by job kind.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<String, Handler>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("kinds", &self.handlers.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers the handler of a job kind.
    pub fn register<F, Fut>(&mut self, kind: &str, f: F)
    where
        F: Fn(Job) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = JobResult> + Send + 'static,
    {
        self.handlers
            .insert(kind.to_string(), Arc::new(move |j| Box::pin(f(j))));
    }
}

/// Settings of a worker pool.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Queues to serve, each with its own loop.
    pub queues: Vec<String>,
    /// How long a claimed job is leased before another worker may take it over.
    pub lease: Duration,
    /// How often an idle worker looks for due jobs (it is also woken on enqueue).
    pub poll: Duration,
    /// Jobs claimed per round.
    pub batch: i64,
    /// Base of the exponential backoff.
    pub backoff_base: Duration,
    /// Cap of the backoff.
    pub backoff_max: Duration,
    /// Name of this worker (appears in `locked_by`).
    pub name: String,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            queues: vec![
                QUEUE_URGENT.into(),
                QUEUE_DEFAULT.into(),
                QUEUE_MAINTENANCE.into(),
            ],
            lease: Duration::from_secs(60),
            poll: Duration::from_secs(2),
            batch: 16,
            backoff_base: Duration::from_secs(5),
            backoff_max: Duration::from_secs(3600),
            name: format!("w-{}", std::process::id()),
        }
    }
}

/// Delay before attempt `attempt + 1` after `attempt` failures: base·2^(attempt-1), capped, with
/// up to ±20% jitter so retries of many jobs do not arrive together.
pub fn backoff_ms(cfg: &WorkerConfig, attempt: i64) -> i64 {
    let base = cfg.backoff_base.as_millis() as i64;
    let exp = base.saturating_mul(1i64 << attempt.clamp(1, 30).saturating_sub(1));
    let capped = exp.min(cfg.backoff_max.as_millis() as i64).max(1);
    let jitter = (capped as f64 * 0.2 * (rand::random::<f64>() * 2.0 - 1.0)) as i64;
    (capped + jitter).max(1)
}

/// Wakes workers when a job is enqueued in this process.
#[derive(Debug, Clone, Default)]
pub struct Waker(Arc<Notify>);

impl Waker {
    /// Wakes every idle worker.
    pub fn wake(&self) {
        self.0.notify_waiters();
    }
}

/// Runs the worker loops until `shutdown` resolves; in-flight jobs finish first.
pub struct Worker {
    store: Store,
    clock: Arc<dyn Clock>,
    registry: Arc<Registry>,
    cfg: WorkerConfig,
    waker: Waker,
}

impl Worker {
    /// A worker over a store with handlers.
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        registry: Registry,
        cfg: WorkerConfig,
        waker: Waker,
    ) -> Self {
        Self {
            store,
            clock,
            registry: Arc::new(registry),
            cfg,
            waker,
        }
    }

    /// Claims and runs one round of due jobs of `queue`; returns how many ran.
    /// (The loop calls this; tests call it directly to step the queue.)
    pub async fn run_once(&self, queue: &str) -> anyhow::Result<usize> {
        let now = self.clock.now_ms();
        let jobs = self
            .store
            .claim_jobs(
                queue,
                &self.cfg.name,
                now,
                self.cfg.lease.as_millis() as i64,
                self.cfg.batch,
            )
            .await?;
        let n = jobs.len();
        for job in jobs {
            self.run_job(job).await?;
        }
        Ok(n)
    }

    async fn run_job(&self, job: Job) -> anyhow::Result<()> {
        let id = job.id;
        let kind = job.kind.clone();
        let attempts = job.attempts;
        let max = job.max_attempts;
        if attempts > max {
            // Its lease expired after the last allowed attempt (the worker died mid-run).
            self.store
                .fail_job(
                    id,
                    &self.cfg.name,
                    "lease expired after the last attempt",
                    None,
                    self.clock.now_ms(),
                )
                .await?;
            tracing::warn!(job = %id, kind, "job dead-lettered: lease expired after the last attempt");
            return Ok(());
        }
        let Some(handler) = self.registry.handlers.get(&kind).cloned() else {
            self.store
                .fail_job(
                    id,
                    &self.cfg.name,
                    &format!("no handler for job kind {kind}"),
                    None,
                    self.clock.now_ms(),
                )
                .await?;
            tracing::error!(job = %id, kind, "no handler for job kind");
            return Ok(());
        };
        let started = std::time::Instant::now();
        // A panicking handler must not take the worker down: run it in its own task.
        let outcome = tokio::spawn(handler(job)).await;
        let now = self.clock.now_ms();
        let result = match outcome {
            Ok(r) => r,
            Err(e) => Err(JobError::Retry(
                anyhow::anyhow!("handler panicked: {e}"),
                None,
            )),
        };
        match result {
            Ok(()) => {
                self.store.complete_job(id, &self.cfg.name, now).await?;
                tracing::debug!(job = %id, kind, ms = started.elapsed().as_millis() as u64, "job done");
            }
            Err(JobError::Retry(e, at)) if attempts < max => {
                let at = at.unwrap_or(now + backoff_ms(&self.cfg, attempts));
                self.store
                    .fail_job(id, &self.cfg.name, &format!("{e:#}"), Some(at), now)
                    .await?;
                tracing::warn!(job = %id, kind, attempts, error = %format!("{e:#}"), "job failed; will retry");
            }
            Err(JobError::Retry(e, _)) | Err(JobError::Fatal(e)) => {
                self.store
                    .fail_job(id, &self.cfg.name, &format!("{e:#}"), None, now)
                    .await?;
                tracing::error!(job = %id, kind, attempts, error = %format!("{e:#}"), "job dead-lettered");
            }
        }
        Ok(())
    }

    /// Runs one loop per queue until `shutdown` completes.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) {
        let this = Arc::new(self);
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let mut loops = Vec::new();
        for q in this.cfg.queues.clone() {
            let w = this.clone();
            let mut stop = stop_rx.clone();
            loops.push(tokio::spawn(async move {
                loop {
                    if *stop.borrow() {
                        break;
                    }
                    let ran = match w.run_once(&q).await {
                        Ok(n) => n,
                        Err(e) => {
                            tracing::warn!(queue = q, error = %format!("{e:#}"), "worker round failed");
                            0
                        }
                    };
                    if ran == 0 {
                        let notified = w.waker.0.notified();
                        tokio::select! {
                            _ = notified => {}
                            _ = tokio::time::sleep(w.cfg.poll) => {}
                            _ = stop.changed() => {}
                        }
                    }
                }
            }));
        }
        shutdown.await;
        let _ = stop_tx.send(true);
        for l in loops {
            let _ = l.await;
        }
    }
}

/// A periodic task: enqueued once per period with a dedupe key naming the period, so several
/// instances enqueue it exactly once.
#[derive(Debug, Clone)]
pub struct Periodic {
    /// Job kind.
    pub kind: String,
    /// Period.
    pub every: Duration,
}

/// Enqueues every periodic job whose current period has not been enqueued yet.
pub async fn enqueue_periodic(
    store: &Store,
    clock: &dyn Clock,
    periodic: &[Periodic],
) -> anyhow::Result<usize> {
    let now = clock.now_ms();
    let mut n = 0;
    for p in periodic {
        let every = p.every.as_millis() as i64;
        let slot = now - now.rem_euclid(every);
        let job = NewJob {
            tenant_id: None,
            queue: QUEUE_MAINTENANCE.into(),
            kind: p.kind.clone(),
            payload: serde_json::json!({ "period_start_ms": slot }),
            run_at_ms: slot,
            max_attempts: 3,
            dedupe_key: Some(format!("periodic:{}:{}", p.kind, slot)),
        };
        if store.enqueue(&job, now).await?.is_some() {
            n += 1;
        }
    }
    Ok(n)
}

/// Runs [`enqueue_periodic`] every `tick` until `shutdown` completes.
pub async fn run_scheduler(
    store: Store,
    clock: Arc<dyn Clock>,
    periodic: Vec<Periodic>,
    tick: Duration,
    waker: Waker,
    shutdown: impl Future<Output = ()> + Send,
) {
    tokio::pin!(shutdown);
    loop {
        match enqueue_periodic(&store, clock.as_ref(), &periodic).await {
            Ok(n) if n > 0 => waker.wake(),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "scheduler round failed"),
        }
        tokio::select! {
            _ = &mut shutdown => break,
            _ = tokio::time::sleep(tick) => {}
        }
    }
}
