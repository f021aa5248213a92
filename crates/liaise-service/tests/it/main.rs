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

/// A fresh database on each backend available: SQLite always, PostgreSQL when
/// `LIAISE_TEST_POSTGRES_URL` names a server (created here, dropped by the caller).
async fn databases() -> Vec<(String, Option<(String, String)>, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    let mut out = vec![(
        dialect::sqlite_url(&dir.path().join("liaise.db")),
        None,
        Some(dir),
    )];
    if let Ok(server) = std::env::var("LIAISE_TEST_POSTGRES_URL") {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let name = format!("liaise_test_ls_trust_{}_{nanos}", std::process::id());
        dialect::create_postgres_database(&server, &name)
            .await
            .unwrap();
        out.push((
            dialect::postgres_database_url(&server, &name),
            Some((server, name)),
            None,
        ));
    }
    out
}

fn secretariat(org: &str) -> Role {
    Role::Secretariat(liaise_service::domain::Code::parse("o", org).unwrap())
}

/// A statement recorded through the use case, as a secretariat sending it or receiving it.
async fn record(
    liaise: &Liaise,
    viewer: &Viewer,
    from: &str,
    to: &str,
    reference: Option<&str>,
    received: Option<bool>,
) -> i32 {
    use liaise_service::domain::liaison::{LiaisonFields, LiaisonInput};
    let from = [from.to_owned()];
    let addressees = [(to.to_owned(), "information".to_owned(), None)];
    let input = LiaisonInput::parse(&LiaisonFields {
        title: "A statement",
        date: Some(time::macros::date!(2025 - 05 - 01)),
        from: &from,
        addressees: &addressees,
        other_reference: reference,
        access: "public",
        ..Default::default()
    })
    .unwrap();
    liaise
        .create_liaison(viewer, input, true, received, Default::default())
        .await
        .unwrap()
        .id
}

/// Statements numbered before liaise knew their direction: those a secretariat recorded from
/// another organization's body lose their invented number for their sender's reference.
#[tokio::test]
async fn invented_numbers_of_received_statements_are_migrated_to_their_reference() {
    for (url, pg, _dir) in databases().await {
        let liaise = Liaise::open(&url).await.unwrap();
        let itu_email = "itu-secretariat@example.org";
        liaise
            .add_user(
                &Viewer::system(),
                itu_email,
                None,
                secretariat("ITU"),
                Some("a long enough password".into()),
            )
            .await
            .unwrap();
        liaise
            .create_token(&Viewer::system(), "itu-robot", secretariat("ITU"))
            .await
            .unwrap();
        let by_account = Viewer::new(itu_email, secretariat("ITU"));
        let by_token = Viewer::new("token:itu-robot", secretariat("ITU"));
        // (id, invented number, reference kept after the change, received after)
        let received_with_ref = record(
            &liaise,
            &by_account,
            "POC-C1",
            "SG12",
            Some("C1 2025/4"),
            None,
        )
        .await;
        let received_by_token = record(
            &liaise,
            &by_token,
            "POC-C3",
            "SG12",
            Some("C3-2025-1"),
            None,
        )
        .await;
        let received_no_ref = record(&liaise, &by_account, "POC-C4", "SG12", Some("x"), None).await;
        let sent_by_itu = record(&liaise, &by_account, "SG12", "POC-C1", None, None).await;
        let by_admin = record(
            &liaise,
            &Viewer::system(),
            "POC-C2",
            "SG12",
            Some("C2-9"),
            Some(true),
        )
        .await;
        liaise.close().await.unwrap();

        // The database as it was before: no direction, every statement sent numbered.
        let store = liaise_store::Store::connect(&url).await.unwrap();
        let c = store.conn();
        use liaise_store::Conn;
        for (id, number, reference) in [
            (received_with_ref, "POC-C1-LS1", "'C1 2025/4'"),
            (received_by_token, "POC-C3-LS1", "'C3-2025-1'"),
            (received_no_ref, "POC-C4-LS1", "NULL"),
            (sent_by_itu, "SG12-LS1", "NULL"),
            (by_admin, "POC-C2-LS1", "'C2-9'"),
        ] {
            c.execute_unprepared(&format!(
                "UPDATE liaisons SET number = '{number}', other_reference = {reference} \
                 WHERE id = {id}"
            ))
            .await
            .unwrap();
        }
        c.execute_unprepared("ALTER TABLE liaisons DROP COLUMN received")
            .await
            .unwrap();
        c.execute_unprepared(
            "DELETE FROM seaql_migrations WHERE version = 'm20261206_000011_ls_trust'",
        )
        .await
        .unwrap();
        store.migrate().await.unwrap();
        drop(store);

        let liaise = Liaise::open(&url).await.unwrap();
        let get = |id: i32| {
            let liaise = liaise.clone();
            async move {
                let l = liaise
                    .liaison(&Viewer::system(), &id.to_string())
                    .await
                    .unwrap();
                (l.number.clone().unwrap_or_default(), l.received, l.key())
            }
        };
        assert_eq!(
            get(received_with_ref).await,
            ("C1 2025/4".into(), true, received_with_ref.to_string()),
            "{url}"
        );
        assert_eq!(
            get(received_by_token).await,
            ("C3-2025-1".into(), true, "C3-2025-1".into())
        );
        // No reference recorded: the number it had still names it.
        assert_eq!(
            get(received_no_ref).await,
            ("POC-C4-LS1".into(), true, "POC-C4-LS1".into())
        );
        assert_eq!(
            get(sent_by_itu).await,
            ("SG12-LS1".into(), false, "SG12-LS1".into())
        );
        assert_eq!(
            get(by_admin).await,
            ("POC-C2-LS1".into(), false, "POC-C2-LS1".into())
        );
        // Old and new names resolve; POC-C1's own series starts again at LS1.
        for key in ["C3-2025-1", "POC-C4-LS1", "SG12-LS1"] {
            assert!(
                liaise.liaison(&Viewer::anonymous(), key).await.is_ok(),
                "{key}"
            );
        }
        let upu = Viewer::new("upu-secretariat@example.org", secretariat("UPU"));
        let own = record(&liaise, &upu, "POC-C1", "SG12", None, None).await;
        assert_eq!(
            get(own).await.0,
            "POC-C1-LS1",
            "the number it never issued is free again"
        );
        liaise.close().await.unwrap();
        if let Some((server, name)) = pg {
            dialect::drop_postgres_database(&server, &name)
                .await
                .unwrap();
        }
    }
}
