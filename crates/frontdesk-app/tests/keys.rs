//! Promise S3: master-key rotation with no downtime. One process rotates the keyring file and
//! re-encrypts; another, still running with the old keyring, keeps reading every secret and
//! converges on the new key by itself.

use std::sync::Arc;

use frontdesk_app::{App, AppConfig, Ctx};
use frontdesk_core::crypto::{Keyring, KeyringFile};
use frontdesk_core::{ManualClock, TenantId};
use frontdesk_testkit::TestDb;

fn app_with(db: &TestDb, file: &std::path::Path) -> App {
    let mut cfg = AppConfig::for_dir(db.dir.path());
    cfg.keyring_file = Some(file.to_path_buf());
    let f: KeyringFile = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    let clock = ManualClock::new("2026-11-23T09:00:00Z".parse().unwrap());
    App::new(
        db.store.clone(),
        Arc::new(clock),
        cfg,
        Keyring::from_file(&f).unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn a_running_server_follows_a_rotation_made_elsewhere() {
    let db = TestDb::new().await;
    let file = db.dir.path().join("keyring.json");
    let mut kf = KeyringFile::generate();
    std::fs::write(&file, serde_json::to_vec(&kf).unwrap()).unwrap();
    let running = app_with(&db, &file);
    let (_, tenant) = running
        .signup(
            frontdesk_app::auth::SignupIn {
                business_name: "Rot".into(),
                name: "O".into(),
                email: "o@rot.example".into(),
                password: "correct horse battery".into(),
                slug: None,
                time_zone: "UTC".into(),
                country: "IT".into(),
                currency: "EUR".into(),
                language: None,
            },
            &Default::default(),
        )
        .await
        .unwrap();
    let ctx = Ctx::system(tenant);
    running
        .put_secret(&ctx, "old_one", "before rotation")
        .await
        .unwrap();
    let old_kid = running.active_kid();

    // `frontdesk admin rotate-keys` in another process: new key in the file, then re-encrypt.
    let new_kid = kf.add_new_key();
    std::fs::write(&file, serde_json::to_vec(&kf).unwrap()).unwrap();
    let admin = app_with(&db, &file);
    assert_eq!(admin.reencrypt_secrets().await.unwrap(), 1);
    admin
        .put_secret(&ctx, "new_one", "after rotation")
        .await
        .unwrap();

    // The running server never stopped: it still reads both (reloading the file on an unknown key id).
    assert_eq!(running.active_kid(), old_kid);
    assert_eq!(
        running
            .read_secret(tenant, "old_one")
            .await
            .unwrap()
            .as_deref(),
        Some("before rotation")
    );
    assert_eq!(
        running
            .read_secret(tenant, "new_one")
            .await
            .unwrap()
            .as_deref(),
        Some("after rotation")
    );
    assert_eq!(
        running.active_kid(),
        new_kid,
        "it picked up the new active key"
    );
    running
        .put_secret(&ctx, "later", "written after")
        .await
        .unwrap();
    let rows = db.store.tenant(tenant).secrets().await.unwrap();
    assert!(
        rows.iter().all(|r| r.key_id == new_kid),
        "everything is under the new key: {rows:?}"
    );
    let other = TenantId::new();
    assert!(
        running
            .read_secret(other, "old_one")
            .await
            .unwrap()
            .is_none(),
        "secrets are per tenant"
    );
}
