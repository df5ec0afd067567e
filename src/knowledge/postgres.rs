//! The PostgreSQL knowledge base: connecting, installing its schema, and
//! loading it from the DuckDB one.
//!
//! The connection string is libpq's URL form, from `DATABASE_URL` or else
//! `[knowledge.database] url`. TLS follows libpq's `sslmode`: `disable`;
//! `prefer` (the default) and `require` encrypt without checking the
//! server's certificate, as libpq does; `verify-ca` checks it against the
//! roots and `verify-full` the host name too. The roots are the file named
//! by `sslrootcert` (for Aurora, Amazon's RDS bundle) or else the system's.
//! The password comes from the URL or `PGPASSWORD` and is never shown:
//! [`Target::display`] is the URL without it.

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use postgres::Client;

/// Where the knowledge base lives.
#[derive(Clone)]
pub struct Target {
    config: postgres::Config,
    tls: Tls,
    root_cert: Option<PathBuf>,
    display: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tls {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target").field("url", &self.display).finish()
    }
}

/// Why the PostgreSQL knowledge base could not be reached or written.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error("{0}")]
    Config(String),
    #[error("cannot connect to {target}: {detail}")]
    Connect { target: String, detail: String },
    #[error("PostgreSQL refused {what}: {detail}")]
    Sql { what: String, detail: String },
    #[error("DuckDB refused {what}: {source}")]
    Duck { what: String, source: duckdb::Error },
    #[error("{0}")]
    Schema(String),
}

/// The message of a PostgreSQL error, with its detail, hint and position
/// when the server gave them.
pub fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut text = format!("{}: {}", db.severity(), db.message());
            if let Some(detail) = db.detail() {
                text.push_str(&format!(" ({detail})"));
            }
            if let Some(hint) = db.hint() {
                text.push_str(&format!("; hint: {hint}"));
            }
            if let Some(place) = db.where_() {
                text.push_str(&format!("; at {place}"));
            }
            text
        }
        None => {
            // "error performing TLS handshake" says little without its causes.
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(cause) = source {
                let cause_text = cause.to_string();
                if !text.contains(&cause_text) {
                    text.push_str(&format!(": {cause_text}"));
                }
                source = cause.source();
            }
            text
        }
    }
}

fn sql(what: &str) -> impl Fn(postgres::Error) -> PgError + '_ {
    move |e| PgError::Sql { what: what.to_owned(), detail: describe(&e) }
}

impl Target {
    /// The target named by `DATABASE_URL`, or else by `url` (the manifest's
    /// `[knowledge.database] url`); `None` when neither is set.
    pub fn from_env_or(url: Option<&str>) -> Result<Option<Target>, PgError> {
        let from_env = std::env::var("DATABASE_URL").ok().filter(|u| !u.trim().is_empty());
        match from_env.as_deref().or(url.filter(|u| !u.trim().is_empty())) {
            Some(url) => Target::parse(url).map(Some),
            None => Ok(None),
        }
    }

    /// Parses a `postgres://` URL (or libpq key=value string).
    pub fn parse(url: &str) -> Result<Target, PgError> {
        let (rest, tls, root_cert) = split_tls_options(url)?;
        let mut config: postgres::Config = rest.parse().map_err(|e| {
            PgError::Config(format!(
                "the database URL is not valid: {e} (expected postgres://user@host:5432/database)"
            ))
        })?;
        if config.get_password().is_none() {
            if let Ok(password) = std::env::var("PGPASSWORD") {
                config.password(password);
            }
        }
        if config.get_user().is_none() {
            if let Ok(user) = std::env::var("PGUSER").or_else(|_| std::env::var("USER")) {
                config.user(&user);
            }
        }
        config.ssl_mode(match tls {
            Tls::Disable => postgres::config::SslMode::Disable,
            Tls::Prefer => postgres::config::SslMode::Prefer,
            _ => postgres::config::SslMode::Require,
        });
        config.application_name("pipeline");
        config.connect_timeout(std::time::Duration::from_secs(30));
        let display = display(&config);
        Ok(Target { config, tls, root_cert, display })
    }

    /// The URL without its password, for messages.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// What identifies the database for the runner: user, hosts, ports and
    /// database, never the password.
    pub fn identity(&self) -> String {
        self.display.clone()
    }

    /// A new connection.
    pub fn connect(&self) -> Result<Client, PgError> {
        let connect = |e: postgres::Error| PgError::Connect {
            target: self.display.clone(),
            detail: describe(&e),
        };
        match self.tls {
            Tls::Disable => self.config.connect(postgres::NoTls).map_err(connect),
            mode => {
                let tls = tokio_postgres_rustls::MakeRustlsConnect::new(self.rustls(mode)?);
                self.config.connect(tls).map_err(connect)
            }
        }
    }

    fn rustls(&self, mode: Tls) -> Result<rustls::ClientConfig, PgError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| PgError::Config(format!("TLS: {e}")))?;
        let config = match mode {
            Tls::Prefer | Tls::Require => builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verify::Unverified(provider)))
                .with_no_client_auth(),
            _ => {
                let roots = Arc::new(self.roots()?);
                let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(
                    roots,
                    provider.clone(),
                )
                .build()
                .map_err(|e| PgError::Config(format!("TLS: {e}")))?;
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(verify::Checked {
                        inner: webpki,
                        check_name: mode == Tls::VerifyFull,
                    }))
                    .with_no_client_auth()
            }
        };
        Ok(config)
    }

    fn roots(&self) -> Result<rustls::RootCertStore, PgError> {
        use rustls::pki_types::pem::PemObject;
        let mut roots = rustls::RootCertStore::empty();
        match &self.root_cert {
            Some(path) => {
                let certs = rustls::pki_types::CertificateDer::pem_file_iter(path)
                    .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                    .map_err(|e| PgError::Config(format!("sslrootcert {}: {e}", path.display())))?;
                roots.add_parsable_certificates(certs);
            }
            None => {
                roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
            }
        }
        if roots.is_empty() {
            return Err(PgError::Config(
                "no root certificates to verify the server with: set sslrootcert=FILE in the \
                 database URL (for Aurora, Amazon's RDS global bundle)"
                    .to_owned(),
            ));
        }
        Ok(roots)
    }
}

/// Takes `sslmode` and `sslrootcert` out of the URL's query, which
/// tokio-postgres reads only in part.
fn split_tls_options(url: &str) -> Result<(String, Tls, Option<PathBuf>), PgError> {
    let mut tls = Tls::Prefer;
    let mut root = None;
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), tls, root));
    };
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "sslmode" => {
                tls = match value {
                    "disable" => Tls::Disable,
                    "allow" | "prefer" => Tls::Prefer,
                    "require" => Tls::Require,
                    "verify-ca" => Tls::VerifyCa,
                    "verify-full" => Tls::VerifyFull,
                    other => {
                        return Err(PgError::Config(format!(
                            "sslmode={other} in the database URL: use disable, prefer, require, \
                             verify-ca or verify-full"
                        )))
                    }
                }
            }
            "sslrootcert" => {
                let path = percent_encoding::percent_decode_str(value).decode_utf8_lossy();
                root = Some(PathBuf::from(path.into_owned()));
            }
            _ => kept.push(pair),
        }
    }
    let rest = match kept.is_empty() {
        true => base.to_owned(),
        false => format!("{base}?{}", kept.join("&")),
    };
    Ok((rest, tls, root))
}

fn display(config: &postgres::Config) -> String {
    let user = config.get_user().unwrap_or("");
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .zip(config.get_ports().iter().chain(std::iter::repeat(&5432)))
        .map(|(h, p)| match h {
            postgres::config::Host::Tcp(name) => format!("{name}:{p}"),
            #[cfg(unix)]
            postgres::config::Host::Unix(path) => format!("{}:{p}", path.display()),
        })
        .collect();
    format!("postgres://{user}@{}/{}", hosts.join(","), config.get_dbname().unwrap_or(user))
}

mod verify {
    //! Certificate checks for the TLS modes libpq has and rustls lacks.
    use std::sync::Arc;

    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use rustls::{CertificateError, DigitallySignedStruct, Error, SignatureScheme};

    /// `sslmode=require`: encryption without a certificate check, as libpq.
    #[derive(Debug)]
    pub struct Unverified(pub Arc<CryptoProvider>);

    impl ServerCertVerifier for Unverified {
        fn verify_server_cert(
            &self,
            _: &CertificateDer<'_>,
            _: &[CertificateDer<'_>],
            _: &ServerName<'_>,
            _: &[u8],
            _: UnixTime,
        ) -> Result<ServerCertVerified, Error> {
            Ok(ServerCertVerified::assertion())
        }
        fn verify_tls12_signature(
            &self,
            m: &[u8],
            c: &CertificateDer<'_>,
            d: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            verify_tls12_signature(m, c, d, &self.0.signature_verification_algorithms)
        }
        fn verify_tls13_signature(
            &self,
            m: &[u8],
            c: &CertificateDer<'_>,
            d: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            verify_tls13_signature(m, c, d, &self.0.signature_verification_algorithms)
        }
        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.signature_verification_algorithms.supported_schemes()
        }
    }

    /// `verify-ca` and `verify-full`: the chain checked against the roots;
    /// the host name only for `verify-full`.
    #[derive(Debug)]
    pub struct Checked {
        pub inner: Arc<rustls::client::WebPkiServerVerifier>,
        pub check_name: bool,
    }

    impl ServerCertVerifier for Checked {
        fn verify_server_cert(
            &self,
            end: &CertificateDer<'_>,
            intermediates: &[CertificateDer<'_>],
            name: &ServerName<'_>,
            ocsp: &[u8],
            now: UnixTime,
        ) -> Result<ServerCertVerified, Error> {
            match self.inner.verify_server_cert(end, intermediates, name, ocsp, now) {
                Err(Error::InvalidCertificate(CertificateError::NotValidForName))
                | Err(Error::InvalidCertificate(CertificateError::NotValidForNameContext {
                    ..
                })) if !self.check_name => Ok(ServerCertVerified::assertion()),
                other => other,
            }
        }
        fn verify_tls12_signature(
            &self,
            m: &[u8],
            c: &CertificateDer<'_>,
            d: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            self.inner.verify_tls12_signature(m, c, d)
        }
        fn verify_tls13_signature(
            &self,
            m: &[u8],
            c: &CertificateDer<'_>,
            d: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            self.inner.verify_tls13_signature(m, c, d)
        }
        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.inner.supported_verify_schemes()
        }
    }
}

/// Runs a rendered SQL script of the deploy folder (`schema.sql`,
/// `functions.sql`): the psql meta-commands (`\set ...`) are left out, the
/// rest runs as one batch, with the script's own BEGIN and COMMIT.
pub fn run_script(client: &mut Client, name: &str, text: &str) -> Result<(), PgError> {
    let body: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('\\'))
        .map(|l| format!("{l}\n"))
        .collect();
    client
        .batch_execute(&body)
        .map_err(|e| PgError::Sql { what: name.to_owned(), detail: describe(&e) })
}

/// Rows a load changed, per table.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct TableLoad {
    pub table: String,
    pub rows: u64,
    pub inserted: u64,
    pub updated: u64,
    pub deleted: u64,
}

/// One table's transfer: which DuckDB query gives its rows, in which
/// PostgreSQL columns, and how rows are told apart.
struct Transfer {
    table: &'static str,
    /// Columns, in the order the query gives them.
    columns: &'static [&'static str],
    /// DuckDB query giving the rows, each column as text (or NULL).
    query: &'static str,
    /// The conflict target of the upsert.
    key: &'static str,
    /// Rows a re-load may delete: only those pipeline wrote.
    owned: &'static str,
    /// Set on update, besides the columns.
    touch: &'static str,
    /// A re-load of some objects: the DuckDB rows of the objects in
    /// `{ids}` (a list of object ids)...
    local_scope: &'static str,
    /// ...and the PostgreSQL rows of the objects in the scratch table
    /// `load_scope`, the only ones it may delete.
    remote_scope: &'static str,
}

const TRANSFERS: &[Transfer] = &[
    Transfer {
        table: "objects",
        columns: &[
            "object_id",
            "schema_name",
            "object_name",
            "object_type",
            "source_file",
            "first_line",
            "last_line",
            "content_hash",
            "parse_status",
            "parse_errors",
            "code_lines",
            "statements",
            "cyclomatic",
            "max_nesting",
            "complexity_score",
            "complexity_class",
            "route",
            "reasons",
            "score_parts",
            "ora2pg_units",
            "conversion_order",
            "load_hash",
        ],
        query: "SELECT object_id, schema_name, object_name, object_type, source_file,
                       first_line::VARCHAR, last_line::VARCHAR, content_hash, parse_status,
                       parse_errors::VARCHAR, code_lines::VARCHAR, statements::VARCHAR,
                       cyclomatic::VARCHAR, max_nesting::VARCHAR, complexity_score::VARCHAR,
                       complexity_class, route, reasons, score_parts,
                       ora2pg_units::VARCHAR, conversion_order::VARCHAR, LOAD_HASH
                FROM knowledge_base.objects o {scope} ORDER BY object_id",
        key: "object_id",
        owned: "true",
        touch: "",
        local_scope: "WHERE object_id IN ({ids})",
        remote_scope: "t.object_id IN (SELECT object_id FROM load_scope)",
    },
    Transfer {
        table: "knowledge_items",
        columns: &[
            "id",
            "object_type",
            "object_name",
            "schema_name",
            "knowledge_type",
            "title",
            "description",
            "content_raw",
            "content_structured",
            "embedding",
            "confidence",
            "created_by",
        ],
        query: "SELECT id::VARCHAR, object_type, object_name, schema_name, knowledge_type, title,
                       description, content_raw, content_structured, embedding::VARCHAR,
                       confidence::VARCHAR, 'pipeline'
                FROM knowledge_base.knowledge_items {scope} ORDER BY id",
        key: "id",
        owned: "t.created_by = 'pipeline'",
        touch: ", updated_at = now()",
        local_scope: "WHERE object_id IN ({ids})",
        remote_scope: "EXISTS (SELECT 1 FROM load_scope l WHERE l.object_name = t.object_name AND l.object_type = t.object_type AND l.schema_name IS NOT DISTINCT FROM t.schema_name)",
    },
    Transfer {
        table: "business_rules",
        columns: &[
            "id",
            "knowledge_id",
            "rule_name",
            "rule_category",
            "conditions",
            "actions",
            "exceptions",
            "business_context",
            "applies_to",
            "source_code",
            "source_line",
            "embedding",
        ],
        query: "SELECT id::VARCHAR, knowledge_id::VARCHAR, rule_name, rule_category, conditions,
                       actions, exceptions, business_context, applies_to,
                       source_code, source_line::VARCHAR, embedding::VARCHAR
                FROM knowledge_base.business_rules {scope} ORDER BY id",
        key: "id",
        owned: "true",
        touch: "",
        local_scope: "WHERE object_id IN ({ids})",
        remote_scope: "EXISTS (SELECT 1 FROM knowledge_base.knowledge_items i JOIN load_scope l ON l.object_name = i.object_name AND l.object_type = i.object_type AND l.schema_name IS NOT DISTINCT FROM i.schema_name WHERE i.id = t.knowledge_id)",
    },
    Transfer {
        table: "dependencies",
        columns: &[
            "id",
            "source_object",
            "source_type",
            "target_object",
            "target_type",
            "dependency_type",
            "call_count",
            "is_critical",
            "metadata",
        ],
        // The seed's table keeps one row per (source, target, type): a
        // package spec and body of one name share theirs, counts summed.
        query: "SELECT min(id)::VARCHAR, source_object, min(source_type), target_object,
                       min(target_type), dependency_type, sum(call_count)::VARCHAR,
                       bool_or(is_critical)::VARCHAR,
                       list(DISTINCT source_id ORDER BY source_id)
                FROM knowledge_base.dependencies {scope}
                GROUP BY source_object, target_object, dependency_type
                ORDER BY source_object, target_object, dependency_type",
        key: "source_object, target_object, dependency_type",
        owned: "true",
        touch: "",
        local_scope: "WHERE source_object IN (SELECT source_object FROM knowledge_base.dependencies WHERE source_id IN ({ids}))",
        remote_scope: "t.source_object IN (SELECT qualified FROM load_scope)",
    },
    Transfer {
        table: "technical_features",
        columns: &[
            "id",
            "object_name",
            "object_type",
            "feature_name",
            "feature_category",
            "occurrences",
            "complexity_impact",
            "migration_strategy",
            "details",
        ],
        query: "SELECT id::VARCHAR, object_name, object_type, feature_name, feature_category,
                       occurrences::VARCHAR, complexity_impact, migration_strategy, details
                FROM knowledge_base.technical_features {scope} ORDER BY id",
        key: "id",
        owned: "true",
        touch: "",
        local_scope: "WHERE object_id IN ({ids})",
        remote_scope: "EXISTS (SELECT 1 FROM load_scope l WHERE l.qualified = t.object_name AND l.object_type = t.object_type)",
    },
];

/// What an object's rows in PostgreSQL were loaded from: its row hash (a
/// change to anything it holds), the embedding model, and how many of its
/// rows had a vector. Equal hashes mean its rows need not be sent again.
const LOAD_HASH: &str = "md5(o.row_hash || '|'
    || coalesce((SELECT value FROM knowledge_base.meta WHERE key = 'embedding_model'), '')
    || '|' || ((SELECT count(embedding) FROM knowledge_base.knowledge_items i
                WHERE i.object_id = o.object_id)
             + (SELECT count(embedding) FROM knowledge_base.business_rules r
                WHERE r.object_id = o.object_id))::VARCHAR)";

/// Objects changed or removed since the last load beyond this share of the
/// estate (or more than `MAX_SCOPE`) are loaded whole: one pass over every
/// row is then cheaper than lists of ids.
const WHOLE_ABOVE: usize = 5;
const MAX_SCOPE: usize = 2_000;

/// The objects a re-load must send, as a quoted list of ids for the DuckDB
/// queries, with the PostgreSQL scratch table `load_scope` holding those
/// and the removed ones; `None` when the whole base is to be sent (a
/// first load, or too much changed).
fn scope(
    tx: &mut postgres::Transaction<'_>,
    source: &duckdb::Connection,
) -> Result<Option<String>, PgError> {
    let duck = |e| PgError::Duck { what: "the objects' load hashes".into(), source: e };
    let mut stmt = source
        .prepare(&format!(
            "SELECT object_id, {LOAD_HASH}, schema_name, object_name, object_type
             FROM knowledge_base.objects o ORDER BY object_id"
        ))
        .map_err(duck)?;
    type Local = (String, String, Option<String>, String, String);
    let local: Vec<Local> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .map_err(duck)?
        .collect::<Result<_, _>>()
        .map_err(duck)?;
    let rows = tx
        .query("SELECT object_id, load_hash FROM knowledge_base.objects", &[])
        .map_err(sql("the loaded objects"))?;
    if rows.is_empty() {
        return Ok(None);
    }
    let remote: HashMap<String, Option<String>> =
        rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    let here: HashSet<&str> = local.iter().map(|l| l.0.as_str()).collect();
    let changed: Vec<&Local> =
        local.iter().filter(|l| remote.get(&l.0) != Some(&Some(l.1.clone()))).collect();
    let removed: Vec<&String> = remote.keys().filter(|id| !here.contains(id.as_str())).collect();
    let touched = changed.len() + removed.len();
    if touched > MAX_SCOPE || touched * WHOLE_ABOVE > local.len() {
        return Ok(None);
    }
    tx.batch_execute(
        "CREATE TEMP TABLE load_scope (object_id text, schema_name text, object_name text,
                                       object_type text, qualified text) ON COMMIT DROP",
    )
    .map_err(sql("a scratch table"))?;
    let insert = "INSERT INTO load_scope VALUES ($1, $2, $3, $4, coalesce($2 || '.', '') || $3)";
    for (id, _, schema, name, kind) in &changed {
        tx.execute(insert, &[id, schema, name, kind]).map_err(sql("a scratch table"))?;
    }
    if !removed.is_empty() {
        let ids: Vec<&str> = removed.iter().map(|s| s.as_str()).collect();
        tx.execute(
            "INSERT INTO load_scope
             SELECT object_id, schema_name, object_name, object_type,
                    coalesce(schema_name || '.', '') || object_name
             FROM knowledge_base.objects WHERE object_id = ANY($1)",
            &[&ids],
        )
        .map_err(sql("a scratch table"))?;
    }
    let quoted: Vec<String> =
        changed.iter().map(|l| format!("'{}'", l.0.replace('\'', "''"))).collect();
    Ok(Some(match quoted.is_empty() {
        true => "NULL".to_owned(),
        false => quoted.join(", "),
    }))
}

/// Columns whose text must be converted on the way in.
fn cast(table: &str, column: &str) -> &'static str {
    match (table, column) {
        ("objects", "reasons") | ("business_rules", "applies_to") => "json_array",
        _ => "",
    }
}

/// Loads every table of the DuckDB knowledge base at `duck` into the
/// `knowledge_base` schema, in one transaction: rows are inserted or
/// updated by their stable ids, rows no longer in the source deleted
/// (knowledge items only when pipeline wrote them). A failure rolls all
/// of it back.
pub fn load(client: &mut Client, duck: &Path) -> Result<Vec<TableLoad>, PgError> {
    let source = duckdb::Connection::open_with_flags(
        duck,
        duckdb::Config::default()
            .access_mode(duckdb::AccessMode::ReadOnly)
            .map_err(|e| PgError::Duck { what: "read-only mode".into(), source: e })?,
    )
    .map_err(|e| PgError::Duck { what: format!("opening {}", duck.display()), source: e })?;
    check_dimensions(client, &source)?;

    let mut tx = client.transaction().map_err(sql("a transaction"))?;
    let rebuilt = set_indexes_aside(&mut tx)?;
    let scope = scope(&mut tx, &source)?;
    let mut report = Vec::new();
    for t in TRANSFERS {
        let stage = format!("load_{}", t.table);
        tx.batch_execute(&format!(
            "CREATE TEMP TABLE {stage} ({}) ON COMMIT DROP",
            t.columns.iter().map(|c| format!("{c} text")).collect::<Vec<_>>().join(", ")
        ))
        .map_err(sql("a scratch table"))?;
        let local_scope = match &scope {
            Some(ids) => t.local_scope.replace("{ids}", ids),
            None => String::new(),
        };
        let query = t.query.replace("LOAD_HASH", LOAD_HASH).replace("{scope}", &local_scope);
        copy_rows(&mut tx, &source, t, &query, &stage)?;

        let columns = t.columns.join(", ");
        let select: Vec<String> = t
            .columns
            .iter()
            .map(|c| match cast(t.table, c) {
                "json_array" => format!(
                    "ARRAY(SELECT jsonb_array_elements_text(s.{c}::jsonb))::{}",
                    column_type(t.table, c)
                ),
                _ => format!("s.{c}::{}", column_type(t.table, c)),
            })
            .collect();
        let key_columns: Vec<&str> = t.key.split(", ").collect();
        let updates: Vec<String> = t
            .columns
            .iter()
            .filter(|c| !key_columns.contains(c))
            .map(|c| format!("{c} = EXCLUDED.{c}"))
            .collect();
        let changed: Vec<String> = t
            .columns
            .iter()
            .filter(|c| !key_columns.contains(c))
            .map(|c| format!("t.{c} IS DISTINCT FROM EXCLUDED.{c}"))
            .collect();
        let upsert = format!(
            "WITH up AS (
                 INSERT INTO knowledge_base.{table} AS t ({columns})
                 SELECT {select} FROM {stage} AS s
                 ON CONFLICT ({key}) DO UPDATE SET {updates}{touch}
                 WHERE {changed}
                 RETURNING (xmax = 0) AS inserted
             )
             SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up",
            table = t.table,
            select = select.join(", "),
            key = t.key,
            updates = updates.join(", "),
            touch = t.touch,
            changed = changed.join(" OR "),
        );
        let row = tx.query_one(&upsert, &[]).map_err(sql(t.table))?;
        let (inserted, updated): (i64, i64) = (row.get(0), row.get(1));
        report.push(TableLoad {
            table: t.table.to_owned(),
            rows: 0,
            inserted: inserted as u64,
            updated: updated as u64,
            deleted: 0,
        });
    }
    // Deletions last, dependents first: a rule no longer in the source is
    // counted as a deleted rule, not lost in the cascade of its item.
    for (i, t) in TRANSFERS.iter().enumerate().rev() {
        let stage = format!("load_{}", t.table);
        let key_columns: Vec<&str> = t.key.split(", ").collect();
        let matches: Vec<String> = key_columns
            .iter()
            .map(|c| format!("s.{c}::{} = t.{c}", column_type(t.table, c)))
            .collect();
        let deleted = tx
            .execute(
                &format!(
                    "DELETE FROM knowledge_base.{table} AS t WHERE {owned}{scoped}
                     AND NOT EXISTS (SELECT 1 FROM {stage} AS s WHERE {matches})",
                    table = t.table,
                    owned = t.owned,
                    scoped = match scope {
                        Some(_) => format!(" AND ({})", t.remote_scope),
                        None => String::new(),
                    },
                    matches = matches.join(" AND "),
                ),
                &[],
            )
            .map_err(sql(t.table))?;
        report[i].deleted = deleted;
        let count = tx
            .query_one(&format!("SELECT count(*) FROM knowledge_base.{}", t.table), &[])
            .map_err(sql(t.table))?;
        report[i].rows = count.get::<_, i64>(0).max(0) as u64;
    }
    for definition in &rebuilt {
        tx.batch_execute(definition).map_err(sql("an HNSW index"))?;
    }
    tx.commit().map_err(sql("the commit"))?;
    Ok(report)
}

/// Drops the HNSW indexes of the tables that are empty now, and returns
/// their definitions, to be created again once the rows are in: building
/// the graph over all rows at once is many times faster than inserting
/// them one by one into it (a first load of the synthetic estate's
/// knowledge). Tables that hold rows keep their index, so a re-load touches
/// only the changed rows' entries. Both happen inside the load's
/// transaction: a failure leaves the indexes as they were.
fn set_indexes_aside(tx: &mut postgres::Transaction<'_>) -> Result<Vec<String>, PgError> {
    let rows = tx
        .query(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.relname
             FROM pg_index i
             JOIN pg_class c ON c.oid = i.indrelid
             JOIN pg_class ic ON ic.oid = i.indexrelid
             JOIN pg_am am ON am.oid = ic.relam
             WHERE c.relnamespace = 'knowledge_base'::regnamespace AND am.amname = 'hnsw'
             ORDER BY 1",
            &[],
        )
        .map_err(sql("the list of HNSW indexes"))?;
    let mut definitions = Vec::new();
    for row in rows {
        let (index, definition, table): (String, String, String) =
            (row.get(0), row.get(1), row.get(2));
        let empty: bool = tx
            .query_one(&format!("SELECT NOT EXISTS (SELECT 1 FROM knowledge_base.{table})"), &[])
            .map_err(sql("an HNSW index"))?
            .get(0);
        if empty {
            tx.batch_execute(&format!("DROP INDEX {index}")).map_err(sql("an HNSW index"))?;
            definitions.push(definition);
        }
    }
    if !definitions.is_empty() {
        // pgvector builds in memory when the graph fits.
        tx.batch_execute("SET LOCAL maintenance_work_mem = '512MB'")
            .map_err(sql("maintenance_work_mem"))?;
    }
    Ok(definitions)
}

/// The PostgreSQL type of a column, for the casts from text.
fn column_type(table: &str, column: &str) -> &'static str {
    match (table, column) {
        (_, "id" | "knowledge_id") => "uuid",
        (_, "embedding") => "vector",
        (_, "content_structured" | "conditions" | "actions" | "exceptions" | "metadata")
        | (_, "details") => "jsonb",
        (_, "confidence" | "complexity_score" | "ora2pg_units") => "double precision",
        (
            _,
            "first_line" | "last_line" | "parse_errors" | "code_lines" | "statements"
            | "cyclomatic" | "max_nesting" | "conversion_order" | "call_count" | "occurrences"
            | "source_line",
        ) => "integer",
        (_, "is_critical") => "boolean",
        ("objects", "reasons") | ("business_rules", "applies_to") => "text[]",
        _ => "text",
    }
}

/// Streams the rows of `t` from DuckDB into the scratch table with COPY.
fn copy_rows(
    tx: &mut postgres::Transaction<'_>,
    source: &duckdb::Connection,
    t: &Transfer,
    query: &str,
    stage: &str,
) -> Result<u64, PgError> {
    let duck = |what: &str| {
        let what = format!("{} ({what})", t.table);
        move |e| PgError::Duck { what: what.clone(), source: e }
    };
    let mut stmt = source.prepare(query).map_err(duck("its query"))?;
    let mut rows = stmt.query([]).map_err(duck("its query"))?;
    let mut writer = tx
        .copy_in(&format!("COPY {stage} ({}) FROM STDIN", t.columns.join(", ")))
        .map_err(sql("COPY"))?;
    let mut line = String::new();
    let mut count = 0;
    while let Some(row) = rows.next().map_err(duck("a row"))? {
        line.clear();
        for i in 0..t.columns.len() {
            if i > 0 {
                line.push('\t');
            }
            match text_of(t.columns[i], row.get(i).map_err(duck("a value"))?) {
                None => line.push_str("\\N"),
                Some(value) => escape_copy(&value, &mut line),
            }
        }
        line.push('\n');
        writer.write_all(line.as_bytes()).map_err(|e| PgError::Sql {
            what: format!("COPY of {}", t.table),
            detail: e.to_string(),
        })?;
        count += 1;
    }
    writer.finish().map_err(sql("COPY"))?;
    Ok(count)
}

/// A DuckDB value as the text the scratch table takes: lists as JSON (a
/// dependency's list of sources as `{"sources": [...]}`), the rest as text;
/// DuckDB here has no JSON extension to do it in SQL.
fn text_of(column: &str, value: duckdb::types::Value) -> Option<String> {
    use duckdb::types::Value;
    match value {
        Value::Null => None,
        Value::Text(s) => Some(s),
        Value::List(items) => {
            let items: Vec<serde_json::Value> = items
                .into_iter()
                .map(|v| match text_of(column, v) {
                    Some(s) => serde_json::Value::String(s),
                    None => serde_json::Value::Null,
                })
                .collect();
            Some(match column {
                "metadata" => serde_json::json!({ "sources": items }).to_string(),
                _ => serde_json::Value::Array(items).to_string(),
            })
        }
        Value::Boolean(b) => Some(b.to_string()),
        Value::Int(n) => Some(n.to_string()),
        Value::BigInt(n) => Some(n.to_string()),
        Value::Float(x) => Some(x.to_string()),
        Value::Double(x) => Some(x.to_string()),
        // The queries cast every other column to VARCHAR.
        other => unreachable!("{column}: a {other:?} where the load query gives text"),
    }
}

/// `value` in COPY's text format.
fn escape_copy(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// Refuses a load whose embeddings would not fit the target's columns.
fn check_dimensions(client: &mut Client, source: &duckdb::Connection) -> Result<(), PgError> {
    let local = crate::knowledge::duckdb::embedding_dimensions(source)
        .map_err(|e| PgError::Duck { what: "the schema of knowledge_items".into(), source: e })?;
    let local = i32::try_from(local).unwrap_or(-1);
    let row = client
        .query_opt(
            "SELECT atttypmod FROM pg_attribute
             WHERE attrelid = 'knowledge_base.knowledge_items'::regclass AND attname = 'embedding'",
            &[],
        )
        .map_err(sql("the schema of knowledge_items"))?;
    let remote: i32 = row.map_or(-1, |r| r.get(0));
    if remote != local {
        return Err(PgError::Schema(format!(
            "the PostgreSQL knowledge base stores {remote}-dimension embeddings and the local one \
             {local}: re-create the embedding columns (see schema.sql) or set \
             knowledge.embedding_dimensions = {remote}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_options_are_taken_out_of_the_url() {
        let (rest, tls, root) = split_tls_options(
            "postgres://kb@db.example.com:5432/veris?sslmode=verify-full&sslrootcert=%2Fetc%2Frds.pem&application_name=x",
        )
        .unwrap();
        assert_eq!(rest, "postgres://kb@db.example.com:5432/veris?application_name=x");
        assert_eq!(tls, Tls::VerifyFull);
        assert_eq!(root, Some(PathBuf::from("/etc/rds.pem")));
        assert!(split_tls_options("postgres://h/d?sslmode=sometimes").is_err());
    }

    #[test]
    fn the_password_is_never_displayed() {
        let t = Target::parse("postgres://kb:s3cret@db.example.com:6543/veris").unwrap();
        assert_eq!(t.display(), "postgres://kb@db.example.com:6543/veris");
        assert!(!format!("{t:?}").contains("s3cret"));
    }

    #[test]
    fn copy_text_is_escaped() {
        let mut out = String::new();
        escape_copy("a\tb\\c\nd", &mut out);
        assert_eq!(out, "a\\tb\\\\c\\nd");
    }
}
