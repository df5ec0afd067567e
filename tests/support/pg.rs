//! A real PostgreSQL with pgvector for the tests, started once per test
//! binary and stopped when it exits.
//!
//! The binaries come from `PIPELINE_TEST_PG_BIN` (scripts/test.sh sets it
//! up: PostgreSQL 18 with pgvector). PostgreSQL refuses to run as root, so
//! as root the server runs as `PIPELINE_TEST_PG_USER` (default
//! `pipeline-test`). It listens on a unix socket in a private temporary
//! folder only: no port can clash. Each test takes a database of its own.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

pub struct Server {
    bin: PathBuf,
    dir: PathBuf,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static STOP: Mutex<Option<(PathBuf, PathBuf)>> = Mutex::new(None);
static DATABASES: AtomicUsize = AtomicUsize::new(0);

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn test_user() -> String {
    std::env::var("PIPELINE_TEST_PG_USER").unwrap_or_else(|_| "pipeline-test".to_owned())
}

/// `program args...`, as the test user when root.
fn as_server_user(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.arg("-u").arg(test_user()).arg("--").arg(program);
        c
    } else {
        Command::new(program)
    }
}

extern "C" fn stop_at_exit() {
    if let Some((bin, data)) = STOP.lock().ok().and_then(|mut s| s.take()) {
        let _ = as_server_user(&bin.join("pg_ctl"))
            .args(["-D"])
            .arg(&data)
            .args(["-m", "immediate", "stop"])
            .output();
        if let Some(dir) = data.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn run(mut command: Command, what: &str) {
    let out = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Server {
    /// The server of this test binary, started on first use.
    pub fn shared() -> &'static Server {
        SERVER.get_or_init(Server::start)
    }

    fn start() -> Server {
        let bin = PathBuf::from(std::env::var("PIPELINE_TEST_PG_BIN").expect(
            "PIPELINE_TEST_PG_BIN is not set: run the tests with scripts/test.sh, which installs \
             PostgreSQL with pgvector, or point it at a PostgreSQL bin folder whose server has pgvector",
        ));
        let dir = tempfile::Builder::new().prefix("pipeline-pg-").tempdir().unwrap().keep();
        if is_root() {
            run(
                {
                    let mut c = Command::new("chown");
                    c.arg(test_user()).arg(&dir);
                    c
                },
                "chown of the server folder",
            );
        }
        let data = dir.join("data");
        let mut initdb = as_server_user(&bin.join("initdb"));
        initdb.arg("-D").arg(&data).args(["-U", "postgres", "--auth=trust", "-E", "UTF8"]);
        initdb.arg("--locale=C.UTF-8");
        run(initdb, "initdb");
        *STOP.lock().unwrap() = Some((bin.clone(), data.clone()));
        // SAFETY: registering a plain extern "C" function.
        unsafe { libc::atexit(stop_at_exit) };
        let mut ctl = as_server_user(&bin.join("pg_ctl"));
        ctl.arg("-D").arg(&data).arg("-l").arg(dir.join("server.log")).args(["-w", "-o"]);
        ctl.arg(format!(
            "-c listen_addresses='' -k {} -p 5432 -c fsync=off -c max_connections=50",
            dir.display()
        ));
        ctl.arg("start");
        run(ctl, "pg_ctl start");
        Server { bin, dir }
    }

    /// A new, empty database, as a connection string.
    pub fn database(&self, prefix: &str) -> String {
        let name = format!("{prefix}_{}", DATABASES.fetch_add(1, Ordering::SeqCst));
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
        self.url(&name)
    }

    /// The connection string of database `name`.
    pub fn url(&self, name: &str) -> String {
        format!("host={} port=5432 user=postgres dbname={name}", self.dir.display())
    }

    /// Runs `sql` in database `db` with psql and returns what it printed
    /// (unaligned, tuples only).
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args(["-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(&self.dir)
            .args(["-p", "5432", "-U", "postgres", "-d", db, "-c", sql])
            .output()
            .expect("psql runs");
        assert!(
            out.status.success(),
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim_end().to_owned()
    }

    /// The database name in a connection string from [`Server::database`].
    pub fn name_of(url: &str) -> &str {
        url.rsplit("dbname=").next().unwrap()
    }
}
