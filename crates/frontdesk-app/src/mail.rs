//! Outbound e-mail. Every message is recorded in `mail_outbox` and delivered by a job, in the same
//! transaction as the change that caused it, so nothing is lost on a crash. The development
//! default writes each message as an `.eml` file into the outbox folder (and the dashboard lists
//! them); with `--smtp-url` they go out over SMTP.

use std::path::PathBuf;

use frontdesk_core::{MailId, TenantId};
use frontdesk_jobs::QUEUE_DEFAULT;
use frontdesk_store::Tx;
use frontdesk_store::jobs::NewJob;
use frontdesk_store::mail::Mail;
use lettre::message::{Mailbox, MultiPart, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::{App, AppResult};

/// How e-mail leaves.
#[derive(Debug, Clone)]
pub enum MailConfig {
    /// Written as `.eml` files into this folder (the development default).
    Outbox {
        /// The folder.
        dir: PathBuf,
    },
    /// Sent over SMTP.
    Smtp {
        /// `smtps://user:pass@host:465` (TLS), `smtp://user:pass@host:587?tls=required`
        /// (STARTTLS) or `smtp://host:25` (plain, for a local relay).
        url: String,
        /// The From address.
        from: String,
    },
}

/// Job kind of a mail delivery.
pub const JOB_SEND_MAIL: &str = "mail.send";

#[derive(Clone)]
pub(crate) enum Mailer {
    Outbox {
        dir: PathBuf,
        from: Mailbox,
    },
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
}

impl Mailer {
    pub(crate) fn new(cfg: &MailConfig) -> anyhow::Result<Self> {
        Ok(match cfg {
            MailConfig::Outbox { dir } => Mailer::Outbox {
                dir: dir.clone(),
                from: "Frontdesk <no-reply@frontdesk.invalid>".parse()?,
            },
            MailConfig::Smtp { url, from } => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("invalid --smtp-url: {e}"))?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build();
                Mailer::Smtp {
                    transport,
                    from: from
                        .parse()
                        .map_err(|e| anyhow::anyhow!("invalid --mail-from: {e}"))?,
                }
            }
        })
    }

    fn from(&self) -> &Mailbox {
        match self {
            Mailer::Outbox { from, .. } | Mailer::Smtp { from, .. } => from,
        }
    }

    fn build(&self, m: &Mail) -> anyhow::Result<Message> {
        let to: Mailbox = m.to_addr.parse()?;
        let builder = Message::builder()
            .from(self.from().clone())
            .to(to)
            .subject(m.subject.clone())
            .message_id(Some(format!("<{}@frontdesk>", m.id)));
        let msg = match &m.body_html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                m.body_text.clone(),
                html.clone(),
            ))?,
            None => builder
                .header(ContentType::TEXT_PLAIN)
                .body(m.body_text.clone())?,
        };
        Ok(msg)
    }

    /// Delivers one message; returns the transport's name.
    pub(crate) async fn deliver(&self, m: &Mail) -> anyhow::Result<&'static str> {
        let msg = self.build(m)?;
        match self {
            Mailer::Outbox { dir, .. } => {
                tokio::fs::create_dir_all(dir).await?;
                // Named by id: a retried delivery overwrites the same file instead of duplicating it.
                let path = dir.join(format!("{}.eml", m.id));
                let tmp = dir.join(format!(".{}.tmp", m.id));
                tokio::fs::write(&tmp, msg.formatted()).await?;
                tokio::fs::rename(&tmp, &path).await?;
                tracing::info!(to = %m.to_addr, subject = %m.subject, path = %path.display(), "e-mail written to the outbox folder");
                Ok("outbox")
            }
            Mailer::Smtp { transport, .. } => {
                transport.send(msg).await?;
                Ok("smtp")
            }
        }
    }
}

/// An e-mail to send.
#[derive(Debug, Clone)]
pub struct OutgoingMail {
    /// The business it is sent for, if any.
    pub tenant: Option<TenantId>,
    /// Recipient address.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Plain text body.
    pub text: String,
    /// HTML body (already escaped).
    pub html: Option<String>,
}

impl App {
    /// Records an e-mail and enqueues its delivery inside `tx`.
    pub async fn queue_mail(&self, tx: &mut Tx, m: OutgoingMail) -> AppResult<MailId> {
        let now = self.now_ms();
        let id = MailId::new();
        tx.insert_mail(&Mail {
            id,
            tenant_id: m.tenant,
            to_addr: m.to,
            subject: m.subject,
            body_text: m.text,
            body_html: m.html,
            status: "queued".into(),
            transport: None,
            error: None,
            created_at_ms: now,
            sent_at_ms: None,
        })
        .await?;
        tx.enqueue(
            &NewJob {
                tenant_id: m.tenant,
                queue: QUEUE_DEFAULT.into(),
                kind: JOB_SEND_MAIL.into(),
                payload: serde_json::json!({ "mail_id": id }),
                run_at_ms: now,
                max_attempts: 8,
                dedupe_key: Some(format!("mail:{id}")),
            },
            now,
        )
        .await?;
        Ok(id)
    }

    /// Delivers a recorded e-mail (the `mail.send` job). Idempotent: a sent message is not resent.
    pub async fn deliver_mail(&self, id: MailId) -> anyhow::Result<()> {
        let Some(m) = self.store.mail(id).await? else {
            return Ok(());
        };
        if m.status == "sent" {
            return Ok(());
        }
        match self.mailer.deliver(&m).await {
            Ok(transport) => {
                self.store
                    .mark_mail_sent(id, transport, self.now_ms())
                    .await?;
                Ok(())
            }
            Err(e) => {
                self.store
                    .mark_mail_failed(id, &format!("{e:#}"), false)
                    .await?;
                Err(e)
            }
        }
    }

    /// The outbox of a business (owners and admins).
    pub async fn list_mail(&self, ctx: &crate::Ctx, limit: i64) -> AppResult<Vec<Mail>> {
        if !ctx.role.can_manage() {
            return Err(crate::AppError::Forbidden("owner_or_admin_only"));
        }
        Ok(self.store.tenant_mail(ctx.tenant, limit).await?)
    }

    /// Where outbox files go, if mail is in outbox mode.
    pub fn outbox_dir(&self) -> Option<&std::path::Path> {
        match &self.config.mail {
            MailConfig::Outbox { dir } => Some(dir),
            MailConfig::Smtp { .. } => None,
        }
    }
}

/// Escapes text for HTML.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A simple e-mail with a greeting, paragraphs and one button link, as text and HTML.
pub fn link_mail(
    greeting: &str,
    paragraphs: &[&str],
    button: &str,
    link: &str,
    footer: &str,
) -> (String, String) {
    let mut text = format!("{greeting}\n\n");
    for p in paragraphs {
        text.push_str(p);
        text.push_str("\n\n");
    }
    text.push_str(&format!("{button}: {link}\n\n{footer}\n"));
    let mut html = format!(
        "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;color:#1b1f24;max-width:560px;margin:auto\"><p>{}</p>",
        escape_html(greeting)
    );
    for p in paragraphs {
        html.push_str(&format!("<p>{}</p>", escape_html(p)));
    }
    html.push_str(&format!(
        "<p><a href=\"{}\" style=\"display:inline-block;background:#1f6feb;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none\">{}</a></p><p style=\"color:#57606a;font-size:13px\">{}</p></body></html>",
        escape_html(link),
        escape_html(button),
        escape_html(footer)
    ));
    (text, html)
}
