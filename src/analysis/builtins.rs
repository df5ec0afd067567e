//! What Oracle itself supplies: its packages, its SQL and PL/SQL functions and its
//! data types, so that a name found in code can be told from one the estate defines.
//!
//! The lists are by name only: a user object that shadows a built-in (a table
//! called `LOG`, a function called `REPLACE` in the same schema) is still reported
//! as the built-in. Which objects really exist is the inventory's business.

/// Prefixes of the packages Oracle supplies (`DBMS_OUTPUT`, `UTL_FILE`...).
const PACKAGE_PREFIXES: &[&str] =
    &["APEX_", "CTX_", "DBMS_", "OWA_", "ORD_", "SDO_", "UTL_", "WPG_", "WWV_"];

/// Supplied packages without a prefix, and schemas whose objects are Oracle's own.
const PACKAGES_AND_SCHEMAS: &[&str] =
    &["CTXSYS", "HTF", "HTP", "MDSYS", "ORDSYS", "OWA", "STANDARD", "SYS", "XDB"];

/// Built-in SQL and PL/SQL functions and pseudo-functions, sorted.
static FUNCTIONS: &[&str] = &[
    "ABS",
    "ACOS",
    "ADD_MONTHS",
    "APPENDCHILDXML",
    "ASCII",
    "ASCIISTR",
    "ASIN",
    "ATAN",
    "ATAN2",
    "AVG",
    "BFILENAME",
    "BIN_TO_NUM",
    "BITAND",
    "CARDINALITY",
    "CAST",
    "CEIL",
    "CHARTOROWID",
    "CHR",
    "COALESCE",
    "COLLECT",
    "COMPOSE",
    "CONCAT",
    "CONVERT",
    "CORR",
    "COS",
    "COSH",
    "COUNT",
    "COVAR_POP",
    "COVAR_SAMP",
    "CUME_DIST",
    "CURRENT_DATE",
    "CURRENT_TIMESTAMP",
    "DBTIMEZONE",
    "DECODE",
    "DECOMPOSE",
    "DELETEXML",
    "DELETING",
    "DENSE_RANK",
    "DEREF",
    "DUMP",
    "EMPTY_BLOB",
    "EMPTY_CLOB",
    "EXISTSNODE",
    "EXP",
    "EXTRACT",
    "EXTRACTVALUE",
    "FIRST_VALUE",
    "FLOOR",
    "FROM_TZ",
    "GREATEST",
    "GROUPING",
    "GROUP_ID",
    "HEXTORAW",
    "INITCAP",
    "INSERTING",
    "INSTR",
    "INSTRB",
    "JSON_ARRAY",
    "JSON_ARRAYAGG",
    "JSON_EXISTS",
    "JSON_OBJECT",
    "JSON_OBJECTAGG",
    "JSON_QUERY",
    "JSON_TABLE",
    "JSON_VALUE",
    "LAG",
    "LAST_DAY",
    "LAST_VALUE",
    "LEAD",
    "LEAST",
    "LENGTH",
    "LENGTHB",
    "LISTAGG",
    "LN",
    "LNNVL",
    "LOCALTIMESTAMP",
    "LOG",
    "LOWER",
    "LPAD",
    "LTRIM",
    "MAX",
    "MEDIAN",
    "MIN",
    "MOD",
    "MONTHS_BETWEEN",
    "NANVL",
    "NEW_TIME",
    "NEXT_DAY",
    "NLSSORT",
    "NLS_INITCAP",
    "NLS_LOWER",
    "NLS_UPPER",
    "NTILE",
    "NULLIF",
    "NUMTODSINTERVAL",
    "NUMTOYMINTERVAL",
    "NVL",
    "NVL2",
    "ORA_HASH",
    "PERCENTILE_CONT",
    "PERCENTILE_DISC",
    "PERCENT_RANK",
    "POWER",
    "RAISE_APPLICATION_ERROR",
    "RANK",
    "RATIO_TO_REPORT",
    "RAWTOHEX",
    "REF",
    "REGEXP_COUNT",
    "REGEXP_INSTR",
    "REGEXP_LIKE",
    "REGEXP_REPLACE",
    "REGEXP_SUBSTR",
    "REMAINDER",
    "REPLACE",
    "REVERSE",
    "ROUND",
    "ROWIDTOCHAR",
    "ROW_NUMBER",
    "RPAD",
    "RTRIM",
    "SESSIONTIMEZONE",
    "SIGN",
    "SIN",
    "SINH",
    "SOUNDEX",
    "SQLCODE",
    "SQLERRM",
    "SQRT",
    "STANDARD_HASH",
    "STDDEV",
    "STDDEV_POP",
    "STDDEV_SAMP",
    "SUBSTR",
    "SUBSTRB",
    "SUM",
    "SYSDATE",
    "SYSTIMESTAMP",
    "SYS_CONNECT_BY_PATH",
    "SYS_CONTEXT",
    "SYS_EXTRACT_UTC",
    "SYS_GUID",
    "TAN",
    "TANH",
    "TO_BINARY_DOUBLE",
    "TO_BINARY_FLOAT",
    "TO_BLOB",
    "TO_CHAR",
    "TO_CLOB",
    "TO_DATE",
    "TO_DSINTERVAL",
    "TO_LOB",
    "TO_MULTI_BYTE",
    "TO_NCHAR",
    "TO_NCLOB",
    "TO_NUMBER",
    "TO_SINGLE_BYTE",
    "TO_TIMESTAMP",
    "TO_TIMESTAMP_TZ",
    "TO_YMINTERVAL",
    "TRANSLATE",
    "TREAT",
    "TRIM",
    "TRUNC",
    "TZ_OFFSET",
    "UID",
    "UNISTR",
    "UPDATEXML",
    "UPDATING",
    "UPPER",
    "USER",
    "USERENV",
    "VALUE",
    "VARIANCE",
    "VAR_POP",
    "VAR_SAMP",
    "VSIZE",
    "WIDTH_BUCKET",
    "XMLAGG",
    "XMLATTRIBUTES",
    "XMLCAST",
    "XMLCONCAT",
    "XMLELEMENT",
    "XMLFOREST",
    "XMLPARSE",
    "XMLQUERY",
    "XMLROOT",
    "XMLSERIALIZE",
    "XMLTABLE",
    "XMLTYPE",
];

/// Built-in data types, sorted. Multi-word types are listed by their first word
/// (`DOUBLE PRECISION`, `LONG RAW`, `TIMESTAMP WITH TIME ZONE`).
static TYPES: &[&str] = &[
    "BFILE",
    "BINARY_DOUBLE",
    "BINARY_FLOAT",
    "BINARY_INTEGER",
    "BLOB",
    "BOOLEAN",
    "CHAR",
    "CHARACTER",
    "CLOB",
    "DATE",
    "DEC",
    "DECIMAL",
    "DOUBLE",
    "DSINTERVAL_UNCONSTRAINED",
    "FLOAT",
    "INT",
    "INTEGER",
    "INTERVAL",
    "LONG",
    "NATURAL",
    "NATURALN",
    "NCHAR",
    "NCLOB",
    "NUMBER",
    "NUMERIC",
    "NVARCHAR2",
    "PLS_INTEGER",
    "POSITIVE",
    "POSITIVEN",
    "RAW",
    "REAL",
    "ROWID",
    "SIGNTYPE",
    "SIMPLE_DOUBLE",
    "SIMPLE_FLOAT",
    "SIMPLE_INTEGER",
    "SMALLINT",
    "STRING",
    "SYS_REFCURSOR",
    "TIMESTAMP",
    "UROWID",
    "VARCHAR",
    "VARCHAR2",
    "XMLTYPE",
    "YMINTERVAL_UNCONSTRAINED",
];

/// Whether `name` (canonical, parts joined with `.`) is Oracle's own: a supplied
/// package or one of its members, an object of an Oracle schema, or a built-in
/// function.
pub fn is_builtin(name: &str) -> bool {
    let mut parts = name.split('.');
    let first = parts.next().unwrap_or_default();
    if PACKAGES_AND_SCHEMAS.contains(&first) {
        return true;
    }
    if PACKAGE_PREFIXES.iter().any(|p| first.starts_with(p)) {
        return true;
    }
    parts.next().is_none() && FUNCTIONS.binary_search(&first).is_ok()
}

/// Whether `name` (canonical, one part) is a built-in data type.
pub fn is_builtin_type(name: &str) -> bool {
    TYPES.binary_search(&name).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_for_binary_search() {
        assert!(FUNCTIONS.windows(2).all(|w| w[0] < w[1]));
        assert!(TYPES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn supplied_packages_and_functions_are_builtin() {
        for name in ["DBMS_OUTPUT.PUT_LINE", "UTL_FILE.FOPEN", "SYS.DBMS_LOCK.SLEEP", "HTP.P"] {
            assert!(is_builtin(name), "{name}");
        }
        for name in ["NVL", "TO_CHAR", "COUNT", "REGEXP_LIKE", "RAISE_APPLICATION_ERROR"] {
            assert!(is_builtin(name), "{name}");
        }
    }

    #[test]
    fn user_names_are_not_builtin() {
        for name in ["EMP_PKG.RAISE_SALARY", "CALC_BONUS", "HR.NVL_WRAPPER", "APP.COUNT"] {
            assert!(!is_builtin(name), "{name}");
        }
        assert!(is_builtin_type("VARCHAR2"));
        assert!(!is_builtin_type("T_EMP_REC"));
    }
}
