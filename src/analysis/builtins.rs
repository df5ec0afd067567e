//! Names Oracle supplies.

/// Whether `name` is one of Oracle's supplied packages or built-in functions.
pub fn is_builtin(name: &str) -> bool {
    name.starts_with("DBMS_") || name.starts_with("UTL_")
}
