//! `frontdesk`: one binary, many roles.
//!
//! * `frontdesk serve` — HTTP server and job worker in one process (the default).
//! * `frontdesk worker` — job workers only.
//! * `frontdesk migrate` — apply database migrations and exit.
//! * `frontdesk demo` — seed a demo salon, clinic and restaurant and print how to sign in.
//! * `frontdesk admin rotate-keys | create-owner` — operator tasks.
//!
//! Every option is a flag and a `FRONTDESK_*` environment variable (`frontdesk serve --help`).

mod config;

use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use config::{AdminCommand, Cli, Command, Common};
use frontdesk_app::App;
use frontdesk_core::SystemClock;
use frontdesk_jobs::{Worker, WorkerConfig};
use frontdesk_store::{ConnectOptions, Store};
use tokio::sync::watch;

fn main() {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    if let Err(e) = rt.block_on(run(cli)) {
        eprintln!("frontdesk: {e:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let cmd = cli.command.unwrap_or(Command::Serve(Box::default()));
    match cmd {
        Command::Serve(args) => {
            let args = *args;
            let common = args.common.clone();
            init_logging(&common);
            serve(args).await
        }
        Command::Worker(common) => {
            init_logging(&common);
            let (app, _) = build_app(&common).await?;
            let (tx, rx) = watch::channel(false);
            tokio::spawn(async move {
                shutdown_signal().await;
                let _ = tx.send(true);
            });
            run_workers(app, rx).await;
            Ok(())
        }
        Command::Migrate(common) => {
            init_logging(&common);
            let store = connect(&common).await?;
            store.migrate().await.context("applying migrations")?;
            println!("migrations applied ({:?})", store.backend());
            Ok(())
        }
        Command::Demo(common) => {
            init_logging(&common);
            let (app, _) = build_app(&common).await?;
            seed_demo(&app, &common).await?;
            // Deliver the welcome and invitation e-mails the seeding queued.
            let w = Worker::new(
                app.store.clone(),
                app.clock.clone(),
                app.job_registry(),
                WorkerConfig::default(),
                app.waker.clone(),
            );
            while w.run_once(frontdesk_jobs::QUEUE_DEFAULT).await? > 0 {}
            Ok(())
        }
        Command::Admin { command, common } => {
            init_logging(&common);
            admin(command, &common).await
        }
    }
}

fn init_logging(c: &Common) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(&c.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr);
    let _ = if c.log_json {
        builder.json().try_init()
    } else {
        builder.compact().try_init()
    };
}

async fn connect(c: &Common) -> anyhow::Result<Store> {
    c.resolve()?;
    let url = c.database_url();
    std::fs::create_dir_all(&c.data_dir)
        .with_context(|| format!("creating the data folder {}", c.data_dir.display()))?;
    let mut opts = ConnectOptions::new(url.clone());
    if let Some(n) = c.db_max_connections {
        opts.max_connections = n;
    }
    Store::connect(&opts)
        .await
        .with_context(|| format!("connecting to the database ({})", config::redact_url(&url)))
}

/// Connects, migrates, loads the keyring and builds the application.
async fn build_app(c: &Common) -> anyhow::Result<(App, config::Resolved)> {
    let resolved = c.resolve()?;
    let store = connect(c).await?;
    store.migrate().await.context("applying migrations")?;
    let keyring = config::load_keyring(c)?;
    let app = App::new(store, Arc::new(SystemClock), resolved.app.clone(), keyring)?;
    Ok((app, resolved))
}

async fn seed_demo(app: &App, c: &Common) -> anyhow::Result<()> {
    let seeded = app
        .seed_demo()
        .await
        .map_err(|e| anyhow::anyhow!("seeding demo data: {e:?}"))?;
    let base = c.resolve()?.app.base_url;
    println!(
        "\nDemo businesses (password for every demo account: {}):",
        frontdesk_app::demo::DEMO_PASSWORD
    );
    for b in &seeded {
        println!(
            "  {:<18} sign in as {:<32} booking page {}/{}{}",
            b.name,
            b.owner_email,
            base,
            b.slug,
            if b.created { "" } else { "  (already there)" }
        );
    }
    println!("  Receptionists: desk@<same domain>. Dashboard: {base}/login\n");
    Ok(())
}

async fn serve(args: config::ServeArgs) -> anyhow::Result<()> {
    let (app, resolved) = build_app(&args.common).await?;
    if args.demo {
        seed_demo(&app, &args.common).await?;
    }
    let state = frontdesk_web::AppState::new(app.clone(), resolved.web.clone());
    let (router, _) = frontdesk_web::router(state);
    let listener = tokio::net::TcpListener::bind(&args.common.listen)
        .await
        .with_context(|| format!("listening on {}", args.common.listen))?;
    let addr = listener.local_addr()?;
    match app.outbox_dir() {
        Some(dir) => {
            tracing::info!(folder = %dir.display(), "development mail: e-mails are written to the outbox folder (set --smtp-url to send them)")
        }
        None => tracing::info!("e-mail goes out over SMTP"),
    }
    match app.sms_outbox_dir() {
        Some(dir) => {
            tracing::info!(folder = %dir.display(), "development SMS: texts are written to the outbox folder (set --sms-provider to send them)")
        }
        None => tracing::info!(
            provider = app.sms_provider(),
            "SMS goes out through the provider"
        ),
    }
    tracing::info!(backend = ?app.store.backend(), "database ready");
    if args.demo {
        tracing::info!(
            "Frontdesk is listening on http://{addr} (dashboard: {base}/login, demo salon's booking page: {base}/{})",
            frontdesk_app::demo::DEMO_SALON_SLUG,
            base = resolved.app.base_url
        );
    } else {
        tracing::info!(
            "Frontdesk is listening on http://{addr} (dashboard: {}/login)",
            resolved.app.base_url
        );
    }

    let (stop_tx, stop_rx) = watch::channel(false);
    let workers = if args.no_worker {
        None
    } else {
        let app = app.clone();
        let rx = stop_rx.clone();
        Some(tokio::spawn(async move { run_workers(app, rx).await }))
    };
    let mut rx = stop_rx.clone();
    let server = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = rx.wait_for(|s| *s).await;
    });
    let stopper = tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing requests and jobs in flight");
        let _ = stop_tx.send(true);
    });
    server.await.context("serving HTTP")?;
    if let Some(w) = workers {
        let _ = w.await;
    }
    stopper.abort();
    app.store.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn run_workers(app: App, stop: watch::Receiver<bool>) {
    let worker = Worker::new(
        app.store.clone(),
        app.clock.clone(),
        app.job_registry(),
        WorkerConfig::default(),
        app.waker.clone(),
    );
    let mut s1 = stop.clone();
    let mut s2 = stop;
    let scheduler = frontdesk_jobs::run_scheduler(
        app.store.clone(),
        app.clock.clone(),
        App::periodic_jobs(),
        std::time::Duration::from_secs(30),
        app.waker.clone(),
        async move {
            let _ = s1.wait_for(|s| *s).await;
        },
    );
    let run = worker.run(async move {
        let _ = s2.wait_for(|s| *s).await;
    });
    tokio::join!(scheduler, run);
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

async fn admin(cmd: AdminCommand, c: &Common) -> anyhow::Result<()> {
    match cmd {
        AdminCommand::RotateKeys => {
            let new_kid = config::rotate_keyring(c)?;
            let (app, _) = build_app(c).await?;
            let n = app.reencrypt_secrets().await?;
            println!(
                "active key is now {new_kid}; re-encrypted {n} secret(s). Running servers pick up the new key by themselves."
            );
            Ok(())
        }
        AdminCommand::CreateOwner(o) => {
            let o = *o;
            let (app, _) = build_app(c).await?;
            let input = frontdesk_app::auth::SignupIn {
                business_name: o.business,
                name: o.name,
                email: o.email,
                password: o.password,
                slug: o.slug,
                time_zone: o.time_zone,
                country: o.country,
                currency: o.currency,
                language: Some(o.language),
            };
            let (_, tenant) = app
                .signup(
                    input,
                    &frontdesk_app::auth::ClientInfo {
                        ip: None,
                        user_agent: Some("frontdesk admin".into()),
                    },
                )
                .await
                .map_err(|e| anyhow::anyhow!("{}", describe(e)))?;
            println!("created business {tenant}");
            Ok(())
        }
    }
}

fn describe(e: frontdesk_app::AppError) -> String {
    match e {
        frontdesk_app::AppError::Invalid(errs) => errs
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}
