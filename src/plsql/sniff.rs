//! Telling SQL text from everything else found in a source folder.
//!
//! Source folders hold more than SQL: dump files, spreadsheets, archives, notes. The
//! scan says what it skipped and why, from the first bytes only. This module does not
//! decide by file name; the caller's globs do that.

use serde::{Deserialize, Serialize};

/// Why a file is not read as SQL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    #[error("empty file")]
    Empty,
    #[error("binary file ({what})")]
    Binary { what: String },
    #[error("text without any SQL, PL/SQL or SQL*Plus statement")]
    NotSql,
}

const MAGIC: &[(&[u8], &str)] = &[
    (b"PK\x03\x04", "zip archive or Office document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"%PDF", "PDF document"),
    (b"\x89PNG", "PNG image"),
    (b"\xFF\xD8\xFF", "JPEG image"),
    (b"SQLite format 3", "SQLite database"),
    (b"\xD0\xCF\x11\xE0", "legacy Office document"),
    (b"\x03\x00\x00\x00EXPORT:V", "Oracle export dump"),
];

/// Words a line of SQL, PL/SQL or SQL*Plus may start with.
const STARTS: &[&str] = &[
    "CREATE",
    "PACKAGE",
    "PROCEDURE",
    "FUNCTION",
    "TRIGGER",
    "TYPE",
    "BEGIN",
    "DECLARE",
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "MERGE",
    "WITH",
    "GRANT",
    "REVOKE",
    "TRUNCATE",
    "RENAME",
    "COMMIT",
    "ROLLBACK",
    "CALL",
    "LOCK",
    "ANALYZE",
    "AUDIT",
    "NOAUDIT",
    "PURGE",
    "FLASHBACK",
    "ALTER",
    "DROP",
    "COMMENT",
    "SET",
    "PROMPT",
    "SPOOL",
    "DEFINE",
    "WHENEVER",
    "EXEC",
    "EXECUTE",
    "REM",
    "CONNECT",
    "EXIT",
    "SHOW",
    "JAVA",
];

/// `Ok` when `bytes` look like SQL text; otherwise why not.
pub fn looks_like_sql(bytes: &[u8]) -> Result<(), SkipReason> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(SkipReason::Empty);
    }
    if let Some((_, what)) = MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Err(SkipReason::Binary { what: (*what).to_owned() });
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let utf16 = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
    if !utf16 && head.contains(&0) {
        return Err(SkipReason::Binary { what: "contains NUL bytes".to_owned() });
    }
    let text = super::encoding::decode(head).text;
    let starts_sql = |line: &str| {
        let line = line.trim_start().trim_start_matches('@');
        let word: String = line.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        line.starts_with('@') || STARTS.iter().any(|s| s.eq_ignore_ascii_case(&word))
    };
    if text.lines().any(starts_sql) {
        return Ok(());
    }
    Err(SkipReason::NotSql)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_documents_and_nul_bytes_are_binary() {
        assert!(matches!(looks_like_sql(b"PK\x03\x04rest"), Err(SkipReason::Binary { .. })));
        assert!(matches!(looks_like_sql(b"abc\0def"), Err(SkipReason::Binary { .. })));
    }

    #[test]
    fn prose_is_not_sql_but_a_spool_is() {
        assert_eq!(
            looks_like_sql(b"Notes about the migration\nnothing here\n"),
            Err(SkipReason::NotSql)
        );
        assert_eq!(looks_like_sql(b"  -- header\npackage body p is\nend;\n/\n"), Ok(()));
        assert_eq!(looks_like_sql(b" \n\t"), Err(SkipReason::Empty));
    }

    #[test]
    fn scripts_of_revokes_or_truncates_are_sql() {
        assert_eq!(looks_like_sql(b"revoke select on ops.t from app_user;\n/\n"), Ok(()));
        assert_eq!(looks_like_sql(b"TRUNCATE TABLE ops.staging;\n"), Ok(()));
    }
}
