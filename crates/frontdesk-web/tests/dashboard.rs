//! The server-rendered dashboard, driven through the real router: every page renders, forms
//! follow Post/Redirect/Get, failures are HTML pages (never problem+json), text is escaped, and
//! the role and CSRF checks hold.

use axum::http::{StatusCode, header};
use frontdesk_testkit::{Session, TestApp, TestResponse};

const PASSWORD: &str = "correct horse battery";

fn location(res: &TestResponse) -> &str {
    res.headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[track_caller]
fn assert_html(res: &TestResponse, status: StatusCode) {
    assert_eq!(res.status, status, "body: {}", res.text);
    let ct = res
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        ct.starts_with("text/html"),
        "content type {ct} for: {}",
        res.text
    );
    assert!(res.text.starts_with("<!doctype html>"), "{}", res.text);
    // The CSP allows no inline script or style.
    assert!(
        !res.text.contains("style="),
        "inline style in: {}",
        res.text
    );
    assert!(
        !res.text.contains("<script>"),
        "inline script in: {}",
        res.text
    );
}

#[track_caller]
fn assert_redirect(res: &TestResponse, to: &str) {
    assert_eq!(res.status, StatusCode::SEE_OTHER, "body: {}", res.text);
    assert_eq!(location(res), to);
}

/// The flash cookie set by a response, as `name=value`.
fn flash_cookie(res: &TestResponse) -> Option<String> {
    res.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            let first = v.split(';').next()?;
            (first.starts_with("fd_flash=") && first.len() > "fd_flash=".len())
                .then(|| first.to_string())
        })
}

/// The path of the first link to `needle` in the newest e-mail to `to`.
async fn mail_link(app: &TestApp, to: &str, needle: &str) -> String {
    let link = app.link_in_mail(to, needle).await.expect("link in mail");
    link[link.find(needle).expect("path")..].to_string()
}

/// The value of the first `<input … value="…">` whose value starts with `prefix`.
fn shown_value(html: &str, prefix: &str) -> Option<String> {
    let start = html.find(&format!("value=\"{prefix}"))? + "value=\"".len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_string())
}

async fn first_location_id(app: &TestApp, s: &Session) -> String {
    let res = app.get("/api/v1/locations").cookie(&s.cookie).send().await;
    res.json[0]["id"].as_str().expect("location id").to_string()
}

#[tokio::test]
async fn every_page_renders_for_an_owner() {
    let app = TestApp::new().await;
    let owner = app.signup("Salon Lumière", "owner@lumiere.example").await;
    let loc = first_location_id(&app, &owner).await;
    let outbox = app.get("/api/v1/outbox").cookie(&owner.cookie).send().await;
    let mail = outbox.json[0]["id"].as_str().expect("mail id").to_string();

    let pages: Vec<(String, &str)> = vec![
        ("/app".into(), "Salon Lumière"),
        ("/app/business".into(), "Default language"),
        ("/app/locations".into(), "Add a location"),
        (format!("/app/locations/{loc}"), "Delete this location"),
        ("/app/team".into(), "Invite someone"),
        ("/app/keys".into(), "New API key"),
        ("/app/support".into(), "Grant support access"),
        ("/app/audit".into(), "signup"),
        (
            "/app/audit?action=login.&from=2026-11-01&until=2026-11-30".into(),
            "Audit log",
        ),
        ("/app/jobs".into(), "mail.send"),
        ("/app/jobs?status=dead".into(), "No jobs with status dead"),
        ("/app/outbox".into(), "Welcome to Frontdesk"),
        (format!("/app/outbox/{mail}"), "Open your dashboard"),
        ("/app/account".into(), "Log out everywhere"),
    ];
    for (path, expected) in &pages {
        let res = app.get(path).cookie(&owner.cookie).send().await;
        assert_html(&res, StatusCode::OK);
        assert!(
            res.text.contains(expected),
            "{path} should contain {expected:?}: {}",
            res.text
        );
        assert!(
            res.text.contains("<span class=\"badge\">owner</span>"),
            "{path} shows the role"
        );
        assert!(
            res.text.contains("Development mode"),
            "{path} shows the outbox banner"
        );
        assert!(
            res.text.contains("href=\"/app/keys\""),
            "{path}: owners see every link"
        );
    }
    // The overview says where the booking page lives.
    let res = app.get("/app").cookie(&owner.cookie).send().await;
    assert!(res.text.contains("/salon-lumiere"), "{}", res.text);

    // Signed in, the landing page and sign-in page lead to the dashboard.
    assert_redirect(&app.get("/").cookie(&owner.cookie).send().await, "/app");
    assert_redirect(
        &app.get("/login").cookie(&owner.cookie).send().await,
        "/app",
    );

    for (path, expected) in [
        ("/", "Create your business"),
        ("/signup", "Create business"),
        ("/login", "Forgot your password?"),
        ("/login/magic", "Send the link"),
        ("/login/forgot", "Reset your password"),
        ("/login/staff-key", "Staff key"),
    ] {
        let res = app.get(path).send().await;
        assert_html(&res, StatusCode::OK);
        assert!(
            res.text.contains(expected),
            "{path} should contain {expected:?}: {}",
            res.text
        );
    }

    let missing = app
        .get("/app/locations/loc_nonsense")
        .cookie(&owner.cookie)
        .send()
        .await;
    assert_html(&missing, StatusCode::NOT_FOUND);
    assert!(missing.text.contains("Page not found"));
    assert!(
        missing.text.contains("href=\"/app/keys\""),
        "the 404 page keeps the frame"
    );
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in() {
    let app = TestApp::new().await;
    assert_redirect(&app.get("/app").send().await, "/login?next=%2Fapp");
    assert_redirect(
        &app.get("/app/team?tab=1").send().await,
        "/login?next=%2Fapp%2Fteam%3Ftab%3D1",
    );
    assert_redirect(
        &app.get("/app/account")
            .cookie("__Host-fd_session=bogus")
            .send()
            .await,
        "/login?next=%2Fapp%2Faccount",
    );
    assert_redirect(
        &app.post("/app/locations")
            .form(&[("name", "x")])
            .send()
            .await,
        "/login",
    );

    let res = app.get("/login?next=%2Fapp%2Fteam").send().await;
    assert_html(&res, StatusCode::OK);
    assert!(res.text.contains("value=\"/app/team\""), "{}", res.text);
    assert!(res.text.contains("Sign in to continue"));
}

#[tokio::test]
async fn the_signup_form_creates_a_business_and_signs_in() {
    let app = TestApp::new().await;
    let bad = app
        .post("/signup")
        .form(&[
            ("business_name", "Trattoria Da Gino"),
            ("name", "Gino"),
            ("email", "not-an-email"),
            ("password", "short1"),
            ("time_zone", "Mars/Base"),
        ])
        .send()
        .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text.contains("E-mail is not a valid e-mail address."),
        "{}",
        bad.text
    );
    assert!(
        bad.text
            .contains("Password must have at least 10 characters."),
        "{}",
        bad.text
    );
    assert!(
        bad.text.contains("Time zone is not a known IANA time zone"),
        "{}",
        bad.text
    );
    assert!(
        bad.text.contains("value=\"Trattoria Da Gino\""),
        "the input is kept: {}",
        bad.text
    );
    assert!(!bad.text.contains("short1"), "the password is never echoed");
    assert!(bad.headers.get(header::SET_COOKIE).is_none());

    let form = [
        ("business_name", "Trattoria Da Gino"),
        ("name", "Gino"),
        ("email", "gino@trattoria.example"),
        ("password", PASSWORD),
        ("slug", ""),
        ("time_zone", "Europe/Rome"),
        ("country", "IT"),
        ("currency", "EUR"),
        ("language", "it"),
    ];
    let res = app.post("/signup").form(&form).send().await;
    assert_redirect(&res, "/app");
    let cookie = res.session_cookie().expect("session cookie");
    let page = app
        .get("/app")
        .cookie(&format!("{cookie}; {}", flash_cookie(&res).expect("flash")))
        .send()
        .await;
    assert_html(&page, StatusCode::OK);
    assert!(page.text.contains("Trattoria Da Gino"));
    assert!(
        page.text.contains("Your business is ready"),
        "{}",
        page.text
    );
    assert!(page.text.contains("/trattoria-da-gino"));

    let again = app.post("/signup").form(&form).send().await;
    assert_html(&again, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .text
            .contains("E-mail is already used by another account"),
        "{}",
        again.text
    );
}

#[tokio::test]
async fn the_login_form_signs_in_and_keeps_failures_generic() {
    let app = TestApp::new().await;
    app.signup("Clinic", "doc@clinic.example").await;

    let wrong = app
        .post("/login")
        .form(&[
            ("email", "doc@clinic.example"),
            ("password", "not the password"),
            ("next", "/app/team"),
        ])
        .send()
        .await;
    assert_html(&wrong, StatusCode::UNAUTHORIZED);
    assert!(
        wrong.text.contains("The e-mail or password is not right."),
        "{}",
        wrong.text
    );
    assert!(wrong.text.contains("value=\"doc@clinic.example\""));
    assert!(!wrong.text.contains("not the password"));
    assert!(wrong.session_cookie().is_none());
    let unknown = app
        .post("/login")
        .form(&[
            ("email", "nobody@clinic.example"),
            ("password", "whatever123"),
        ])
        .send()
        .await;
    assert_html(&unknown, StatusCode::UNAUTHORIZED);
    assert!(
        unknown
            .text
            .contains("The e-mail or password is not right.")
    );

    let ok = app
        .post("/login")
        .form(&[
            ("email", "doc@clinic.example"),
            ("password", PASSWORD),
            ("next", "/app/team"),
        ])
        .send()
        .await;
    assert_redirect(&ok, "/app/team");
    assert!(ok.session_cookie().is_some());
    let evil = app
        .post("/login")
        .form(&[
            ("email", "doc@clinic.example"),
            ("password", PASSWORD),
            ("next", "//evil.example/x"),
        ])
        .send()
        .await;
    assert_redirect(&evil, "/app");
}

#[tokio::test]
async fn too_many_failed_sign_ins_are_explained() {
    let app = TestApp::builder()
        .config(|c| c.login_failures_per_account = 2)
        .build()
        .await;
    app.signup("Spa", "spa@spa.example").await;
    for _ in 0..2 {
        let res = app
            .post("/login")
            .form(&[("email", "spa@spa.example"), ("password", "wrong password")])
            .send()
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    }
    let res = app
        .post("/login")
        .form(&[("email", "spa@spa.example"), ("password", PASSWORD)])
        .send()
        .await;
    assert_html(&res, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text.contains("Too many attempts"), "{}", res.text);
}

#[tokio::test]
async fn user_text_is_escaped() {
    let app = TestApp::new().await;
    let owner = app.signup("Escapes", "owner@escapes.example").await;
    let res = app
        .post("/app/locations")
        .cookie(&owner.cookie)
        .form(&[
            ("name", "<script>alert(1)</script>"),
            ("slug", "escapes-two"),
            ("time_zone", "Europe/Rome"),
            ("country", "IT"),
            ("currency", "EUR"),
        ])
        .send()
        .await;
    assert_redirect(&res, "/app/locations");
    let page = app
        .get("/app/locations")
        .cookie(&format!(
            "{}; {}",
            owner.cookie,
            flash_cookie(&res).expect("flash")
        ))
        .send()
        .await;
    assert_html(&page, StatusCode::OK);
    // askama writes `<` and `>` as the numeric entities `&#60;` and `&#62;` (same as `&lt;`/`&gt;`).
    let escaped = |s: &str| s.replace('<', "&#60;").replace('>', "&#62;");
    assert!(
        page.text
            .contains(&format!("\">{}</a>", escaped("<script>alert(1)</script>"))),
        "{}",
        page.text
    );
    assert!(!page.text.contains("<script>alert(1)"));
    // The flash message names the location, escaped too, and is cleared once shown.
    assert!(
        page.text.contains(&format!(
            "Location “{}” added.",
            escaped("<script>alert(1)</script>")
        )),
        "{}",
        page.text
    );
    let cleared = page
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with("fd_flash=;") && v.contains("Max-Age=0"));
    assert!(cleared, "the flash cookie is cleared");
}

#[tokio::test]
async fn invalid_forms_are_shown_again_with_field_messages() {
    let app = TestApp::new().await;
    let owner = app.signup("Forms", "owner@forms.example").await;
    let res = app
        .post("/app/locations")
        .cookie(&owner.cookie)
        .form(&[
            ("name", "Second place"),
            ("slug", "Bad Slug"),
            ("time_zone", "Nowhere/Town"),
            ("country", "IT"),
            ("currency", "EUR"),
            ("phone", "12"),
        ])
        .send()
        .await;
    assert_html(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text.contains("Booking page address must be 3–63"),
        "{}",
        res.text
    );
    assert!(
        res.text.contains("Time zone is not a known IANA time zone"),
        "{}",
        res.text
    );
    assert!(
        res.text.contains("Phone is not a valid phone number"),
        "{}",
        res.text
    );
    assert!(res.text.contains("value=\"Second place\""));
    assert!(res.text.contains("aria-invalid=\"true\""));

    let taken = app
        .post("/app/locations")
        .cookie(&owner.cookie)
        .form(&[
            ("name", "Copy"),
            ("slug", "forms"),
            ("time_zone", "Europe/Rome"),
            ("country", "IT"),
            ("currency", "EUR"),
        ])
        .send()
        .await;
    assert_html(&taken, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.text.contains("is taken"), "{}", taken.text);

    // Deleting the only location is refused with a message, not an error page.
    let loc = first_location_id(&app, &owner).await;
    let del = app
        .post(&format!("/app/locations/{loc}/delete"))
        .cookie(&owner.cookie)
        .send()
        .await;
    assert_redirect(&del, &format!("/app/locations/{loc}"));
    let page = app
        .get(&format!("/app/locations/{loc}"))
        .cookie(&format!(
            "{}; {}",
            owner.cookie,
            flash_cookie(&del).expect("flash")
        ))
        .send()
        .await;
    assert!(page.text.contains("at least one location"), "{}", page.text);
}

#[tokio::test]
async fn the_business_form_saves_and_redirects() {
    let app = TestApp::new().await;
    let owner = app.signup("Old name", "owner@rename.example").await;
    let res = app
        .post("/app/business")
        .cookie(&owner.cookie)
        .form(&[("name", "New name"), ("default_language", "fr")])
        .send()
        .await;
    assert_redirect(&res, "/app/business");
    let page = app.get("/app/business").cookie(&owner.cookie).send().await;
    assert!(page.text.contains("value=\"New name\""), "{}", page.text);
    let bad = app
        .post("/app/business")
        .cookie(&owner.cookie)
        .form(&[("name", ""), ("default_language", "xx")])
        .send()
        .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text.contains("Business name must not be empty."),
        "{}",
        bad.text
    );
    assert!(
        bad.text.contains("Default language must be one of"),
        "{}",
        bad.text
    );
}

#[tokio::test]
async fn a_receptionist_gets_the_403_page_for_owner_pages() {
    let app = TestApp::new().await;
    let owner = app.signup("Roles", "owner@roles.example").await;
    let rec = app
        .add_member(&owner, "desk@roles.example", "receptionist")
        .await;

    let home = app.get("/app").cookie(&rec.cookie).send().await;
    assert_html(&home, StatusCode::OK);
    assert!(home.text.contains("receptionist"));
    assert!(
        !home.text.contains("href=\"/app/keys\""),
        "the sidebar hides owner pages"
    );
    assert!(!home.text.contains("href=\"/app/outbox\""));

    for path in ["/app/keys", "/app/support", "/app/audit", "/app/jobs"] {
        let res = app.get(path).cookie(&rec.cookie).send().await;
        assert_html(&res, StatusCode::FORBIDDEN);
        assert!(res.text.contains("Only an owner"), "{path}: {}", res.text);
    }
    let res = app.get("/app/outbox").cookie(&rec.cookie).send().await;
    assert_html(&res, StatusCode::FORBIDDEN);
    assert!(res.text.contains("Only owners and admins"), "{}", res.text);

    let res = app
        .post("/app/locations")
        .cookie(&rec.cookie)
        .form(&[
            ("name", "Mine"),
            ("slug", "mine-now"),
            ("time_zone", "Europe/Rome"),
            ("country", "IT"),
            ("currency", "EUR"),
        ])
        .send()
        .await;
    assert_html(&res, StatusCode::FORBIDDEN);
    assert!(res.text.contains("Only an owner"));

    // Pages any member may see are read-only for them.
    let loc = first_location_id(&app, &owner).await;
    let res = app
        .get(&format!("/app/locations/{loc}"))
        .cookie(&rec.cookie)
        .send()
        .await;
    assert_html(&res, StatusCode::OK);
    assert!(res.text.contains("<fieldset disabled>"));
    let res = app.get("/app/team").cookie(&rec.cookie).send().await;
    assert_html(&res, StatusCode::OK);
    assert!(!res.text.contains("Invite someone"));
}

#[tokio::test]
async fn an_api_key_is_shown_once_and_works() {
    let app = TestApp::new().await;
    let owner = app.signup("Keys", "owner@keys.example").await;
    let bad = app
        .post("/app/keys")
        .cookie(&owner.cookie)
        .form(&[("name", ""), ("role", "owner")])
        .send()
        .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text.contains("Label must not be empty."),
        "{}",
        bad.text
    );

    let res = app
        .post("/app/keys")
        .cookie(&owner.cookie)
        .form(&[("name", "Website"), ("role", "admin")])
        .send()
        .await;
    assert_html(&res, StatusCode::OK);
    assert!(
        res.headers.get(header::SET_COOKIE).is_none(),
        "the secret never travels in a cookie"
    );
    let key = shown_value(&res.text, "ak_").expect("the key is shown");
    assert!(res.text.contains("shown only this once"));

    let api = app.get("/api/v1/business").bearer(&key).send().await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.text);
    assert_eq!(api.json["name"], "Keys");

    let list = app.get("/app/keys").cookie(&owner.cookie).send().await;
    assert!(list.text.contains("Website"));
    assert!(!list.text.contains(&key), "the key is never shown again");
    assert!(
        list.text.contains("2026-11-23 09:00 UTC"),
        "times are shown in UTC minutes: {}",
        list.text
    );

    let id = app
        .get("/api/v1/api-keys")
        .cookie(&owner.cookie)
        .send()
        .await
        .json[0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let res = app
        .post(&format!("/app/keys/{id}/revoke"))
        .cookie(&owner.cookie)
        .send()
        .await;
    assert_redirect(&res, "/app/keys");
    assert_eq!(
        app.get("/api/v1/business").bearer(&key).send().await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_staff_key_signs_a_member_in() {
    let app = TestApp::new().await;
    let owner = app.signup("Desk", "owner@desk.example").await;
    let member = app
        .add_member(&owner, "front@desk.example", "receptionist")
        .await;
    let user = member.user.to_string();
    let res = app
        .post("/app/staff-keys")
        .cookie(&owner.cookie)
        .form(&[("user_id", user.as_str()), ("name", "Front desk tablet")])
        .send()
        .await;
    assert_html(&res, StatusCode::OK);
    let key = shown_value(&res.text, "sk_").expect("staff key shown");

    let wrong = app
        .post("/login/staff-key")
        .form(&[("key", "sk_wrong")])
        .send()
        .await;
    assert_html(&wrong, StatusCode::UNAUTHORIZED);
    assert!(wrong.text.contains("This key is not right"));
    assert!(!wrong.text.contains("sk_wrong"), "the key is not echoed");

    let ok = app
        .post("/login/staff-key")
        .form(&[("key", key.as_str())])
        .send()
        .await;
    assert_redirect(&ok, "/app");
    let page = app
        .get("/app")
        .cookie(&ok.session_cookie().expect("cookie"))
        .send()
        .await;
    assert!(page.text.contains("receptionist"));

    let bad = app
        .post("/app/staff-keys")
        .cookie(&owner.cookie)
        .form(&[("user_id", "usr_nobody"), ("name", "x")])
        .send()
        .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text.contains("Member must be a member of the team."),
        "{}",
        bad.text
    );
}

#[tokio::test]
async fn the_magic_link_is_confirmed_with_a_button_and_works_once() {
    let app = TestApp::new().await;
    app.signup("Magic Nails", "owner@magic.example").await;

    let res = app
        .post("/login/magic")
        .form(&[("email", "owner@magic.example")])
        .send()
        .await;
    assert_redirect(&res, "/login/magic?sent=1");
    let unknown = app
        .post("/login/magic")
        .form(&[("email", "nobody@magic.example")])
        .send()
        .await;
    assert_redirect(&unknown, "/login/magic?sent=1");
    let sent = app.get("/login/magic?sent=1").send().await;
    assert_html(&sent, StatusCode::OK);
    assert!(
        sent.text
            .contains("If an account exists for that address, we sent a link")
    );
    assert!(sent.text.contains("outbox folder"), "{}", sent.text);

    let path = mail_link(&app, "owner@magic.example", "/auth/magic/").await;
    for _ in 0..2 {
        // Mail scanners fetch links: a GET never uses it.
        let page = app.get(&path).send().await;
        assert_html(&page, StatusCode::OK);
        assert!(
            page.text
                .contains("<form method=\"post\" action=\"/auth/magic/"),
            "{}",
            page.text
        );
        assert!(page.session_cookie().is_none());
    }
    let res = app.post(&path).send().await;
    assert_redirect(&res, "/app");
    let page = app
        .get("/app")
        .cookie(&res.session_cookie().expect("cookie"))
        .send()
        .await;
    assert_html(&page, StatusCode::OK);

    let again = app.post(&path).send().await;
    assert_html(&again, StatusCode::GONE);
    assert!(again.text.contains("already used"), "{}", again.text);
    assert!(again.session_cookie().is_none());
    let look = app.get(&path).send().await;
    assert_html(&look, StatusCode::GONE);
    assert!(look.text.contains("Get a new sign-in link"));

    let bad = app
        .post("/login/magic")
        .form(&[("email", "not an email")])
        .send()
        .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("E-mail is not a valid e-mail address."));
}

#[tokio::test]
async fn a_password_reset_sets_the_new_password_and_signs_in() {
    let app = TestApp::new().await;
    app.signup("Reset Studio", "owner@reset.example").await;
    let res = app
        .post("/login/forgot")
        .form(&[("email", "owner@reset.example")])
        .send()
        .await;
    assert_redirect(&res, "/login/forgot?sent=1");
    let path = mail_link(&app, "owner@reset.example", "/auth/reset/").await;

    let form = app.get(&path).send().await;
    assert_html(&form, StatusCode::OK);
    assert!(form.text.contains("New password"));
    let short = app.post(&path).form(&[("password", "short")]).send().await;
    assert_html(&short, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        short
            .text
            .contains("New password must have at least 10 characters."),
        "{}",
        short.text
    );

    let done = app
        .post(&path)
        .form(&[("password", "a brand new password")])
        .send()
        .await;
    assert_redirect(&done, "/app");
    assert!(done.session_cookie().is_some());
    app.login("owner@reset.example", "a brand new password")
        .await;
    assert_html(
        &app.post(&path)
            .form(&[("password", "another new password")])
            .send()
            .await,
        StatusCode::GONE,
    );
}

#[tokio::test]
async fn an_invitation_link_shows_the_business_and_joins_it() {
    let app = TestApp::new().await;
    let owner = app.signup("Team Salon", "owner@team.example").await;
    let res = app
        .post("/app/team")
        .cookie(&owner.cookie)
        .form(&[("email", "new@team.example"), ("role", "professional")])
        .send()
        .await;
    assert_redirect(&res, "/app/team");
    let flash = flash_cookie(&res).expect("flash");
    let page = app
        .get("/app/team")
        .cookie(&format!("{}; {flash}", owner.cookie))
        .send()
        .await;
    assert_html(&page, StatusCode::OK);
    assert!(
        page.text.contains("Invitation sent to new@team.example"),
        "{}",
        page.text
    );
    assert!(
        page.text.contains("/invite/iv_"),
        "the link is shown once: {}",
        page.text
    );
    assert!(page.text.contains("status-open"));

    let dup = app
        .post("/app/team")
        .cookie(&owner.cookie)
        .form(&[("email", "owner@team.example"), ("role", "admin")])
        .send()
        .await;
    assert_html(&dup, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(dup.text.contains("already in the team"), "{}", dup.text);

    let path = mail_link(&app, "new@team.example", "/invite/").await;
    let form = app.get(&path).send().await;
    assert_html(&form, StatusCode::OK);
    assert!(
        form.text.contains("Team Salon")
            && form.text.contains("professional")
            && form.text.contains("Choose a password"),
        "{}",
        form.text
    );
    let bad = app
        .post(&path)
        .form(&[("name", "Nina"), ("password", "short")])
        .send()
        .await;
    assert_html(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("value=\"Nina\""), "{}", bad.text);
    let ok = app
        .post(&path)
        .form(&[("name", "Nina"), ("password", "nina's long password")])
        .send()
        .await;
    assert_redirect(&ok, "/app");
    let home = app
        .get("/app")
        .cookie(&ok.session_cookie().expect("cookie"))
        .send()
        .await;
    assert!(
        home.text.contains("professional") && home.text.contains("Nina"),
        "{}",
        home.text
    );
    assert_html(&app.get(&path).send().await, StatusCode::GONE);

    // Role change and removal answer with a redirect and a message.
    let member = app.get("/api/v1/team").cookie(&owner.cookie).send().await;
    let nina = member
        .json
        .as_array()
        .expect("team")
        .iter()
        .find(|m| m["name"] == "Nina")
        .expect("nina")["user_id"]
        .as_str()
        .expect("id")
        .to_string();
    let res = app
        .post(&format!("/app/team/{nina}/role"))
        .cookie(&owner.cookie)
        .form(&[("role", "admin")])
        .send()
        .await;
    assert_redirect(&res, "/app/team");
    let res = app
        .post(&format!("/app/team/{}/role", owner.user))
        .cookie(&owner.cookie)
        .form(&[("role", "admin")])
        .send()
        .await;
    assert_redirect(&res, "/app/team");
    let page = app
        .get("/app/team")
        .cookie(&format!(
            "{}; {}",
            owner.cookie,
            flash_cookie(&res).expect("flash")
        ))
        .send()
        .await;
    assert!(page.text.contains("at least one owner"), "{}", page.text);
    let res = app
        .post(&format!("/app/team/{nina}/remove"))
        .cookie(&owner.cookie)
        .send()
        .await;
    assert_redirect(&res, "/app/team");
}

#[tokio::test]
async fn support_access_is_read_only_and_says_so() {
    let app = TestApp::new().await;
    let owner = app.signup("Supported", "owner@supported.example").await;
    let res = app
        .post("/app/support")
        .cookie(&owner.cookie)
        .form(&[
            ("email", "helper@vendor.example"),
            ("hours", "many"),
            ("reason", ""),
        ])
        .send()
        .await;
    assert_html(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("Hours must be a whole number of hours."));
    let res = app
        .post("/app/support")
        .cookie(&owner.cookie)
        .form(&[
            ("email", "helper@vendor.example"),
            ("hours", "4"),
            ("reason", "Ticket 42"),
        ])
        .send()
        .await;
    assert_redirect(&res, "/app/support");
    let list = app.get("/app/support").cookie(&owner.cookie).send().await;
    assert!(
        list.text.contains("Ticket 42") && list.text.contains("status-active"),
        "{}",
        list.text
    );

    let path = mail_link(&app, "helper@vendor.example", "/auth/magic/").await;
    let res = app.post(&path).send().await;
    assert_redirect(&res, "/app");
    let support = res.session_cookie().expect("cookie");
    let home = app.get("/app").cookie(&support).send().await;
    assert_html(&home, StatusCode::OK);
    assert!(
        home.text.contains("Read-only support access"),
        "{}",
        home.text
    );
    assert!(!home.text.contains("href=\"/app/keys\""));
    let biz = app.get("/app/business").cookie(&support).send().await;
    assert_html(&biz, StatusCode::OK);
    assert!(
        !biz.text
            .contains("<form method=\"post\" action=\"/app/business\"")
    );

    let res = app
        .post("/app/business")
        .cookie(&support)
        .form(&[("name", "Hacked"), ("default_language", "en")])
        .send()
        .await;
    assert_html(&res, StatusCode::FORBIDDEN);
    assert!(res.text.contains("read-only"), "{}", res.text);
    assert!(
        res.text.contains("Read-only support access"),
        "the 403 page keeps the frame"
    );

    let audit = app
        .get("/app/audit?action=support.")
        .cookie(&owner.cookie)
        .send()
        .await;
    assert!(audit.text.contains("support.read"), "{}", audit.text);
}

#[tokio::test]
async fn a_cross_site_form_post_is_refused() {
    let app = TestApp::new().await;
    let owner = app.signup("Csrf", "owner@csrf.example").await;
    let res = app
        .post("/app/locations")
        .cookie(&owner.cookie)
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://evil.example")
        .form(&[
            ("name", "Evil"),
            ("slug", "evil-place"),
            ("time_zone", "Europe/Rome"),
            ("country", "IT"),
            ("currency", "EUR"),
        ])
        .send()
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let locations = app
        .get("/api/v1/locations")
        .cookie(&owner.cookie)
        .send()
        .await;
    assert_eq!(locations.json.as_array().expect("list").len(), 1);

    let same = app
        .post("/app/locations")
        .cookie(&owner.cookie)
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("name", "Fine"),
            ("slug", "fine-place"),
            ("time_zone", "Europe/Rome"),
            ("country", "IT"),
            ("currency", "EUR"),
        ])
        .send()
        .await;
    assert_redirect(&same, "/app/locations");
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = TestApp::new().await;
    let owner = app.signup("Bye", "owner@bye.example").await;
    let res = app.post("/logout").cookie(&owner.cookie).send().await;
    assert_redirect(&res, "/login");
    let cleared = res
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("fd_session=;") && v.contains("Max-Age=0"));
    assert!(cleared);
    assert_redirect(
        &app.get("/app").cookie(&owner.cookie).send().await,
        "/login?next=%2Fapp",
    );

    let a = app.login("owner@bye.example", PASSWORD).await;
    let b = app.login("owner@bye.example", PASSWORD).await;
    let account = app.get("/app/account").cookie(&a).send().await;
    assert!(account.text.contains("this session"));
    assert_redirect(
        &app.post("/logout-everywhere").cookie(&a).send().await,
        "/login",
    );
    assert_redirect(
        &app.get("/app").cookie(&b).send().await,
        "/login?next=%2Fapp",
    );
}

#[tokio::test]
async fn the_account_page_changes_profile_and_password() {
    let app = TestApp::new().await;
    let owner = app.signup("Account", "owner@account.example").await;
    let res = app
        .post("/app/account/profile")
        .cookie(&owner.cookie)
        .form(&[
            ("name", "Ada"),
            ("phone", "06 1234 5678"),
            ("language", "it"),
        ])
        .send()
        .await;
    assert_redirect(&res, "/app/account");
    let page = app.get("/app/account").cookie(&owner.cookie).send().await;
    assert!(
        page.text.contains("value=\"Ada\"") && page.text.contains("+39061234"),
        "{}",
        page.text
    );

    let wrong = app
        .post("/app/account/password")
        .cookie(&owner.cookie)
        .form(&[
            ("current_password", "nope nope nope"),
            ("new_password", "a new password 1"),
        ])
        .send()
        .await;
    assert_html(&wrong, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .text
            .contains("Current password is not your current password."),
        "{}",
        wrong.text
    );
    assert!(!wrong.text.contains("nope nope nope"));
    let ok = app
        .post("/app/account/password")
        .cookie(&owner.cookie)
        .form(&[
            ("current_password", PASSWORD),
            ("new_password", "a new password 1"),
        ])
        .send()
        .await;
    assert_redirect(&ok, "/app/account");
    app.login("owner@account.example", "a new password 1").await;

    // Someone with an account joins a second business with their password, and can switch.
    let other = app.signup("Second Biz", "other@account.example").await;
    let res = app
        .post("/app/team")
        .cookie(&other.cookie)
        .form(&[("email", "owner@account.example"), ("role", "admin")])
        .send()
        .await;
    assert_redirect(&res, "/app/team");
    let path = mail_link(&app, "owner@account.example", "/invite/").await;
    let form = app.get(&path).send().await;
    assert!(
        form.text.contains("You already have a Frontdesk account"),
        "{}",
        form.text
    );
    let wrong = app
        .post(&path)
        .form(&[("password", "not my password")])
        .send()
        .await;
    assert_html(&wrong, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .text
            .contains("Your password is not the password of this account."),
        "{}",
        wrong.text
    );
    assert_redirect(
        &app.post(&path)
            .form(&[("password", "a new password 1")])
            .send()
            .await,
        "/app",
    );
    let page = app.get("/app/account").cookie(&owner.cookie).send().await;
    assert!(page.text.contains("Second Biz (admin)"), "{}", page.text);
    let res = app
        .post("/app/account/business")
        .cookie(&owner.cookie)
        .form(&[("business_id", &other.tenant.to_string())])
        .send()
        .await;
    assert_redirect(&res, "/app");
    let home = app.get("/app").cookie(&owner.cookie).send().await;
    assert!(
        home.text.contains("Second Biz") && home.text.contains("admin"),
        "{}",
        home.text
    );
}

#[tokio::test]
async fn assets_are_served_with_types_and_cache_headers() {
    let app = TestApp::new().await;
    let css = app.get("/assets/app.css").send().await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert!(
        css.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    assert!(css.text.contains(":focus-visible"));
    let js = app.get("/assets/app.js").send().await;
    assert_eq!(js.status, StatusCode::OK);
    assert_eq!(
        js.headers[header::CONTENT_TYPE],
        "text/javascript; charset=utf-8"
    );
    assert!(js.text.contains("data-confirm"));

    // Pages link the versioned URLs, which may be cached for long.
    let page = app.get("/login").send().await;
    let start = page.text.find("/assets/app.css?v=").expect("css link");
    let url = &page.text[start
        ..page.text[start..]
            .find('"')
            .map(|e| start + e)
            .expect("end")];
    let versioned = app.get(url).send().await;
    assert!(
        versioned.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
}
