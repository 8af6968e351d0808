//! The binary as an operator meets it: a fresh folder, validated configuration, graceful
//! shutdown, and key rotation from the command line.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_frontdesk");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A minimal HTTP/1.1 client (no extra dependency): returns status, headers and body.
fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

fn wait_healthy(port: u16) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if TcpStream::connect(("127.0.0.1", port)).is_ok()
            && http(port, "GET", "/healthz", &[], "").0 == 200
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the server did not come up on port {port}");
}

fn cmd(dir: &std::path::Path) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(dir)
        .env_remove("FRONTDESK_DATABASE_URL")
        .env_remove("FRONTDESK_MASTER_KEY")
        .env("FRONTDESK_LOG", "info");
    c
}

#[test]
fn serve_starts_in_an_empty_folder_and_stops_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = cmd(dir.path())
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_healthy(port);
    assert_eq!(http(port, "GET", "/readyz", &[], "").0, 200);
    assert_eq!(http(port, "GET", "/login", &[], "").0, 200);
    let signup = r#"{"business_name":"Fresh","name":"Ana","email":"ana@fresh.example","password":"correct horse battery","time_zone":"Europe/Rome","country":"IT","currency":"EUR"}"#;
    let (status, head, body) = http(
        port,
        "POST",
        "/api/v1/signup",
        &[("content-type", "application/json")],
        signup,
    );
    assert_eq!(status, 201, "{body}");
    assert!(
        head.to_ascii_lowercase()
            .contains("set-cookie: __host-fd_session=")
    );
    // SQLite in ./frontdesk-data with a private keyring, and the outbox folder.
    let data = dir.path().join("frontdesk-data");
    assert!(data.join("frontdesk.db").exists());
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(data.join("keyring.json"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode, 0o600, "the generated master key is private");
    // The in-process worker delivers the welcome e-mail to the outbox folder.
    let start = Instant::now();
    while std::fs::read_dir(data.join("outbox"))
        .map(|d| d.count())
        .unwrap_or(0)
        == 0
    {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "no e-mail reached the outbox folder"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // SIGTERM: finish and exit 0.
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "did not stop within 15 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(status.success(), "exit status {status:?}\n{log}");
    assert!(log.contains("stopped"), "{log}");
    assert!(
        !log.contains("correct horse battery"),
        "passwords never reach the log"
    );
}

#[test]
fn bad_configuration_fails_at_start_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    for (args, expect) in [
        (
            vec!["migrate", "--database-url", "mysql://x/y"],
            "must start with sqlite:// or postgres://",
        ),
        (
            vec!["serve", "--listen", "not-an-address"],
            "FRONTDESK_LISTEN",
        ),
        (
            vec!["serve", "--master-key", "short"],
            "FRONTDESK_MASTER_KEY",
        ),
        (vec!["serve", "--base-url", "ftp://x"], "FRONTDESK_BASE_URL"),
        (
            vec!["serve", "--session-ttl-hours", "0"],
            "FRONTDESK_SESSION_TTL_HOURS",
        ),
        (
            vec!["serve", "--smtp-url", "smtp://user:pw@mail.example.com:587"],
            "unencrypted",
        ),
    ] {
        let out = cmd(dir.path()).args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} should fail");
        assert!(err.contains(expect), "{args:?}: {err}");
    }
    let help = cmd(dir.path()).args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for var in [
        "FRONTDESK_LISTEN",
        "FRONTDESK_DATABASE_URL",
        "FRONTDESK_MASTER_KEY",
        "FRONTDESK_SMTP_URL",
        "FRONTDESK_SESSION_TTL_HOURS",
    ] {
        assert!(help.contains(var), "--help documents {var}");
    }
}

#[test]
fn migrate_demo_and_rotate_keys_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    assert!(cmd(dir.path()).arg("migrate").status().unwrap().success());
    let out = cmd(dir.path()).arg("demo").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for s in [
        "salon-lumiere",
        "clinica-serena",
        "bep-nha-ha-noi",
        "frontdesk-demo",
    ] {
        assert!(text.contains(s), "demo output names {s}: {text}");
    }
    let again = cmd(dir.path()).arg("demo").output().unwrap();
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("already there"),
        "demo is idempotent"
    );

    let keyring = dir.path().join("frontdesk-data/keyring.json");
    let before: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&keyring).unwrap()).unwrap();
    let out = cmd(dir.path())
        .args(["admin", "rotate-keys"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&keyring).unwrap()).unwrap();
    assert_ne!(before["active"], after["active"], "a new active key");
    assert_eq!(
        after["keys"].as_object().unwrap().len(),
        2,
        "the old key is kept for decryption"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("re-encrypted"));
}
