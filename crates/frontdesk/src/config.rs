//! Configuration: every option is a flag and a `FRONTDESK_*` variable; defaults make
//! `frontdesk serve` work on a fresh machine (SQLite in ./frontdesk-data, mail to an outbox folder).
//! Start-up validates everything and fails with a message that says what to fix.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use frontdesk_app::AppConfig;
use frontdesk_app::mail::MailConfig;
use frontdesk_app::sms::SmsConfig;
use frontdesk_core::crypto::{Keyring, KeyringFile, decode_key};
use frontdesk_web::WebConfig;

/// Frontdesk: the front desk of appointment and reservation businesses.
#[derive(Debug, Parser)]
#[command(name = "frontdesk", version, about, long_about = None)]
pub struct Cli {
    /// What to run (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server and the job worker.
    Serve(Box<ServeArgs>),
    /// Run job workers only.
    Worker(Common),
    /// Apply database migrations and exit.
    Migrate(Common),
    /// Seed a demo salon, clinic and restaurant and print how to sign in.
    Demo(Common),
    /// Operator tasks.
    Admin {
        /// The task.
        #[command(subcommand)]
        command: AdminCommand,
        /// Settings.
        #[command(flatten)]
        common: Common,
    },
}

/// Operator tasks.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Make a new master key active and re-encrypt every stored secret under it (no downtime).
    RotateKeys,
    /// Create a business and its owner (useful when public sign-up is off).
    CreateOwner(Box<CreateOwner>),
}

/// A business and owner to create.
#[derive(Debug, Args)]
pub struct CreateOwner {
    /// Business name.
    #[arg(long)]
    pub business: String,
    /// Owner's name.
    #[arg(long)]
    pub name: String,
    /// Owner's e-mail.
    #[arg(long)]
    pub email: String,
    /// Owner's password (10–128 characters).
    #[arg(long, env = "FRONTDESK_OWNER_PASSWORD", hide_env_values = true)]
    pub password: String,
    /// URL slug of the first location.
    #[arg(long)]
    pub slug: Option<String>,
    /// IANA time zone.
    #[arg(long, default_value = "Europe/Rome")]
    pub time_zone: String,
    /// ISO country.
    #[arg(long, default_value = "IT")]
    pub country: String,
    /// ISO currency.
    #[arg(long, default_value = "EUR")]
    pub currency: String,
    /// Language.
    #[arg(long, default_value = "en")]
    pub language: String,
}

/// `serve` options.
#[derive(Debug, Clone, Args, Default)]
pub struct ServeArgs {
    /// Settings shared by every command.
    #[command(flatten)]
    pub common: Common,
    /// Seed the demo businesses before serving.
    #[arg(long, env = "FRONTDESK_DEMO")]
    pub demo: bool,
    /// Do not run job workers in this process (run `frontdesk worker` separately).
    #[arg(long, env = "FRONTDESK_NO_WORKER")]
    pub no_worker: bool,
}

/// Settings shared by every command.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// Address to listen on.
    #[arg(long, env = "FRONTDESK_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Folder for the SQLite database, the keyring and the mail outbox.
    #[arg(long, env = "FRONTDESK_DATA_DIR", default_value = "./frontdesk-data")]
    pub data_dir: PathBuf,
    /// Database: sqlite://path or postgres://user:pass@host/db (default: SQLite in the data folder).
    #[arg(long, env = "FRONTDESK_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Most database connections.
    #[arg(long, env = "FRONTDESK_DB_MAX_CONNECTIONS")]
    pub db_max_connections: Option<u32>,
    /// Public base URL used in links (default: http://<listen>).
    #[arg(long, env = "FRONTDESK_BASE_URL")]
    pub base_url: Option<String>,
    /// Master key for secrets at rest: 32 bytes, base64. Default: a key generated into
    /// <data folder>/keyring.json (mode 0600) on first start.
    #[arg(long, env = "FRONTDESK_MASTER_KEY", hide_env_values = true)]
    pub master_key: Option<String>,
    /// Older master keys (comma-separated base64) still needed to decrypt during a rotation.
    #[arg(long, env = "FRONTDESK_PREVIOUS_MASTER_KEYS", hide_env_values = true)]
    pub previous_master_keys: Option<String>,
    /// SMTP server: smtps://user:pass@host:465 (TLS), smtp://user:pass@host:587?tls=required
    /// (STARTTLS) or smtp://host:25 (plain, for a relay on this machine only). Without it,
    /// e-mail is written to <data folder>/outbox.
    #[arg(long, env = "FRONTDESK_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// From address of e-mail.
    #[arg(
        long,
        env = "FRONTDESK_MAIL_FROM",
        default_value = "Frontdesk <no-reply@localhost>"
    )]
    pub mail_from: String,
    /// Where SMS goes: `outbox` (text files in <data folder>/outbox, nothing leaves the machine),
    /// `twilio` or `smsapi`.
    #[arg(long, env = "FRONTDESK_SMS_PROVIDER", default_value = "outbox", value_parser = ["outbox", "twilio", "smsapi"])]
    pub sms_provider: String,
    /// Twilio account SID (`AC…`).
    #[arg(long, env = "FRONTDESK_TWILIO_ACCOUNT_SID")]
    pub twilio_account_sid: Option<String>,
    /// Twilio auth token (or the API key secret when --twilio-api-key-sid is set).
    #[arg(long, env = "FRONTDESK_TWILIO_AUTH_TOKEN", hide_env_values = true)]
    pub twilio_auth_token: Option<String>,
    /// Twilio API key SID (`SK…`) to authenticate with instead of the account SID.
    #[arg(long, env = "FRONTDESK_TWILIO_API_KEY_SID")]
    pub twilio_api_key_sid: Option<String>,
    /// Twilio sender: a Twilio number in E.164 or an alphanumeric sender id.
    #[arg(long, env = "FRONTDESK_TWILIO_FROM")]
    pub twilio_from: Option<String>,
    /// Twilio messaging service (`MG…`), used instead of --twilio-from.
    #[arg(long, env = "FRONTDESK_TWILIO_MESSAGING_SERVICE_SID")]
    pub twilio_messaging_service_sid: Option<String>,
    /// Twilio API base URL.
    #[arg(
        long,
        env = "FRONTDESK_TWILIO_BASE_URL",
        default_value = "https://api.twilio.com"
    )]
    pub twilio_base_url: String,
    /// SMSAPI OAuth token (from the SMSAPI customer panel).
    #[arg(long, env = "FRONTDESK_SMSAPI_TOKEN", hide_env_values = true)]
    pub smsapi_token: Option<String>,
    /// SMSAPI registered sender name (up to 11 characters).
    #[arg(long, env = "FRONTDESK_SMSAPI_FROM")]
    pub smsapi_from: Option<String>,
    /// SMSAPI base URL: https://api.smsapi.com (international) or https://api.smsapi.pl.
    #[arg(
        long,
        env = "FRONTDESK_SMSAPI_BASE_URL",
        default_value = "https://api.smsapi.com"
    )]
    pub smsapi_base_url: String,
    /// SMS credits (segments) each business starts with.
    #[arg(long, env = "FRONTDESK_SMS_INITIAL_CREDITS", default_value_t = 100)]
    pub sms_initial_credits: i64,
    /// Default balance below which owners get the low-credit e-mail (each owner can change it).
    #[arg(long, env = "FRONTDESK_SMS_LOW_CREDIT_THRESHOLD", default_value_t = 20)]
    pub sms_low_credit_threshold: i64,
    /// Session lifetime in hours.
    #[arg(long, env = "FRONTDESK_SESSION_TTL_HOURS", default_value_t = 24)]
    pub session_ttl_hours: u64,
    /// Lifetime of sign-in and password-reset links in minutes.
    #[arg(long, env = "FRONTDESK_LINK_TTL_MINUTES", default_value_t = 15)]
    pub link_ttl_minutes: u64,
    /// Lifetime of team invitations in days.
    #[arg(long, env = "FRONTDESK_INVITATION_TTL_DAYS", default_value_t = 7)]
    pub invitation_ttl_days: u64,
    /// Most password hashes computed at once (each takes 19 MiB).
    #[arg(long, env = "FRONTDESK_HASH_CONCURRENCY", default_value_t = 4)]
    pub hash_concurrency: usize,
    /// Milliseconds an availability snapshot may be reused by reads (0 turns the cache off).
    /// Several servers on one database see each other's bookings after at most this long;
    /// bookings themselves always check fresh data.
    #[arg(long, env = "FRONTDESK_AVAILABILITY_CACHE_MS", default_value_t = 1500)]
    pub availability_cache_ms: u64,
    /// Send cookies without the Secure flag (only for plain HTTP on a non-localhost address).
    #[arg(long, env = "FRONTDESK_INSECURE_COOKIES")]
    pub insecure_cookies: bool,
    /// Trust X-Forwarded-For from a reverse proxy (only behind one that overwrites it).
    #[arg(long, env = "FRONTDESK_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// Largest request body in bytes.
    #[arg(long, env = "FRONTDESK_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Requests per minute per IP on sign-in and sign-up routes.
    #[arg(long, env = "FRONTDESK_RATE_AUTH_PER_MIN", default_value_t = 30)]
    pub rate_auth_per_min: u32,
    /// Requests per minute per IP on the API and dashboard.
    #[arg(long, env = "FRONTDESK_RATE_API_PER_MIN", default_value_t = 1200)]
    pub rate_api_per_min: u32,
    /// Requests per minute per IP on public pages.
    #[arg(long, env = "FRONTDESK_RATE_PUBLIC_PER_MIN", default_value_t = 240)]
    pub rate_public_per_min: u32,
    /// Requests to one public booking page per minute, from all visitors together.
    #[arg(
        long,
        env = "FRONTDESK_RATE_PUBLIC_SLUG_PER_MIN",
        default_value_t = 600
    )]
    pub rate_public_slug_per_min: u32,
    /// Bearer token that lets non-loopback clients read /metrics.
    #[arg(long, env = "FRONTDESK_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Log filter (tracing EnvFilter syntax), e.g. info or frontdesk=debug.
    #[arg(long, env = "FRONTDESK_LOG", default_value = "info")]
    pub log: String,
    /// Log as JSON lines.
    #[arg(long, env = "FRONTDESK_LOG_JSON")]
    pub log_json: bool,
}

impl Default for Common {
    fn default() -> Self {
        Cli::parse_from(["frontdesk", "migrate"])
            .command
            .map(|c| match c {
                Command::Migrate(c) => c,
                _ => unreachable!(),
            })
            .expect("defaults parse")
    }
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// Use-case settings.
    pub app: AppConfig,
    /// HTTP settings.
    pub web: WebConfig,
}

/// Hides the password of a URL for logs and errors.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Common {
    /// The database URL (SQLite in the data folder by default).
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("frontdesk.db").display()))
    }

    /// Validates and resolves the settings.
    pub fn resolve(&self) -> anyhow::Result<Resolved> {
        let db = self.database_url();
        if !(db.starts_with("sqlite:")
            || db.starts_with("postgres://")
            || db.starts_with("postgresql://"))
        {
            bail!(
                "FRONTDESK_DATABASE_URL must start with sqlite:// or postgres:// (got {})",
                redact_url(&db)
            );
        }
        let listen: std::net::SocketAddr = self.listen.parse().with_context(|| {
            format!(
                "FRONTDESK_LISTEN must be an address like 127.0.0.1:8080 (got {:?})",
                self.listen
            )
        })?;
        let base_url = match &self.base_url {
            Some(u) => {
                let u = u.trim().trim_end_matches('/').to_string();
                if !(u.starts_with("http://") || u.starts_with("https://")) || u.len() < 10 {
                    bail!(
                        "FRONTDESK_BASE_URL must be an http(s) URL like https://desk.example.com (got {u:?})"
                    );
                }
                u
            }
            None => {
                let host = if listen.ip().is_unspecified() {
                    "127.0.0.1".to_string()
                } else {
                    listen.ip().to_string()
                };
                format!("http://{host}:{}", listen.port())
            }
        };
        if self.session_ttl_hours == 0 || self.session_ttl_hours > 24 * 30 {
            bail!("FRONTDESK_SESSION_TTL_HOURS must be between 1 and 720");
        }
        if self.link_ttl_minutes == 0 || self.link_ttl_minutes > 24 * 60 {
            bail!("FRONTDESK_LINK_TTL_MINUTES must be between 1 and 1440");
        }
        if self.invitation_ttl_days == 0 || self.invitation_ttl_days > 60 {
            bail!("FRONTDESK_INVITATION_TTL_DAYS must be between 1 and 60");
        }
        if self.availability_cache_ms > 60_000 {
            bail!("FRONTDESK_AVAILABILITY_CACHE_MS must be at most 60000");
        }
        if self.hash_concurrency == 0 || self.hash_concurrency > 64 {
            bail!("FRONTDESK_HASH_CONCURRENCY must be between 1 and 64");
        }
        if self.max_body_bytes < 1024 || self.max_body_bytes > 64 * 1024 * 1024 {
            bail!("FRONTDESK_MAX_BODY_BYTES must be between 1024 and 67108864");
        }
        if let Some(k) = &self.master_key {
            decode_key(k).map_err(|e| anyhow::anyhow!("FRONTDESK_MASTER_KEY: {e} (generate one with: head -c 32 /dev/urandom | base64)"))?;
        }
        let mail = match &self.smtp_url {
            Some(u) if !u.trim().is_empty() => {
                if !(u.starts_with("smtp://") || u.starts_with("smtps://")) {
                    bail!("FRONTDESK_SMTP_URL must start with smtp:// or smtps://");
                }
                let plain = u.starts_with("smtp://")
                    && !u.contains("tls=required")
                    && !u.contains("tls=opportunistic");
                let rest = &u[u.find("://").map(|i| i + 3).unwrap_or(0)..];
                let has_creds = rest.split('/').next().unwrap_or("").contains('@');
                let host = rest
                    .rsplit('@')
                    .next()
                    .unwrap_or("")
                    .split([':', '/', '?'])
                    .next()
                    .unwrap_or("");
                let local = matches!(host, "localhost" | "127.0.0.1" | "::1" | "[::1]");
                if plain && has_creds && !local {
                    bail!(
                        "FRONTDESK_SMTP_URL would send the password unencrypted: use smtps://… or add ?tls=required"
                    );
                }
                MailConfig::Smtp {
                    url: u.clone(),
                    from: self.mail_from.clone(),
                }
            }
            _ => MailConfig::Outbox {
                dir: self.data_dir.join("outbox"),
            },
        };
        let sms = self.sms_config()?;
        let https = base_url.starts_with("https://");
        let local = base_url.starts_with("http://127.")
            || base_url.starts_with("http://localhost")
            || base_url.starts_with("http://[::1]");
        let secure_cookies = !self.insecure_cookies;
        if secure_cookies && !https && !local {
            tracing::warn!(
                "the base URL is plain HTTP on a non-local address: browsers will drop Secure cookies; serve behind TLS or set FRONTDESK_INSECURE_COOKIES=true for a test network"
            );
        }
        let app = AppConfig {
            base_url: base_url.clone(),
            session_ttl: Duration::from_secs(self.session_ttl_hours * 3600),
            link_ttl: Duration::from_secs(self.link_ttl_minutes * 60),
            invitation_ttl: Duration::from_secs(self.invitation_ttl_days * 86400),
            hash_concurrency: self.hash_concurrency,
            login_failures_per_account: 10,
            login_failures_per_ip: 50,
            keyring_file: self.master_key.is_none().then(|| self.keyring_path()),
            mail,
            sms,
            max_support_grant: Duration::from_secs(14 * 86400),
            availability_cache: Duration::from_millis(self.availability_cache_ms),
            public: frontdesk_app::public::PublicLimits::default(),
        };
        let mut trusted_origins = Vec::new();
        if self.base_url.is_some() {
            trusted_origins.push(base_url.clone());
        }
        let web = WebConfig {
            secure_cookies,
            hsts: https,
            trust_proxy: self.trust_proxy,
            max_body_bytes: self.max_body_bytes,
            request_timeout: Duration::from_secs(30),
            rate_limits: frontdesk_web::middleware::RateLimits {
                auth_per_min: self.rate_auth_per_min,
                public_per_min: self.rate_public_per_min,
                api_per_min: self.rate_api_per_min,
                public_slug_per_min: self.rate_public_slug_per_min,
            },
            trusted_origins,
            metrics_token: self.metrics_token.clone().filter(|t| !t.is_empty()),
        };
        Ok(Resolved { app, web })
    }

    /// The SMS transport and credit settings.
    fn sms_config(&self) -> anyhow::Result<SmsConfig> {
        use frontdesk_channels::sms::{SmsTransport, SmsapiConfig, TwilioConfig};
        fn need(v: &Option<String>, var: &str, provider: &str) -> anyhow::Result<String> {
            match v.as_deref().map(str::trim) {
                Some(s) if !s.is_empty() => Ok(s.to_string()),
                _ => bail!("{var} is required with FRONTDESK_SMS_PROVIDER={provider}"),
            }
        }
        fn https(url: &str, var: &str) -> anyhow::Result<String> {
            let u = url.trim().trim_end_matches('/');
            if !u.starts_with("https://") {
                bail!("{var} must be an https:// URL (got {u:?})");
            }
            Ok(u.to_string())
        }
        let given = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        let transport = match self.sms_provider.as_str() {
            "twilio" => {
                let p = "twilio";
                let sid = need(&self.twilio_account_sid, "FRONTDESK_TWILIO_ACCOUNT_SID", p)?;
                if !sid.starts_with("AC") {
                    bail!("FRONTDESK_TWILIO_ACCOUNT_SID must start with AC");
                }
                let token = need(&self.twilio_auth_token, "FRONTDESK_TWILIO_AUTH_TOKEN", p)?;
                let from = given(&self.twilio_from);
                let mg = given(&self.twilio_messaging_service_sid);
                if from.is_none() && mg.is_none() {
                    bail!(
                        "Twilio needs FRONTDESK_TWILIO_FROM or FRONTDESK_TWILIO_MESSAGING_SERVICE_SID"
                    );
                }
                SmsTransport::Twilio(TwilioConfig {
                    base_url: https(&self.twilio_base_url, "FRONTDESK_TWILIO_BASE_URL")?,
                    account_sid: sid,
                    auth_token: token.into(),
                    api_key_sid: given(&self.twilio_api_key_sid),
                    from,
                    messaging_service_sid: mg,
                    status_callback: None,
                })
            }
            "smsapi" => {
                let token = need(&self.smsapi_token, "FRONTDESK_SMSAPI_TOKEN", "smsapi")?;
                let from = given(&self.smsapi_from);
                if from.as_deref().is_some_and(|f| f.chars().count() > 11) {
                    bail!("FRONTDESK_SMSAPI_FROM must be at most 11 characters");
                }
                SmsTransport::Smsapi(SmsapiConfig {
                    base_url: https(&self.smsapi_base_url, "FRONTDESK_SMSAPI_BASE_URL")?,
                    token: token.into(),
                    from,
                })
            }
            _ => SmsTransport::Outbox {
                dir: self.data_dir.join("outbox"),
            },
        };
        if !(0..=10_000_000).contains(&self.sms_initial_credits) {
            bail!("FRONTDESK_SMS_INITIAL_CREDITS must be between 0 and 10000000");
        }
        if !(0..=1_000_000).contains(&self.sms_low_credit_threshold) {
            bail!("FRONTDESK_SMS_LOW_CREDIT_THRESHOLD must be between 0 and 1000000");
        }
        Ok(SmsConfig {
            transport,
            initial_credits: self.sms_initial_credits,
            low_credit_threshold: self.sms_low_credit_threshold,
            allow_private_network: false,
        })
    }

    /// Where the keyring file lives.
    pub fn keyring_path(&self) -> PathBuf {
        self.data_dir.join("keyring.json")
    }
}

fn write_private(path: &Path, data: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts
            .open(&tmp)
            .with_context(|| format!("writing {}", tmp.display()))?;
        f.write_all(data)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// Loads the keyring: from FRONTDESK_MASTER_KEY (+ previous keys), or from the keyring file,
/// generating it on first start.
pub fn load_keyring(c: &Common) -> anyhow::Result<Keyring> {
    if let Some(k) = &c.master_key {
        let active = decode_key(k)?;
        let mut older = Vec::new();
        for p in c
            .previous_master_keys
            .iter()
            .flat_map(|s| s.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            older.push(decode_key(p).context("FRONTDESK_PREVIOUS_MASTER_KEYS")?);
        }
        return Ok(Keyring::new(active, older));
    }
    let path = c.keyring_path();
    if !path.exists() {
        std::fs::create_dir_all(&c.data_dir)?;
        let f = KeyringFile::generate();
        write_private(&path, &serde_json::to_vec_pretty(&f)?)?;
        tracing::info!(path = %path.display(), "generated a master key for secrets at rest (keep this file safe and backed up)");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            bail!(
                "{} is readable by other users (mode {mode:o}); run: chmod 600 {}",
                path.display(),
                path.display()
            );
        }
    }
    let f: KeyringFile = serde_json::from_slice(&std::fs::read(&path)?)
        .with_context(|| format!("reading {}", path.display()))?;
    Ok(Keyring::from_file(&f)?)
}

/// Adds a new active key to the keyring file (keeping the old ones); returns its id. With keys
/// from the environment, checks that the new key is set and the old ones are listed.
pub fn rotate_keyring(c: &Common) -> anyhow::Result<String> {
    if let Some(k) = &c.master_key {
        let ring = load_keyring(c)?;
        let _ = k;
        println!(
            "keys come from FRONTDESK_MASTER_KEY: re-encrypting under it (keep the old key in FRONTDESK_PREVIOUS_MASTER_KEYS until this finishes)"
        );
        return Ok(ring.active_kid().to_string());
    }
    let path = c.keyring_path();
    let _ = load_keyring(c)?;
    let mut f: KeyringFile = serde_json::from_slice(&std::fs::read(&path)?)?;
    let kid = f.add_new_key();
    write_private(&path, &serde_json::to_vec_pretty(&f)?)?;
    Ok(kid)
}
