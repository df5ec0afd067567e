//! Ctrl-C: a flag that stages poll, set once by the signal handler.
//!
//! Nothing is killed from inside the handler; stages notice the flag between
//! objects (or while waiting on a child), stop, and the runner restores what
//! they had written.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Shared interruption flag.
#[derive(Debug, Clone, Default)]
pub struct Interrupt(Arc<AtomicBool>);

impl Interrupt {
    pub fn new() -> Self {
        Interrupt::default()
    }

    /// Installs the process's Ctrl-C / SIGTERM handler to set this flag.
    pub fn install_handler(&self) -> Result<(), ctrlc::Error> {
        let flag = self.0.clone();
        ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
    }

    pub fn set(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
