//! Test kit for Frontdesk: [`TestApp`] runs the real router in-process over a fresh database
//! (a temporary SQLite file, or a new PostgreSQL database when `FRONTDESK_TEST_BACKEND=postgres`
//! and `FRONTDESK_TEST_PG_URL` point at a server), with a [`ManualClock`] and outbox mail.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use frontdesk_app::{App, AppConfig};
use frontdesk_core::ManualClock;
use frontdesk_core::crypto::{Keyring, KeyringFile};
use frontdesk_jobs::{Worker, WorkerConfig};
use frontdesk_store::{ConnectOptions, Store};
use frontdesk_web::{AppState, RouteSpec, WebConfig};
use serde_json::Value;
use tower::ServiceExt;

pub use frontdesk_store::Backend;

pub mod seed;
pub mod sms_fakes;
pub mod smtp;

/// The backend tests run on, from `FRONTDESK_TEST_BACKEND` (`sqlite` by default).
pub fn test_backend() -> Backend {
    match std::env::var("FRONTDESK_TEST_BACKEND").as_deref() {
        Ok("postgres") | Ok("pg") => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

/// A fresh, migrated database that is dropped with the guard.
pub struct TestDb {
    /// The store.
    pub store: Store,
    /// The temporary folder (SQLite file, outbox).
    pub dir: tempfile::TempDir,
    pg_drop: Option<(String, String)>,
}

impl TestDb {
    /// A new database on the configured backend.
    pub async fn new() -> Self {
        Self::on(test_backend()).await
    }

    /// A new database on a given backend.
    pub async fn on(backend: Backend) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        match backend {
            Backend::Sqlite => {
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                let store = Store::connect(&ConnectOptions::new(url))
                    .await
                    .expect("sqlite connect");
                store.migrate().await.expect("migrate");
                Self {
                    store,
                    dir,
                    pg_drop: None,
                }
            }
            Backend::Postgres => {
                let admin = std::env::var("FRONTDESK_TEST_PG_URL")
                    .expect("FRONTDESK_TEST_PG_URL must point at a PostgreSQL server when FRONTDESK_TEST_BACKEND=postgres");
                let name = format!("fd_t_{}", uuid::Uuid::now_v7().simple());
                {
                    use sqlx::Connection;
                    let mut c = sqlx::PgConnection::connect(&admin)
                        .await
                        .expect("connect to the PostgreSQL test server");
                    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                        .execute(&mut c)
                        .await
                        .expect("create test database");
                    c.close().await.ok();
                }
                let url = replace_db(&admin, &name);
                let mut opts = ConnectOptions::new(url);
                opts.max_connections = 8;
                let store = Store::connect(&opts).await.expect("pg connect");
                store.migrate().await.expect("migrate");
                Self {
                    store,
                    dir,
                    pg_drop: Some((admin, name)),
                }
            }
        }
    }
}

fn replace_db(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let cut = base
        .rfind('/')
        .filter(|i| *i > "postgres://".len())
        .unwrap_or(base.len());
    let mut out = format!("{}/{db}", &base[..cut]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg_drop.take() {
            // Drop the database from a separate thread with its own runtime (Drop cannot await).
            // FORCE ends the test's own pooled connections server-side; closing the pool here
            // would wait on the test's runtime, which is blocked in this very drop.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async move {
                    use sqlx::Connection;
                    if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .execute(&mut c)
                        .await;
                    }
                });
            })
            .join();
        }
    }
}

/// The application under test.
pub struct TestApp {
    /// The database.
    pub db: TestDb,
    /// The use cases.
    pub app: App,
    /// The router.
    pub router: Router,
    /// Every route.
    pub routes: Vec<RouteSpec>,
    /// The clock (starts at 2026-11-23T09:00:00Z).
    pub clock: ManualClock,
    /// The HTTP state.
    pub state: AppState,
}

type ConfigFn = Box<dyn FnOnce(&mut AppConfig)>;

/// Options of a [`TestApp`].
pub struct TestAppBuilder {
    config: Option<ConfigFn>,
    web: WebConfig,
    backend: Backend,
}

impl TestAppBuilder {
    /// Changes the application settings.
    pub fn config(mut self, f: impl FnOnce(&mut AppConfig) + 'static) -> Self {
        self.config = Some(Box::new(f));
        self
    }

    /// Changes the HTTP settings.
    pub fn web(mut self, f: impl FnOnce(&mut WebConfig)) -> Self {
        f(&mut self.web);
        self
    }

    /// Runs on a given backend instead of the configured one.
    pub fn backend(mut self, b: Backend) -> Self {
        self.backend = b;
        self
    }

    /// Builds it.
    pub async fn build(self) -> TestApp {
        let db = TestDb::on(self.backend).await;
        let mut cfg = AppConfig::for_dir(db.dir.path());
        cfg.hash_concurrency = 4;
        if let Some(f) = self.config {
            f(&mut cfg);
        }
        let clock = ManualClock::new("2026-11-23T09:00:00Z".parse().expect("start instant"));
        let ring = Keyring::from_file(&KeyringFile::generate()).expect("keyring");
        let app = App::new(db.store.clone(), Arc::new(clock.clone()), cfg, ring).expect("app");
        let state = AppState::new(app.clone(), self.web);
        let (router, routes) = frontdesk_web::router(state.clone());
        TestApp {
            db,
            app,
            router,
            routes,
            clock,
            state,
        }
    }
}

impl TestApp {
    /// A builder with test defaults: generous rate limits, secure cookies.
    pub fn builder() -> TestAppBuilder {
        let mut web = WebConfig::default();
        web.rate_limits.auth_per_min = 10_000;
        web.rate_limits.public_per_min = 10_000;
        web.rate_limits.api_per_min = 100_000;
        web.rate_limits.public_slug_per_min = 100_000;
        TestAppBuilder {
            config: None,
            web,
            backend: test_backend(),
        }
    }

    /// A test app with defaults.
    pub async fn new() -> Self {
        Self::builder().build().await
    }

    /// Starts a request.
    pub fn req(&self, method: Method, path: &str) -> TestRequest<'_> {
        TestRequest {
            app: self,
            method,
            path: path.to_string(),
            headers: HeaderMap::new(),
            body: Body::empty(),
            ip: "127.0.0.1".into(),
        }
    }

    /// GET.
    pub fn get(&self, path: &str) -> TestRequest<'_> {
        self.req(Method::GET, path)
    }

    /// POST.
    pub fn post(&self, path: &str) -> TestRequest<'_> {
        self.req(Method::POST, path)
    }

    /// A worker over this app's queue (step it with `run_once`).
    pub fn worker(&self, name: &str) -> Worker {
        let cfg = WorkerConfig {
            name: name.into(),
            ..WorkerConfig::default()
        };
        Worker::new(
            self.db.store.clone(),
            Arc::new(self.clock.clone()),
            self.app.job_registry(),
            cfg,
            self.app.waker.clone(),
        )
    }

    /// Runs every due job of every queue until none is left (at most `rounds` rounds).
    pub async fn drain_jobs(&self) {
        let w = self.worker("test-drain");
        for _ in 0..50 {
            let u = w
                .run_once(frontdesk_jobs::QUEUE_URGENT)
                .await
                .expect("jobs");
            let a = w
                .run_once(frontdesk_jobs::QUEUE_DEFAULT)
                .await
                .expect("jobs");
            let b = w
                .run_once(frontdesk_jobs::QUEUE_MAINTENANCE)
                .await
                .expect("jobs");
            if u + a + b == 0 {
                break;
            }
        }
    }

    /// Signs up a business with an owner; returns the owner's session.
    pub async fn signup(&self, business: &str, email: &str) -> Session {
        let slug = frontdesk_core::validate::slugify(business);
        let res = self
            .post("/api/v1/signup")
            .json(&serde_json::json!({
                "business_name": business, "name": "Owner of ".to_string() + business, "email": email,
                "password": "correct horse battery", "slug": slug,
                "time_zone": "Europe/Rome", "country": "IT", "currency": "EUR", "language": "en"
            }))
            .send()
            .await;
        assert_eq!(
            res.status,
            StatusCode::CREATED,
            "signup failed: {}",
            res.text
        );
        Session {
            cookie: res.session_cookie().expect("session cookie"),
            tenant: res.json["business_id"]
                .as_str()
                .expect("business id")
                .parse()
                .expect("tenant id"),
            user: res.json["user_id"]
                .as_str()
                .expect("user id")
                .parse()
                .expect("user id"),
            email: email.to_string(),
        }
    }

    /// Signs in with e-mail and password (asserting success).
    pub async fn login(&self, email: &str, password: &str) -> String {
        let res = self
            .post("/api/v1/auth/login")
            .json(&serde_json::json!({ "email": email, "password": password }))
            .send()
            .await;
        assert_eq!(res.status, StatusCode::OK, "login failed: {}", res.text);
        res.session_cookie().expect("cookie")
    }

    /// Invites `email` with `role` as `owner`, accepts, and returns the new member's session.
    pub async fn add_member(&self, owner: &Session, email: &str, role: &str) -> Session {
        let res = self
            .post("/api/v1/team/invitations")
            .cookie(&owner.cookie)
            .json(&serde_json::json!({ "email": email, "role": role }))
            .send()
            .await;
        assert_eq!(
            res.status,
            StatusCode::CREATED,
            "invite failed: {}",
            res.text
        );
        let link = res.json["link"].as_str().expect("link").to_string();
        let token = link.rsplit('/').next().expect("token").to_string();
        let res = self
            .post("/api/v1/invitations/accept")
            .json(&serde_json::json!({ "token": token, "name": "Member", "password": "member password 1" }))
            .send()
            .await;
        assert_eq!(res.status, StatusCode::OK, "accept failed: {}", res.text);
        Session {
            cookie: res.session_cookie().expect("cookie"),
            tenant: owner.tenant,
            user: res.json["user_id"]
                .as_str()
                .expect("user")
                .parse()
                .expect("user id"),
            email: email.into(),
        }
    }

    /// Creates an API key as `owner`; returns the `ak_…` text.
    pub async fn api_key(&self, owner: &Session, role: &str) -> String {
        let res = self
            .post("/api/v1/api-keys")
            .cookie(&owner.cookie)
            .json(&serde_json::json!({ "name": "test", "role": role }))
            .send()
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
        res.json["key"].as_str().expect("key").to_string()
    }

    /// The newest e-mails to an address.
    pub async fn mail_to(&self, to: &str) -> Vec<frontdesk_store::mail::Mail> {
        self.db.store.mail_to(to, 50).await.expect("mail")
    }

    /// The first link in the newest e-mail to `to` whose path contains `needle`.
    pub async fn link_in_mail(&self, to: &str, needle: &str) -> Option<String> {
        for m in self.mail_to(to).await {
            if let Some(l) = m
                .body_text
                .split_whitespace()
                .find(|w| w.starts_with("http") && w.contains(needle))
            {
                return Some(l.to_string());
            }
        }
        None
    }
}

/// A signed-in person.
#[derive(Debug, Clone)]
pub struct Session {
    /// `name=value` of the session cookie.
    pub cookie: String,
    /// Their business.
    pub tenant: frontdesk_core::TenantId,
    /// Who.
    pub user: frontdesk_core::UserId,
    /// E-mail.
    pub email: String,
}

/// A request being built.
pub struct TestRequest<'a> {
    app: &'a TestApp,
    method: Method,
    path: String,
    headers: HeaderMap,
    body: Body,
    ip: String,
}

impl TestRequest<'_> {
    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.insert(
            header::HeaderName::from_bytes(name.as_bytes()).expect("header name"),
            value.parse().expect("header value"),
        );
        self
    }

    /// Sends the session cookie (`name=value`).
    pub fn cookie(self, cookie: &str) -> Self {
        self.header("cookie", cookie)
    }

    /// Sends a bearer token.
    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", &format!("Bearer {token}"))
    }

    /// Sends a JSON body.
    pub fn json(mut self, v: &Value) -> Self {
        self.headers.insert(
            header::CONTENT_TYPE,
            "application/json".parse().expect("ct"),
        );
        self.body = Body::from(serde_json::to_vec(v).expect("json"));
        self
    }

    /// Sends a raw body with a content type.
    pub fn raw(mut self, content_type: &str, body: impl Into<Body>) -> Self {
        self.headers
            .insert(header::CONTENT_TYPE, content_type.parse().expect("ct"));
        self.body = body.into();
        self
    }

    /// Sends a form body.
    pub fn form(self, pairs: &[(&str, &str)]) -> Self {
        let body = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.raw("application/x-www-form-urlencoded", body)
    }

    /// Comes from another client IP.
    pub fn from_ip(mut self, ip: &str) -> Self {
        self.ip = ip.into();
        self
    }

    /// Sends it through the router and hands back the status, headers and the body as a stream
    /// (for server-sent events, which never end).
    pub async fn stream(self) -> (StatusCode, HeaderMap, axum::body::BodyDataStream) {
        let mut req = Request::builder()
            .method(self.method)
            .uri(&self.path)
            .body(self.body)
            .expect("request");
        *req.headers_mut() = self.headers;
        let addr: SocketAddr = format!("{}:40000", self.ip).parse().expect("ip");
        req.extensions_mut().insert(ConnectInfo(addr));
        let res = self
            .app
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        (status, headers, res.into_body().into_data_stream())
    }

    /// Sends it through the router.
    pub async fn send(self) -> TestResponse {
        let mut req = Request::builder()
            .method(self.method)
            .uri(&self.path)
            .body(self.body)
            .expect("request");
        *req.headers_mut() = self.headers;
        let addr: SocketAddr = format!("{}:40000", self.ip).parse().expect("ip");
        req.extensions_mut().insert(ConnectInfo(addr));
        let res = self
            .app
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), 64 * 1024 * 1024)
            .await
            .expect("body");
        let text = String::from_utf8_lossy(&bytes).to_string();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        TestResponse {
            status,
            headers,
            text,
            json,
        }
    }
}

fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A response.
#[derive(Debug)]
pub struct TestResponse {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body as text.
    pub text: String,
    /// Body as JSON (`Null` if not JSON).
    pub json: Value,
}

impl TestResponse {
    /// The session cookie set by this response, as `name=value`.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| {
                let first = v.split(';').next()?;
                let (name, value) = first.split_once('=')?;
                (name.contains("fd_session") && !value.is_empty()).then(|| first.to_string())
            })
    }

    /// Asserts a problem+json response with this status and code.
    #[track_caller]
    pub fn assert_problem(&self, status: StatusCode, code: &str) {
        assert_eq!(self.status, status, "body: {}", self.text);
        assert_eq!(
            self.headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json"),
            "body: {}",
            self.text
        );
        assert_eq!(self.json["code"], code, "body: {}", self.text);
    }
}

/// A bcrypt hash (cost 4), as a password import from another system would bring.
pub fn bcrypt_for_tests(password: &str) -> String {
    bcrypt::hash(password, 4).expect("bcrypt")
}
