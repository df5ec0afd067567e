//! Oracle exceptions as PostgreSQL conditions and SQLSTATEs.
//!
//! One mapping serves raising and catching, so that a code raised in one
//! object is caught by the handler written for it in another:
//! `RAISE_APPLICATION_ERROR(-20nnn, ...)` and an exception bound to
//! `-20nnn` by `PRAGMA EXCEPTION_INIT` both use SQLSTATE `U0nnn`; an
//! exception declared without a code gets `U1xxx`, derived from its
//! qualified name, the same in every object that names it; Oracle's own
//! error codes map to the PostgreSQL condition with the same meaning.

use crate::plsql::ast::{Fragment, Ident};

/// The PostgreSQL condition name for an Oracle predefined exception.
pub fn predefined(name: &str) -> Option<&'static str> {
    Some(match name {
        "NO_DATA_FOUND" => "no_data_found",
        "TOO_MANY_ROWS" => "too_many_rows",
        "ZERO_DIVIDE" => "division_by_zero",
        "DUP_VAL_ON_INDEX" => "unique_violation",
        "VALUE_ERROR" => "data_exception",
        "INVALID_NUMBER" => "invalid_text_representation",
        "CASE_NOT_FOUND" => "case_not_found",
        "CURSOR_ALREADY_OPEN" => "duplicate_cursor",
        "INVALID_CURSOR" => "invalid_cursor_state",
        "TIMEOUT_ON_RESOURCE" => "lock_not_available",
        "STORAGE_ERROR" => "out_of_memory",
        "PROGRAM_ERROR" => "internal_error",
        "ROWTYPE_MISMATCH" => "datatype_mismatch",
        "COLLECTION_IS_NULL" | "SUBSCRIPT_BEYOND_COUNT" | "SUBSCRIPT_OUTSIDE_LIMIT" => {
            "array_subscript_error"
        }
        "LOGIN_DENIED" => "invalid_authorization_specification",
        "OTHERS" => "OTHERS",
        _ => return None,
    })
}

/// The SQLSTATE for an Oracle error number (negative, as `SQLCODE` gives
/// it), and whether the mapping is exact.
pub fn state_of_code(code: i64) -> (String, bool) {
    if (-20999..=-20000).contains(&code) {
        return (format!("U0{:03}", -code - 20000), true);
    }
    let known = match code {
        -1 => "23505",
        -54 | -30006 => "55P03",
        -60 => "40P01",
        -942 => "42P01",
        -955 => "42P07",
        -1400 | -1407 => "23502",
        -1403 | 100 => "P0002",
        -1422 => "P0003",
        -1438 | -12899 => "22003",
        -1476 => "22012",
        -1722 | -1858 | -1841 => "22P02",
        -2291 | -2292 => "23503",
        -2290 => "23514",
        -6502 => "22000",
        -1031 => "42501",
        -4061 | -4068 => "55000",
        // UTL_FILE's, as utl_file_utility raises them.
        -29280 => "UF001",
        -29281 => "UF002",
        -29282 => "UF003",
        -29283 => "UF004",
        -29288 => "UF005",
        -29284 => "UF006",
        -29285 => "UF007",
        -29287 => "UF008",
        _ => return (format!("U2{:03}", code.unsigned_abs() % 1000), false),
    };
    (known.to_owned(), true)
}

/// The SQLSTATE of an exception declared without `EXCEPTION_INIT`: `U1`
/// and three characters from the hash of `OWNER_UNIT.NAME`.
pub fn declared_state(unit: &str, name: &Ident) -> String {
    let key = format!("{unit}.{}", name.canonical());
    let hash = blake3::hash(key.as_bytes());
    let digits = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let bytes = hash.as_bytes();
    let pick = |i: usize| digits[bytes[i] as usize % digits.len()] as char;
    format!("U1{}{}{}", pick(0), pick(1), pick(2))
}

/// `PRAGMA EXCEPTION_INIT(e, -20001)`: the exception and its SQLSTATE.
pub fn exception_init(pragma: &Ident, arguments: &[Fragment]) -> Option<(String, String)> {
    if !pragma.text.eq_ignore_ascii_case("EXCEPTION_INIT") || arguments.len() != 2 {
        return None;
    }
    let code: i64 = arguments[1].text.split_whitespace().collect::<String>().parse().ok()?;
    let name = arguments[0].text.trim();
    let name = if name.starts_with('"') {
        name.trim_matches('"').to_owned()
    } else {
        name.to_ascii_uppercase()
    };
    Some((name, state_of_code(code).0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_error_codes_keep_their_number() {
        assert_eq!(state_of_code(-20001).0, "U0001");
        assert_eq!(state_of_code(-20999).0, "U0999");
        assert_eq!(state_of_code(-1).0, "23505");
        assert!(!state_of_code(-12345).1);
    }

    #[test]
    fn a_declared_exception_has_the_same_state_everywhere() {
        let e = Ident { text: "e_locked".into(), quoted: false, span: Default::default() };
        let a = declared_state("PKG", &e);
        assert_eq!(a, declared_state("PKG", &e));
        assert!(a.starts_with("U1") && a.len() == 5);
        assert_ne!(a, declared_state("OTHER", &e));
    }
}
