//! Service stories that need to reach under the web layer (time passing, a second server).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use liaise_service::{
    Liaise, dialect,
    domain::{Role, Viewer},
};
use liaise_store::{Store, queries::users};
use sha2::{Digest, Sha256};

#[tokio::test]
async fn an_idle_session_ends_and_its_row_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    let url = dialect::sqlite_url(&dir.path().join("liaise.db"));
    let liaise = Liaise::open(&url).await.unwrap();
    let password = "a long enough password".to_owned();
    liaise
        .add_user(
            &Viewer::system(),
            "idle@example.org",
            None,
            Role::Member,
            Some(password.clone()),
        )
        .await
        .unwrap();
    let session = liaise
        .login("idle@example.org", &password, "127.0.0.1")
        .await
        .unwrap();
    assert!(liaise.session(&session.secret).await.unwrap().is_some());

    // Three hours pass without a request (the idle limit is two).
    let store = Store::connect(&url).await.unwrap();
    let hash = hex::encode(Sha256::digest(session.secret.as_bytes()));
    let (row, _) = users::session_with_user(store.conn(), &hash)
        .await
        .unwrap()
        .unwrap();
    let then = time::OffsetDateTime::now_utc() - time::Duration::hours(3);
    users::touch_session(store.conn(), row.id, then)
        .await
        .unwrap();

    // A server that has not cached the session sees it has ended, and removes it.
    let other = Liaise::open(&url).await.unwrap();
    assert!(other.session(&session.secret).await.unwrap().is_none());
    assert!(
        users::session_with_user(store.conn(), &hash)
            .await
            .unwrap()
            .is_none()
    );
    // A sweep removes nothing more; a fresh sign-in works.
    assert_eq!(other.sweep_sessions().await.unwrap(), 0);
    assert!(
        other
            .login("idle@example.org", &password, "127.0.0.1")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn sign_in_takes_as_long_for_an_unknown_account() {
    let dir = tempfile::tempdir().unwrap();
    let url = dialect::sqlite_url(&dir.path().join("liaise.db"));
    let liaise = Liaise::open(&url).await.unwrap();
    let password = "a long enough password".to_owned();
    liaise
        .add_user(
            &Viewer::system(),
            "known@example.org",
            None,
            Role::Member,
            Some(password),
        )
        .await
        .unwrap();
    // Warm the dummy hash first, then time both failures several times.
    let _ = liaise.login("warm@example.org", "x", "10.0.0.1").await;
    let time = |email: &'static str, client: &'static str| {
        let liaise = liaise.clone();
        async move {
            let start = std::time::Instant::now();
            let r = liaise.login(email, "wrong password here", client).await;
            assert!(r.is_err());
            start.elapsed()
        }
    };
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for i in 0..3 {
        let client: &'static str = ["10.0.0.2", "10.0.0.3", "10.0.0.4"][i];
        known.push(time("known@example.org", client).await);
        unknown.push(time("nobody@example.org", client).await);
    }
    known.sort();
    unknown.sort();
    let (k, u) = (known[1].as_secs_f64(), unknown[1].as_secs_f64());
    // Both verify an Argon2id hash: within a factor of two of each other.
    assert!(u > k / 2.0 && u < k * 2.0, "known {k:.4}s, unknown {u:.4}s");
}

#[tokio::test]
async fn the_shipped_proposal_loads_once_and_a_restart_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = dialect::sqlite_url(&dir.path().join("liaise.db"));
    let liaise = Liaise::open(&url).await.unwrap();
    // One document with one version, one proposal, one resolution text.
    assert_eq!(liaise.document_counts().await.unwrap(), [1, 1, 1, 1]);
    let versions = liaise.resolution("11").await.unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].version_key, "hammamet-2016");
    // A secretariat's change survives restarts.
    liaise
        .set_proposal_status(&Viewer::system(), "ATU/35A3/1", "adopted-with-changes")
        .await
        .unwrap();
    liaise.close().await.unwrap();
    for _ in 0..2 {
        let again = Liaise::open(&url).await.unwrap();
        assert_eq!(again.document_counts().await.unwrap(), [1, 1, 1, 1]);
        let p = again
            .proposal(&Viewer::anonymous(), "ATU/35A3/1")
            .await
            .unwrap();
        assert_eq!(p.status, "adopted-with-changes");
        again.close().await.unwrap();
    }
}
