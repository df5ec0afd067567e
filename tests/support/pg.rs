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
    /// The loopback port of a server started with [`Server::start_tls`].
    pub tcp_port: Option<u16>,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static DEBIAN_SERVER: OnceLock<Server> = OnceLock::new();
static STOP: Mutex<Vec<(PathBuf, PathBuf)>> = Mutex::new(Vec::new());
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
    let servers = STOP.lock().map(|mut s| std::mem::take(&mut *s)).unwrap_or_default();
    for (bin, data) in servers {
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
        SERVER.get_or_init(|| {
            let bin = std::env::var("PIPELINE_TEST_PG_BIN").expect(
                "PIPELINE_TEST_PG_BIN is not set: run the tests with scripts/test.sh, which \
                 installs PostgreSQL with pgvector, or point it at a PostgreSQL bin folder whose \
                 server has pgvector",
            );
            Server::start(PathBuf::from(bin), None)
        })
    }

    /// Debian's PostgreSQL 15, which has the plpgsql_check extension the
    /// validation tests need (the pgvector build has not), started on
    /// first use. Its binaries come from `PIPELINE_TEST_PG15_BIN`, by
    /// default where Debian installs them; scripts/test.sh installs the
    /// packages.
    pub fn shared_15() -> &'static Server {
        DEBIAN_SERVER.get_or_init(|| {
            let bin = std::env::var("PIPELINE_TEST_PG15_BIN")
                .unwrap_or_else(|_| "/usr/lib/postgresql/15/bin".to_owned());
            Server::start(PathBuf::from(bin), None)
        })
    }

    /// A server of its own that also listens on a loopback port with TLS,
    /// using `cert.pem` and `key.pem` of `certs`, and accepts TCP clients
    /// only over TLS.
    ///
    /// The pgvector build has no TLS: this server comes from
    /// `PIPELINE_TEST_PG_TLS_BIN`, by default Debian's PostgreSQL 15, which
    /// scripts/test.sh installs.
    pub fn start_tls(certs: &Path) -> Server {
        let bin = std::env::var("PIPELINE_TEST_PG_TLS_BIN")
            .unwrap_or_else(|_| "/usr/lib/postgresql/15/bin".to_owned());
        Server::start(PathBuf::from(bin), Some(certs))
    }

    fn start(bin: PathBuf, tls: Option<&Path>) -> Server {
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
        let mut stop = STOP.lock().unwrap();
        if stop.is_empty() {
            // SAFETY: registering a plain extern "C" function.
            unsafe { libc::atexit(stop_at_exit) };
        }
        stop.push((bin.clone(), data.clone()));
        drop(stop);
        let mut options = format!(
            "-c listen_addresses='' -k {} -p 5432 -c fsync=off -c max_connections=50",
            dir.display()
        );
        let mut tcp_port = None;
        if let Some(certs) = tls {
            let port = free_port();
            tcp_port = Some(port);
            for name in ["cert.pem", "key.pem"] {
                std::fs::copy(certs.join(name), data.join(name)).unwrap();
            }
            let mut c = Command::new("chmod");
            c.arg("0600").arg(data.join("key.pem"));
            run(c, "chmod of the key");
            if is_root() {
                let mut c = Command::new("chown");
                c.arg(test_user()).arg(data.join("key.pem")).arg(data.join("cert.pem"));
                run(c, "chown of the key");
            }
            // TCP only over TLS; the unix socket as before.
            let hba = "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n";
            std::fs::write(data.join("pg_hba.conf"), hba).unwrap();
            options = format!(
                "-c listen_addresses=127.0.0.1 -k {} -p {port} -c fsync=off -c ssl=on \
                 -c ssl_cert_file=cert.pem -c ssl_key_file=key.pem",
                dir.display()
            );
        }
        let mut ctl = as_server_user(&bin.join("pg_ctl"));
        ctl.arg("-D").arg(&data).arg("-l").arg(dir.join("server.log")).args(["-w", "-o"]);
        ctl.arg(options);
        ctl.arg("start");
        let out = ctl.output().expect("pg_ctl runs");
        assert!(
            out.status.success(),
            "pg_ctl start failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(dir.join("server.log")).unwrap_or_default()
        );
        Server { bin, dir, tcp_port }
    }

    /// A new, empty database, as a connection string.
    pub fn database(&self, prefix: &str) -> String {
        let name = format!("{prefix}_{}", DATABASES.fetch_add(1, Ordering::SeqCst));
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
        self.url(&name)
    }

    /// The connection string of database `name`.
    pub fn url(&self, name: &str) -> String {
        format!("host={} port={} user=postgres dbname={name}", self.dir.display(), self.port())
    }

    fn port(&self) -> u16 {
        self.tcp_port.unwrap_or(5432)
    }

    /// Runs `sql` in database `db` with psql and returns what it printed
    /// (unaligned, tuples only).
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args(["-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(&self.dir)
            .args(["-p", &self.port().to_string(), "-U", "postgres", "-d", db, "-c", sql])
            .output()
            .expect("psql runs");
        assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim_end().to_owned()
    }

    /// The database name in a connection string from [`Server::database`].
    pub fn name_of(url: &str) -> &str {
        url.rsplit("dbname=").next().unwrap()
    }
}

/// A loopback port nothing listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}
