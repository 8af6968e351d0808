//! SMS: the real Twilio and SMSAPI adapters against faithful fakes, the `sms.send` job end to
//! end, and SMS credits per business (promises N1 low-credit alert, O1 codes by SMS, S1).

use std::time::Duration;

use frontdesk_app::AppError;
use frontdesk_app::sms::SmsConfig;
use frontdesk_channels::http::{AddressPolicy, ClientSettings, Outbound};
use frontdesk_channels::sms::{SmsError, SmsMessage, SmsTransport, SmsapiConfig, TwilioConfig};
use frontdesk_core::TenantId;
use frontdesk_testkit::TestApp;
use frontdesk_testkit::sms_fakes::{FakeSmsapi, FakeTwilio, Scripted};

const SID: &str = "AC00000000000000000000000000000001";
const TOKEN: &str = "twilio-test-token";

fn loopback_ok() -> Outbound {
    Outbound::new(ClientSettings {
        policy: AddressPolicy {
            allow_private: true,
        },
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_secs(5),
    })
}

fn twilio(base: &str, token: &str) -> SmsTransport {
    SmsTransport::Twilio(TwilioConfig {
        base_url: base.into(),
        account_sid: SID.into(),
        auth_token: token.to_string().into(),
        api_key_sid: None,
        from: Some("+15017122661".into()),
        messaging_service_sid: None,
        status_callback: None,
    })
}

fn smsapi(base: &str, token: &str) -> SmsTransport {
    SmsTransport::Smsapi(SmsapiConfig {
        base_url: base.into(),
        token: token.to_string().into(),
        from: Some("Frontdesk".into()),
    })
}

fn msg(to: &str) -> SmsMessage {
    SmsMessage {
        id: "sms_TEST0001".into(),
        to: to.into(),
        body: "Your code is 123456".into(),
    }
}

#[tokio::test]
async fn twilio_adapter_speaks_the_messages_api() {
    let fake = FakeTwilio::start(SID, TOKEN).await;
    let http = loopback_ok();
    let t = twilio(&fake.base_url(), TOKEN);

    let r = t.send(&http, &msg("+393471234567")).await.unwrap();
    assert_eq!(r.provider, "twilio");
    assert!(r.provider_id.starts_with("SM") && r.provider_id.len() == 34);
    assert_eq!((r.segments, r.status.as_str()), (1, "queued"));
    let got = fake.accepted();
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].user.as_deref(),
        Some(SID),
        "Basic auth with the account SID"
    );
    assert_eq!(got[0].to.as_deref(), Some("+393471234567"));
    assert_eq!(got[0].from.as_deref(), Some("+15017122661"));
    assert_eq!(got[0].body.as_deref(), Some("Your code is 123456"));

    // Bad credentials: 401 / 20003 is final.
    let bad = twilio(&fake.base_url(), "wrong");
    assert!(matches!(
        bad.send(&http, &msg("+393471234567")).await,
        Err(SmsError::Rejected { code, .. }) if code == "20003"
    ));
    // An invalid number: 400 / 21211 is final.
    assert!(matches!(
        t.send(&http, &msg("+12")).await,
        Err(SmsError::Rejected { code, .. }) if code == "21211"
    ));
    // 429 with Retry-After, and a 503: retry later, honouring Retry-After.
    fake.fail_next(Scripted::RateLimited { retry_after: 7 });
    assert_eq!(
        t.send(&http, &msg("+393471234567")).await.unwrap_err(),
        SmsError::Retry {
            reason: "Twilio 20429: Too Many Requests".into(),
            retry_after_secs: Some(7)
        }
    );
    fake.fail_next(Scripted::ServerError(503));
    assert!(matches!(
        t.send(&http, &msg("+393471234567")).await,
        Err(SmsError::Retry {
            retry_after_secs: None,
            ..
        })
    ));
    // Long Vietnamese text: UCS-2 segments as the provider counts them.
    let long = SmsMessage {
        body: "Nhắc lịch hẹn ".repeat(8),
        ..msg("+84912345678")
    };
    assert_eq!(t.send(&http, &long).await.unwrap().segments, 2);
}

#[tokio::test]
async fn smsapi_adapter_speaks_sms_do() {
    let fake = FakeSmsapi::start("smsapi-token").await;
    let http = loopback_ok();
    let t = smsapi(&fake.base_url(), "smsapi-token");

    let r = t.send(&http, &msg("+48500100200")).await.unwrap();
    assert_eq!(
        (r.provider, r.segments, r.status.as_str()),
        ("smsapi", 1, "QUEUE")
    );
    let got = fake.accepted();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].token.as_deref(), Some("smsapi-token"), "Bearer auth");
    assert_eq!(
        got[0].to.as_deref(),
        Some("48500100200"),
        "MSISDN without +"
    );
    assert_eq!(got[0].format.as_deref(), Some("json"), "always format=json");
    assert_eq!(got[0].encoding.as_deref(), Some("utf-8"));
    assert_eq!(
        (got[0].idx.as_deref(), got[0].check_idx.as_deref()),
        (Some("sms_TEST0001"), Some("1")),
        "our id is the provider's idempotency key"
    );
    assert_eq!(got[0].from.as_deref(), Some("Frontdesk"));

    // Errors come as JSON with HTTP 200: an invalid number is final…
    assert!(matches!(
        t.send(&http, &msg("+1234")).await,
        Err(SmsError::Rejected { code, .. }) if code == "13"
    ));
    // …and so are bad credentials.
    let bad = smsapi(&fake.base_url(), "nope");
    assert!(matches!(
        bad.send(&http, &msg("+48500100200")).await,
        Err(SmsError::Rejected { code, .. }) if code == "101"
    ));
    fake.fail_next(Scripted::RateLimited { retry_after: 3 });
    assert!(matches!(
        t.send(&http, &msg("+48500100200")).await,
        Err(SmsError::Retry {
            retry_after_secs: Some(3),
            ..
        })
    ));
    fake.fail_next(Scripted::ServerError(502));
    assert!(matches!(
        t.send(&http, &msg("+48500100200")).await,
        Err(SmsError::Retry { .. })
    ));
}

#[tokio::test]
async fn the_production_client_refuses_a_provider_on_loopback() {
    // Promise S-class SSRF guard: without the explicit test allowance, a provider URL on
    // 127.0.0.1 is refused before any connection, and nothing reaches the fake.
    let fake = FakeTwilio::start(SID, TOKEN).await;
    let strict = Outbound::new(ClientSettings::default());
    let err = twilio(&fake.base_url(), TOKEN)
        .send(&strict, &msg("+393471234567"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SmsError::Rejected { code, reason } if code == "config" && reason.contains("127.0.0.1")),
        "{err:?}"
    );
    assert!(fake.received().is_empty());
}

async fn app_with(transport: SmsTransport, initial: i64, threshold: i64) -> TestApp {
    TestApp::builder()
        .config(move |c| {
            c.sms = SmsConfig {
                transport,
                initial_credits: initial,
                low_credit_threshold: threshold,
                allow_private_network: true,
            };
        })
        .build()
        .await
}

async fn queue(
    app: &TestApp,
    t: TenantId,
    to: &str,
    body: &str,
    urgent: bool,
) -> Result<frontdesk_core::SmsId, AppError> {
    let mut tx = app.db.store.begin().await.unwrap();
    let r = app
        .app
        .queue_sms(&mut tx, t, to, body, "verification_code", urgent)
        .await;
    if r.is_ok() {
        tx.commit().await.unwrap();
    }
    r
}

#[tokio::test]
async fn queued_sms_is_delivered_once_through_the_job_and_retries_honour_retry_after() {
    // Promise O1 (codes go out by SMS) on the durable queue: queue_sms → sms.send → provider.
    let fake = FakeTwilio::start(SID, TOKEN).await;
    let app = app_with(twilio(&fake.base_url(), TOKEN), 100, 10).await;
    let o = app.signup("Text Salon", "owner@text.example").await;
    app.drain_jobs().await;

    fake.fail_next(Scripted::RateLimited { retry_after: 30 });
    let id = queue(&app, o.tenant, "+393471234567", "Your code is 654321", true)
        .await
        .unwrap();
    app.drain_jobs().await;
    assert!(fake.accepted().is_empty(), "the first call got a 429");
    let sms = app
        .db
        .store
        .tenant(o.tenant)
        .sms(id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sms.status, "queued");
    assert!(sms.error.as_deref().unwrap().contains("20429"));
    // Not before Retry-After…
    app.clock.advance_ms(20_000);
    app.drain_jobs().await;
    assert!(fake.accepted().is_empty(), "Retry-After is honoured");
    // …then once.
    app.clock.advance_ms(11_000);
    app.drain_jobs().await;
    let got = fake.accepted();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].body.as_deref(), Some("Your code is 654321"));
    let sms = app
        .db
        .store
        .tenant(o.tenant)
        .sms(id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sms.status, "sent");
    assert_eq!(sms.provider.as_deref(), Some("twilio"));
    assert_eq!(sms.provider_id, got[0].sid);
    assert_eq!(sms.attempts, 2);
    // Running the queue again, later, sends nothing twice.
    app.clock.advance_ms(3_600_000);
    app.drain_jobs().await;
    assert_eq!(fake.accepted().len(), 1);

    // The dashboard outbox and the API show it to the owner.
    let api = app.get("/api/v1/sms-outbox").cookie(&o.cookie).send().await;
    assert_eq!(api.json[0]["id"], id.to_string());
    assert_eq!(api.json[0]["status"], "sent");
    let page = app.get("/app/outbox").cookie(&o.cookie).send().await;
    assert!(page.text.contains("Your code is 654321"), "{}", page.text);
    assert!(page.text.contains("via twilio"));
}

#[tokio::test]
async fn a_rejected_sms_fails_for_good_and_gives_its_credits_back() {
    let fake = FakeSmsapi::start("tok").await;
    let app = app_with(smsapi(&fake.base_url(), "tok"), 10, 2).await;
    let o = app.signup("Refund Salon", "owner@refund.example").await;
    let t = app.db.store.tenant(o.tenant);
    let bad = queue(&app, o.tenant, "347 123 4567", "Hello", false).await;
    assert!(
        matches!(bad, Err(AppError::Invalid(_))),
        "not E.164: refused, nothing taken"
    );
    assert!(t.sms_credits().await.unwrap().is_none());
    // A 500 is retried; the segment stays taken once sent.
    fake.fail_next(Scripted::ServerError(500));
    let id = queue(&app, o.tenant, "+48500100200", "Hello", false)
        .await
        .unwrap();
    assert_eq!(t.sms_credits().await.unwrap().unwrap().balance, 9);
    app.drain_jobs().await;
    app.clock.advance_ms(60_000);
    app.drain_jobs().await;
    assert_eq!(fake.accepted().len(), 1, "the 500 was retried");
    assert_eq!(t.sms(id).await.unwrap().unwrap().status, "sent");
    assert_eq!(t.sms_credits().await.unwrap().unwrap().balance, 9);

    // A message the provider refuses for good (bad credentials) is failed and refunded.
    let app2 = app_with(smsapi(&fake.base_url(), "wrong-token"), 10, 2).await;
    let o2 = app2.signup("Refund Two", "owner@refund2.example").await;
    let t2 = app2.db.store.tenant(o2.tenant);
    let id3 = queue(&app2, o2.tenant, "+48500100200", "Hello", false)
        .await
        .unwrap();
    assert_eq!(t2.sms_credits().await.unwrap().unwrap().balance, 9);
    app2.drain_jobs().await;
    let s = t2.sms(id3).await.unwrap().unwrap();
    assert_eq!(s.status, "failed");
    assert!(s.error.as_deref().unwrap().contains("101"), "{s:?}");
    assert_eq!(
        t2.sms_credits().await.unwrap().unwrap().balance,
        10,
        "the reserved segment came back"
    );
}

#[tokio::test]
async fn credits_are_counted_per_business_refused_when_exhausted_and_alert_once() {
    // Promise N1 (low SMS-credit alert) and P2 (SMS credits per business).
    let app = app_with(
        SmsTransport::Outbox {
            dir: std::env::temp_dir().join(format!("fd-sms-{}", uuid_like())),
        },
        4,
        3,
    )
    .await;
    let a = app.signup("Credit A", "owner@credit-a.example").await;
    let b = app.signup("Credit B", "owner@credit-b.example").await;
    app.drain_jobs().await;
    queue(&app, a.tenant, "+393471234567", "one", false)
        .await
        .unwrap();
    assert_eq!(alerts(&app).await, 0, "4 → 3 is not below the threshold");
    queue(&app, a.tenant, "+393471234567", "two", false)
        .await
        .unwrap();
    assert_eq!(alerts(&app).await, 1, "3 → 2 crosses it: one alert");
    // A two-segment text takes two credits.
    let long = "x".repeat(200);
    queue(&app, a.tenant, "+393471234567", &long, false)
        .await
        .unwrap();
    assert_eq!(alerts(&app).await, 1, "only once per crossing");
    let r = queue(&app, a.tenant, "+393471234567", "three", true).await;
    assert!(
        matches!(r, Err(AppError::Conflict("sms_credits_exhausted", _))),
        "{r:?}"
    );
    let credits = app
        .get("/api/v1/sms-credits")
        .cookie(&a.cookie)
        .send()
        .await;
    assert_eq!(credits.json["balance"], 0);
    // Business B is untouched.
    queue(&app, b.tenant, "+393471234567", "b one", false)
        .await
        .unwrap();
    let credits = app
        .get("/api/v1/sms-credits")
        .cookie(&b.cookie)
        .send()
        .await;
    assert_eq!(credits.json["balance"], 3);
    // A top-up above the threshold re-arms the alert.
    assert_eq!(app.app.add_sms_credits(a.tenant, 5).await.unwrap(), 5);
    queue(&app, a.tenant, "+393471234567", "four", false)
        .await
        .unwrap();
    queue(&app, a.tenant, "+393471234567", "five", false)
        .await
        .unwrap();
    assert_eq!(alerts(&app).await, 1, "5 → 3 is not below 3");
    queue(&app, a.tenant, "+393471234567", "six", false)
        .await
        .unwrap();
    assert_eq!(
        alerts(&app).await,
        2,
        "a new crossing after the top-up alerts again"
    );
    app.drain_jobs().await;
    let list = app.get("/api/v1/sms-outbox").cookie(&a.cookie).send().await;
    assert_eq!(list.json.as_array().unwrap().len(), 6);
    assert!(
        list.json
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["status"] == "sent")
    );
    let list_b = app.get("/api/v1/sms-outbox").cookie(&b.cookie).send().await;
    assert_eq!(
        list_b.json.as_array().unwrap().len(),
        1,
        "tenant isolation of the outbox"
    );
}

#[tokio::test]
async fn an_urgent_sms_not_sent_within_fifteen_minutes_is_dropped() {
    let fake = FakeTwilio::start(SID, TOKEN).await;
    let app = app_with(twilio(&fake.base_url(), TOKEN), 10, 1).await;
    let o = app.signup("Late Salon", "owner@late.example").await;
    let id = queue(&app, o.tenant, "+393471234567", "Code 111111", true)
        .await
        .unwrap();
    app.clock.advance_ms(16 * 60_000);
    app.drain_jobs().await;
    assert!(fake.received().is_empty());
    let s = app
        .db
        .store
        .tenant(o.tenant)
        .sms(id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (s.status.as_str(), s.error.as_deref()),
        ("failed", Some("expired before it could be sent"))
    );
}

fn uuid_like() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

async fn alerts(app: &TestApp) -> usize {
    app.mail_to("owner@credit-a.example")
        .await
        .into_iter()
        .filter(|m| m.subject.contains("SMS credits"))
        .count()
}
