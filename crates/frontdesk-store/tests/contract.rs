//! The store contract: the same stories on SQLite and PostgreSQL (CI runs this file on both,
//! selected by FRONTDESK_TEST_BACKEND), plus the schema rules every tenant table must follow.

use frontdesk_core::*;
use frontdesk_store::jobs::NewJob;
use frontdesk_store::*;
use frontdesk_testkit::TestDb;

const T0: i64 = 1_795_000_000_000;

async fn tenant_with_location(store: &Store, name: &str, slug: &str) -> (TenantId, LocationId) {
    let t = TenantId::new();
    let l = LocationId::new();
    let mut tx = store.begin().await.unwrap();
    {
        let mut w = tx.tenant(t);
        w.insert_tenant(name, "en", T0).await.unwrap();
        w.insert_location(&Location {
            tenant_id: t,
            id: l,
            name: name.into(),
            slug: slug.into(),
            address: "Via Roma 1".into(),
            phone: None,
            time_zone: "Europe/Rome".into(),
            country: "IT".into(),
            currency: "EUR".into(),
            brand_colour: "#112233".into(),
            booking_description: None,
            tax_id: None,
            image_url: None,
            created_at_ms: T0,
            updated_at_ms: T0,
        })
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    (t, l)
}

fn user(email: &str) -> User {
    User {
        id: UserId::new(),
        email: email.into(),
        email_key: email.to_lowercase(),
        name: "Ana".into(),
        phone: None,
        language: "en".into(),
        password_hash: None,
        created_at_ms: T0,
        updated_at_ms: T0,
    }
}

#[test]
fn both_backends_have_the_same_migration_versions() {
    let s: Vec<i64> = Store::migration_versions(Backend::Sqlite)
        .into_iter()
        .map(|m| m.0)
        .collect();
    let p: Vec<i64> = Store::migration_versions(Backend::Postgres)
        .into_iter()
        .map(|m| m.0)
        .collect();
    assert!(!s.is_empty());
    assert_eq!(
        s, p,
        "migrations/sqlite and migrations/postgres must hold the same versions"
    );
}

/// Promise T1 / architecture: every tenant table leads its primary key, foreign keys to other
/// tenant tables, and indexes with tenant_id; every table is either a tenant table or listed as
/// global. A new table that breaks the rule, or is not classified, fails here.
#[tokio::test]
async fn every_tenant_table_leads_its_keys_with_tenant_id() {
    let db = TestDb::new().await;
    let tables = db.store.describe_schema().await.unwrap();
    assert!(
        tables.len() >= 10,
        "schema read back: {:?}",
        tables.iter().map(|t| &t.name).collect::<Vec<_>>()
    );
    let mut problems = Vec::new();
    for t in &tables {
        let global = GLOBAL_TABLES.contains(&t.name.as_str());
        let has_tenant = t.columns.iter().any(|c| c == "tenant_id");
        if global {
            continue;
        }
        if !has_tenant {
            problems.push(format!(
                "{}: no tenant_id column and not listed in GLOBAL_TABLES",
                t.name
            ));
            continue;
        }
        if t.primary_key.first().map(String::as_str) != Some("tenant_id") {
            problems.push(format!(
                "{}: primary key {:?} does not lead with tenant_id",
                t.name, t.primary_key
            ));
        }
        for fk in &t.foreign_keys {
            let to_global = GLOBAL_TABLES.contains(&fk.references.as_str());
            if !to_global && fk.columns.first().map(String::as_str) != Some("tenant_id") {
                problems.push(format!(
                    "{}: foreign key {:?} → {} does not lead with tenant_id",
                    t.name, fk.columns, fk.references
                ));
            }
        }
        for idx in &t.indexes {
            if idx.columns.first().map(String::as_str) != Some("tenant_id") {
                problems.push(format!(
                    "{}: index {} {:?} does not lead with tenant_id",
                    t.name, idx.name, idx.columns
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "schema rule broken:\n{}",
        problems.join("\n")
    );
    // Every global table exists (the list is not stale).
    for g in GLOBAL_TABLES {
        assert!(
            tables.iter().any(|t| t.name == *g),
            "GLOBAL_TABLES lists {g}, which does not exist"
        );
    }
}

#[tokio::test]
async fn tenant_scope_never_sees_another_tenants_rows() {
    let db = TestDb::new().await;
    let (a, la) = tenant_with_location(&db.store, "A", "biz-a").await;
    let (b, _lb) = tenant_with_location(&db.store, "B", "biz-b").await;
    assert!(db.store.tenant(a).location(la).await.unwrap().is_some());
    assert!(
        db.store.tenant(b).location(la).await.unwrap().is_none(),
        "B must not load A's location by id"
    );
    assert_eq!(db.store.tenant(b).locations().await.unwrap().len(), 1);
    // Writes through B's scope cannot touch A's rows.
    let mut tx = db.store.begin().await.unwrap();
    assert!(!tx.tenant(b).delete_location(la).await.unwrap());
    let mut loc = db.store.tenant(a).location(la).await.unwrap().unwrap();
    loc.name = "hijacked".into();
    assert!(!tx.tenant(b).update_location(&loc).await.unwrap());
    tx.commit().await.unwrap();
    assert_eq!(
        db.store.tenant(a).location(la).await.unwrap().unwrap().name,
        "A"
    );
}

#[tokio::test]
async fn unique_violations_are_conflicts_and_change_nothing() {
    let db = TestDb::new().await;
    let (_a, _) = tenant_with_location(&db.store, "A", "same-slug").await;
    let t = TenantId::new();
    let mut tx = db.store.begin().await.unwrap();
    tx.tenant(t).insert_tenant("B", "en", T0).await.unwrap();
    let l = Location {
        tenant_id: t,
        id: LocationId::new(),
        name: "B".into(),
        slug: "same-slug".into(),
        address: String::new(),
        phone: None,
        time_zone: "UTC".into(),
        country: "IT".into(),
        currency: "EUR".into(),
        brand_colour: "#000000".into(),
        booking_description: None,
        tax_id: None,
        image_url: None,
        created_at_ms: T0,
        updated_at_ms: T0,
    };
    let err = tx.tenant(t).insert_location(&l).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict("slug_taken")), "{err:?}");
    drop(tx); // rolled back
    assert!(
        db.store.tenant(t).get().await.unwrap().is_none(),
        "the rolled-back tenant must not exist"
    );

    let mut tx = db.store.begin().await.unwrap();
    tx.insert_user(&user("ana@example.com")).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.store.begin().await.unwrap();
    let err = tx.insert_user(&user("ANA@example.com")).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict("email_taken")),
        "{err:?}"
    );
}

#[tokio::test]
async fn slugs_resolve_to_their_location_and_move_with_it() {
    let db = TestDb::new().await;
    let (a, la) = tenant_with_location(&db.store, "A", "first-slug").await;
    let found = db
        .store
        .location_by_slug("first-slug")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found.tenant_id, found.id), (a, la));
    let mut loc = found;
    loc.slug = "second-slug".into();
    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.tenant(a).update_location(&loc).await.unwrap());
    tx.commit().await.unwrap();
    assert!(
        db.store
            .location_by_slug("first-slug")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        db.store
            .location_by_slug("second-slug")
            .await
            .unwrap()
            .unwrap()
            .id,
        la
    );
}

#[tokio::test]
async fn link_tokens_are_single_use_and_expire() {
    let db = TestDb::new().await;
    let u = user("bo@example.com");
    let mut tx = db.store.begin().await.unwrap();
    tx.insert_user(&u).await.unwrap();
    let tok = AuthToken {
        id: AuthTokenId::new(),
        user_id: u.id,
        purpose: "magic_link".into(),
        secret_hash: "x$y".into(),
        created_at_ms: T0,
        expires_at_ms: T0 + 1000,
        used_at_ms: None,
    };
    tx.insert_auth_token(&tok).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.use_auth_token(tok.id, T0 + 10).await.unwrap());
    assert!(
        !tx.use_auth_token(tok.id, T0 + 20).await.unwrap(),
        "second use must fail"
    );
    tx.commit().await.unwrap();
    let tok2 = AuthToken {
        id: AuthTokenId::new(),
        ..tok
    };
    let mut tx = db.store.begin().await.unwrap();
    tx.insert_auth_token(&tok2).await.unwrap();
    assert!(
        !tx.use_auth_token(tok2.id, T0 + 1000).await.unwrap(),
        "expired token must fail"
    );
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn sessions_purge_after_expiry() {
    let db = TestDb::new().await;
    let u = user("cy@example.com");
    let s = Session {
        id: SessionId::new(),
        token_hash: "h1".into(),
        user_id: u.id,
        tenant_id: None,
        staff_key_id: None,
        created_at_ms: T0,
        expires_at_ms: T0 + 100,
        last_seen_at_ms: T0,
        ip: None,
        user_agent: None,
    };
    let mut tx = db.store.begin().await.unwrap();
    tx.insert_user(&u).await.unwrap();
    tx.insert_session(&s).await.unwrap();
    tx.commit().await.unwrap();
    assert!(db.store.session_by_hash("h1").await.unwrap().is_some());
    db.store.purge_expired_auth(T0 + 50).await.unwrap();
    assert!(db.store.session_by_hash("h1").await.unwrap().is_some());
    db.store.purge_expired_auth(T0 + 100).await.unwrap();
    assert!(db.store.session_by_hash("h1").await.unwrap().is_none());
}

#[tokio::test]
async fn rate_counters_count_per_window() {
    let db = TestDb::new().await;
    let w = 60_000;
    assert_eq!(db.store.hit_counter("k", w, T0).await.unwrap(), 1);
    assert_eq!(db.store.hit_counter("k", w, T0 + 1).await.unwrap(), 2);
    assert_eq!(db.store.read_counter("k", w, T0 + 2).await.unwrap(), 2);
    let next = T0 - T0.rem_euclid(w) + w;
    assert_eq!(
        db.store.hit_counter("k", w, next).await.unwrap(),
        1,
        "a new window starts at 1"
    );
    db.store.reset_counter("k").await.unwrap();
    assert_eq!(db.store.read_counter("k", w, next).await.unwrap(), 0);
}

fn job(key: Option<&str>) -> NewJob {
    NewJob {
        tenant_id: None,
        queue: "default".into(),
        kind: "test".into(),
        payload: serde_json::json!({"n": 1}),
        run_at_ms: T0,
        max_attempts: 3,
        dedupe_key: key.map(str::to_string),
    }
}

#[tokio::test]
async fn jobs_dedupe_claim_lease_and_dead_letter() {
    let db = TestDb::new().await;
    let s = &db.store;
    let id = s.enqueue(&job(Some("once")), T0).await.unwrap().unwrap();
    assert!(
        s.enqueue(&job(Some("once")), T0).await.unwrap().is_none(),
        "same dedupe key is enqueued once"
    );
    assert!(
        s.claim_jobs("default", "w1", T0 - 1, 1000, 10)
            .await
            .unwrap()
            .is_empty(),
        "not due yet"
    );
    let c = s.claim_jobs("default", "w1", T0, 1000, 10).await.unwrap();
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].attempts, 1);
    assert!(
        s.claim_jobs("default", "w2", T0 + 10, 1000, 10)
            .await
            .unwrap()
            .is_empty(),
        "leased jobs are not claimed twice"
    );
    // The worker dies; after the lease another worker takes it over.
    let c2 = s
        .claim_jobs("default", "w2", T0 + 1001, 1000, 10)
        .await
        .unwrap();
    assert_eq!(c2.len(), 1);
    assert_eq!(c2[0].attempts, 2);
    assert!(
        !s.complete_job(id, "w1", T0 + 1002).await.unwrap(),
        "the old worker lost its lease"
    );
    assert!(
        s.fail_job(id, "w2", "boom", Some(T0 + 5000), T0 + 1002)
            .await
            .unwrap()
    );
    let j = s.job(id).await.unwrap().unwrap();
    assert_eq!(
        (j.status.as_str(), j.last_error.as_deref(), j.run_at_ms),
        ("queued", Some("boom"), T0 + 5000)
    );
    let c3 = s
        .claim_jobs("default", "w3", T0 + 5000, 1000, 10)
        .await
        .unwrap();
    assert_eq!(c3[0].attempts, 3);
    assert!(
        s.fail_job(id, "w3", "final", None, T0 + 5001)
            .await
            .unwrap()
    );
    assert_eq!(s.job(id).await.unwrap().unwrap().status, "dead");
    assert!(
        s.claim_jobs("default", "w3", T0 + 99_999, 1000, 10)
            .await
            .unwrap()
            .is_empty(),
        "dead jobs stay dead"
    );
}

#[tokio::test]
async fn concurrent_claims_never_hand_out_a_job_twice() {
    let db = TestDb::new().await;
    for _ in 0..60 {
        db.store.enqueue(&job(None), T0).await.unwrap();
    }
    let mut handles = Vec::new();
    for w in 0..6 {
        let s = db.store.clone();
        handles.push(tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let c = s
                    .claim_jobs("default", &format!("w{w}"), T0, 60_000, 4)
                    .await
                    .unwrap();
                if c.is_empty() {
                    break;
                }
                got.extend(c.into_iter().map(|j| j.id));
            }
            got
        }));
    }
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.unwrap());
    }
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(n, 60, "every job claimed");
    assert_eq!(all.len(), 60, "no job claimed twice");
}

#[tokio::test]
async fn secrets_are_swapped_only_if_unchanged() {
    let db = TestDb::new().await;
    let (t, _) = tenant_with_location(&db.store, "A", "sec-biz").await;
    let mut tx = db.store.begin().await.unwrap();
    tx.tenant(t)
        .put_secret("smtp", "v1.k1.old", "k1", T0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let rows = db.store.secrets_needing_rotation("k2", 10).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert!(
        !db.store
            .swap_secret_ciphertext(t, rows[0].id, "v1.k1.other", "v1.k2.new", "k2")
            .await
            .unwrap()
    );
    assert!(
        db.store
            .swap_secret_ciphertext(t, rows[0].id, "v1.k1.old", "v1.k2.new", "k2")
            .await
            .unwrap()
    );
    assert!(
        db.store
            .secrets_needing_rotation("k2", 10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn deleting_a_tenant_cascades_to_every_tenant_table() {
    let db = TestDb::new().await;
    let (a, _) = tenant_with_location(&db.store, "A", "gone-biz").await;
    let (b, _) = tenant_with_location(&db.store, "B", "kept-biz").await;
    let tables = db.store.describe_schema().await.unwrap();
    db.store.delete_tenant_rows(a).await.unwrap();
    for t in tables
        .iter()
        .filter(|t| t.columns.iter().any(|c| c == "tenant_id"))
    {
        assert_eq!(
            db.store.count_tenant_rows(&t.name, a).await.unwrap(),
            0,
            "{} still holds rows of the deleted tenant",
            t.name
        );
    }
    assert_eq!(
        db.store.count_tenant_rows("locations", b).await.unwrap(),
        1,
        "the other tenant is untouched"
    );
    assert!(
        db.store
            .location_by_slug("gone-biz")
            .await
            .unwrap()
            .is_none()
    );
}
