//! `pipeline serve`: the knowledge base's questions over HTTP, for tools
//! and agents that cannot run the command line.
//!
//! The API is JSON in and out and is described by hand in `openapi.json`
//! (served at `GET /openapi.json`); [`routes`] lists what the router
//! serves, and a test holds the two together. Every question is answered by
//! a [`Backend`] on tokio's blocking pool: DuckDB's calls block, and a slow
//! one must not stall the requests behind it.
//!
//! There is no authentication and no TLS: the server is meant for the
//! machine it runs on, and the command line warns when it is bound to an
//! address others can reach.

mod error;
mod routes;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

pub use routes::{router, routes};

use crate::knowledge::search::Backend;

/// The API description, OpenAPI 3.1.
pub const OPENAPI: &str = include_str!("openapi.json");

/// Serves `backend` on `addr` until `stop` completes, calling `listening`
/// with the address bound (the port the system chose, for port 0).
/// Requests in flight when `stop` completes are answered first.
pub fn serve(
    backend: Arc<dyn Backend>,
    addr: SocketAddr,
    listening: impl FnOnce(SocketAddr),
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        listening(listener.local_addr()?);
        axum::serve(listener, router(backend)).with_graceful_shutdown(stop).await
    })
}

/// Completes on Ctrl-C, or on SIGTERM where there is one (a service
/// manager's stop).
pub async fn interrupted() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => ctrl_c.await,
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}

/// Whether others than this machine can reach `addr`.
pub fn is_exposed(addr: &SocketAddr) -> bool {
    !addr.ip().is_loopback()
}
