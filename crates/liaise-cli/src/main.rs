//! The `liaise` binary: serve the application, migrate the database, manage API tokens.
//!
//! Configuration is layered: defaults < TOML file (`--config`) < `LIAISE_*` environment <
//! command-line flags.

mod config;
mod documents;
mod import;

use std::{process::ExitCode, time::Instant};

use clap::{Args, Parser, Subcommand, ValueEnum};
use liaise_service::{
    Liaise, ServiceError,
    domain::{Role, Viewer},
};
use liaise_web::{Application, Settings, StartError};

use crate::config::{Config, Overrides};

#[derive(Parser)]
#[command(
    name = "liaise",
    version,
    about = "The collaboration hub of standards organizations that work together."
)]
struct Cli {
    /// A TOML configuration file.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    /// Log format.
    #[arg(long, global = true, value_enum)]
    log_format: Option<LogFormat>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application and API (migrates and loads reference data first).
    Serve {
        /// Address to listen on.
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
        /// The address people use, e.g. https://liaise.example.org (https makes cookies Secure).
        #[arg(long, value_name = "URL")]
        public_url: Option<String>,
        /// SMTP server for deadline reminders, e.g. smtp://127.0.0.1:25 or
        /// smtp://user:pass@mail.example.org:587?tls=required.
        #[arg(long, value_name = "URL")]
        smtp_url: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Bring the database schema up to date, then exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Generate synthetic data for benchmarks (never on a production database).
    Generate {
        #[command(subcommand)]
        command: GenerateCommand,
    },
    /// Import WTSA contributions (.docx with tracked changes, or plain text) as documents
    /// with their amendment proposals: `liaise import FILE...`. Or historical liaison
    /// statements: `liaise import liaisons FILE.csv`.
    #[command(args_conflicts_with_subcommands = true)]
    Import {
        #[command(subcommand)]
        command: Option<ImportCommand>,
        #[command(flatten)]
        documents: documents::ImportArgs,
    },
    /// Operate the search index.
    Search {
        #[command(subcommand)]
        command: SearchCommand,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum GenerateCommand {
    /// Documents with about 5 KB of generated text each (of every kind, access level and
    /// body), written in batched transactions.
    Documents {
        #[arg(long, default_value_t = 10_000)]
        count: u32,
        /// Seed of the pseudo-random choices, for repeatable data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Liaison statements between random bodies of the registry, with deadlines spread over
    /// three years (so some are overdue), all access levels and topics.
    Liaisons {
        #[arg(long, default_value_t = 20_000)]
        count: u32,
        /// Seed of the pseudo-random choices, for repeatable data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Synthetic search index entries of kind `document` (about 5 KB of English or French
    /// text each, spread over topics, bodies, organizations and years). They load the index
    /// only, to measure search before real documents exist.
    SearchCorpus {
        #[arg(long, default_value_t = 100_000)]
        count: u64,
        /// Seed of the pseudo-random choices, for repeatable data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Entries written per transaction.
        #[arg(long, default_value_t = 1_000)]
        batch: u64,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum SearchCommand {
    /// Rebuild the whole search index from the items, in one transaction.
    Reindex {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Historical liaison statements from a CSV file (see the column list in --help of the
    /// project's README). Rows that break a rule are reported and left out; a malformed file
    /// is refused whole.
    Liaisons {
        file: std::path::PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Meetings from an exported calendar (.ics): each event becomes a meeting of the body
    /// (and of the known bodies its CATEGORIES name); an event whose UID is known updates
    /// that meeting instead. A file that cannot be read, or one broken event, refuses the
    /// whole file and writes nothing.
    Meetings {
        file: std::path::PathBuf,
        /// The code of the body the meetings belong to.
        #[arg(long)]
        body: String,
        /// Who may see them: public, members or secretariat.
        #[arg(long, default_value = "public")]
        access: String,
        /// Print what was created and updated as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. The password is read from standard input when it is not a terminal;
    /// otherwise one is generated and printed once.
    Add {
        email: String,
        /// admin, secretariat or member.
        #[arg(long)]
        role: String,
        /// The organization of a secretariat account (e.g. ITU or UPU).
        #[arg(long)]
        organization: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Set a new password (from standard input, or generated and printed) and end the
    /// account's sessions.
    Passwd {
        email: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Disable an account: its sessions end and its tokens stop working.
    Disable {
        email: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List accounts.
    List {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Args, Clone)]
struct DbArgs {
    /// Folder for the SQLite database and files.
    #[arg(long, value_name = "DIR")]
    data_dir: Option<std::path::PathBuf>,
    /// Database URL (`postgres://…` or `sqlite://…`); default: SQLite in the data folder.
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an admin API token and print it (it is shown only once).
    Create {
        /// A name that says who or what uses the token.
        #[arg(long)]
        name: String,
        /// Print `{"id": …, "name": …, "token": …}` instead of the bare token.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List tokens (never their secrets).
    List {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revoke a token by id.
    Revoke {
        id: i32,
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Exit codes (sysexits.h): a script can tell a bad configuration from an absent database.
mod exit {
    pub const FAILURE: u8 = 1;
    pub const UNAVAILABLE: u8 = 69;
    pub const SOFTWARE: u8 = 70;
    pub const CANTCREAT: u8 = 73;
    pub const DATAERR: u8 = 65;
    pub const USAGE: u8 = 64;
    pub const CONFIG: u8 = 78;
}

struct Failure {
    code: u8,
    message: String,
}

impl From<ServiceError> for Failure {
    fn from(e: ServiceError) -> Self {
        let code = match &e {
            ServiceError::Unavailable(_) => exit::UNAVAILABLE,
            ServiceError::Internal(_) => exit::SOFTWARE,
            _ => exit::FAILURE,
        };
        Self {
            code,
            message: e.to_string(),
        }
    }
}

impl From<StartError> for Failure {
    fn from(e: StartError) -> Self {
        match e {
            StartError::Service(s) => s.into(),
            bind @ StartError::Bind { .. } => Self {
                code: exit::CANTCREAT,
                message: bind.to_string(),
            },
            url @ StartError::PublicUrl(_) => Self {
                code: exit::CONFIG,
                message: url.to_string(),
            },
        }
    }
}

fn main() -> ExitCode {
    let started = Instant::now();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("liaise: cannot start the runtime: {e}");
            return ExitCode::from(exit::SOFTWARE);
        }
    };
    match runtime.block_on(run(cli, started)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("liaise: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn load_config(cli: &Cli, db: Option<&DbArgs>, bind: Option<&String>) -> Result<Config, Failure> {
    load_config_with(cli, db, bind, None, None)
}

fn load_config_with(
    cli: &Cli,
    db: Option<&DbArgs>,
    bind: Option<&String>,
    public_url: Option<&String>,
    smtp_url: Option<&String>,
) -> Result<Config, Failure> {
    let overrides = Overrides {
        bind: bind.cloned(),
        public_url: public_url.cloned(),
        smtp_url: smtp_url.cloned(),
        data_dir: db.and_then(|d| d.data_dir.clone()),
        database_url: db.and_then(|d| d.database_url.clone()),
        log_format: cli.log_format.map(|f| match f {
            LogFormat::Text => "text".to_owned(),
            LogFormat::Json => "json".to_owned(),
        }),
    };
    Config::load(cli.config.as_deref(), overrides).map_err(|message| Failure {
        code: exit::CONFIG,
        message,
    })
}

async fn run(cli: Cli, started: Instant) -> Result<(), Failure> {
    match &cli.command {
        Command::Serve {
            bind,
            public_url,
            smtp_url,
            db,
        } => {
            let config = load_config_with(
                &cli,
                Some(db),
                bind.as_ref(),
                public_url.as_ref(),
                smtp_url.as_ref(),
            )?;
            config::init_tracing(&config, "info");
            serve(config, started).await
        }
        Command::Migrate { db } => {
            let config = load_config(&cli, Some(db), None)?;
            config::init_tracing(&config, "warn");
            let url = config.database_url().map_err(config_failure)?;
            Liaise::migrate(&url).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::Token { command } => token(&cli, command).await,
        Command::User { command } => user(&cli, command).await,
        Command::Import {
            command: Some(command),
            ..
        } => import(&cli, command).await,
        Command::Import {
            command: None,
            documents,
        } => {
            let config = load_config(&cli, Some(&documents.db), None)?;
            config::init_tracing(&config, "warn");
            documents::import(&config, documents).await
        }
        Command::Generate { command } => generate(&cli, command).await,
        Command::Search { command } => search(&cli, command).await,
    }
}

fn config_failure(message: String) -> Failure {
    Failure {
        code: exit::CONFIG,
        message,
    }
}

async fn open(config: &Config) -> Result<Liaise, Failure> {
    let url = config.database_url().map_err(config_failure)?;
    Ok(Liaise::open(&url).await?)
}

async fn token(cli: &Cli, command: &TokenCommand) -> Result<(), Failure> {
    let system = Viewer::system();
    match command {
        TokenCommand::Create { name, json, db } => {
            let config = load_config(cli, Some(db), None)?;
            config::init_tracing(&config, "warn");
            let liaise = open(&config).await?;
            let (secret, info) = liaise.create_token(&system, name, Role::Admin).await?;
            if *json {
                println!(
                    "{}",
                    serde_json::json!({"id": info.id, "name": info.name, "role": info.role, "token": secret})
                );
            } else {
                println!("{secret}");
            }
            liaise.close().await?;
            Ok(())
        }
        TokenCommand::List { json, db } => {
            let config = load_config(cli, Some(db), None)?;
            config::init_tracing(&config, "warn");
            let liaise = open(&config).await?;
            let tokens = liaise.list_tokens(&system).await?;
            if *json {
                let items: Vec<_> = tokens
                    .iter()
                    .map(|t| serde_json::json!({"id": t.id, "name": t.name, "role": t.role, "revoked": t.revoked}))
                    .collect();
                println!("{}", serde_json::Value::Array(items));
            } else {
                for t in &tokens {
                    println!(
                        "{}\t{}\t{}{}",
                        t.id,
                        t.name,
                        t.role,
                        if t.revoked { "\trevoked" } else { "" }
                    );
                }
            }
            liaise.close().await?;
            Ok(())
        }
        TokenCommand::Revoke { id, db } => {
            let config = load_config(cli, Some(db), None)?;
            config::init_tracing(&config, "warn");
            let liaise = open(&config).await?;
            liaise.revoke_token(&system, *id).await?;
            liaise.close().await?;
            println!("token {id} revoked");
            Ok(())
        }
    }
}

async fn search(cli: &Cli, command: &SearchCommand) -> Result<(), Failure> {
    let SearchCommand::Reindex { db } = command;
    let config = load_config(cli, Some(db), None)?;
    config::init_tracing(&config, "warn");
    let liaise = open(&config).await?;
    let n = liaise.reindex_search(&Viewer::system()).await?;
    liaise.close().await?;
    println!("search index rebuilt: {n} entries");
    Ok(())
}

async fn generate(cli: &Cli, command: &GenerateCommand) -> Result<(), Failure> {
    let (count, seed, db) = match command {
        GenerateCommand::Documents { count, seed, db } => {
            let config = load_config(cli, Some(db), None)?;
            config::init_tracing(&config, "warn");
            return documents::generate(&config, *count, *seed).await;
        }
        GenerateCommand::Liaisons { count, seed, db } => (count, seed, db),
        GenerateCommand::SearchCorpus {
            count,
            seed,
            batch,
            db,
        } => return generate_search_corpus(cli, *count, *seed, *batch, db).await,
    };
    let config = load_config(cli, Some(db), None)?;
    config::init_tracing(&config, "warn");
    let liaise = open(&config).await?;
    let snap = liaise.registry().await?;
    let bodies: Vec<String> = snap.bodies.iter().map(|b| b.code.clone()).collect();
    let topics: Vec<String> = snap.topics.iter().map(|t| t.slug.clone()).collect();
    // A small linear congruential generator: repeatable without a dependency.
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut next = move |n: usize| -> usize {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(state >> 33).unwrap_or(0) % n.max(1)
    };
    let start =
        time::Date::from_calendar_date(2024, time::Month::January, 1).map_err(|e| Failure {
            code: exit::SOFTWARE,
            message: e.to_string(),
        })?;
    let bar = indicatif::ProgressBar::new(u64::from(*count));
    let mut rows = Vec::with_capacity(*count as usize);
    for i in 0..*count {
        let from = vec![bodies[next(bodies.len())].clone()];
        let mut to = bodies[next(bodies.len())].clone();
        if to == from[0] {
            to = bodies[(next(bodies.len()) + 1) % bodies.len()].clone();
        }
        let date = start + time::Duration::days(next(1000) as i64);
        let purposes = ["action", "comment", "information"];
        let purpose = purposes[next(3)].to_owned();
        let deadline =
            (purpose != "information").then(|| date + time::Duration::days(30 + next(120) as i64));
        let addressees = vec![(to, purpose, deadline)];
        let topic = vec![topics[next(topics.len())].clone()];
        let access = ["public", "public", "members", "secretariat"][next(4)];
        let title = format!("Generated liaison statement {i}");
        let input =
            liaise_domain::liaison::LiaisonInput::parse(&liaise_domain::liaison::LiaisonFields {
                title: &title,
                date: Some(date),
                from: &from,
                addressees: &addressees,
                topics: &topic,
                access,
                ..Default::default()
            })
            .map_err(ServiceError::from);
        rows.push(liaise_service::liaisons::ImportRow {
            line: u64::from(i) + 1,
            number: None,
            sent: true,
            received: Some(false),
            input,
        });
    }
    let report = liaise
        .import_liaisons(&Viewer::system(), rows, |n| bar.inc(n))
        .await?;
    bar.finish_and_clear();
    liaise.close().await?;
    println!(
        "{} generated, {} refused",
        report.imported.len(),
        report.rejected.len()
    );
    Ok(())
}

async fn generate_search_corpus(
    cli: &Cli,
    count: u64,
    seed: u64,
    batch: u64,
    db: &DbArgs,
) -> Result<(), Failure> {
    let config = load_config(cli, Some(db), None)?;
    config::init_tracing(&config, "warn");
    let liaise = open(&config).await?;
    let bar = indicatif::ProgressBar::new(count);
    liaise
        .generate_search_corpus(count, seed, batch.max(1), |n| bar.inc(n))
        .await?;
    bar.finish_and_clear();
    liaise.close().await?;
    println!("{count} search entries generated");
    Ok(())
}

async fn import_meetings(
    cli: &Cli,
    file: &std::path::Path,
    body: &str,
    access: &str,
    json: bool,
    db: &DbArgs,
) -> Result<(), Failure> {
    let config = load_config(cli, Some(db), None)?;
    config::init_tracing(&config, "warn");
    let bytes = std::fs::read(file).map_err(|e| Failure {
        code: exit::DATAERR,
        message: format!("{}: {e}", file.display()),
    })?;
    let liaise = open(&config).await?;
    let report = liaise
        .import_meetings(&Viewer::system(), &bytes, body, access)
        .await;
    liaise.close().await?;
    let report = report.map_err(|e| {
        let invalid = matches!(e, ServiceError::Invalid(_));
        let message = format!("{}: {e}", file.display());
        let mut failure = Failure::from(e);
        if invalid {
            failure.code = exit::DATAERR;
        }
        failure.message = message;
        failure
    })?;
    if json {
        let list = |v: &[(String, i32)]| {
            v.iter()
                .map(|(uid, id)| serde_json::json!({"uid": uid, "id": id}))
                .collect::<Vec<_>>()
        };
        println!(
            "{}",
            serde_json::json!({"created": list(&report.created), "updated": list(&report.updated)})
        );
    } else {
        println!(
            "{}: {} created, {} updated",
            file.display(),
            report.created.len(),
            report.updated.len()
        );
    }
    Ok(())
}

async fn import(cli: &Cli, command: &ImportCommand) -> Result<(), Failure> {
    let (file, json, db) = match command {
        ImportCommand::Liaisons { file, json, db } => (file, json, db),
        ImportCommand::Meetings {
            file,
            body,
            access,
            json,
            db,
        } => return import_meetings(cli, file, body, access, *json, db).await,
    };
    let config = load_config(cli, Some(db), None)?;
    config::init_tracing(&config, "warn");
    // The whole file is read and checked before anything is written.
    let rows = import::read(file).map_err(|message| Failure {
        code: exit::DATAERR,
        message,
    })?;
    let liaise = open(&config).await?;
    let bar = indicatif::ProgressBar::new(rows.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} statements")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let report = liaise
        .import_liaisons(&Viewer::system(), rows, |n| bar.inc(n))
        .await;
    bar.finish_and_clear();
    liaise.close().await?;
    let report = report?;
    if *json {
        println!(
            "{}",
            serde_json::json!({
                "imported": report.imported.iter().map(|(l, n)| serde_json::json!({"line": l, "number": n})).collect::<Vec<_>>(),
                "rejected": report.rejected.iter().map(|(l, r)| serde_json::json!({"line": l, "reason": r})).collect::<Vec<_>>(),
            })
        );
    } else {
        for (line, reason) in &report.rejected {
            println!("{}: line {line}: {reason}", file.display());
        }
        println!(
            "{}: {} imported, {} rejected",
            file.display(),
            report.imported.len(),
            report.rejected.len()
        );
    }
    if report.rejected.is_empty() {
        Ok(())
    } else {
        Err(Failure {
            code: exit::DATAERR,
            message: format!(
                "{}: {} row(s) rejected",
                file.display(),
                report.rejected.len()
            ),
        })
    }
}

/// A password from standard input when it is piped, or `None` to have one generated.
fn password_from_stdin() -> Result<Option<String>, Failure> {
    use std::io::{BufRead, IsTerminal};
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(None);
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).map_err(|e| Failure {
        code: exit::FAILURE,
        message: format!("standard input: {e}"),
    })?;
    let p = line.trim_end_matches(['\n', '\r']).to_owned();
    Ok((!p.is_empty()).then_some(p))
}

async fn user(cli: &Cli, command: &UserCommand) -> Result<(), Failure> {
    let system = Viewer::system();
    let db = match command {
        UserCommand::Add { db, .. }
        | UserCommand::Passwd { db, .. }
        | UserCommand::Disable { db, .. }
        | UserCommand::List { db, .. } => db,
    };
    let config = load_config(cli, Some(db), None)?;
    config::init_tracing(&config, "warn");
    let liaise = open(&config).await?;
    let result = match command {
        UserCommand::Add {
            email,
            role,
            organization,
            name,
            ..
        } => {
            let role = liaise_service::accounts::parse_role(role, organization.as_deref())?;
            let password = password_from_stdin()?;
            let (user, generated) = liaise
                .add_user(&system, email, name.as_deref(), role, password)
                .await?;
            match generated {
                Some(p) => println!("{} created; password (shown once): {p}", user.email),
                None => println!("{} created", user.email),
            }
            Ok(())
        }
        UserCommand::Passwd { email, .. } => {
            let password = password_from_stdin()?;
            match liaise.set_password(&system, email, password).await? {
                Some(p) => println!("password of {email} changed (shown once): {p}"),
                None => println!("password of {email} changed"),
            }
            Ok(())
        }
        UserCommand::Disable { email, .. } => {
            liaise.disable_user(&system, email).await?;
            println!("{email} disabled");
            Ok(())
        }
        UserCommand::List { json, .. } => {
            let users = liaise.list_users(&system).await?;
            if *json {
                let items: Vec<_> = users
                    .iter()
                    .map(|u| serde_json::json!({"id": u.id, "email": u.email, "role": u.role, "organization": u.organization, "disabled": u.disabled}))
                    .collect();
                println!("{}", serde_json::Value::Array(items));
            } else {
                for u in &users {
                    println!(
                        "{}\t{}\t{}{}",
                        u.email,
                        u.role,
                        u.organization.as_deref().unwrap_or("-"),
                        if u.disabled { "\tdisabled" } else { "" }
                    );
                }
            }
            Ok(())
        }
    };
    liaise.close().await?;
    result
}

async fn serve(config: Config, started: Instant) -> Result<(), Failure> {
    let bind = config.bind_addr().map_err(config_failure)?;
    let database_url = config.database_url().map_err(config_failure)?;
    let app = Application::build(Settings {
        bind,
        database_url,
        public_url: config.public_url.clone(),
        data_dir: config.data_dir.clone(),
        smtp_url: config.smtp_url.clone(),
        mail_from: config.mail_from.clone(),
    })
    .await?;
    tracing::info!(
        address = %app.addr(),
        backend = app.liaise().backend().as_str(),
        ready_ms = started.elapsed().as_millis() as u64,
        "liaise is listening on http://{}",
        app.addr()
    );
    app.run_until(shutdown_signal())
        .await
        .map_err(|e| Failure {
            code: exit::FAILURE,
            message: format!("server stopped: {e}"),
        })?;
    tracing::info!("stopped");
    Ok(())
}

/// Completes on SIGINT or SIGTERM; the server then finishes the requests in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
