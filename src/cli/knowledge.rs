//! The commands that read the knowledge base: `show`, `search`, `serve`.
//! Each finds the database the manifest's classify stage writes and asks
//! the library; printing is here.

use std::fmt::Write as _;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};

use pipeline::knowledge::embed::{self, Embedder};
use pipeline::knowledge::postgres::Target;
use pipeline::knowledge::search::duckdb::DuckDb;
use pipeline::knowledge::search::postgres::Postgres;
use pipeline::knowledge::search::{Backend, Hit, SearchQuery};
use pipeline::runner::Project;

use super::args::{SearchArgs, ServeArgs, ShowArgs};
use super::exit;
use super::ui::Ui;

/// Where `pipeline serve` listens unless told otherwise: this machine only.
const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// The `.duckdb` output of the project's classify stage, as a path from
/// the current folder.
fn knowledge_base(project: &Project) -> Result<PathBuf> {
    let database = project
        .manifest
        .stages
        .iter()
        .filter(|s| s.kind == "classify")
        .flat_map(|s| s.output_paths())
        .find(|o| o.ends_with(".duckdb"))
        .map(str::to_owned);
    let Some(database) = database else {
        bail!(
            "no classify stage in {}, so there is no knowledge base to read\n\n\
             hint: add one; `pipeline init` writes an example",
            project.manifest.path.display()
        )
    };
    let path = project.manifest.root.join(&database);
    // `./knowledge/...` reads worse than the manifest's own spelling.
    Ok(path.strip_prefix(".").map(Path::to_path_buf).unwrap_or(path))
}

/// The embedder `[knowledge.embedding]` names: the one the embed stage
/// used, so that questions land in the same space as the items.
fn embedder(project: &Project) -> Result<Box<dyn Embedder>> {
    let config = embed::Config::from_manifest(|k| project.manifest.param(k))
        .with_context(|| format!("in {}", project.manifest.path.display()))?;
    Ok(config.embedder()?)
}

/// The knowledge base a command reads: the local DuckDB file, or with
/// `--postgres` the PostgreSQL one the load stage fills.
fn backend(project: &Project, postgres: bool) -> Result<Box<dyn Backend>> {
    let embedder = embedder(project)?;
    if !postgres {
        return Ok(Box::new(DuckDb::open(&knowledge_base(project)?, embedder)?));
    }
    let url = project.manifest.param("knowledge.database.url").and_then(toml::Value::as_str);
    match Target::from_env_or(url)? {
        Some(target) => Ok(Box::new(Postgres::new(target, embedder))),
        None => bail!(
            "--postgres needs a database: DATABASE_URL is not set and [knowledge.database] has \
             no url\n\nhint: DATABASE_URL=postgres://user@host:5432/database"
        ),
    }
}

/// Prints what the knowledge base holds of one object.
pub fn show(project: Project, args: ShowArgs) -> Result<u8> {
    let text = pipeline::knowledge::show::show(&knowledge_base(&project)?, &args.object)?;
    print!("{text}");
    Ok(exit::SUCCESS)
}

pub fn search(project: Project, args: SearchArgs, ui: &Ui) -> Result<u8> {
    let backend = backend(&project, args.postgres)?;
    let query = SearchQuery {
        text: args.query,
        limit: args.limit,
        threshold: args.threshold,
        object_type: args.object_type,
        feature: args.feature,
        knowledge_type: args.knowledge_type,
    };
    let hits = backend.search(&query)?;
    if args.json {
        let doc = serde_json::json!({ "query": query.text, "hits": hits });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print!("{}", render(&hits));
    }
    if hits.is_empty() {
        let filtered = query.object_type.is_some()
            || query.feature.is_some()
            || query.knowledge_type.is_some();
        ui.info(&match filtered {
            true => format!(
                "no item passes the filters and is {} or more similar to the query\n\n\
                 hint: drop a filter (--type, --feature, --knowledge-type) to see what is there",
                query.threshold
            ),
            false => format!(
                "no item is {} or more similar to the query\n\n\
                 hint: use the words the code uses (table, column, package names), \
                 or lower --threshold",
                query.threshold
            ),
        });
    }
    Ok(exit::SUCCESS)
}

/// Two lines per hit, columns aligned across hits:
///
/// ```text
/// 0.412  VENTAS.PKG_DESCUENTOS (PACKAGE BODY)  CALCULATION  v_total
///        extracted/ddl/VENTAS/PKG_DESCUENTOS.sql:88
/// ```
///
/// An object's own item (FLOW) is titled with the object's id; the title is
/// not repeated then.
fn render(hits: &[Hit]) -> String {
    let objects: Vec<String> = hits.iter().map(|h| h.object.to_string()).collect();
    let width = objects.iter().map(|o| o.chars().count()).max().unwrap_or(0);
    let kind_width = hits.iter().map(|h| h.knowledge_type.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (hit, object) in hits.iter().zip(&objects) {
        let title = if hit.title == *object { "" } else { hit.title.as_str() };
        let line = format!(
            "{:.3}  {object:width$}  {:kind_width$}  {title}",
            hit.similarity, hit.knowledge_type
        );
        let _ = writeln!(out, "{}", line.trim_end());
        let _ = writeln!(out, "       {}:{}", hit.source_file, hit.line);
    }
    out
}

pub fn serve(project: Project, args: ServeArgs, ui: &Ui) -> Result<u8> {
    let addr = bind_address(&project, args.bind)?;
    let backend: Arc<dyn Backend> = Arc::from(backend(&project, args.postgres)?);
    // The warning comes first: the address line is the last a script
    // waiting for the server has to read.
    let listening = |bound: SocketAddr| {
        if pipeline::serve::is_exposed(&bound) {
            ui.warn(&format!(
                "{bound} is reachable from other machines, and the API asks no credentials; \
                 bind to 127.0.0.1 unless that is what you want"
            ));
        }
        ui.info(&format!("listening on http://{bound} (Ctrl-C stops)"));
    };
    pipeline::serve::serve(backend, addr, listening, pipeline::serve::interrupted())
        .with_context(|| format!("cannot serve on {addr}"))?;
    ui.info("stopped");
    Ok(exit::SUCCESS)
}

/// `--bind`, else `[knowledge.serve] bind`, else [`DEFAULT_BIND`];
/// a host name is resolved (`localhost:8080`).
fn bind_address(project: &Project, given: Option<String>) -> Result<SocketAddr> {
    let (text, origin) = match given {
        Some(b) => (b, "--bind".to_owned()),
        None => match project.manifest.param("knowledge.serve.bind") {
            None => (DEFAULT_BIND.to_owned(), "the default".to_owned()),
            Some(toml::Value::String(b)) => {
                (b.clone(), format!("knowledge.serve.bind in {}", project.manifest.path.display()))
            }
            Some(other) => bail!(
                "knowledge.serve.bind = {other} in {}: give an address as a string, \
                 as in \"{DEFAULT_BIND}\"",
                project.manifest.path.display()
            ),
        },
    };
    let wrong = || {
        format!(
            "`{text}` ({origin}) is not an address to listen on: \
             give HOST:PORT, as in {DEFAULT_BIND}"
        )
    };
    text.to_socket_addrs().with_context(wrong)?.next().with_context(wrong)
}
