//! Layered configuration: defaults < TOML file < `LIAISE_*` environment < flags.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
};

use serde::Deserialize;

/// The settings of one run.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub bind: String,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub log_format: String,
    pub log_level: Option<String>,
    /// The address people use; `https://…` makes cookies Secure.
    pub public_url: Option<String>,
    /// SMTP server for deadline reminders (`smtp://host:port`, `smtps://…`).
    pub smtp_url: Option<String>,
    /// Sender of reminders.
    pub mail_from: Option<String>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_deref().map(liaise_service::redact_url),
            )
            .field("log_format", &self.log_format)
            .finish()
    }
}

/// The settings a file or the environment may give.
const KEYS: &[&str] = &[
    "bind",
    "data_dir",
    "database_url",
    "log_format",
    "log_level",
    "public_url",
    "smtp_url",
    "mail_from",
];

/// What the command line says, winning over everything else.
#[derive(Default)]
pub struct Overrides {
    pub bind: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub log_format: Option<String>,
    pub public_url: Option<String>,
    pub smtp_url: Option<String>,
}

impl Config {
    pub fn load(file: Option<&Path>, o: Overrides) -> Result<Self, String> {
        let mut b = config::Config::builder()
            .set_default("bind", "127.0.0.1:8080")
            .and_then(|b| b.set_default("data_dir", "./liaise-data"))
            .and_then(|b| b.set_default("log_format", "text"))
            .map_err(|e| e.to_string())?;
        if let Some(path) = file {
            if !path.is_file() {
                return Err(format!("{}: configuration file not found", path.display()));
            }
            b = b.add_source(config::File::from(path).format(config::FileFormat::Toml));
        }
        // Only the known LIAISE_* variables: others (LIAISE_TEST_…) belong to other tools.
        for key in KEYS {
            let var = format!("LIAISE_{}", key.to_ascii_uppercase());
            if let Ok(value) = std::env::var(&var) {
                b = b
                    .set_override(*key, value)
                    .map_err(|e| format!("{var}: {e}"))?;
            }
        }
        let set = |b: config::ConfigBuilder<config::builder::DefaultState>,
                   key: &str,
                   v: Option<String>| {
            match v {
                Some(v) => b.set_override(key, v).map_err(|e| e.to_string()),
                None => Ok(b),
            }
        };
        b = set(b, "bind", o.bind)?;
        b = set(b, "data_dir", o.data_dir.map(|p| p.display().to_string()))?;
        b = set(b, "database_url", o.database_url)?;
        b = set(b, "log_format", o.log_format)?;
        b = set(b, "public_url", o.public_url)?;
        b = set(b, "smtp_url", o.smtp_url)?;
        let built = b.build().map_err(|e| match file {
            Some(p) => format!("{}: {e}", p.display()),
            None => e.to_string(),
        })?;
        let config: Self = built.try_deserialize().map_err(|e| match file {
            Some(p) => format!("{}: {e}", p.display()),
            None => format!("configuration: {e}"),
        })?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        self.bind_addr()?;
        if !matches!(self.log_format.as_str(), "text" | "json") {
            return Err(format!(
                "log_format must be text or json (got `{}`)",
                self.log_format
            ));
        }
        if let Some(url) = &self.public_url {
            liaise_web::public_site(url).map_err(|e| e.to_string())?;
        }
        if let Some(url) = &self.database_url {
            liaise_service::Backend::from_url(url).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    pub fn bind_addr(&self) -> Result<SocketAddr, String> {
        self.bind.parse().map_err(|_| {
            format!(
                "bind must be an address and port like 127.0.0.1:8080 (got `{}`)",
                self.bind
            )
        })
    }

    /// The database URL; with none configured, SQLite in the data folder (created if needed).
    pub fn database_url(&self) -> Result<String, String> {
        if let Some(url) = self.database_url.as_deref().filter(|u| !u.is_empty()) {
            return Ok(url.to_owned());
        }
        std::fs::create_dir_all(&self.data_dir).map_err(|e| {
            format!(
                "{}: cannot create the data folder: {e}",
                self.data_dir.display()
            )
        })?;
        Ok(liaise_service::dialect::sqlite_url(
            &self.data_dir.join("liaise.db"),
        ))
    }
}

/// Logs to stderr, as text or JSON; `RUST_LOG` or `log_level` refine the level.
pub fn init_tracing(config: &Config, default_level: &str) {
    use tracing_subscriber::{EnvFilter, fmt};
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| {
            EnvFilter::new(config.log_level.clone().unwrap_or_else(|| {
                format!("{default_level},sqlx=warn,sea_orm=warn,tower_http=warn")
            }))
        });
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if config.log_format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("liaise.toml");
        std::fs::write(&file, "bind = \"127.0.0.1:9000\"\nlog_format = \"json\"\n").unwrap();
        let c = Config::load(Some(&file), Overrides::default()).unwrap();
        assert_eq!(c.bind, "127.0.0.1:9000");
        assert_eq!(c.log_format, "json");
        let c = Config::load(
            Some(&file),
            Overrides {
                bind: Some("127.0.0.1:9100".into()),
                ..Overrides::default()
            },
        )
        .unwrap();
        assert_eq!(c.bind, "127.0.0.1:9100");
        assert_eq!(c.data_dir, PathBuf::from("./liaise-data"));
    }

    #[test]
    fn every_setting_has_its_environment_variable() {
        // SAFETY of the test: the variable is unique to this test.
        let got = {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("liaise.toml");
            std::fs::write(&file, "public_url = \"https://from-file.example\"\n").unwrap();
            Config::load(Some(&file), Overrides::default())
                .unwrap()
                .public_url
        };
        assert_eq!(got.as_deref(), Some("https://from-file.example"));
        for field in [
            "bind",
            "data_dir",
            "database_url",
            "log_format",
            "log_level",
            "public_url",
        ] {
            assert!(
                KEYS.contains(&field),
                "LIAISE_{} is not read",
                field.to_uppercase()
            );
        }
    }

    #[test]
    fn bad_values_are_named() {
        let err = Config::load(
            None,
            Overrides {
                bind: Some("nowhere".into()),
                ..Overrides::default()
            },
        )
        .unwrap_err();
        assert!(err.contains("bind"), "{err}");
        let err = Config::load(
            None,
            Overrides {
                database_url: Some("mysql://x".into()),
                ..Overrides::default()
            },
        )
        .unwrap_err();
        assert!(err.contains("database URL"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, "colour = 1\n").unwrap();
        let err = Config::load(Some(&file), Overrides::default()).unwrap_err();
        assert!(err.contains("bad.toml"), "{err}");
    }
}
