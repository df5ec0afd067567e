//! The catalogue of Oracle features that matter for a migration to PostgreSQL
//! (Aurora), and their detection in one object.
//!
//! [`CATALOGUE`] says, for each feature, how much it weighs on a migration and what a
//! team does with it on PostgreSQL. [`detect`] finds the features one object uses and
//! the line of each use. Structural features (pragmas, BULK COLLECT, FORALL, GOTO,
//! transaction control, dynamic SQL, trigger kinds, collection and object types,
//! package state) are read off the parse tree; names inside expressions and SQL
//! (`UTL_HTTP.`, `NVL(`, `ROWNUM`, `(+)`, `CONNECT BY`, `name@link`, `%TYPE`,
//! `.NEXTVAL`, collection methods) off the object's tokens, which hold neither
//! comments nor the insides of string literals: a feature named only there is not a
//! use. Objects that were not parsed report what their status says (wrapped code,
//! Java source).
//!
//! This module does not judge how hard an object is overall (that is the scoring
//! step's job, from these uses and the metrics), and it does not look inside the text
//! of dynamic SQL: `EXECUTE IMMEDIATE 'MERGE ...'` is dynamic SQL, not a MERGE.
//!
//! # Known shortcomings
//!
//! - Names are matched as words, without resolving them: a user column called
//!   `LEVEL` or `COUNT` read as `t.count` is taken for the pseudo-column or the
//!   collection method, and a user package named like an Oracle one is taken for it.
//! - A method call on a collection element (`t(i).COUNT`) is found, but so is one on
//!   the result of any function call followed by one of the method names.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlparser::tokenizer::Token;

use super::FeatureUse;
use crate::plsql::ast::{
    Block, Conditional, Declaration, DeclarationItem, Handler, LoopKind, Package, QualifiedName,
    Span, SqlKind, SqlStatement, Statement, StatementItem, Subprogram, SubprogramBody, Trigger,
    TriggerBody, TypeKind, TypeSpec, UnitItem,
};
use crate::plsql::lexer::Tok;
use crate::plsql::{Object, ObjectKind, ObjectSkipReason, ParseStatus};

/// How much a feature adds to the work of migrating an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Impact {
    Low,
    Medium,
    High,
}

impl Impact {
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Low => "LOW",
            Impact::Medium => "MEDIUM",
            Impact::High => "HIGH",
        }
    }
}

/// One entry of the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Feature {
    /// Stable id, upper snake case: `UTL_HTTP`, `BULK_COLLECT`.
    pub id: &'static str,
    /// What a reader calls it: `UTL_HTTP`, `BULK COLLECT`.
    pub name: &'static str,
    /// `PACKAGE_API`, `COLLECTIONS`, `SQL_DIALECT`, `TRANSACTIONS`...
    pub category: &'static str,
    pub impact: Impact,
    /// What a team should do with it on PostgreSQL, in a sentence or two.
    pub strategy: &'static str,
}

/// Every feature, sorted by id.
pub static CATALOGUE: &[Feature] = &[
    Feature {
        id: "ASSOCIATIVE_ARRAY",
        name: "associative array (INDEX BY)",
        category: "COLLECTIONS",
        impact: Impact::High,
        strategy:
            "No PL/pgSQL equivalent: a dense PLS_INTEGER index becomes an array, a sparse or \
                   VARCHAR2 index a jsonb object (or hstore); lookups and iteration are rewritten.",
    },
    Feature {
        id: "AUTONOMOUS_TRANSACTION",
        name: "PRAGMA AUTONOMOUS_TRANSACTION",
        category: "TRANSACTIONS",
        impact: Impact::High,
        strategy: "PostgreSQL has no autonomous transactions: run the work through dblink or \
                   pg_background on a second session, or redesign (log from the application, \
                   or write to a queue the caller commits).",
    },
    Feature {
        id: "BULK_COLLECT",
        name: "BULK COLLECT",
        category: "COLLECTIONS",
        impact: Impact::Medium,
        strategy: "A set-based SELECT array_agg(...) INTO an array, or a plain FOR loop over the \
                   query; FETCH ... LIMIT n batches become a cursor loop.",
    },
    Feature {
        id: "COLLECTION_METHOD",
        name: "collection methods (.COUNT, .EXISTS, .EXTEND, .DELETE...)",
        category: "COLLECTIONS",
        impact: Impact::Medium,
        strategy:
            "Rewrite on arrays: COUNT as cardinality(), FIRST/LAST as array_lower/array_upper, \
                   EXTEND as array append, DELETE as reassignment, EXISTS as a bounds check; \
                   NEXT/PRIOR on sparse collections need a loop over the keys.",
    },
    Feature {
        id: "CONDITIONAL_COMPILATION",
        name: "conditional compilation ($IF)",
        category: "PLSQL",
        impact: Impact::Medium,
        strategy: "Decide which branch the target keeps before converting; PL/pgSQL has no \
                   preprocessor, so runtime switches become settings read with current_setting.",
    },
    Feature {
        id: "CONNECT_BY",
        name: "CONNECT BY hierarchical query",
        category: "SQL_DIALECT",
        impact: Impact::High,
        strategy: "Rewrite as WITH RECURSIVE: START WITH is the anchor, CONNECT BY PRIOR the join \
                   of the recursive part; ORDER SIBLINGS BY and NOCYCLE need a path array \
                   (or the CYCLE clause).",
    },
    Feature {
        id: "CONNECT_BY_PSEUDOCOLUMN",
        name: "LEVEL, SYS_CONNECT_BY_PATH, CONNECT_BY_ROOT",
        category: "SQL_DIALECT",
        impact: Impact::Medium,
        strategy: "Carried as columns of the recursive CTE: a depth counter for LEVEL, a \
                   concatenated path for SYS_CONNECT_BY_PATH, the anchor's value for \
                   CONNECT_BY_ROOT, a NOT EXISTS test for CONNECT_BY_ISLEAF.",
    },
    Feature {
        id: "CURSOR_ATTRIBUTE",
        name: "cursor attributes (%FOUND, %NOTFOUND, %ROWCOUNT, %ISOPEN)",
        category: "CURSORS",
        impact: Impact::Low,
        strategy: "FOUND after FETCH, GET DIAGNOSTICS n = ROW_COUNT after DML; %ISOPEN has no \
                   equivalent and is tracked with a flag or by catching the error.",
    },
    Feature {
        id: "DATE_ARITHMETIC",
        name: "Oracle date functions (ADD_MONTHS, MONTHS_BETWEEN, LAST_DAY, NEXT_DAY)",
        category: "SQL_DIALECT",
        impact: Impact::Low,
        strategy: "Interval arithmetic and date_trunc, or orafce's versions; check end-of-month \
                   behaviour of ADD_MONTHS and the fractional result of MONTHS_BETWEEN.",
    },
    Feature {
        id: "DBMS_ALERT",
        name: "DBMS_ALERT",
        category: "PACKAGE_API",
        impact: Impact::Medium,
        strategy: "LISTEN/NOTIFY (pg_notify); waiting for a signal moves to the client, which \
                   holds the listening connection.",
    },
    Feature {
        id: "DBMS_APPLICATION_INFO",
        name: "DBMS_APPLICATION_INFO",
        category: "PACKAGE_API",
        impact: Impact::Low,
        strategy: "SET application_name (seen in pg_stat_activity); module and action may be \
                   kept in custom settings with set_config.",
    },
    Feature {
        id: "DBMS_AQ",
        name: "DBMS_AQ (Advanced Queuing)",
        category: "PACKAGE_API",
        impact: Impact::High,
        strategy: "Replace the queue: a table consumed with SELECT ... FOR UPDATE SKIP LOCKED, or \
                   Amazon SQS reached through a Lambda with aws_lambda.invoke.",
    },
    Feature {
        id: "DBMS_CRYPTO",
        name: "DBMS_CRYPTO / DBMS_OBFUSCATION_TOOLKIT",
        category: "PACKAGE_API",
        impact: Impact::Medium,
        strategy: "pgcrypto: digest, hmac, encrypt/decrypt (or pgp_sym_*); match algorithm, \
                   chaining and padding exactly, and re-test against data encrypted in Oracle.",
    },
    Feature {
        id: "DBMS_JOB",
        name: "DBMS_JOB",
        category: "SCHEDULING",
        impact: Impact::High,
        strategy: "Jobs are redefined, not converted: pg_cron (cron.schedule) on Aurora, or \
                   Amazon EventBridge Scheduler calling a Lambda; interval expressions become \
                   cron schedules.",
    },
    Feature {
        id: "DBMS_LOB",
        name: "DBMS_LOB",
        category: "PACKAGE_API",
        impact: Impact::Medium,
        strategy: "CLOB is text and BLOB bytea: length, substr, position, overlay and || replace \
                   the locator calls; temporary LOBs and piecewise writes become string building.",
    },
    Feature {
        id: "DBMS_LOCK",
        name: "DBMS_LOCK",
        category: "PACKAGE_API",
        impact: Impact::Medium,
        strategy: "SLEEP becomes pg_sleep; ALLOCATE_UNIQUE/REQUEST/RELEASE become \
                   pg_advisory_lock/pg_advisory_unlock on hashtext(name).",
    },
    Feature {
        id: "DBMS_OUTPUT",
        name: "DBMS_OUTPUT",
        category: "PACKAGE_API",
        impact: Impact::Low,
        strategy: "PUT_LINE becomes RAISE NOTICE (or a log table when the output is consumed); \
                   GET_LINE buffering has no equivalent.",
    },
    Feature {
        id: "DBMS_PIPE",
        name: "DBMS_PIPE",
        category: "PACKAGE_API",
        impact: Impact::High,
        strategy: "LISTEN/NOTIFY for signalling, a table for messages that must persist; \
                   sessions no longer share memory.",
    },
    Feature {
        id: "DBMS_RANDOM",
        name: "DBMS_RANDOM",
        category: "PACKAGE_API",
        impact: Impact::Low,
        strategy: "random(), gen_random_uuid(), or orafce's dbms_random; SEED for repeatable \
                   tests becomes setseed().",
    },
    Feature {
        id: "DBMS_SCHEDULER",
        name: "DBMS_SCHEDULER",
        category: "SCHEDULING",
        impact: Impact::High,
        strategy: "Jobs are redefined, not converted: pg_cron on Aurora for SQL jobs, Amazon \
                   EventBridge Scheduler with a Lambda for chains, external programs and \
                   calendars pg_cron cannot express.",
    },
    Feature {
        id: "DBMS_SESSION",
        name: "DBMS_SESSION",
        category: "PACKAGE_API",
        impact: Impact::Medium,
        strategy: "Contexts set with SET_CONTEXT become custom settings (set_config / \
                   current_setting); RESET_PACKAGE has no meaning once package state is gone.",
    },
    Feature {
        id: "DBMS_SQL",
        name: "DBMS_SQL",
        category: "DYNAMIC_SQL",
        impact: Impact::High,
        strategy: "Rewrite as EXECUTE format(...) USING; column description (DESCRIBE_COLUMNS) \
                   needs a query on the catalogue or a refcursor; there are no cursor numbers.",
    },
    Feature {
        id: "DBMS_STATS",
        name: "DBMS_STATS",
        category: "PACKAGE_API",
        impact: Impact::Low,
        strategy: "ANALYZE, or leave it to autovacuum; statistics locking and export have no \
                   equivalent and are usually dropped.",
    },
    Feature {
        id: "DBMS_UTILITY",
        name: "DBMS_UTILITY",
        category: "PACKAGE_API",
        impact: Impact::Medium,
        strategy:
            "FORMAT_ERROR_BACKTRACE/STACK become GET STACKED DIAGNOSTICS (PG_EXCEPTION_CONTEXT), \
                   GET_TIME clock_timestamp(), COMMA_TO_TABLE string_to_array; others by hand.",
    },
    Feature {
        id: "DBMS_XMLGEN",
        name: "DBMS_XMLGEN",
        category: "XML",
        impact: Impact::High,
        strategy: "query_to_xml, or xmlelement/xmlagg/xmlforest over the query; ROWSET/ROW tags \
                   and NULL handling differ and must be matched by hand.",
    },
    Feature {
        id: "DB_LINK",
        name: "database link (name@link)",
        category: "DISTRIBUTED",
        impact: Impact::High,
        strategy: "Foreign tables through postgres_fdw (or oracle_fdw while Oracle remains), or \
                   dblink for ad hoc queries; remote transactions are no longer two-phase.",
    },
    Feature {
        id: "DECODE",
        name: "DECODE",
        category: "SQL_DIALECT",
        impact: Impact::Low,
        strategy: "CASE; DECODE treats two NULLs as equal, so the comparison is \
                   IS NOT DISTINCT FROM, not =.",
    },
    Feature {
        id: "DUAL",
        name: "FROM DUAL",
        category: "SQL_DIALECT",
        impact: Impact::Low,
        strategy: "Drop the FROM clause (SELECT without FROM is valid), or an assignment \
                   instead of SELECT ... INTO.",
    },
    Feature {
        id: "EXCEPTION_INIT",
        name: "PRAGMA EXCEPTION_INIT",
        category: "EXCEPTIONS",
        impact: Impact::Medium,
        strategy: "Map each Oracle error code to a SQLSTATE (a predefined condition name, or a \
                   custom code raised with USING ERRCODE); keep the codes consistent with the \
                   RAISE_APPLICATION_ERROR calls that raise them.",
    },
    Feature {
        id: "EXECUTE_IMMEDIATE",
        name: "EXECUTE IMMEDIATE",
        category: "DYNAMIC_SQL",
        impact: Impact::Medium,
        strategy: "EXECUTE ... INTO ... USING; the SQL text itself is Oracle SQL and must be \
                   converted too, binds :1 become $1, and identifiers should go through \
                   format('%I').",
    },
    Feature {
        id: "EXTERNAL_PROCEDURE",
        name: "external C procedure or LIBRARY",
        category: "EXTERNAL",
        impact: Impact::High,
        strategy: "Aurora loads no user C code: move the logic into a Lambda called with \
                   aws_lambda.invoke, or into the application.",
    },
    Feature {
        id: "FORALL",
        name: "FORALL",
        category: "COLLECTIONS",
        impact: Impact::Medium,
        strategy: "One set-based statement over unnest(arrays) (INSERT ... SELECT, UPDATE ... \
                   FROM unnest); SAVE EXCEPTIONS becomes a loop with a per-row exception block.",
    },
    Feature {
        id: "GLOBAL_TEMPORARY_TABLE",
        name: "global temporary table",
        category: "SCHEMA",
        impact: Impact::Medium,
        strategy: "PostgreSQL temporary tables exist per session and must be created in it: \
                   create on first use (CREATE TEMP TABLE IF NOT EXISTS), or an unlogged table \
                   keyed by session.",
    },
    Feature {
        id: "GOTO",
        name: "GOTO",
        category: "CONTROL_FLOW",
        impact: Impact::Medium,
        strategy: "PL/pgSQL has no GOTO: restructure with labelled loops, EXIT/CONTINUE and \
                   nested blocks.",
    },
    Feature {
        id: "JAVA_CALL_SPEC",
        name: "LANGUAGE JAVA call spec",
        category: "EXTERNAL",
        impact: Impact::High,
        strategy: "PL/Java is not available on Aurora: rewrite the Java method in PL/pgSQL, or \
                   run it as a Lambda called with aws_lambda.invoke.",
    },
    Feature {
        id: "JAVA_SOURCE",
        name: "Java stored in the database",
        category: "EXTERNAL",
        impact: Impact::High,
        strategy: "Aurora runs no Java: port the classes to a Lambda (invoked with \
                   aws_lambda.invoke) or to the application, or rewrite small helpers in \
                   PL/pgSQL.",
    },
    Feature {
        id: "JSON_FUNCTION",
        name: "SQL/JSON functions (JSON_VALUE, JSON_TABLE, JSON_OBJECT, IS JSON...)",
        category: "JSON",
        impact: Impact::Medium,
        strategy: "jsonb operators and jsonb_path_query, json_build_object/json_agg, \
                   jsonb_to_recordset; PostgreSQL 16 adds IS JSON and 17 JSON_TABLE/JSON_VALUE, \
                   so the target version decides how much is rewritten.",
    },
    Feature {
        id: "JSON_OBJECT_TYPE",
        name: "PL/SQL JSON types (JSON_OBJECT_T, JSON_ARRAY_T...)",
        category: "JSON",
        impact: Impact::High,
        strategy: "jsonb values: get/put/has become ->, jsonb_set and ?, iteration \
                   jsonb_each/jsonb_array_elements; every method call is rewritten by hand.",
    },
    Feature {
        id: "KEEP_DENSE_RANK",
        name: "KEEP (DENSE_RANK FIRST/LAST)",
        category: "SQL_DIALECT",
        impact: Impact::Medium,
        strategy: "DISTINCT ON, or first_value/last_value over an ordered window, or an \
                   ordered array_agg(...)[1].",
    },
    Feature {
        id: "LISTAGG",
        name: "LISTAGG",
        category: "SQL_DIALECT",
        impact: Impact::Low,
        strategy: "string_agg(x, sep ORDER BY ...); ON OVERFLOW TRUNCATE has no equivalent.",
    },
    Feature {
        id: "MATERIALIZED_VIEW",
        name: "materialized view",
        category: "SCHEMA",
        impact: Impact::Medium,
        strategy: "CREATE MATERIALIZED VIEW with REFRESH [CONCURRENTLY] scheduled by pg_cron; \
                   there is no fast (incremental) or ON COMMIT refresh.",
    },
    Feature {
        id: "MERGE",
        name: "MERGE",
        category: "SQL_DIALECT",
        impact: Impact::Medium,
        strategy: "MERGE on PostgreSQL 15+ (no DELETE WHERE in the UPDATE branch, no alias in \
                   SET targets), or INSERT ... ON CONFLICT DO UPDATE when a unique key fits.",
    },
    Feature {
        id: "MULTITABLE_INSERT",
        name: "INSERT ALL / INSERT FIRST",
        category: "SQL_DIALECT",
        impact: Impact::Medium,
        strategy: "One INSERT per target, or data-modifying CTEs over the source query; \
                   INSERT FIRST needs the conditions made mutually exclusive.",
    },
    Feature {
        id: "NESTED_TABLE",
        name: "nested table (TABLE OF)",
        category: "COLLECTIONS",
        impact: Impact::Medium,
        strategy: "A PostgreSQL array of the element type (a composite type for records); \
                   constructors become ARRAY[...], and a table column becomes a child table \
                   or an array column.",
    },
    Feature {
        id: "NVL",
        name: "NVL",
        category: "SQL_DIALECT",
        impact: Impact::Low,
        strategy: "COALESCE; the arguments must have compatible types, which Oracle did not \
                   require (NVL(num, '')).",
    },
    Feature {
        id: "NVL2",
        name: "NVL2",
        category: "SQL_DIALECT",
        impact: Impact::Low,
        strategy: "CASE WHEN x IS NOT NULL THEN a ELSE b END.",
    },
    Feature {
        id: "OBJECT_TYPE",
        name: "object type",
        category: "OBJECT_TYPES",
        impact: Impact::Medium,
        strategy: "A composite type (CREATE TYPE ... AS); constructors become ROW(...)::type, and \
                   object tables or columns of the type need a decision on storage.",
    },
    Feature {
        id: "OBJECT_TYPE_METHOD",
        name: "object type method",
        category: "OBJECT_TYPES",
        impact: Impact::High,
        strategy:
            "Composite types have no methods: each MEMBER/STATIC function becomes a function \
                   taking the composite as first argument, and SELF calls are rewritten; MAP and \
                   ORDER methods become operators or explicit comparisons.",
    },
    Feature {
        id: "OPEN_FOR_DYNAMIC",
        name: "OPEN cursor FOR dynamic string",
        category: "DYNAMIC_SQL",
        impact: Impact::Medium,
        strategy: "OPEN cur FOR EXECUTE text USING ...; the SQL text must be converted like any \
                   dynamic SQL.",
    },
    Feature {
        id: "ORACLE_EXCEPTION_NAME",
        name: "Oracle predefined exception without a PostgreSQL name",
        category: "EXCEPTIONS",
        impact: Impact::Low,
        strategy: "Rename to the PostgreSQL condition (DUP_VAL_ON_INDEX to unique_violation, \
                   ZERO_DIVIDE to division_by_zero, VALUE_ERROR/INVALID_NUMBER to \
                   invalid_text_representation or numeric_value_out_of_range...).",
    },
    Feature {
        id: "ORACLE_PACKAGE_OTHER",
        name: "other Oracle-supplied package (DBMS_*, UTL_*, CTX_*, OWA, HTP)",
        category: "PACKAGE_API",
        impact: Impact::Medium,
        strategy: "No general equivalent: check orafce and Aurora extensions for the package, \
                   otherwise rewrite each call.",
    },
    Feature {
        id: "OUTER_JOIN_PLUS",
        name: "(+) outer join",
        category: "SQL_DIALECT",
        impact: Impact::Medium,
        strategy: "ANSI LEFT/RIGHT JOIN ... ON; conditions on the optional table move from WHERE \
                   into ON, or the join silently becomes inner.",
    },
    Feature {
        id: "PACKAGE_CONSTANT",
        name: "package-level constant",
        category: "PACKAGES",
        impact: Impact::Low,
        strategy: "An IMMUTABLE function returning the value in the package's schema, or the \
                   literal inlined where it is used.",
    },
    Feature {
        id: "PACKAGE_INITIALIZATION",
        name: "package initialization section",
        category: "PACKAGES",
        impact: Impact::Medium,
        strategy: "Nothing runs when a schema is first used: call an init function lazily from \
                   the accessors of the state it sets (guarded by a setting).",
    },
    Feature {
        id: "PACKAGE_STATE",
        name: "package state (package-level variable)",
        category: "PACKAGES",
        impact: Impact::High,
        strategy: "Session state moves to custom settings (set_config / current_setting, text \
                   only, cast on read) or to a session temporary table for records and \
                   collections; accessor functions keep the calls readable.",
    },
    Feature {
        id: "PERCENT_TYPE",
        name: "%TYPE / %ROWTYPE",
        category: "PLSQL",
        impact: Impact::Low,
        strategy: "Supported in PL/pgSQL declarations; %ROWTYPE of a cursor is not, so use \
                   RECORD, and parameter types are resolved once at creation.",
    },
    Feature {
        id: "PIPELINED",
        name: "PIPELINED table function (PIPE ROW)",
        category: "FUNCTIONS",
        impact: Impact::Medium,
        strategy: "RETURNS SETOF type (or RETURNS TABLE) with RETURN NEXT for each PIPE ROW; \
                   rows are materialised, not streamed, and TABLE(f(...)) becomes f(...).",
    },
    Feature {
        id: "PRAGMA_OTHER",
        name: "other pragma (RESTRICT_REFERENCES, INLINE, UDF, DEPRECATED)",
        category: "PLSQL",
        impact: Impact::Low,
        strategy: "Drop it; for RESTRICT_REFERENCES declare the function IMMUTABLE or STABLE \
                   when that is true.",
    },
    Feature {
        id: "RAISE_APPLICATION_ERROR",
        name: "RAISE_APPLICATION_ERROR",
        category: "EXCEPTIONS",
        impact: Impact::Low,
        strategy: "RAISE EXCEPTION '...' USING ERRCODE with a chosen SQLSTATE per error number, \
                   so that callers and EXCEPTION_INIT handlers still match.",
    },
    Feature {
        id: "RECORD_TYPE",
        name: "record type (IS RECORD)",
        category: "PLSQL",
        impact: Impact::Low,
        strategy: "A composite type created at schema level (CREATE TYPE ... AS), or RECORD \
                   when the fields come from a query.",
    },
    Feature {
        id: "REF_CURSOR",
        name: "REF CURSOR / SYS_REFCURSOR",
        category: "CURSORS",
        impact: Impact::Medium,
        strategy: "refcursor; a function returning it hands back a portal name the client must \
                   FETCH from in the same transaction, which changes client code.",
    },
    Feature {
        id: "REGEXP_FUNCTION",
        name: "REGEXP_LIKE, REGEXP_SUBSTR, REGEXP_INSTR, REGEXP_COUNT",
        category: "SQL_DIALECT",
        impact: Impact::Low,
        strategy: "Native from PostgreSQL 15 (regexp_like, regexp_substr, regexp_instr, \
                   regexp_count), otherwise ~ and regexp_match; check match-parameter flags.",
    },
    Feature {
        id: "ROWID",
        name: "ROWID / UROWID",
        category: "SQL_DIALECT",
        impact: Impact::Medium,
        strategy: "Use the primary key; ctid is not stable across updates and VACUUM FULL.",
    },
    Feature {
        id: "ROWNUM",
        name: "ROWNUM",
        category: "SQL_DIALECT",
        impact: Impact::Medium,
        strategy: "LIMIT for top-n filters, row_number() OVER () when the number is selected; \
                   ROWNUM applies before ORDER BY and aggregates, LIMIT after, so check each.",
    },
    Feature {
        id: "SAVEPOINT",
        name: "SAVEPOINT / ROLLBACK TO",
        category: "TRANSACTIONS",
        impact: Impact::Medium,
        strategy: "PL/pgSQL has no SAVEPOINT statement: a nested BEGIN ... EXCEPTION block is an \
                   implicit savepoint rolled back on error.",
    },
    Feature {
        id: "SEQUENCE",
        name: "sequence .NEXTVAL / .CURRVAL",
        category: "SQL_DIALECT",
        impact: Impact::Low,
        strategy: "nextval('seq') and currval('seq'), or an identity column default.",
    },
    Feature {
        id: "SERIALLY_REUSABLE",
        name: "PRAGMA SERIALLY_REUSABLE",
        category: "PACKAGES",
        impact: Impact::Low,
        strategy: "Drop it: state reset per call is what functions without package state do \
                   anyway.",
    },
    Feature {
        id: "SQLCODE_SQLERRM",
        name: "SQLCODE / SQLERRM",
        category: "EXCEPTIONS",
        impact: Impact::Low,
        strategy: "SQLSTATE (five characters, not a number) and SQLERRM; code that tests \
                   SQLCODE values maps them to SQLSTATE codes.",
    },
    Feature {
        id: "SYNONYM",
        name: "synonym",
        category: "SCHEMA",
        impact: Impact::Low,
        strategy: "PostgreSQL has no synonyms: search_path for schema aliases, a view for a \
                   table, a wrapper function for a routine.",
    },
    Feature {
        id: "SYSDATE",
        name: "SYSDATE / SYSTIMESTAMP",
        category: "SQL_DIALECT",
        impact: Impact::Low,
        strategy: "clock_timestamp() for the time of the call, now()/current_timestamp for the \
                   transaction's start (stable within it); Oracle DATE carries seconds, so \
                   date columns become timestamp(0).",
    },
    Feature {
        id: "SYSTEM_TRIGGER",
        name: "system trigger (ON DATABASE / ON SCHEMA)",
        category: "TRIGGERS",
        impact: Impact::High,
        strategy: "DDL triggers become event triggers (ddl_command_start/end); logon triggers \
                   need PostgreSQL 17's login event or the application; others have no \
                   equivalent.",
    },
    Feature {
        id: "SYS_CONTEXT",
        name: "SYS_CONTEXT / USERENV",
        category: "SQL_DIALECT",
        impact: Impact::Medium,
        strategy: "current_user, session_user, inet_client_addr(), current_setting for \
                   application contexts; each attribute is mapped by hand.",
    },
    Feature {
        id: "TABLE_COLLECTION_EXPRESSION",
        name: "TABLE(collection) in FROM",
        category: "COLLECTIONS",
        impact: Impact::Medium,
        strategy: "unnest(array) in FROM, or the set-returning function called directly.",
    },
    Feature {
        id: "TRANSACTION_CONTROL",
        name: "COMMIT / ROLLBACK in stored code",
        category: "TRANSACTIONS",
        impact: Impact::Medium,
        strategy: "Only procedures called with CALL outside an explicit transaction may commit, \
                   never functions, triggers or a block with an EXCEPTION section: turn the \
                   routine into a procedure, move the COMMIT to the caller, or restructure.",
    },
    Feature {
        id: "TRIGGER_COMPOUND",
        name: "compound trigger",
        category: "TRIGGERS",
        impact: Impact::High,
        strategy: "Split into row and statement triggers; state shared between timing points \
                   goes through transition tables (REFERENCING NEW TABLE) or a temporary table.",
    },
    Feature {
        id: "TRIGGER_INSTEAD_OF",
        name: "INSTEAD OF trigger",
        category: "TRIGGERS",
        impact: Impact::Medium,
        strategy: "Supported on views as FOR EACH ROW triggers; the trigger function returns NEW \
                   (or NULL to skip) and must do the base-table DML itself.",
    },
    Feature {
        id: "TRIGGER_NEW_OLD",
        name: ":NEW / :OLD",
        category: "TRIGGERS",
        impact: Impact::Low,
        strategy: "NEW and OLD without the colon, in a trigger function RETURNS trigger that \
                   returns NEW (BEFORE ROW) to keep the assignments.",
    },
    Feature {
        id: "TRIGGER_PREDICATE",
        name: "INSERTING / UPDATING / DELETING",
        category: "TRIGGERS",
        impact: Impact::Low,
        strategy: "Test TG_OP ('INSERT', 'UPDATE', 'DELETE'); UPDATING('col') becomes a \
                   comparison of NEW.col and OLD.col.",
    },
    Feature {
        id: "TRIGGER_REFERENCING",
        name: "REFERENCING clause",
        category: "TRIGGERS",
        impact: Impact::Low,
        strategy: "Row triggers always use NEW and OLD: rename the aliases in the body.",
    },
    Feature {
        id: "TRIGGER_WHEN",
        name: "trigger WHEN clause",
        category: "TRIGGERS",
        impact: Impact::Low,
        strategy: "Kept as WHEN (...) on CREATE TRIGGER, with NEW/OLD as written; it may not \
                   call subqueries.",
    },
    Feature {
        id: "TYPE_INHERITANCE",
        name: "type inheritance (UNDER)",
        category: "OBJECT_TYPES",
        impact: Impact::High,
        strategy: "Composite types do not inherit: flatten the attributes into each subtype and \
                   replace overriding methods by explicit dispatch.",
    },
    Feature {
        id: "UTL_ENCODE",
        name: "UTL_ENCODE",
        category: "PACKAGE_API",
        impact: Impact::Low,
        strategy: "encode/decode with 'base64' or 'hex'; line wrapping of BASE64_ENCODE (64 \
                   characters) differs and may need regexp_replace.",
    },
    Feature {
        id: "UTL_FILE",
        name: "UTL_FILE",
        category: "FILE_IO",
        impact: Impact::High,
        strategy: "Aurora has no server file system: the utl_file_utility schema installed \
                   from deploy/sql/utl_file_utility keeps UTL_FILE's calls, over S3 objects \
                   read and written whole through aws_s3; FREMOVE, FRENAME and FCOPY move to \
                   a Lambda or the application.",
    },
    Feature {
        id: "UTL_HTTP",
        name: "UTL_HTTP",
        category: "NETWORK",
        impact: Impact::High,
        strategy: "Calls go through the HTTP-client Lambda via aws_lambda.invoke: the \
                   utl_http_utility schema installed from deploy/sql/utl_http_utility keeps \
                   the request/response calls close to UTL_HTTP's.",
    },
    Feature {
        id: "UTL_MAIL",
        name: "UTL_MAIL",
        category: "NETWORK",
        impact: Impact::High,
        strategy: "Send through a Lambda calling Amazon SES (aws_lambda.invoke), or write to an \
                   outbox table the application sends from; attachments go through S3.",
    },
    Feature {
        id: "UTL_RAW",
        name: "UTL_RAW",
        category: "PACKAGE_API",
        impact: Impact::Medium,
        strategy: "RAW is bytea: CAST_TO_RAW/CAST_TO_VARCHAR2 become convert_to/convert_from, \
                   CONCAT ||, SUBSTR substring, bit operations get_byte/set_byte.",
    },
    Feature {
        id: "UTL_SMTP",
        name: "UTL_SMTP",
        category: "NETWORK",
        impact: Impact::High,
        strategy: "No outbound SMTP from Aurora: build the message as data and send it from a \
                   Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.",
    },
    Feature {
        id: "VARRAY",
        name: "VARRAY",
        category: "COLLECTIONS",
        impact: Impact::Medium,
        strategy: "A PostgreSQL array; the size limit is not enforced, so add a CHECK on \
                   cardinality() where it matters.",
    },
    Feature {
        id: "WRAPPED_CODE",
        name: "wrapped (obfuscated) PL/SQL",
        category: "SOURCE",
        impact: Impact::High,
        strategy: "Nothing can be converted or analysed: get the clear source from its owner or \
                   vendor, or treat the object as a black box to be rewritten from its \
                   specification.",
    },
    Feature {
        id: "XMLTYPE",
        name: "XMLTYPE and Oracle XML functions",
        category: "XML",
        impact: Impact::High,
        strategy: "The xml type: extract/existsNode/extractValue become xpath() and \
                   xpath_exists(), XMLSEQUENCE xmltable or unnest(xpath(...)); method calls \
                   on XMLTYPE values are rewritten as functions.",
    },
];

/// What the catalogue says to do about a call into Oracle's package
/// `name` (upper case), when it names that package.
pub fn package_strategy(name: &str) -> Option<&'static str> {
    package_feature(name)
        .filter(|id| *id != "ORACLE_PACKAGE_OTHER")
        .and_then(feature)
        .map(|f| f.strategy)
}

/// The catalogue entry of `id`.
pub fn feature(id: &str) -> Option<&'static Feature> {
    CATALOGUE.binary_search_by(|f| f.id.cmp(id)).ok().map(|i| &CATALOGUE[i])
}

/// The catalogue features `object` uses, with the line of each use, sorted by id.
///
/// Needs the object's tokens, which an object read back from the cache no longer has:
/// run it on the scan's result, as [`super::analyze`] is.
pub fn detect(object: &Object) -> Vec<FeatureUse> {
    let mut uses = Uses::default();
    from_kind_and_status(object, &mut uses);
    if let Some(unit) = &object.unit {
        Tree { tokens: &object.tokens, uses: &mut uses }.unit(&unit.item);
    }
    // The tokens of a skipped object are its header at best, and a wrapped body's
    // base64 would read as words.
    if !matches!(object.status, ParseStatus::Skipped { .. }) {
        scan_tokens(&object.tokens, object.kind == ObjectKind::Trigger, &mut uses);
    }
    uses.into_feature_uses()
}

/// The lines of each feature found so far.
#[derive(Default)]
struct Uses(BTreeMap<&'static str, Vec<u32>>);

impl Uses {
    fn add(&mut self, id: &'static str, line: u32) {
        debug_assert!(feature(id).is_some(), "{id} is not in the catalogue");
        self.0.entry(id).or_default().push(line);
    }

    fn into_feature_uses(self) -> Vec<FeatureUse> {
        self.0
            .into_iter()
            .map(|(id, mut lines)| {
                lines.sort_unstable();
                FeatureUse { feature: id.to_owned(), lines }
            })
            .collect()
    }
}

/// What the kind of object or its status says, whether or not it was parsed.
fn from_kind_and_status(object: &Object, uses: &mut Uses) {
    let line = object.first_line;
    match object.kind {
        ObjectKind::JavaSource => uses.add("JAVA_SOURCE", line),
        ObjectKind::Library => uses.add("EXTERNAL_PROCEDURE", line),
        ObjectKind::MaterializedView => uses.add("MATERIALIZED_VIEW", line),
        ObjectKind::Synonym => uses.add("SYNONYM", line),
        _ => {}
    }
    if object.status == (ParseStatus::Skipped { reason: ObjectSkipReason::Wrapped }) {
        uses.add("WRAPPED_CODE", line);
    }
}

/// Predefined Oracle exceptions that PostgreSQL knows under another name, or not at
/// all; `NO_DATA_FOUND`, `TOO_MANY_ROWS` and `CASE_NOT_FOUND` keep theirs.
const ORACLE_ONLY_EXCEPTIONS: &[&str] = &[
    "ACCESS_INTO_NULL",
    "COLLECTION_IS_NULL",
    "CURSOR_ALREADY_OPEN",
    "DUP_VAL_ON_INDEX",
    "INVALID_CURSOR",
    "INVALID_NUMBER",
    "LOGIN_DENIED",
    "NOT_LOGGED_ON",
    "PROGRAM_ERROR",
    "ROWTYPE_MISMATCH",
    "SELF_IS_NULL",
    "STORAGE_ERROR",
    "SUBSCRIPT_BEYOND_COUNT",
    "SUBSCRIPT_OUTSIDE_LIMIT",
    "SYS_INVALID_ROWID",
    "TIMEOUT_ON_RESOURCE",
    "VALUE_ERROR",
    "ZERO_DIVIDE",
];

/// A walk of the parse tree for the features that are syntax: declarations,
/// statements, trigger and type shapes.
struct Tree<'a> {
    tokens: &'a [Tok],
    uses: &'a mut Uses,
}

impl Tree<'_> {
    fn unit(&mut self, item: &UnitItem) {
        match item {
            UnitItem::PackageSpec(p) | UnitItem::PackageBody(p) => {
                self.package_state(&p.declarations);
                self.package(p);
            }
            UnitItem::TypeBody(p) => {
                for d in &p.declarations {
                    if let DeclarationItem::Subprogram(s) = &d.item {
                        self.uses.add("OBJECT_TYPE_METHOD", s.span.line);
                    }
                }
                self.package(p);
            }
            UnitItem::Subprogram(s) => self.subprogram(s),
            UnitItem::Trigger(t) => self.trigger(t),
            UnitItem::TypeSpec(t) => self.type_spec(t),
            UnitItem::View(v) => self.sql(&v.query),
            UnitItem::Ddl(s) => self.sql(s),
            UnitItem::JavaSource { .. } => {}
        }
    }

    fn package(&mut self, p: &Package) {
        self.declarations(&p.declarations);
        if let Some(init) = &p.initialization {
            if let Some(first) = init.first() {
                self.uses.add("PACKAGE_INITIALIZATION", first.span.line);
            }
            self.statements(init);
        }
        self.handlers(&p.handlers);
    }

    /// Variables declared at package level live as long as the session.
    fn package_state(&mut self, declarations: &[Declaration]) {
        for d in declarations {
            match &d.item {
                DeclarationItem::Variable { constant: true, .. } => {
                    self.uses.add("PACKAGE_CONSTANT", d.span.line)
                }
                DeclarationItem::Variable { .. } => self.uses.add("PACKAGE_STATE", d.span.line),
                DeclarationItem::Conditional(c) => {
                    for branch in branches(c) {
                        self.package_state(branch);
                    }
                }
                _ => {}
            }
        }
    }

    fn declarations(&mut self, declarations: &[Declaration]) {
        for d in declarations {
            match &d.item {
                DeclarationItem::Pragma { name, .. } => {
                    self.uses.add(pragma_feature(&name.canonical()), name.span.line)
                }
                DeclarationItem::Type { kind, .. } => {
                    if let Some(id) = type_feature(*kind) {
                        self.uses.add(id, d.span.line);
                    }
                }
                DeclarationItem::Cursor { query: Some(q), .. } => self.sql(q),
                DeclarationItem::Subprogram(s) => self.subprogram(s),
                DeclarationItem::Conditional(c) => {
                    for branch in branches(c) {
                        self.declarations(branch);
                    }
                }
                _ => {}
            }
        }
    }

    fn subprogram(&mut self, s: &Subprogram) {
        for option in &s.options {
            if first_word_is(&option.text, "PIPELINED") {
                self.uses.add("PIPELINED", option.span.line);
            }
        }
        match &s.body {
            Some(SubprogramBody::Block(b)) => self.block(b),
            Some(SubprogramBody::External { language, span, .. }) => {
                let id = if language.eq_ignore_ascii_case("JAVA") {
                    "JAVA_CALL_SPEC"
                } else {
                    "EXTERNAL_PROCEDURE"
                };
                self.uses.add(id, span.line);
            }
            None => {}
        }
    }

    fn block(&mut self, b: &Block) {
        self.declarations(&b.declarations);
        self.statements(&b.statements);
        self.handlers(&b.handlers);
    }

    fn handlers(&mut self, handlers: &[Handler]) {
        for h in handlers {
            for name in &h.exceptions {
                self.exception_name(name);
            }
            self.statements(&h.statements);
        }
    }

    fn exception_name(&mut self, name: &QualifiedName) {
        if ORACLE_ONLY_EXCEPTIONS.binary_search(&name.last().canonical().as_str()).is_ok() {
            self.uses.add("ORACLE_EXCEPTION_NAME", name.span.line);
        }
    }

    fn statements(&mut self, statements: &[Statement]) {
        for s in statements {
            self.statement(s);
        }
    }

    fn statement(&mut self, s: &Statement) {
        let line = s.span.line;
        match &s.item {
            StatementItem::If { branches, otherwise } => {
                for (_, body) in branches {
                    self.statements(body);
                }
                self.statements(otherwise.as_deref().unwrap_or_default());
            }
            StatementItem::Case { whens, otherwise, .. } => {
                for (_, body) in whens {
                    self.statements(body);
                }
                self.statements(otherwise.as_deref().unwrap_or_default());
            }
            StatementItem::Loop { kind, body, .. } => {
                if let LoopKind::Cursor { query: Some(q), .. } = kind {
                    self.sql(q);
                }
                self.statements(body);
            }
            StatementItem::Goto { .. } => self.uses.add("GOTO", line),
            StatementItem::Raise { exception: Some(name) } => self.exception_name(name),
            StatementItem::Open { query, dynamic, .. } => {
                if let Some(q) = query {
                    self.sql(q);
                }
                if dynamic.is_some() {
                    self.uses.add("OPEN_FOR_DYNAMIC", line);
                }
            }
            StatementItem::Fetch { bulk_collect: true, .. } => self.bulk_collect(s.span),
            StatementItem::ExecuteImmediate { bulk_collect, .. } => {
                self.uses.add("EXECUTE_IMMEDIATE", line);
                if *bulk_collect {
                    self.bulk_collect(s.span);
                }
            }
            StatementItem::Forall { statement, .. } => {
                self.uses.add("FORALL", line);
                self.statement(statement);
            }
            StatementItem::PipeRow { .. } => self.uses.add("PIPELINED", line),
            StatementItem::Commit | StatementItem::Rollback { savepoint: None } => {
                self.uses.add("TRANSACTION_CONTROL", line)
            }
            // Rolling back to a savepoint ends nothing: it is the savepoint feature.
            StatementItem::Rollback { savepoint: Some(_) } | StatementItem::Savepoint { .. } => {
                self.uses.add("SAVEPOINT", line)
            }
            StatementItem::Sql(q) => self.sql(q),
            StatementItem::Block(b) => self.block(b),
            StatementItem::Conditional(c) => {
                for branch in branches(c) {
                    self.statements(branch);
                }
            }
            _ => {}
        }
    }

    fn sql(&mut self, q: &SqlStatement) {
        if q.kind == SqlKind::Merge {
            self.uses.add("MERGE", q.span.line);
        }
        if q.bulk_collect {
            self.bulk_collect(q.span);
        }
    }

    /// The use is on the line of `BULK`, which may be below the statement's start.
    fn bulk_collect(&mut self, span: Span) {
        let first = self.tokens.partition_point(|t| t.span.start < span.start);
        let line = self.tokens[first..]
            .iter()
            .take_while(|t| t.span.start < span.end)
            .find(|t| matches!(&t.token, Token::Word(w) if w.value.eq_ignore_ascii_case("BULK")))
            .map_or(span.line, |t| t.span.line);
        self.uses.add("BULK_COLLECT", line);
    }

    fn trigger(&mut self, t: &Trigger) {
        let line = t.name.span.line;
        if first_word_is(&t.timing, "INSTEAD") {
            self.uses.add("TRIGGER_INSTEAD_OF", line);
        }
        if t.target.is_none() {
            self.uses.add("SYSTEM_TRIGGER", line);
        }
        for clause in &t.clauses {
            if first_word_is(&clause.text, "REFERENCING") {
                self.uses.add("TRIGGER_REFERENCING", clause.span.line);
            }
        }
        if let Some(when) = &t.when {
            self.uses.add("TRIGGER_WHEN", when.span.line);
        }
        match &t.body {
            TriggerBody::Block(b) => self.block(b),
            TriggerBody::Call(_) => {}
            TriggerBody::Compound { declarations, sections } => {
                self.uses.add("TRIGGER_COMPOUND", line);
                self.declarations(declarations);
                for section in sections {
                    self.block(&section.block);
                }
            }
        }
    }

    fn type_spec(&mut self, t: &TypeSpec) {
        let line = t.name.span.line;
        if let Some(id) = type_feature(t.kind) {
            self.uses.add(id, line);
        }
        if t.under.is_some() {
            self.uses.add("TYPE_INHERITANCE", line);
        }
        // Methods are counted where they are written, in the type body: the
        // spec's declarations are the same work, and would count it twice.
    }
}

fn branches<T>(c: &Conditional<T>) -> impl Iterator<Item = &[T]> {
    c.branches.iter().map(|(_, items)| items.as_slice()).chain(c.otherwise.as_deref())
}

fn first_word_is(text: &str, word: &str) -> bool {
    text.split_whitespace().next().is_some_and(|w| w.eq_ignore_ascii_case(word))
}

fn pragma_feature(name: &str) -> &'static str {
    match name {
        "AUTONOMOUS_TRANSACTION" => "AUTONOMOUS_TRANSACTION",
        "EXCEPTION_INIT" => "EXCEPTION_INIT",
        "SERIALLY_REUSABLE" => "SERIALLY_REUSABLE",
        _ => "PRAGMA_OTHER",
    }
}

fn type_feature(kind: TypeKind) -> Option<&'static str> {
    Some(match kind {
        TypeKind::Table => "NESTED_TABLE",
        TypeKind::AssociativeArray => "ASSOCIATIVE_ARRAY",
        TypeKind::Varray => "VARRAY",
        TypeKind::RefCursor => "REF_CURSOR",
        TypeKind::Record => "RECORD_TYPE",
        TypeKind::Object => "OBJECT_TYPE",
        TypeKind::Other => return None,
    })
}

/// Collection methods, called as `name.METHOD`.
const COLLECTION_METHODS: &[&str] =
    &["COUNT", "DELETE", "EXISTS", "EXTEND", "FIRST", "LAST", "LIMIT", "NEXT", "PRIOR", "TRIM"];

/// Oracle's own `UTL_` packages: many estates have utility packages of their own
/// named `UTL_something`, so the prefix alone is not enough.
const OTHER_UTL_PACKAGES: &[&str] = &[
    "UTL_CALL_STACK",
    "UTL_COLL",
    "UTL_COMPRESS",
    "UTL_I18N",
    "UTL_INADDR",
    "UTL_LMS",
    "UTL_MATCH",
    "UTL_NLA",
    "UTL_REF",
    "UTL_TCP",
    "UTL_URL",
];

/// SQL/JSON functions, found when followed by `(`.
const JSON_FUNCTIONS: &[&str] = &[
    "JSON_ARRAY",
    "JSON_ARRAYAGG",
    "JSON_EXISTS",
    "JSON_MERGEPATCH",
    "JSON_OBJECT",
    "JSON_OBJECTAGG",
    "JSON_QUERY",
    "JSON_SERIALIZE",
    "JSON_TABLE",
    "JSON_TRANSFORM",
    "JSON_VALUE",
];

/// PL/SQL's JSON object types.
const JSON_TYPES: &[&str] =
    &["JSON_ARRAY_T", "JSON_ELEMENT_T", "JSON_KEY_LIST", "JSON_OBJECT_T", "JSON_SCALAR_T"];

/// A reading of the token stream for the features that are names and operators.
fn scan_tokens(tokens: &[Tok], in_trigger: bool, uses: &mut Uses) {
    let pseudo_records = if in_trigger { pseudo_records(tokens) } else { Vec::new() };
    for (i, tok) in tokens.iter().enumerate() {
        let id = match &tok.token {
            Token::LParen
                if is(tokens, i + 1, &Token::Plus) && is(tokens, i + 2, &Token::RParen) =>
            {
                Some("OUTER_JOIN_PLUS")
            }
            Token::Mod => word(tokens, i + 1).and_then(attribute_feature),
            Token::Colon => word(tokens, i + 1)
                .filter(|w| pseudo_records.iter().any(|p| w.eq_ignore_ascii_case(p)))
                .map(|_| "TRIGGER_NEW_OLD"),
            Token::Period => member_feature(tokens, i),
            // `emp @ remote` with blanks; without them the tokenizer keeps one word.
            Token::AtSign if i > 0 && word(tokens, i - 1).is_some() => {
                word(tokens, i + 1).map(|_| "DB_LINK")
            }
            Token::Word(w) if w.quote_style.is_none() => {
                word_feature(tokens, i, &w.value.to_ascii_uppercase(), in_trigger)
            }
            _ => None,
        };
        if let Some(id) = id {
            uses.add(id, tok.span.line);
        }
    }
}

/// The names of a trigger's pseudo-records: `NEW`, `OLD`, `PARENT` and the aliases
/// its `REFERENCING NEW AS n OLD AS o` clause gives them.
fn pseudo_records(tokens: &[Tok]) -> Vec<&str> {
    let mut names = vec!["NEW", "OLD", "PARENT"];
    let Some(at) = (0..tokens.len()).find(|&i| is_word(tokens, i, "REFERENCING")) else {
        return names;
    };
    let mut i = at + 1;
    while names[..3].iter().any(|p| is_word(tokens, i, p)) {
        i += if is_word(tokens, i + 1, "AS") { 2 } else { 1 };
        if let Some(alias) = word(tokens, i) {
            names.push(alias);
        }
        i += 1;
    }
    names
}

/// The unquoted word at `i`: a quoted name is never a keyword.
fn word(tokens: &[Tok], i: usize) -> Option<&str> {
    match tokens.get(i).map(|t| &t.token) {
        Some(Token::Word(w)) if w.quote_style.is_none() => Some(&w.value),
        _ => None,
    }
}

fn is_word(tokens: &[Tok], i: usize, keyword: &str) -> bool {
    word(tokens, i).is_some_and(|w| w.eq_ignore_ascii_case(keyword))
}

fn is(tokens: &[Tok], i: usize, token: &Token) -> bool {
    tokens.get(i).is_some_and(|t| t.token == *token)
}

/// The token before `i`, if any.
fn before(tokens: &[Tok], i: usize) -> Option<&Token> {
    i.checked_sub(1).map(|j| &tokens[j].token)
}

/// `%TYPE`, `%ROWTYPE` and the cursor attributes.
fn attribute_feature(attribute: &str) -> Option<&'static str> {
    match attribute.to_ascii_uppercase().as_str() {
        "TYPE" | "ROWTYPE" => Some("PERCENT_TYPE"),
        "FOUND" | "NOTFOUND" | "ISOPEN" | "ROWCOUNT" | "BULK_ROWCOUNT" | "BULK_EXCEPTIONS" => {
            Some("CURSOR_ATTRIBUTE")
        }
        _ => None,
    }
}

/// What follows the `.` at `i`: a sequence's `NEXTVAL` or a collection method.
fn member_feature(tokens: &[Tok], i: usize) -> Option<&'static str> {
    let member = word(tokens, i + 1)?.to_ascii_uppercase();
    if member == "NEXTVAL" || member == "CURRVAL" {
        return Some("SEQUENCE");
    }
    if !COLLECTION_METHODS.contains(&member.as_str()) {
        return None;
    }
    // The receiver is a name or an element `t(i)`, and not an Oracle package whose
    // subprogram happens to share the method's name (`DBMS_LOB.TRIM`).
    match before(tokens, i)? {
        Token::Word(w) if package_feature(&w.value.to_ascii_uppercase()).is_none() => {
            Some("COLLECTION_METHOD")
        }
        Token::RParen => Some("COLLECTION_METHOD"),
        _ => None,
    }
}

/// The feature of a package named before a `.`, if it is one of Oracle's.
fn package_feature(name: &str) -> Option<&'static str> {
    let id = match name {
        "DBMS_ALERT" => "DBMS_ALERT",
        "DBMS_APPLICATION_INFO" => "DBMS_APPLICATION_INFO",
        "DBMS_AQ" | "DBMS_AQADM" => "DBMS_AQ",
        "DBMS_CRYPTO" | "DBMS_OBFUSCATION_TOOLKIT" => "DBMS_CRYPTO",
        "DBMS_JOB" => "DBMS_JOB",
        "DBMS_LOB" => "DBMS_LOB",
        "DBMS_LOCK" => "DBMS_LOCK",
        "DBMS_OUTPUT" => "DBMS_OUTPUT",
        "DBMS_PIPE" => "DBMS_PIPE",
        "DBMS_RANDOM" => "DBMS_RANDOM",
        "DBMS_SCHEDULER" => "DBMS_SCHEDULER",
        "DBMS_SESSION" => "DBMS_SESSION",
        "DBMS_SQL" => "DBMS_SQL",
        "DBMS_STATS" => "DBMS_STATS",
        "DBMS_UTILITY" => "DBMS_UTILITY",
        "DBMS_XMLGEN" => "DBMS_XMLGEN",
        "UTL_ENCODE" => "UTL_ENCODE",
        "UTL_FILE" => "UTL_FILE",
        "UTL_HTTP" => "UTL_HTTP",
        "UTL_MAIL" => "UTL_MAIL",
        "UTL_RAW" => "UTL_RAW",
        "UTL_SMTP" => "UTL_SMTP",
        "OWA" | "OWA_UTIL" | "HTP" | "HTF" => "ORACLE_PACKAGE_OTHER",
        _ if name.starts_with("DBMS_") || name.starts_with("CTX_") => "ORACLE_PACKAGE_OTHER",
        _ if OTHER_UTL_PACKAGES.contains(&name) => "ORACLE_PACKAGE_OTHER",
        _ => return None,
    };
    Some(id)
}

/// The feature a word names, `upper` being the word at `i` in upper case.
fn word_feature(tokens: &[Tok], i: usize, upper: &str, in_trigger: bool) -> Option<&'static str> {
    let call = is(tokens, i + 1, &Token::LParen);
    if is(tokens, i + 1, &Token::Period) {
        if let Some(id) = package_feature(upper) {
            return Some(id);
        }
    }
    if upper == "ROWID" || upper == "UROWID" {
        return Some("ROWID");
    }
    if upper.contains('@') && !upper.starts_with('@') {
        return Some("DB_LINK");
    }
    // After a `.` a word is a member or column of something else (`r.level`).
    if before(tokens, i) == Some(&Token::Period) {
        return None;
    }
    let previous = |keyword: &str| i > 0 && is_word(tokens, i - 1, keyword);
    let id = match upper {
        "SYSDATE" | "SYSTIMESTAMP" => "SYSDATE",
        "ROWNUM" => "ROWNUM",
        "NVL" if call => "NVL",
        "NVL2" if call => "NVL2",
        "DECODE" if call => "DECODE",
        "CONNECT" if is_word(tokens, i + 1, "BY") => "CONNECT_BY",
        "LEVEL" if !call && !previous("ISOLATION") => "CONNECT_BY_PSEUDOCOLUMN",
        "SYS_CONNECT_BY_PATH" | "CONNECT_BY_ROOT" | "CONNECT_BY_ISLEAF" | "CONNECT_BY_ISCYCLE" => {
            "CONNECT_BY_PSEUDOCOLUMN"
        }
        "SYS_REFCURSOR" => "REF_CURSOR",
        "XMLTYPE" => "XMLTYPE",
        "EXTRACTVALUE" | "EXISTSNODE" | "XMLSEQUENCE" if call => "XMLTYPE",
        "JSON" if previous("IS") || (previous("NOT") && i > 1 && is_word(tokens, i - 2, "IS")) => {
            "JSON_FUNCTION"
        }
        _ if call && JSON_FUNCTIONS.contains(&upper) => "JSON_FUNCTION",
        _ if JSON_TYPES.contains(&upper) => "JSON_OBJECT_TYPE",
        "RAISE_APPLICATION_ERROR" => "RAISE_APPLICATION_ERROR",
        "SQLCODE" | "SQLERRM" => "SQLCODE_SQLERRM",
        "SYS_CONTEXT" | "USERENV" if call => "SYS_CONTEXT",
        "LISTAGG" if call => "LISTAGG",
        "KEEP" if call && is_word(tokens, i + 2, "DENSE_RANK") => "KEEP_DENSE_RANK",
        "ADD_MONTHS" | "MONTHS_BETWEEN" | "LAST_DAY" | "NEXT_DAY" if call => "DATE_ARITHMETIC",
        "REGEXP_LIKE" | "REGEXP_SUBSTR" | "REGEXP_INSTR" | "REGEXP_COUNT" if call => {
            "REGEXP_FUNCTION"
        }
        "DUAL" if previous("FROM") => "DUAL",
        "GLOBAL" if is_word(tokens, i + 1, "TEMPORARY") => "GLOBAL_TEMPORARY_TABLE",
        "INSERT" if is_word(tokens, i + 1, "ALL") || is_word(tokens, i + 1, "FIRST") => {
            "MULTITABLE_INSERT"
        }
        "TABLE"
            if call
                && (previous("FROM")
                    || previous("JOIN")
                    || before(tokens, i) == Some(&Token::Comma)) =>
        {
            "TABLE_COLLECTION_EXPRESSION"
        }
        "$IF" => "CONDITIONAL_COMPILATION",
        "INSERTING" | "UPDATING" | "DELETING" if in_trigger => "TRIGGER_PREDICATE",
        _ => return None,
    };
    Some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect_in(text: &str) -> Vec<FeatureUse> {
        let objects = crate::plsql::scan_file("t.sql", text.as_bytes(), None).objects;
        detect(&objects[0])
    }

    fn lines(uses: &[FeatureUse], id: &str) -> Vec<u32> {
        uses.iter().find(|u| u.feature == id).map(|u| u.lines.clone()).unwrap_or_default()
    }

    #[test]
    fn lookup_lists_are_sorted() {
        assert!(ORACLE_ONLY_EXCEPTIONS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn count_star_is_not_a_collection_method() {
        let uses = detect_in(
            "CREATE OR REPLACE PROCEDURE p IS\nBEGIN\n\
             SELECT COUNT(*) INTO n FROM t;\n\
             n := v.COUNT + v(1).COUNT;\nEND;\n/\n",
        );
        assert_eq!(lines(&uses, "COLLECTION_METHOD"), [4, 4]);
    }

    #[test]
    fn a_db_link_with_blanks_around_the_at_sign_is_found() {
        let uses = detect_in(
            "CREATE OR REPLACE PROCEDURE p IS\nBEGIN\n\
             SELECT a INTO b FROM t @ remote;\nSELECT a INTO b FROM t@remote;\nEND;\n/\n",
        );
        assert_eq!(lines(&uses, "DB_LINK"), [3, 4]);
    }

    #[test]
    fn execute_immediate_text_is_not_read_for_features() {
        let uses = detect_in(
            "CREATE OR REPLACE PROCEDURE p IS\nBEGIN\n\
             EXECUTE IMMEDIATE 'MERGE INTO t USING s ON (1 = 1)\n\
             WHEN MATCHED THEN UPDATE SET a = NVL(b, 1)';\n\
             END;\n/\n",
        );
        assert_eq!(
            uses.iter().map(|u| u.feature.as_str()).collect::<Vec<_>>(),
            ["EXECUTE_IMMEDIATE"]
        );
    }

    #[test]
    fn rollback_to_a_savepoint_is_not_transaction_control() {
        let uses = detect_in(
            "CREATE OR REPLACE PROCEDURE p IS\nBEGIN\nSAVEPOINT a;\nROLLBACK TO a;\n\
             ROLLBACK;\nCOMMIT;\nEND;\n/\n",
        );
        assert_eq!(lines(&uses, "SAVEPOINT"), [3, 4]);
        assert_eq!(lines(&uses, "TRANSACTION_CONTROL"), [5, 6]);
    }
}
