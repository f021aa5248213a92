//! Accounts, sign-in and sessions.
//!
//! Passwords are hashed with Argon2id (OWASP parameters: 19 MiB, 2 passes) on a few dedicated
//! threads (half the cores), never on the async workers, so sign-ins cannot starve page
//! requests of CPU. Each hashing thread verifies in one working memory it keeps: allocating
//! 19 MiB per sign-in left freed blocks scattered in the allocator's arenas (about 80 MB
//! after a handful of sign-ins); now the process holds one block per hashing thread.
//! Sessions live in the database (servers sharing one PostgreSQL share them); the cookie holds
//! a random secret, the database only its SHA-256. A server caches a session for
//! `SESSION_CACHE` so pages do not pay a query each; sign-out on this server takes effect at
//! once, sign-out on another within that time.
//!
//! Before sign-in there is no session to bind a form to, so the sign-in form's CSRF token is
//! signed: the cookie holds a random nonce and its time of issue, the form field their
//! HMAC-SHA256 under a key the servers of the site share through the database
//! (`site_keys`). Nothing is written when the form is shown.
//!
//! Failed sign-ins are counted per account and per client address. An account over its
//! limit is refused for a while (even the right password); an address over its limit is
//! only slowed down: each of its attempts waits, a little longer for each further failure up
//! to a bound, so an office behind one address is not locked out by someone else's guesses.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Mutex, OnceLock},
    time::{Duration, Instant},
};

use argon2::{Argon2, PasswordHasher};
use hmac::{Hmac, Mac};
use liaise_domain::{Action, Code, Email, Role, Viewer, authorize, text};
use liaise_store::queries::{registry as reg, users as q};
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::{Liaise, ServiceError, audit};

/// A session ends after this long without a request …
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(2 * 3600);
/// … and in any case this long after sign-in.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::from_secs(12 * 3600);
/// How long a server trusts its cached copy of a session.
const SESSION_CACHE: Duration = Duration::from_secs(5);
/// How often a session's last-seen time is written.
const TOUCH_EVERY: Duration = Duration::from_secs(60);
/// Failed sign-ins allowed per account within `FAILURE_WINDOW`; then the account is refused.
pub const ACCOUNT_FAILURES: usize = 5;
/// Failed sign-ins from one client address within `FAILURE_WINDOW` before its attempts are
/// slowed down: the next waits `ADDRESS_DELAY_STEP`, each further failure doubles the wait,
/// up to `ADDRESS_DELAY_MAX`.
pub const CLIENT_FAILURES: usize = 30;
pub const ADDRESS_DELAY_STEP: Duration = Duration::from_millis(250);
pub const ADDRESS_DELAY_MAX: Duration = Duration::from_secs(8);
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failures kept per account or address: enough to reach the longest wait, so an address
/// flooding attempts holds a bounded list.
const FAILURES_KEPT: usize = 64;
/// How long a sign-in form's token is accepted after the form was first shown; the page
/// gives a new one when the browser's is older than half this.
pub const SIGN_IN_FORM_LIFETIME: Duration = Duration::from_secs(2 * 3600);
/// Tolerated difference between the clocks of the servers sharing a database.
const CLOCK_SKEW: u64 = 60;
/// The name, in `site_keys`, of the key that signs sign-in forms.
const SIGN_IN_KEY: &str = "sign-in-csrf";
/// Password length bounds (OWASP ASVS 2.1.1 and 2.1.2).
pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 128;

/// A signed-in session.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub viewer: Viewer,
    pub user_id: i32,
    pub email: String,
    /// The synchronizer token that every form of this session must carry.
    pub csrf_token: String,
}

/// A new session: the secret goes into the cookie and nowhere else.
#[derive(Debug)]
pub struct NewSession {
    pub secret: String,
    pub info: SessionInfo,
}

/// The CSRF token of a sign-in form, in two halves: `cookie` goes into the `liaise_csrf`
/// cookie, `field` into the form. Only the server can make a `field` that matches a `cookie`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInToken {
    pub cookie: String,
    pub field: String,
}

/// An account as listed.
#[derive(Debug, Clone)]
pub struct UserInfo {
    pub id: i32,
    pub email: String,
    /// The registry person this account is.
    pub person_id: Option<i32>,
    pub name: Option<String>,
    pub role: String,
    pub organization: Option<String>,
    pub disabled: bool,
}

type HashJob = Box<dyn FnOnce() + Send>;

/// The threads that run Argon2, fed through a channel; they end when this is dropped.
struct Hashers {
    jobs: Mutex<std::sync::mpsc::Sender<HashJob>>,
}

impl std::fmt::Debug for Hashers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hashers")
    }
}

impl Hashers {
    fn new(threads: usize) -> Self {
        let (tx, rx) = std::sync::mpsc::channel::<HashJob>();
        let rx = std::sync::Arc::new(Mutex::new(rx));
        for n in 0..threads {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("liaise-hash-{n}"))
                .spawn(move || {
                    loop {
                        let job = {
                            let guard =
                                rx.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                            guard.recv()
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password hashing thread");
            }
        }
        Self {
            jobs: Mutex::new(tx),
        }
    }

    /// Runs `f` on a hashing thread and waits for its result without blocking the runtime.
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ServiceError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: HashJob = Box::new(move || {
            let _ = tx.send(f());
        });
        self.jobs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .send(job)
            .map_err(|_| ServiceError::Internal("password hashing threads are gone".into()))?;
        rx.await
            .map_err(|_| ServiceError::Internal("a password hashing job was lost".into()))
    }
}

#[derive(Debug)]
pub(crate) struct Security {
    hashers: Hashers,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
    sessions: Mutex<HashMap<String, (SessionInfo, Instant)>>,
    dummy_hash: OnceLock<String>,
    /// The key that signs sign-in forms, shared by the site's servers.
    form_key: Vec<u8>,
    /// The first wait of a slowed address and the longest.
    address_delays: Mutex<(Duration, Duration)>,
}

impl Security {
    pub(crate) fn new(form_key: Vec<u8>) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            hashers: Hashers::new((cores / 2).max(1)),
            failures: Mutex::new(HashMap::new()),
            sessions: Mutex::new(HashMap::new()),
            dummy_hash: OnceLock::new(),
            form_key,
            address_delays: Mutex::new((ADDRESS_DELAY_STEP, ADDRESS_DELAY_MAX)),
        }
    }

    fn form_mac(&self, cookie: &str) -> Hmac<Sha256> {
        // HMAC takes a key of any length.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.form_key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(b"liaise sign-in form\0");
        mac.update(cookie.as_bytes());
        mac
    }

    /// A sign-in form's token at `now` (Unix seconds): for the browser's `cookie` when it
    /// is one of ours and fresh (another tab's form stays valid), else for a new one.
    fn sign_in_token(&self, cookie: Option<&str>, now: u64) -> SignInToken {
        let reusable =
            cookie.filter(|c| parse_form_cookie(c).is_some_and(|issued| fresh(issued, now, 2)));
        let cookie = reusable.map_or_else(|| format!("{now}.{}", random_hex(16)), str::to_owned);
        let field = hex::encode(self.form_mac(&cookie).finalize().into_bytes());
        SignInToken { cookie, field }
    }

    /// Whether `field` is the server's signature of `cookie`, issued within the lifetime.
    fn sign_in_token_valid(&self, cookie: &str, field: &str, now: u64) -> bool {
        let Some(issued) = parse_form_cookie(cookie) else {
            return false;
        };
        let Ok(signature) = hex::decode(field) else {
            return false;
        };
        fresh(issued, now, 1) && self.form_mac(cookie).verify_slice(&signature).is_ok()
    }

    /// How long an attempt from `key` (a client address) waits before its password is
    /// checked: nothing under `CLIENT_FAILURES` recent failures, then doubling to the bound.
    fn address_delay(&self, key: &str) -> Duration {
        let failures = {
            let mut map = self.lock_failures();
            map.get_mut(key).map_or(0, |q| {
                while q.front().is_some_and(|t| t.elapsed() > FAILURE_WINDOW) {
                    q.pop_front();
                }
                q.len()
            })
        };
        let Some(over) = failures.checked_sub(CLIENT_FAILURES) else {
            return Duration::ZERO;
        };
        let (step, max) = *self
            .address_delays
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let doublings = u32::try_from(over.min(20)).unwrap_or(20);
        step.saturating_mul(1 << doublings).min(max)
    }

    fn lock_failures(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<Instant>>> {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lock_sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, (SessionInfo, Instant)>> {
        self.sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Seconds until `key` may try again, if it is over `max` failures.
    fn blocked(&self, key: &str, max: usize) -> Option<u64> {
        let mut map = self.lock_failures();
        let q = map.get_mut(key)?;
        while q.front().is_some_and(|t| t.elapsed() > FAILURE_WINDOW) {
            q.pop_front();
        }
        if q.len() >= max {
            let oldest = q.front()?;
            Some(
                FAILURE_WINDOW
                    .saturating_sub(oldest.elapsed())
                    .as_secs()
                    .max(1),
            )
        } else {
            None
        }
    }

    fn fail(&self, key: String) {
        let mut map = self.lock_failures();
        if map.len() > 100_000 {
            map.retain(|_, q| q.back().is_some_and(|t| t.elapsed() < FAILURE_WINDOW));
        }
        let q = map.entry(key).or_default();
        q.push_back(Instant::now());
        if q.len() > FAILURES_KEPT {
            q.pop_front();
        }
    }

    fn clear(&self, key: &str) {
        self.lock_failures().remove(key);
    }

    /// Takes back the latest counted attempt of `key`.
    fn forgive(&self, key: &str) {
        if let Some(q) = self.lock_failures().get_mut(key) {
            q.pop_back();
        }
    }
}

/// A sign-in attempt already counted against its account and client address.
struct Attempt<'a> {
    security: &'a Security,
    account: &'a str,
    client: &'a str,
    settled: bool,
}

impl<'a> Attempt<'a> {
    fn start(security: &'a Security, account: &'a str, client: &'a str) -> Self {
        security.fail(account.to_owned());
        security.fail(client.to_owned());
        Self {
            security,
            account,
            client,
            settled: false,
        }
    }

    /// The attempt failed: its counts stay.
    fn failed(&mut self) {
        self.settled = true;
    }

    /// The attempt succeeded: the account starts afresh and the address gets its count back.
    fn succeeded(&mut self) {
        self.security.clear(self.account);
        self.security.forgive(self.client);
        self.settled = true;
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if !self.settled {
            self.security.forgive(self.account);
            self.security.forgive(self.client);
        }
    }
}

thread_local! {
    /// The Argon2 working memory of a hashing thread, kept between sign-ins.
    static ARGON2_MEMORY: std::cell::RefCell<Vec<argon2::Block>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Checks a password against a PHC string (`$argon2id$v=19$m=…`), computing in the thread's
/// kept working memory, and compares in constant time.
fn verify_in_place(password: &[u8], phc: &str) -> bool {
    use argon2::{Algorithm, Params, Version, password_hash::phc::PasswordHash};
    use subtle::ConstantTimeEq;
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Ok(params), Ok(algorithm)) = (
        Params::try_from(&parsed),
        Algorithm::try_from(parsed.algorithm.as_str()),
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let blocks = params.block_count();
    let computed = ARGON2_MEMORY.with_borrow_mut(|memory| {
        if memory.len() != blocks {
            memory.clear();
            memory.resize(blocks, argon2::Block::default());
            memory.shrink_to_fit();
        }
        Argon2::new(algorithm, version, params).hash_password_into_with_memory(
            password,
            salt.as_ref(),
            &mut out,
            &mut memory[..],
        )
    });
    computed.is_ok() && bool::from(out.as_slice().ct_eq(expected.as_bytes()))
}

/// The time of issue in a sign-in form's cookie, `<unix seconds>.<32 hex digits>`.
fn parse_form_cookie(cookie: &str) -> Option<u64> {
    let (issued, nonce) = cookie.split_once('.')?;
    let well_formed = nonce.len() == 32
        && nonce
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && !issued.is_empty()
        && issued.len() <= 12
        && issued.bytes().all(|b| b.is_ascii_digit());
    well_formed.then(|| issued.parse().ok()).flatten()
}

/// Issued at most `1/part` of the form lifetime before `now`, and not in the future (beyond
/// the servers' clock skew).
fn fresh(issued: u64, now: u64, part: u64) -> bool {
    issued <= now + CLOCK_SKEW
        && now.saturating_sub(issued) <= SIGN_IN_FORM_LIFETIME.as_secs() / part
}

fn unix_now() -> u64 {
    u64::try_from(OffsetDateTime::now_utc().unix_timestamp()).unwrap_or(0)
}

/// The key that signs sign-in forms: the site's, made at random by the first server to open
/// the database (servers sharing a PostgreSQL must agree on it).
pub(crate) async fn sign_in_key(store: &liaise_store::Store) -> Result<Vec<u8>, ServiceError> {
    let tx = store.begin().await?;
    let key =
        liaise_store::queries::site_keys::get_or_insert(&tx, SIGN_IN_KEY, &random_hex(32)).await?;
    tx.commit().await.map_err(liaise_store::StoreError::from)?;
    Ok(key.into_bytes())
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// A password people can type: 20 letters and digits (about 119 bits).
fn generate_password() -> String {
    const CHARS: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| {
            let i = rng.random_range(0..CHARS.len());
            char::from(CHARS.get(i).copied().unwrap_or(b'x'))
        })
        .collect()
}

fn check_password(p: &str) -> Result<(), ServiceError> {
    let n = p.chars().count();
    if n < PASSWORD_MIN {
        return Err(ServiceError::invalid(
            "password",
            format!("must be at least {PASSWORD_MIN} characters"),
        ));
    }
    if n > PASSWORD_MAX {
        return Err(ServiceError::invalid(
            "password",
            format!("must be at most {PASSWORD_MAX} characters"),
        ));
    }
    Ok(())
}

/// The role stored for a user, and back.
pub fn role_to_parts(role: &Role) -> (&'static str, Option<&str>) {
    match role {
        Role::Public => ("public", None),
        Role::Member => ("member", None),
        Role::Secretariat(org) => ("secretariat", Some(org.as_str())),
        Role::Admin => ("admin", None),
    }
}

pub fn role_from_parts(role: &str, organization: Option<&str>) -> Option<Role> {
    match (role, organization) {
        ("admin", _) => Some(Role::Admin),
        ("member", _) => Some(Role::Member),
        ("secretariat", Some(org)) => Code::parse("organization", org).ok().map(Role::Secretariat),
        _ => None,
    }
}

/// Parses `admin`, `member` or `secretariat` (which needs an organization).
pub fn parse_role(role: &str, organization: Option<&str>) -> Result<Role, ServiceError> {
    match (
        role.trim(),
        organization.map(str::trim).filter(|o| !o.is_empty()),
    ) {
        ("admin", _) => Ok(Role::Admin),
        ("member", _) => Ok(Role::Member),
        ("secretariat", Some(org)) => Ok(Role::Secretariat(Code::parse("organization", org)?)),
        ("secretariat", None) => Err(ServiceError::invalid(
            "organization",
            "a secretariat role needs an organization (e.g. ITU or UPU)",
        )),
        (other, _) => Err(ServiceError::invalid(
            "role",
            format!(
                "`{}` is not one of admin, secretariat, member",
                text::preview(other)
            ),
        )),
    }
}

fn user_info(u: liaise_store::entity::user::Model) -> UserInfo {
    UserInfo {
        id: u.id,
        person_id: u.person_id,
        email: u.email,
        name: u.name,
        role: u.role,
        organization: u.organization,
        disabled: u.disabled,
    }
}

impl Liaise {
    async fn hash(&self, password: String) -> Result<String, ServiceError> {
        self.security
            .hashers
            .run(move || {
                Argon2::default()
                    .hash_password(password.as_bytes())
                    .map(|h| h.to_string())
                    .map_err(|e| ServiceError::Internal(format!("password hashing: {e}")))
            })
            .await?
    }

    async fn verify(&self, password: String, hash: String) -> Result<bool, ServiceError> {
        self.security
            .hashers
            .run(move || verify_in_place(password.as_bytes(), &hash))
            .await
    }

    /// A hash to verify against when the account does not exist, so both answers take as long.
    async fn dummy_hash(&self) -> Result<String, ServiceError> {
        if let Some(h) = self.security.dummy_hash.get() {
            return Ok(h.clone());
        }
        let h = self.hash(random_hex(16)).await?;
        Ok(self.security.dummy_hash.get_or_init(|| h).clone())
    }

    /// Creates an account. Without a password, one is generated and returned (shown once).
    pub async fn add_user(
        &self,
        viewer: &Viewer,
        email: &str,
        name: Option<&str>,
        role: Role,
        password: Option<String>,
    ) -> Result<(UserInfo, Option<String>), ServiceError> {
        authorize(viewer, &Action::Administer)?;
        let email = Email::parse("email", email)?;
        let email = email.as_str().to_lowercase();
        let name = text::optional_line("name", name, 300)?;
        let generated = password.is_none().then(generate_password);
        let password = password.or_else(|| generated.clone()).unwrap_or_default();
        check_password(&password)?;
        let hash = self.hash(password).await?;
        let (role_str, org) = role_to_parts(&role);
        let tx = self.store.begin().await?;
        if q::by_email(&tx, &email).await?.is_some() {
            return Err(ServiceError::conflict(
                "email",
                format!("an account with the e-mail {email} already exists"),
            ));
        }
        if let Some(org) = org
            && reg::organization_by_code(&tx, org).await?.is_none()
        {
            return Err(ServiceError::invalid(
                "organization",
                format!("no organization has the code `{org}`"),
            ));
        }
        // Every account is a person of the registry: the one with this e-mail, or a new one.
        let (person_id, new_person) = match reg::person_by_email(&tx, &email).await? {
            Some(p) => (p.id, false),
            None => {
                let org_id = match org {
                    Some(code) => reg::organization_by_code(&tx, code).await?.map(|o| o.id),
                    None => None,
                };
                let display = name
                    .clone()
                    .unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_owned());
                let person = reg::insert_person(
                    &tx,
                    &reg::PersonRow {
                        name: &display,
                        organization_id: org_id,
                        affiliation: None,
                        email: Some(&email),
                    },
                    // An account is not a public person: listed once a secretariat gives
                    // it a role or its holder chooses so.
                    false,
                    OffsetDateTime::now_utc(),
                )
                .await?;
                (person.id, true)
            }
        };
        let person_id = Some(person_id);
        let user = q::insert(
            &tx,
            &q::NewUser {
                email: &email,
                name: name.as_deref(),
                person_id,
                role: role_str,
                organization: org,
                password_hash: &hash,
            },
            OffsetDateTime::now_utc(),
        )
        .await?;
        let after: audit::Fields = vec![
            ("email", Some(email.clone())),
            ("role", Some(role_str.to_owned())),
            ("organization", org.map(str::to_owned)),
            ("person", person_id.map(|p| p.to_string())),
        ];
        audit::record(
            &tx,
            viewer,
            "create",
            "user",
            &email,
            audit::diff(&Vec::new(), &after),
        )
        .await?;
        if new_person {
            // Found by search only by those who may see an unlisted person.
            crate::search::index_registry(&tx).await?;
            reg::bump_revision(&tx).await?;
        }
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        if new_person {
            self.reload().await?;
        }
        Ok((user_info(user), generated))
    }

    /// Sets a new password (generated if none is given) and ends the user's sessions.
    pub async fn set_password(
        &self,
        viewer: &Viewer,
        email: &str,
        password: Option<String>,
    ) -> Result<Option<String>, ServiceError> {
        authorize(viewer, &Action::Administer)?;
        let generated = password.is_none().then(generate_password);
        let password = password.or_else(|| generated.clone()).unwrap_or_default();
        check_password(&password)?;
        let hash = self.hash(password).await?;
        let tx = self.store.begin().await?;
        let user = q::by_email(&tx, &email.trim().to_lowercase())
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no account {email}")))?;
        q::set_password(&tx, user.id, &hash, OffsetDateTime::now_utc()).await?;
        let hashes = q::session_hashes_of_user(&tx, user.id).await?;
        q::delete_user_sessions(&tx, user.id).await?;
        audit::record(&tx, viewer, "password", "user", &user.email, None).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.forget_sessions(&hashes);
        Ok(generated)
    }

    /// Disables an account: its sessions end and its tokens stop working.
    pub async fn disable_user(&self, viewer: &Viewer, email: &str) -> Result<(), ServiceError> {
        authorize(viewer, &Action::Administer)?;
        let tx = self.store.begin().await?;
        let user = q::by_email(&tx, &email.trim().to_lowercase())
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no account {email}")))?;
        q::set_disabled(&tx, user.id, true, OffsetDateTime::now_utc()).await?;
        let hashes = q::session_hashes_of_user(&tx, user.id).await?;
        q::delete_user_sessions(&tx, user.id).await?;
        let changes = audit::diff(
            &vec![("disabled", Some("false".to_owned()))],
            &vec![("disabled", Some("true".to_owned()))],
        );
        audit::record(&tx, viewer, "disable", "user", &user.email, changes).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.forget_sessions(&hashes);
        Ok(())
    }

    pub async fn list_users(&self, viewer: &Viewer) -> Result<Vec<UserInfo>, ServiceError> {
        authorize(viewer, &Action::Administer)?;
        Ok(q::list(self.store.conn())
            .await?
            .into_iter()
            .map(user_info)
            .collect())
    }

    /// A sign-in form's CSRF token: for the browser's `liaise_csrf` cookie when the server
    /// issued it recently, else a new one. Nothing is stored.
    pub fn sign_in_token(&self, cookie: Option<&str>) -> SignInToken {
        self.security.sign_in_token(cookie, unix_now())
    }

    /// Whether a sign-in form's field and cookie are a pair this site issued, and not expired.
    /// Checked before the e-mail and password are looked at.
    pub fn sign_in_token_valid(&self, cookie: &str, field: &str) -> bool {
        self.security.sign_in_token_valid(cookie, field, unix_now())
    }

    /// Sets how a client address over `CLIENT_FAILURES` failures is slowed down: its first
    /// wait, doubled at each further failure, and the longest (tests use short ones).
    pub fn set_address_delays(&self, step: Duration, max: Duration) {
        *self
            .security
            .address_delays
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = (step, max);
    }

    /// Signs in. Unknown account and wrong password give the same error after the same work.
    /// Repeated failures for an account are refused for a while; repeated failures from a
    /// client address only make its attempts wait (see `address_delay`).
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        client: &str,
    ) -> Result<NewSession, ServiceError> {
        let email = email.trim().to_lowercase();
        let account_key = format!("account:{email}");
        let client_key = format!("client:{client}");
        if let Some(retry_after) = self.security.blocked(&account_key, ACCOUNT_FAILURES) {
            return Err(ServiceError::RateLimited { retry_after });
        }
        let delay = self.security.address_delay(&client_key);
        // Count the attempt before the (slow) check, so attempts fired in parallel cannot all
        // pass the limit, and each waits longer than the one before. A success takes its
        // count back, and so does an attempt abandoned before its answer (the client hung up,
        // during the wait or the check: it learns nothing).
        let mut attempt = Attempt::start(&self.security, &account_key, &client_key);
        if !delay.is_zero() {
            tracing::info!(client, delay_ms = delay.as_millis(), "sign-in slowed down");
            tokio::time::sleep(delay).await;
        }
        let password = password.chars().take(PASSWORD_MAX + 1).collect::<String>();
        let user = if email.len() <= 254 {
            q::by_email(self.store.conn(), &email).await?
        } else {
            None
        };
        let (hash, usable) = match &user {
            Some(u) if !u.disabled => (u.password_hash.clone(), true),
            _ => (self.dummy_hash().await?, false),
        };
        let ok = self.verify(password, hash).await? && usable;
        let Some(user) = user.filter(|_| ok) else {
            attempt.failed();
            let tx = self.store.begin().await?;
            let who = Viewer::new(format!("client:{client}"), Role::Public);
            audit::record(&tx, &who, "login-failed", "session", &email, None).await?;
            tx.commit().await.map_err(liaise_store::StoreError::from)?;
            return Err(ServiceError::Unauthenticated);
        };
        attempt.succeeded();
        let role = role_from_parts(&user.role, user.organization.as_deref()).ok_or_else(|| {
            ServiceError::Internal(format!("account {} has no valid role", user.email))
        })?;
        let secret = random_hex(32);
        let csrf = random_hex(32);
        let now = OffsetDateTime::now_utc();
        let tx = self.store.begin().await?;
        q::insert_session(
            &tx,
            &sha256_hex(&secret),
            user.id,
            &csrf,
            now,
            now + ABSOLUTE_TIMEOUT,
        )
        .await?;
        let viewer = Viewer::user(user.id, user.email.clone(), role);
        audit::record(&tx, &viewer, "login", "session", &user.email, None).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        Ok(NewSession {
            secret,
            info: SessionInfo {
                viewer,
                user_id: user.id,
                email: user.email,
                csrf_token: csrf,
            },
        })
    }

    /// The session a cookie's secret stands for, if it is live.
    pub async fn session(&self, secret: &str) -> Result<Option<SessionInfo>, ServiceError> {
        if secret.len() != 64 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let hash = sha256_hex(secret);
        if let Some((info, at)) = self.security.lock_sessions().get(&hash)
            && at.elapsed() < SESSION_CACHE
        {
            return Ok(Some(info.clone()));
        }
        let Some((s, u)) = q::session_with_user(self.store.conn(), &hash).await? else {
            self.security.lock_sessions().remove(&hash);
            return Ok(None);
        };
        let now = OffsetDateTime::now_utc();
        let idle = now - s.last_seen_at;
        if s.expires_at <= now || idle > IDLE_TIMEOUT || u.disabled {
            q::delete_session(self.store.conn(), &hash).await?;
            self.security.lock_sessions().remove(&hash);
            return Ok(None);
        }
        if idle > TOUCH_EVERY {
            q::touch_session(self.store.conn(), s.id, now).await?;
        }
        let Some(role) = role_from_parts(&u.role, u.organization.as_deref()) else {
            return Ok(None);
        };
        let info = SessionInfo {
            viewer: Viewer::user(u.id, u.email.clone(), role),
            user_id: u.id,
            email: u.email,
            csrf_token: s.csrf_token,
        };
        let mut cache = self.security.lock_sessions();
        if cache.len() > 50_000 {
            cache.retain(|_, (_, at)| at.elapsed() < SESSION_CACHE);
        }
        cache.insert(hash, (info.clone(), Instant::now()));
        Ok(Some(info))
    }

    /// Ends one session.
    pub async fn logout(&self, secret: &str, viewer: &Viewer) -> Result<(), ServiceError> {
        let hash = sha256_hex(secret);
        let tx = self.store.begin().await?;
        if q::delete_session(&tx, &hash).await? > 0 {
            audit::record(&tx, viewer, "logout", "session", viewer.actor(), None).await?;
        }
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.security.lock_sessions().remove(&hash);
        Ok(())
    }

    /// Ends every session of the viewer's account ("sign out everywhere").
    pub async fn logout_everywhere(&self, viewer: &Viewer) -> Result<u64, ServiceError> {
        let user_id = viewer.user_id.ok_or(ServiceError::Unauthenticated)?;
        let tx = self.store.begin().await?;
        let hashes = q::session_hashes_of_user(&tx, user_id).await?;
        let n = q::delete_user_sessions(&tx, user_id).await?;
        audit::record(
            &tx,
            viewer,
            "logout-everywhere",
            "session",
            viewer.actor(),
            None,
        )
        .await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.forget_sessions(&hashes);
        Ok(n)
    }

    fn forget_sessions(&self, hashes: &[String]) {
        let mut cache = self.security.lock_sessions();
        for h in hashes {
            cache.remove(h);
        }
    }

    /// Deletes expired and idle sessions (called periodically by the server).
    pub async fn sweep_sessions(&self) -> Result<u64, ServiceError> {
        let now = OffsetDateTime::now_utc();
        Ok(q::delete_stale_sessions(self.store.conn(), now, now - IDLE_TIMEOUT).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_and_round_trip() {
        assert_eq!(parse_role("admin", None).unwrap(), Role::Admin);
        let sec = parse_role("secretariat", Some("upu")).unwrap();
        let (r, o) = role_to_parts(&sec);
        assert_eq!(role_from_parts(r, o), Some(sec));
        assert!(parse_role("secretariat", None).is_err());
        assert!(parse_role("king", None).is_err());
    }

    #[test]
    fn verification_in_kept_memory_agrees_with_the_library() {
        let phc = Argon2::default()
            .hash_password(b"correct horse battery staple")
            .unwrap()
            .to_string();
        assert!(verify_in_place(b"correct horse battery staple", &phc));
        assert!(!verify_in_place(b"correct horse battery stapler", &phc));
        assert!(
            verify_in_place(b"correct horse battery staple", &phc),
            "memory reused"
        );
        assert!(!verify_in_place(b"x", "not a phc string"));
        assert!(!verify_in_place(
            b"x",
            "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA"
        ));
    }

    #[test]
    fn passwords() {
        assert!(check_password("short").is_err());
        assert!(check_password(&"x".repeat(129)).is_err());
        let g = generate_password();
        assert_eq!(g.len(), 20);
        assert!(check_password(&g).is_ok());
        assert_ne!(g, generate_password());
    }

    #[test]
    fn abandoned_attempts_are_taken_back_and_failed_ones_stay() {
        let s = Security::new(vec![7; 32]);
        let count = |key: &str| s.lock_failures().get(key).map_or(0, VecDeque::len);
        {
            let _abandoned = Attempt::start(&s, "acct", "ip");
            assert_eq!(count("acct"), 1, "counted while in flight");
        }
        assert_eq!((count("acct"), count("ip")), (0, 0));
        {
            let mut failed = Attempt::start(&s, "acct", "ip");
            failed.failed();
        }
        assert_eq!((count("acct"), count("ip")), (1, 1));
        {
            let mut ok = Attempt::start(&s, "acct", "ip");
            ok.succeeded();
        }
        assert_eq!(
            (count("acct"), count("ip")),
            (0, 1),
            "success clears the account only"
        );
    }

    #[test]
    fn failures_block_then_expire() {
        let s = Security::new(vec![7; 32]);
        for _ in 0..ACCOUNT_FAILURES {
            assert!(s.blocked("a", ACCOUNT_FAILURES).is_none());
            s.fail("a".into());
        }
        let wait = s.blocked("a", ACCOUNT_FAILURES).unwrap();
        assert!(wait > 0 && wait <= FAILURE_WINDOW.as_secs());
        assert!(s.blocked("b", ACCOUNT_FAILURES).is_none());
        s.clear("a");
        assert!(s.blocked("a", ACCOUNT_FAILURES).is_none());
    }

    #[test]
    fn addresses_wait_longer_up_to_the_bound_and_keep_few_failures() {
        let s = Security::new(vec![7; 32]);
        for _ in 0..CLIENT_FAILURES {
            assert_eq!(s.address_delay("ip"), Duration::ZERO);
            s.fail("ip".into());
        }
        assert_eq!(s.address_delay("ip"), ADDRESS_DELAY_STEP);
        s.fail("ip".into());
        assert_eq!(s.address_delay("ip"), ADDRESS_DELAY_STEP * 2);
        for _ in 0..1000 {
            s.fail("ip".into());
        }
        assert_eq!(s.address_delay("ip"), ADDRESS_DELAY_MAX);
        assert_eq!(
            s.lock_failures().get("ip").map(VecDeque::len),
            Some(FAILURES_KEPT)
        );
        assert_eq!(s.address_delay("other"), Duration::ZERO);
    }

    #[test]
    fn sign_in_tokens_are_signed_and_expire() {
        let s = Security::new(vec![7; 32]);
        let now = 1_800_000_000;
        let t = s.sign_in_token(None, now);
        assert!(s.sign_in_token_valid(&t.cookie, &t.field, now));
        assert!(s.sign_in_token_valid(&t.cookie, &t.field, now + 3600));
        let life = SIGN_IN_FORM_LIFETIME.as_secs();
        assert!(!s.sign_in_token_valid(&t.cookie, &t.field, now + life + 1));
        assert!(!s.sign_in_token_valid(&t.cookie, &t.field, now - CLOCK_SKEW - 1));
        // Another key (another site) does not accept it.
        let other = Security::new(vec![8; 32]);
        assert!(!other.sign_in_token_valid(&t.cookie, &t.field, now));
        // A fresh cookie is reused; an old one, a future one or a foreign one is not.
        assert_eq!(s.sign_in_token(Some(&t.cookie), now + 60), t);
        assert_ne!(s.sign_in_token(Some(&t.cookie), now + life / 2 + 1), t);
        let future = format!("{}.{}", now + 3600, "ab".repeat(16));
        assert_ne!(s.sign_in_token(Some(&future), now).cookie, future);
        for bad in [
            "",
            "x",
            "abc.def",
            &"ab".repeat(32),
            &format!("{now}.{}", "AB".repeat(16)),
        ] {
            assert_ne!(s.sign_in_token(Some(bad), now).cookie, bad);
            assert!(!s.sign_in_token_valid(bad, bad, now));
        }
        assert!(!s.sign_in_token_valid(&t.cookie, "zz", now));
        assert!(!s.sign_in_token_valid(&t.cookie, "", now));
    }
}
