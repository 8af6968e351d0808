//! A faithful fake SMTP server (RFC 5321 subset: greeting, EHLO/HELO, MAIL, RCPT, DATA with
//! dot-unstuffing, RSET, NOOP, QUIT) that records every message it accepts. It can be told to
//! answer the next transactions with a temporary failure (451), as a real server under load does.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One message the fake accepted.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// Envelope sender.
    pub from: String,
    /// Envelope recipients.
    pub to: Vec<String>,
    /// The raw message (headers and body).
    pub data: String,
}

/// A running fake SMTP server on 127.0.0.1.
#[derive(Debug, Clone)]
pub struct FakeSmtp {
    /// Its port.
    pub port: u16,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    fail_next: Arc<AtomicUsize>,
}

impl FakeSmtp {
    /// Starts the server.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let fail_next = Arc::new(AtomicUsize::new(0));
        let (r, f) = (received.clone(), fail_next.clone());
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let (r, f) = (r.clone(), f.clone());
                tokio::spawn(async move {
                    let _ = session(sock, r, f).await;
                });
            }
        });
        Self {
            port,
            received,
            fail_next,
        }
    }

    /// The URL to give Frontdesk.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Messages accepted so far.
    pub fn received(&self) -> Vec<ReceivedMail> {
        self.received.lock().expect("lock").clone()
    }

    /// Answers the next `n` DATA commands with `451 try again later`.
    pub fn fail_next(&self, n: usize) {
        self.fail_next.store(n, Ordering::SeqCst);
    }
}

async fn session(
    sock: tokio::net::TcpStream,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    fail_next: Arc<AtomicUsize>,
) -> std::io::Result<()> {
    let (rd, mut wr) = sock.into_split();
    let mut rd = BufReader::new(rd);
    wr.write_all(b"220 fake.smtp.test ESMTP ready\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if rd.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            wr.write_all(b"250-fake.smtp.test greets you\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 10485760\r\n").await?;
        } else if upper.starts_with("HELO") {
            wr.write_all(b"250 fake.smtp.test\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") {
            from = cmd[10..]
                .trim()
                .trim_start_matches('<')
                .split('>')
                .next()
                .unwrap_or("")
                .to_string();
            to.clear();
            wr.write_all(b"250 2.1.0 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            if from.is_empty() {
                wr.write_all(b"503 5.5.1 MAIL first\r\n").await?;
                continue;
            }
            to.push(
                cmd[8..]
                    .trim()
                    .trim_start_matches('<')
                    .split('>')
                    .next()
                    .unwrap_or("")
                    .to_string(),
            );
            wr.write_all(b"250 2.1.5 OK\r\n").await?;
        } else if upper == "DATA" {
            if to.is_empty() {
                wr.write_all(b"503 5.5.1 RCPT first\r\n").await?;
                continue;
            }
            wr.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            let mut data = String::new();
            loop {
                line.clear();
                if rd.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                let l = line.strip_prefix('.').unwrap_or(&line);
                data.push_str(l);
            }
            let failing = fail_next.load(Ordering::SeqCst);
            if failing > 0 {
                fail_next.store(failing - 1, Ordering::SeqCst);
                wr.write_all(b"451 4.3.0 Temporary failure, try again later\r\n")
                    .await?;
            } else {
                received.lock().expect("lock").push(ReceivedMail {
                    from: from.clone(),
                    to: to.clone(),
                    data,
                });
                wr.write_all(b"250 2.0.0 Queued\r\n").await?;
            }
            from.clear();
            to.clear();
        } else if upper == "RSET" {
            from.clear();
            to.clear();
            wr.write_all(b"250 OK\r\n").await?;
        } else if upper == "NOOP" {
            wr.write_all(b"250 OK\r\n").await?;
        } else if upper == "QUIT" {
            wr.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            wr.write_all(b"502 5.5.2 Command not recognized\r\n")
                .await?;
        }
    }
}
