//! TLS to the knowledge base's PostgreSQL, as Aurora needs it: a real
//! server on loopback with a certificate from a test authority, and each
//! `sslmode` behaving as libpq's does.

mod support;

use std::path::Path;
use std::process::Command;

use pipeline::knowledge::postgres::Target;
use support::pg::Server;

/// A certificate authority and a server certificate for `localhost` only,
/// written by the openssl command line into `dir`.
fn certificates(dir: &Path) {
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl").args(args).current_dir(dir).output().unwrap();
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=pipeline test CA",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "key.pem",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    std::fs::write(dir.join("san.ext"), "subjectAltName=DNS:localhost\n").unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "cert.pem",
        "-days",
        "2",
        "-extfile",
        "san.ext",
    ]);
}

/// Whether a connection with `query` (after `?`) to `host` answers `SELECT 1`.
fn connects(port: u16, host: &str, query: &str) -> Result<(), String> {
    let url = format!("postgres://postgres@{host}:{port}/postgres?{query}");
    let target = Target::parse(&url).map_err(|e| e.to_string())?;
    let mut client = target.connect().map_err(|e| e.to_string())?;
    let row = client.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]);
    match row.map_err(|e| e.to_string())?.get::<_, bool>(0) {
        true => Ok(()),
        false => Err("connected without TLS".to_owned()),
    }
}

#[test]
fn each_sslmode_checks_what_libpq_checks() {
    let certs = tempfile::tempdir().unwrap();
    certificates(certs.path());
    let server = Server::start_tls(certs.path());
    let port = server.tcp_port.unwrap();
    let ca = certs.path().join("ca.pem");
    let ca = ca.display();

    // The server takes TCP clients only over TLS.
    let plain = connects(port, "localhost", "sslmode=disable").unwrap_err();
    assert!(plain.contains("cannot connect"), "{plain}");
    // prefer and require encrypt without checking the certificate.
    connects(port, "localhost", "sslmode=prefer").unwrap();
    connects(port, "127.0.0.1", "sslmode=require").unwrap();
    // verify-full checks the chain and the name.
    connects(port, "localhost", &format!("sslmode=verify-full&sslrootcert={ca}")).unwrap();
    let wrong_name =
        connects(port, "127.0.0.1", &format!("sslmode=verify-full&sslrootcert={ca}")).unwrap_err();
    assert!(wrong_name.contains("not valid for name"), "{wrong_name}");
    // verify-ca checks the chain only.
    connects(port, "127.0.0.1", &format!("sslmode=verify-ca&sslrootcert={ca}")).unwrap();
    // Without the authority, the system's roots do not know the server.
    let unknown = connects(port, "localhost", "sslmode=verify-full").unwrap_err();
    assert!(unknown.to_lowercase().contains("unknown"), "{unknown}");
    let missing = connects(port, "localhost", "sslmode=verify-full&sslrootcert=/nonexistent.pem")
        .unwrap_err();
    assert!(missing.contains("sslrootcert /nonexistent.pem"), "{missing}");
}
