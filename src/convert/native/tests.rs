//! Each rewrite with its Oracle input and the PostgreSQL expected.

use super::{translate, Catalog, NoteKind, Translation};

/// Translates the last object of `sql`, with every object in the catalogue.
fn translated(sql: &str) -> Translation {
    let file = crate::plsql::scan_file("t.sql", sql.as_bytes(), None);
    let catalog = Catalog::of(&file.objects);
    let object = file.objects.last().expect("one object");
    assert!(object.errors.is_empty(), "{:?}", object.errors);
    translate(object, &catalog).unwrap()
}

fn sql_of(sql: &str) -> String {
    translated(sql).sql
}

#[test]
fn a_function_with_oracle_null_rules() {
    let sql = sql_of(
        "CREATE OR REPLACE FUNCTION hr.full_name(p_first IN VARCHAR2, p_last VARCHAR2)
RETURN VARCHAR2 IS
  v_name VARCHAR2(100) := '';
BEGIN
  -- Oracle's || ignores NULLs
  v_name := p_first || ' ' || p_last;
  RETURN NVL(v_name, DECODE(p_last, NULL, 'none', 'x', 'ex', 'other'));
END full_name;
/
",
    );
    assert_eq!(
        sql,
        "CREATE OR REPLACE FUNCTION hr.full_name(
    p_first varchar,
    p_last varchar
)
RETURNS varchar
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_name varchar(100) := NULL;
BEGIN
    -- Oracle's || ignores NULLs
    v_name := concat(p_first, ' ', p_last);
    RETURN coalesce(v_name, CASE WHEN p_last IS NULL THEN 'none' WHEN p_last IS NOT DISTINCT FROM 'x' THEN 'ex' ELSE 'other' END);
END;
$body$;
"
    );
}

#[test]
fn decode_with_literal_searches_is_a_simple_case() {
    let sql = sql_of(
        "CREATE FUNCTION f(p NUMBER) RETURN VARCHAR2 IS BEGIN RETURN DECODE(p, 1, 'one', 2, 'two'); END;\n/\n",
    );
    assert!(sql.contains("RETURN CASE p WHEN 1 THEN 'one' WHEN 2 THEN 'two' END;"), "{sql}");
}

#[test]
fn select_into_is_strict_and_dual_goes() {
    let sql = sql_of(
        "CREATE PROCEDURE p IS v NUMBER; d DATE; BEGIN
  SELECT id INTO v FROM emp WHERE dept = 10 AND ROWNUM = 1;
  SELECT count(*) INTO v FROM emp WHERE ROWNUM <= 10;
  SELECT SYSDATE INTO d FROM DUAL;
  v := seq_emp.NEXTVAL;
END;
/
",
    );
    assert!(sql.contains("SELECT id INTO STRICT v FROM emp WHERE dept = 10 LIMIT 1;"), "{sql}");
    // Oracle counts at most 10 rows there: a LIMIT after count(*) would not.
    assert!(sql.contains("SELECT count(*) INTO STRICT v FROM emp WHERE ROWNUM <= 10;"), "{sql}");
    assert!(sql.contains("SELECT clock_timestamp()::timestamp(0) INTO STRICT d;"), "{sql}");
    assert!(sql.contains("v := nextval('seq_emp');"), "{sql}");
    assert!(sql.contains("CREATE OR REPLACE PROCEDURE public.p()"), "{sql}");
}

#[test]
fn application_error_codes_are_the_same_raised_and_caught() {
    let sql = sql_of(
        "CREATE PROCEDURE p IS
  e_locked EXCEPTION;
  PRAGMA EXCEPTION_INIT(e_locked, -20042);
BEGIN
  RAISE_APPLICATION_ERROR(-20042, 'locked');
EXCEPTION
  WHEN e_locked THEN RAISE;
  WHEN NO_DATA_FOUND OR DUP_VAL_ON_INDEX THEN NULL;
END;
/
",
    );
    assert!(sql.contains("RAISE EXCEPTION USING ERRCODE = 'U0042', MESSAGE = 'locked';"), "{sql}");
    assert!(sql.contains("WHEN SQLSTATE 'U0042' THEN"), "{sql}");
    assert!(sql.contains("WHEN no_data_found OR unique_violation THEN"), "{sql}");
}

#[test]
fn package_members_and_state_are_qualified() {
    let sql = sql_of(
        "CREATE PACKAGE BODY billing.pkg_inv AS
  g_count NUMBER := 0;
  PROCEDURE bump IS BEGIN g_count := g_count + 1; END;
  FUNCTION total RETURN NUMBER IS BEGIN bump; RETURN g_count; END;
END pkg_inv;
/
",
    );
    assert!(sql.contains("CREATE SCHEMA IF NOT EXISTS pkg_inv;"), "{sql}");
    assert!(sql.contains("CREATE OR REPLACE FUNCTION pkg_inv.g_count() RETURNS numeric"), "{sql}");
    assert!(
        sql.contains("PERFORM set_config('pkg_inv.g_count', coalesce((pkg_inv.g_count() + 1)::text, ''), false);"),
        "{sql}"
    );
    assert!(sql.contains("CALL pkg_inv.bump();"), "{sql}");
    assert!(sql.contains("RETURN pkg_inv.g_count();"), "{sql}");
}

#[test]
fn a_row_trigger_becomes_a_function_and_a_trigger() {
    let sql = sql_of(
        "CREATE OR REPLACE TRIGGER sales.trg_orders_bi
BEFORE INSERT OR UPDATE ON sales.orders
REFERENCING NEW AS n
FOR EACH ROW
WHEN (n.status IS NOT NULL)
BEGIN
  IF INSERTING THEN
    :n.created := SYSDATE;
  END IF;
END;
/
",
    );
    assert!(
        sql.contains("CREATE OR REPLACE FUNCTION sales.trg_orders_bi() RETURNS trigger"),
        "{sql}"
    );
    assert!(sql.contains("IF (TG_OP = 'INSERT') THEN"), "{sql}");
    assert!(sql.contains("NEW.created := clock_timestamp()::timestamp(0);"), "{sql}");
    assert!(sql.contains("    RETURN NEW;\nEND;"), "{sql}");
    assert!(sql.contains("DROP TRIGGER IF EXISTS trg_orders_bi ON sales.orders;"), "{sql}");
    assert!(sql.contains("WHEN (NEW.status IS NOT NULL)"), "{sql}");
    assert!(sql.contains("EXECUTE FUNCTION sales.trg_orders_bi();"), "{sql}");
}

#[test]
fn nested_comment_openers_cannot_swallow_code() {
    let sql = sql_of(
        "CREATE PROCEDURE p IS BEGIN
  /*** header /* old ***/
  NULL;
END;
/
",
    );
    assert!(sql.contains("/*** header / * old ***/"), "{sql}");
}

#[test]
fn reverse_loops_swap_their_bounds_and_query_loops_declare_a_record() {
    let sql = sql_of(
        "CREATE PROCEDURE p IS BEGIN
  FOR i IN REVERSE 1 .. 10 LOOP NULL; END LOOP;
  FOR r IN (SELECT id FROM emp) LOOP NULL; END LOOP;
END;
/
",
    );
    assert!(sql.contains("FOR i IN REVERSE 10..1 LOOP"), "{sql}");
    assert!(sql.contains("FOR r IN SELECT id FROM emp LOOP"), "{sql}");
    assert!(sql.contains("    r record;"), "{sql}");
}

#[test]
fn collections_become_arrays() {
    let sql = sql_of(
        "CREATE PROCEDURE p IS
  TYPE t_ids IS TABLE OF NUMBER;
  v t_ids := t_ids();
BEGIN
  v.EXTEND;
  v(v.COUNT) := 5;
  SELECT id BULK COLLECT INTO v FROM emp ORDER BY id;
END;
/
",
    );
    assert!(sql.contains("v numeric[] := ARRAY[]::numeric[];"), "{sql}");
    assert!(sql.contains("v := array_append(v, NULL::numeric);"), "{sql}");
    assert!(sql.contains("v[coalesce(cardinality(v), 0)] := 5;"), "{sql}");
    assert!(
        sql.contains("SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO v FROM emp;"),
        "{sql}"
    );
}

#[test]
fn dynamic_sql_binds_are_numbered() {
    let sql = sql_of(
        "CREATE PROCEDURE p(p_id NUMBER) IS v NUMBER; BEGIN
  EXECUTE IMMEDIATE 'SELECT count(*) FROM emp WHERE dept = :d' INTO v USING p_id;
  DBMS_OUTPUT.PUT_LINE('n=' || v);
END;
/
",
    );
    assert!(
        sql.contains(
            "EXECUTE 'SELECT count(*) FROM emp WHERE dept = $1' INTO STRICT v USING p_id;"
        ),
        "{sql}"
    );
    assert!(sql.contains("RAISE NOTICE '%', concat('n=', v);"), "{sql}");
}

#[test]
fn what_has_no_equivalent_is_noted_at_its_line() {
    let t = translated(
        "CREATE PROCEDURE p IS
  PRAGMA AUTONOMOUS_TRANSACTION;
BEGIN
  DBMS_PIPE.PACK_MESSAGE('x');
  COMMIT;
END;
/
",
    );
    let unsupported: Vec<(u32, &str)> = t
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::Unsupported)
        .map(|n| (n.line, n.message.as_str()))
        .collect();
    assert_eq!(unsupported.len(), 1, "{unsupported:?}");
    assert!(unsupported[0].1.starts_with("DBMS_PIPE.PACK_MESSAGE"), "{unsupported:?}");
    assert!(unsupported[0].1.ends_with("sessions no longer share memory."), "the strategy");
    assert_eq!(unsupported[0].0, 4);
    // An autonomous routine is translated, with a note on what it needs.
    let pragma = t.notes.iter().find(|n| n.line == 2).expect("a note on the pragma");
    assert!(pragma.message.contains("dblink"), "{pragma:?}");
    assert!(t.sql.contains("CALL dbms_pipe.pack_message('x');"), "{}", t.sql);
}

#[test]
fn package_state_elements_are_read_and_written_through_a_copy() {
    let sql = sql_of(
        "CREATE PACKAGE BODY p AS
  TYPE t_names IS TABLE OF VARCHAR2(30) INDEX BY PLS_INTEGER;
  g_names t_names;
  PROCEDURE put(i PLS_INTEGER, v VARCHAR2) IS BEGIN g_names(i) := v; END;
  FUNCTION get(i PLS_INTEGER) RETURN VARCHAR2 IS BEGIN RETURN g_names(i); END;
END p;
/
",
    );
    assert!(sql.contains("p_g_names := p.g_names();\n    p_g_names[i] := v;"), "{sql}");
    assert!(
        sql.contains("PERFORM set_config('p.g_names', coalesce(p_g_names::text, ''), false);"),
        "{sql}"
    );
    assert!(sql.contains("RETURN (p.g_names())[i];"), "{sql}");
}

#[test]
fn a_collection_field_of_a_package_record_is_counted_through_its_reader() {
    let sql = sql_of(
        "CREATE PACKAGE BODY p AS
  TYPE t_names IS TABLE OF VARCHAR2(30);
  TYPE t_book IS RECORD (title VARCHAR2(30), sheets t_names);
  g_book t_book;
  FUNCTION sheets RETURN PLS_INTEGER IS BEGIN RETURN g_book.sheets.COUNT; END;
  FUNCTION next_sheet RETURN PLS_INTEGER IS BEGIN RETURN g_book.sheets.count() + 1; END;
END p;
/
",
    );
    assert!(sql.contains("RETURN coalesce(cardinality((p.g_book()).sheets), 0);"), "{sql}");
    assert!(sql.contains("RETURN coalesce(cardinality((p.g_book()).sheets), 0) + 1;"), "{sql}");
}

#[test]
fn table_of_a_pipelined_call_is_the_call() {
    let sql = sql_of(
        "CREATE PROCEDURE p IS BEGIN
  FOR r IN (SELECT * FROM TABLE(pkg_rep.lines(1))) LOOP NULL; END LOOP;
END;
/
",
    );
    assert!(sql.contains("FOR r IN SELECT * FROM pkg_rep.lines(1) LOOP"), "{sql}");
}

#[test]
fn a_when_reading_old_in_an_insert_trigger_moves_into_the_body() {
    let sql = sql_of(
        "CREATE TRIGGER t BEFORE INSERT OR UPDATE ON emp FOR EACH ROW
WHEN (new.sal <> old.sal)
BEGIN
  :new.changed := SYSDATE + 1;
END;
/
",
    );
    assert!(
        sql.contains("IF NOT coalesce((new.sal <> old.sal), false) THEN\n        RETURN NEW;"),
        "{sql}"
    );
    assert!(!sql.contains("\nWHEN ("), "{sql}");
    assert!(
        sql.contains("NEW.changed := clock_timestamp()::timestamp(0) + interval '1 day';"),
        "{sql}"
    );
}

#[test]
fn builtins_get_the_argument_types_postgresql_needs() {
    let sql = sql_of(
        "CREATE FUNCTION f(a NUMBER DEFAULT 1, b NUMBER) RETURN VARCHAR2 IS
BEGIN
  RETURN TO_CHAR(a) || CHR(b) || BITAND(a, b) || INSTR('abc', 'b', a);
END;
/
",
    );
    assert!(sql.contains("a numeric DEFAULT 1,\n    b numeric DEFAULT NULL\n"), "{sql}");
    assert!(
        sql.contains(
            "RETURN concat((a)::text, chr((b)::integer), ((a)::bigint & (b)::bigint), oracle.instr('abc', 'b', trunc(a)::integer));"
        ),
        "{sql}"
    );
}

#[test]
fn a_materialized_view_stays_materialized() {
    let sql = sql_of(
        "CREATE MATERIALIZED VIEW sales.mv_month REFRESH COMPLETE ON DEMAND AS
SELECT trunc(created, 'MM') AS month, count(*) AS n FROM sales.orders GROUP BY trunc(created, 'MM');
",
    );
    assert!(sql.starts_with("CREATE MATERIALIZED VIEW sales.mv_month AS\nSELECT"), "{sql}");
}

#[test]
fn reserved_words_as_names_are_quoted_and_insert_aliases_get_as() {
    let sql = sql_of(
        "CREATE PROCEDURE p IS
  constraint VARCHAR2(30);
  offset NUMBER := 0;
BEGIN
  constraint := 'PK_' || offset;
  INSERT INTO log_table l (l.msg) VALUES (constraint);
END;
/
",
    );
    assert!(sql.contains("    \"constraint\" varchar(30);\n    \"offset\" numeric := 0;"), "{sql}");
    assert!(sql.contains("\"constraint\" := concat('PK_', \"offset\");"), "{sql}");
    assert!(sql.contains("INSERT INTO log_table AS l (msg) VALUES (\"constraint\");"), "{sql}");
}

#[test]
fn the_row_generator_becomes_generate_series() {
    let t = translated(
        "CREATE PROCEDURE p(p_n NUMBER) IS
  TYPE t_ids IS TABLE OF NUMBER;
  v t_ids;
  c SYS_REFCURSOR;
BEGIN
  SELECT LEVEL BULK COLLECT INTO v FROM dual CONNECT BY LEVEL <= p_n;
  OPEN c FOR SELECT ROWNUM AS rn, 'a' AS x CONNECT BY LEVEL < 4;
  OPEN c FOR SELECT LEVEL FROM dual WHERE MOD(LEVEL, 2) = 0 CONNECT BY LEVEL <= NVL(p_n, 3);
END;
/
",
    );
    let sql = &t.sql;
    assert!(
        sql.contains(
            "SELECT coalesce(array_agg(LEVEL), '{}') INTO v FROM generate_series(1, greatest(p_n, 1)) AS connect_by(level);"
        ),
        "{sql}"
    );
    // Without a WHERE, ROWNUM numbers the rows as LEVEL does.
    assert!(
        sql.contains(
            "SELECT level AS rn, 'a' AS x FROM generate_series(1, (4) - 1) AS connect_by(level);"
        ),
        "{sql}"
    );
    // FROM goes before WHERE; the count is rewritten like any expression.
    assert!(
        sql.contains(
            "SELECT LEVEL FROM generate_series(1, greatest(coalesce(p_n, 3), 1)) AS connect_by(level) WHERE MOD(LEVEL, 2) = 0;"
        ),
        "{sql}"
    );
    assert!(!t.notes.iter().any(|n| n.message.contains("CONNECT BY")), "{:?}", t.notes);
}

#[test]
fn hierarchies_over_a_table_are_walked_and_a_compound_generator_is_kept() {
    let t = translated(
        "CREATE PROCEDURE p IS
  c SYS_REFCURSOR;
BEGIN
  OPEN c FOR SELECT id FROM emp START WITH mgr IS NULL CONNECT BY PRIOR id = mgr;
  OPEN c FOR SELECT LEVEL FROM emp CONNECT BY LEVEL <= 3;
  OPEN c FOR SELECT LEVEL FROM dual CONNECT BY LEVEL <= 3 START WITH 1 = 1;
END;
/
",
    );
    assert!(
        t.sql.contains("JOIN emp ON ((connect_by_prior.connect_by_row).id = mgr)"),
        "{}",
        t.sql
    );
    // A generator over a table multiplies its rows: every row is a child
    // of every row, down to the third level.
    assert!(t.sql.contains("JOIN emp ON ((connect_by_prior.level + 1) <= 3)"), "{}", t.sql);
    assert!(t.sql.contains("SELECT LEVEL CONNECT BY LEVEL <= 3 START WITH 1 = 1"), "{}", t.sql);
    let notes: Vec<&str> = t
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::Unsupported)
        .map(|n| n.message.as_str())
        .collect();
    assert_eq!(notes, ["CONNECT BY left as written: CONNECT BY on no table"], "{:?}", t.notes);
}

#[test]
fn select_star_bulk_collect_becomes_an_array_of_the_rows() {
    let sql = sql_of(
        "CREATE PROCEDURE p(a VARCHAR2) IS
  TYPE t_lines IS TABLE OF VARCHAR2(4000);
  TYPE t_emps IS TABLE OF emp%ROWTYPE;
  l_lines t_lines;
  l_emps t_emps;
BEGIN
  SELECT * BULK COLLECT INTO l_lines FROM TABLE(ut.run(a));
  SELECT * BULK COLLECT INTO l_emps FROM emp WHERE dept = a ORDER BY id;
  WITH d AS (SELECT a AS x FROM dual) SELECT * BULK COLLECT INTO l_lines FROM d;
  WITH d AS (SELECT a AS x FROM dual) SELECT x BULK COLLECT INTO l_lines FROM d;
END;
/
",
    );
    assert!(sql.contains("l_lines := ARRAY(SELECT * FROM ut.run(a));"), "{sql}");
    assert!(sql.contains("l_lines := ARRAY(WITH d AS (SELECT a AS x) SELECT * FROM d);"), "{sql}");
    assert!(
        sql.contains(
            "WITH d AS (SELECT a AS x) SELECT coalesce(array_agg(x), '{}') INTO l_lines FROM d;"
        ),
        "{sql}"
    );
    assert!(
        sql.contains(
            "l_emps := ARRAY(SELECT ROW(bulk_rows.*)::emp FROM (SELECT * FROM emp WHERE dept = a ORDER BY id) AS bulk_rows);"
        ),
        "{sql}"
    );
}

#[test]
fn is_empty_compares_with_the_empty_array() {
    let sql = sql_of(
        "CREATE FUNCTION f(p ut_varchar2_list) RETURN BOOLEAN IS
BEGIN
  RETURN p IS NOT NULL AND p IS NOT EMPTY OR p IS EMPTY;
END;
/
",
    );
    assert!(
        sql.contains("RETURN p IS NOT NULL AND cardinality(p) <> 0 OR cardinality(p) = 0;"),
        "{sql}"
    );
}

#[test]
fn functions_called_without_arguments_get_parentheses() {
    let sql = sql_of(
        "CREATE PACKAGE auth AS
  FUNCTION date_string RETURN VARCHAR2;
  PROCEDURE reset;
END auth;
/
CREATE PACKAGE BODY s3 AS
  FUNCTION stamp RETURN VARCHAR2 IS BEGIN RETURN 'x'; END;
  PROCEDURE put IS
    l VARCHAR2(100);
  BEGIN
    l := auth.date_string || stamp;
    l := auth.date_string();
    auth.reset;
  END;
END s3;
/
",
    );
    assert!(sql.contains("l := concat(auth.date_string(), s3.stamp());"), "{sql}");
    assert!(sql.contains("l := auth.date_string();"), "{sql}");
    assert!(sql.contains("CALL auth.reset();"), "{sql}");
}

#[test]
fn array_fields_of_records_are_arrays_too() {
    let sql = sql_of(
        "CREATE PACKAGE BODY parser AS
  TYPE t_terms IS TABLE OF VARCHAR2(100);
  TYPE queryterms IS RECORD (reqterms t_terms, label VARCHAR2(10));
  PROCEDURE split(q IN OUT queryterms) IS
  BEGIN
    q.reqterms.EXTEND;
    q.reqterms(q.reqterms.LAST) := 'x';
    IF q.reqterms.COUNT > 1 THEN q.label := q.reqterms(1); END IF;
  END;
END parser;
/
",
    );
    assert!(sql.contains("q.reqterms := array_append(q.reqterms, NULL::varchar(100));"), "{sql}");
    assert!(sql.contains("q.reqterms[array_upper(q.reqterms, 1)] := 'x';"), "{sql}");
    assert!(sql.contains("IF coalesce(cardinality(q.reqterms), 0) > 1 THEN"), "{sql}");
    assert!(sql.contains("q.label := q.reqterms[1];"), "{sql}");
}

#[test]
fn substr_and_lpad_take_number_arguments_as_oracle_does() {
    let sql = sql_of(
        "CREATE FUNCTION f(s VARCHAR2, n NUMBER) RETURN VARCHAR2 IS
BEGIN
  RETURN SUBSTR(s, 1, n) || SUBSTR(s, 2, 3) || LPAD(n, 5, '0') || RPAD(s, n);
END;
/
",
    );
    assert!(sql.contains("oracle.substr(s, 1, n)"), "{sql}");
    assert!(sql.contains("SUBSTR(s, 2, 3)"), "{sql}");
    assert!(sql.contains("lpad((n)::text, 5, '0')"), "{sql}");
    assert!(sql.contains("rpad((s)::text, trunc(n)::integer)"), "{sql}");
}

#[test]
fn fields_of_package_state_records_are_read_through_the_reader() {
    let sql = sql_of(
        "CREATE PACKAGE BODY pdf AS
  TYPE tp_settings IS RECORD (page_width NUMBER, page_height NUMBER);
  g_settings tp_settings;
  FUNCTION wide RETURN BOOLEAN IS
  BEGIN
    RETURN g_settings.page_width > pdf.g_settings.page_height;
  END;
END pdf;
/
",
    );
    assert!(
        sql.contains("RETURN (pdf.g_settings()).page_width > (pdf.g_settings()).page_height;"),
        "{sql}"
    );
}

#[test]
fn a_method_called_on_a_function_result_is_kept_and_noted() {
    let t = translated(
        "CREATE PROCEDURE t IS
BEGIN
  ut.expect(helper.failures).to_equal(0);
END;
/
",
    );
    assert!(t.sql.contains("ut.expect(helper.failures).to_equal(0);"), "{}", t.sql);
    assert!(!t.sql.contains("CALL ut.expect"), "{}", t.sql);
    assert!(
        t.notes.iter().any(|n| n.kind == NoteKind::Unsupported && n.message.starts_with("TO_EQUAL: a method")),
        "{:?}",
        t.notes
    );
}

#[test]
fn a_table_indexed_by_a_string_subtype_is_not_an_array() {
    let t = translated(
        "CREATE PACKAGE BODY pdf AS
  SUBTYPE car IS VARCHAR2(1);
  TYPE charset IS TABLE OF PLS_INTEGER INDEX BY car;
  TYPE widths IS TABLE OF PLS_INTEGER INDEX BY BINARY_INTEGER;
  FUNCTION courier RETURN charset IS
    s charset;
    w widths;
  BEGIN
    s('a') := 600;
    w(1) := 600;
    RETURN s;
  END;
END pdf;
/
",
    );
    assert!(t.sql.contains("RETURNS jsonb"), "{}", t.sql);
    assert!(t.sql.contains("w integer[];"), "{}", t.sql);
    assert!(
        t.sql.contains("s := coalesce(s, '{}'::jsonb) || jsonb_build_object(('a')::text, 600);"),
        "{}",
        t.sql
    );
    assert!(
        t.notes
            .iter()
            .any(|n| n.kind == NoteKind::Review && n.message.contains("indexed by strings")),
        "{:?}",
        t.notes
    );
}

#[test]
fn column_names_and_named_arguments_are_not_package_calls() {
    let sql = sql_of(
        "CREATE TABLE emp (name VARCHAR2(30), status VARCHAR2(1));
CREATE PACKAGE BODY pk AS
  FUNCTION status RETURN VARCHAR2 IS BEGIN RETURN 'A'; END;
  FUNCTION name RETURN VARCHAR2 IS BEGIN RETURN 'x'; END;
  PROCEDURE setit(status VARCHAR2) IS BEGIN NULL; END;
  PROCEDURE p IS
    s VARCHAR2(30);
  BEGIN
    SELECT name INTO s FROM emp WHERE status = 'A';
    setit(status => 'a');
    s := status;
  END;
END pk;
/
",
    );
    assert!(sql.contains("SELECT name INTO STRICT s FROM emp WHERE status = 'A';"), "{sql}");
    assert!(sql.contains("CALL pk.setit(status => 'a');"), "{sql}");
    // Outside SQL the name is the package's function.
    assert!(sql.contains("s := pk.status();"), "{sql}");
}

const LINEA: &str = "CREATE OR REPLACE TYPE t_linea FORCE AS OBJECT (
  cantidad NUMBER(10,2),
  precio NUMBER(12,4),
  CONSTRUCTOR FUNCTION t_linea(p_cantidad NUMBER) RETURN SELF AS RESULT,
  MEMBER FUNCTION subtotal RETURN NUMBER,
  MEMBER PROCEDURE doblar,
  MEMBER PROCEDURE validar,
  STATIC FUNCTION vacia RETURN t_linea,
  ORDER MEMBER FUNCTION comparar(p_otra t_linea) RETURN INTEGER
) NOT FINAL;
/
CREATE OR REPLACE TYPE BODY t_linea AS
  CONSTRUCTOR FUNCTION t_linea(p_cantidad NUMBER) RETURN SELF AS RESULT IS
  BEGIN
    SELF.cantidad := p_cantidad;
    precio := 0;
    RETURN;
  END;
  MEMBER FUNCTION subtotal RETURN NUMBER IS
  BEGIN
    RETURN cantidad * precio;
  END;
  MEMBER PROCEDURE doblar IS
  BEGIN
    cantidad := cantidad * 2;
  END;
  MEMBER PROCEDURE validar IS
  BEGIN
    IF subtotal() < 0 OR SELF.subtotal < 0 THEN
      RAISE_APPLICATION_ERROR(-20301, 'negativo');
    END IF;
  END;
  STATIC FUNCTION vacia RETURN t_linea IS
  BEGIN
    RETURN t_linea(0, 0);
  END;
  ORDER MEMBER FUNCTION comparar(p_otra t_linea) RETURN INTEGER IS
  BEGIN
    RETURN SIGN(SELF.subtotal() - p_otra.subtotal());
  END;
END;
/
";

#[test]
fn a_type_body_becomes_routines_taking_self() {
    let t = translated(LINEA);
    let sql = &t.sql;
    assert!(sql.starts_with("CREATE SCHEMA IF NOT EXISTS t_linea;\n"), "{sql}");
    // A constructor declares self, fills it and returns it.
    assert!(
        sql.contains("CREATE OR REPLACE FUNCTION t_linea.t_linea(p_cantidad numeric)\nRETURNS public.t_linea\n"),
        "{sql}"
    );
    assert!(sql.contains("    self public.t_linea;\n"), "{sql}");
    assert!(
        sql.contains("    SELF.cantidad := p_cantidad;\n    self.precio := 0;\n    RETURN self;\n"),
        "{sql}"
    );
    // Members take the object first; attributes by their bare names are self's.
    assert!(
        sql.contains(
            "CREATE OR REPLACE FUNCTION t_linea.subtotal(self public.t_linea)\nRETURNS numeric\n"
        ),
        "{sql}"
    );
    assert!(sql.contains("RETURN self.cantidad * self.precio;"), "{sql}");
    // A procedure that changes the object gets it INOUT; one that does not, IN.
    assert!(sql.contains("PROCEDURE t_linea.doblar(INOUT self public.t_linea)"), "{sql}");
    assert!(sql.contains("self.cantidad := self.cantidad * 2;"), "{sql}");
    assert!(sql.contains("PROCEDURE t_linea.validar(self public.t_linea)"), "{sql}");
    // Methods called by their bare names, on SELF and on another object.
    assert!(
        sql.contains("IF t_linea.subtotal(self) < 0 OR t_linea.subtotal(self) < 0 THEN"),
        "{sql}"
    );
    assert!(
        sql.contains("RETURN SIGN(t_linea.subtotal(self) - t_linea.subtotal(p_otra));"),
        "{sql}"
    );
    // A static method takes no object; the default constructor is a row.
    assert!(sql.contains("FUNCTION t_linea.vacia()\nRETURNS public.t_linea\n"), "{sql}");
    assert!(sql.contains("RETURN ROW(0, 0)::public.t_linea;"), "{sql}");
    assert!(
        t.notes.iter().any(|n| n.message.starts_with("ORDER MEMBER FUNCTION comparar")),
        "{:?}",
        t.notes
    );
}

#[test]
fn methods_are_called_on_locals_and_on_what_functions_return() {
    let sql = sql_of(&format!(
        "{LINEA}CREATE OR REPLACE PACKAGE facturas AS
  FUNCTION linea(p NUMBER) RETURN t_linea;
END;
/
CREATE OR REPLACE PROCEDURE usar IS
  l t_linea := t_linea(3);
  n NUMBER;
BEGIN
  l.doblar;
  l.validar();
  n := l.subtotal + l.cantidad;
  n := facturas.linea(2).subtotal();
  facturas.linea(n).validar;
  l := t_linea.vacia;
END;
/
"
    ));
    assert!(sql.contains("l public.t_linea := t_linea.t_linea(3);"), "{sql}");
    assert!(sql.contains("    CALL t_linea.doblar(l);\n    CALL t_linea.validar(l);\n"), "{sql}");
    assert!(sql.contains("n := t_linea.subtotal(l) + l.cantidad;"), "{sql}");
    assert!(sql.contains("n := t_linea.subtotal(facturas.linea(2));"), "{sql}");
    assert!(sql.contains("CALL t_linea.validar(facturas.linea(n));"), "{sql}");
    assert!(sql.contains("l := t_linea.vacia();"), "{sql}");
}

#[test]
fn a_method_of_an_array_element_of_objects() {
    let sql = sql_of(&format!(
        "{LINEA}CREATE OR REPLACE TYPE t_lineas AS TABLE OF t_linea;
/
CREATE OR REPLACE FUNCTION total(p t_lineas) RETURN NUMBER IS
  n NUMBER := 0;
BEGIN
  FOR i IN 1 .. p.COUNT LOOP
    n := n + p(i).subtotal();
  END LOOP;
  RETURN n;
END;
/
"
    ));
    assert!(sql.contains("n := n + t_linea.subtotal(p[i]);"), "{sql}");
}

#[test]
fn a_type_under_an_owner_the_estate_lacks_is_the_inventory_type() {
    let sql = sql_of(&format!(
        "{LINEA}CREATE OR REPLACE FUNCTION f RETURN NUMBER IS
  l ut3.t_linea := ut3.t_linea(1, 2);
BEGIN
  RETURN l.subtotal;
END;
/
"
    ));
    assert!(sql.contains("l public.t_linea := ROW(1, 2)::public.t_linea;"), "{sql}");
    assert!(sql.contains("RETURN t_linea.subtotal(l);"), "{sql}");
}

#[test]
fn a_method_of_a_type_hierarchy_is_called_in_its_root_schema() {
    // `expect` returns one type or its subtype, by overload: the static
    // type is not known, so the method is called in the hierarchy's schema,
    // and a statement ends with the procedure, a chain goes on with the
    // function.
    let sql = sql_of(
        "CREATE TYPE expectation AS OBJECT (actual VARCHAR2(100),
  MEMBER PROCEDURE to_equal(self IN expectation, a_expected VARCHAR2)) NOT FINAL;
/
CREATE TYPE compound UNDER expectation (
  MEMBER FUNCTION to_equal(a_expected NUMBER) RETURN compound,
  MEMBER PROCEDURE join_by(a_columns VARCHAR2));
/
CREATE PACKAGE ut AS
  FUNCTION expect(a VARCHAR2) RETURN expectation;
  FUNCTION expect(a NUMBER) RETURN compound;
END;
/
CREATE PROCEDURE test_it IS
BEGIN
  ut3_develop.ut.expect('a').to_equal('a');
  ut.expect(1).to_equal(1).join_by('ID');
END;
/
",
    );
    assert!(sql.contains("    CALL expectation.to_equal_proc(ut.expect('a'), 'a');\n"), "{sql}");
    assert!(
        sql.contains(
            "    CALL expectation.join_by(expectation.to_equal(ut.expect(1), 1), 'ID');\n"
        ),
        "{sql}"
    );
}

#[test]
fn dbms_lob_procedures_assign_to_their_lob() {
    let t = translated(
        "CREATE PROCEDURE p(b IN OUT BLOB) IS
  c CLOB;
  n INTEGER := 10;
  buf VARCHAR2(10);
  lang INTEGER := DBMS_LOB.DEFAULT_LANG_CTX;
BEGIN
  DBMS_LOB.CREATETEMPORARY(c, TRUE);
  DBMS_LOB.CREATETEMPORARY(b, TRUE);
  DBMS_LOB.OPEN(c, DBMS_LOB.LOB_READWRITE);
  DBMS_LOB.WRITEAPPEND(c, LENGTH(buf), buf);
  DBMS_LOB.COPY(c, c, 2, 5, 1);
  DBMS_LOB.READ(c, n, 1, buf);
  DBMS_LOB.TRIM(c, 3);
  DBMS_LOB.FREETEMPORARY(c);
  b := UTL_RAW.CONCAT(b, UTL_RAW.CAST_TO_RAW(buf));
END;
/
",
    );
    let sql = &t.sql;
    for line in [
        "lang numeric(38) := 0;",
        "c := '';",
        "b := ''::bytea;",
        "NULL;",
        "c := c || buf;",
        "c := overlay(coalesce(c, substr(c, 1, 2)) placing substr(c, 1, 2) from 5 for length(substr(c, 1, 2)));",
        "IF 1 > coalesce(length(c), 0) THEN",
        "RAISE no_data_found;",
        "buf := substr(c, 1, trunc(n)::integer);",
        "n := length(buf);",
        "c := substr(c, 1, 3);",
        "c := NULL;",
        "b := nullif(coalesce(b, ''::bytea) || coalesce(convert_to(buf, 'UTF8'), ''::bytea), ''::bytea);",
    ] {
        assert!(sql.contains(&format!("    {line}\n")), "{line}\n{sql}");
    }
    assert!(t.notes.iter().any(|n| n.message.contains("overlay()")), "{:?}", t.notes);
}

#[test]
fn a_subtype_gets_its_supertypes_attributes_and_inherited_methods() {
    let t = translated(
        "CREATE TYPE shape AS OBJECT (name VARCHAR2(20),
  MEMBER FUNCTION label RETURN VARCHAR2,
  MEMBER FUNCTION area RETURN NUMBER,
  MEMBER PROCEDURE rename(self IN OUT shape, p VARCHAR2)) NOT FINAL;
/
CREATE TYPE square UNDER shape (side NUMBER, OVERRIDING MEMBER FUNCTION area RETURN NUMBER);
/
",
    );
    let sql = &t.sql;
    assert!(
        sql.starts_with(
            "CREATE TYPE public.square AS (\n    name varchar(20),\n    side numeric\n);\n"
        ),
        "{sql}"
    );
    assert!(
        sql.contains(
            "CREATE OR REPLACE FUNCTION shape.label(self public.square)\nRETURNS varchar\n"
        ),
        "{sql}"
    );
    assert!(sql.contains("    RETURN shape.label(ROW(self.name)::public.shape);\n"), "{sql}");
    // Overridden: not wrapped; IN OUT SELF: cannot be passed on.
    assert!(!sql.contains("shape.area(self public.square)"), "{sql}");
    assert!(!sql.contains("rename"), "{sql}");
    let notes: Vec<&str> = t.notes.iter().map(|n| n.message.as_str()).collect();
    assert!(notes.iter().any(|n| n.starts_with("rename inherited from SHAPE")), "{notes:?}");
    assert!(notes.iter().any(|n| n.starts_with("methods SQUARE inherits run as")), "{notes:?}");
}

#[test]
fn a_nested_subprogram_becomes_a_routine_passed_what_it_uses_of_its_routine() {
    let t = translated(
        "CREATE OR REPLACE PACKAGE BODY mail AS
  PROCEDURE send(p_to VARCHAR2) IS
    l_body VARCHAR2(100);
    l_count PLS_INTEGER := 0;
    CURSOR c_queue IS SELECT id FROM queue;
    FUNCTION envelope(p_text VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
      RETURN '<' || p_text || '>';
    END;
    FUNCTION stamp RETURN VARCHAR2 IS
    BEGIN
      RETURN 'x';
    END;
    PROCEDURE trace(p_level NUMBER := 1) IS
    BEGIN
      DBMS_OUTPUT.PUT_LINE(l_body || p_to);
      l_count := l_count + 1;
    END;
    FUNCTION bump RETURN NUMBER IS
    BEGIN
      l_count := l_count + 1;
      RETURN l_count;
    END;
    PROCEDURE drain IS
    BEGIN
      FOR r IN c_queue LOOP NULL; END LOOP;
    END;
    PROCEDURE twice IS
    BEGIN
      trace;
      trace;
    END;
  BEGIN
    l_body := envelope(p_to) || stamp;
    trace;
    trace(2);
  END;
END;
/
",
    );
    let sql = &t.sql;
    assert!(sql.contains("CREATE OR REPLACE FUNCTION mail.send_envelope(p_text varchar)"), "{sql}");
    assert!(sql.contains("CREATE OR REPLACE FUNCTION mail.send_stamp()"), "{sql}");
    assert!(
        sql.contains("l_body := concat(mail.send_envelope(p_to), mail.send_stamp());"),
        "{sql}"
    );
    // `trace` reads l_body and p_to and sets l_count: they are passed, IN
    // OUT (a procedure may change them in ways its words do not show),
    // before its own parameter, which has a default.
    assert!(
        sql.contains(
            "CREATE OR REPLACE PROCEDURE mail.send_trace(
    INOUT p_to varchar,
    INOUT l_body varchar(100),
    INOUT l_count integer,
    p_level numeric DEFAULT 1
)"
        ),
        "{sql}"
    );
    let passed = "p_to => p_to, l_body => l_body, l_count => l_count";
    assert!(sql.contains(&format!("CALL mail.send_trace({passed});")), "{sql}");
    assert!(sql.contains(&format!("CALL mail.send_trace({passed}, p_level => 2);")), "{sql}");
    // `twice` uses nothing itself, but calls `trace`: it needs and passes
    // on what `trace` is passed.
    assert!(
        sql.contains("CREATE OR REPLACE PROCEDURE mail.send_twice(\n    INOUT p_to varchar,\n    INOUT l_body varchar(100),\n    INOUT l_count integer\n)"),
        "{sql}"
    );
    // A function that sets its routine's variable, and a subprogram that
    // reads its cursor, stay gaps, noted.
    assert!(!sql.contains("send_bump") && !sql.contains("send_drain"), "{sql}");
    let notes: Vec<&str> = t.notes.iter().map(|n| n.message.as_str()).collect();
    assert!(
        notes.contains(&"nested function envelope became the routine mail.send_envelope"),
        "{notes:?}"
    );
    assert!(
        notes.contains(
            &"nested procedure trace became the routine mail.send_trace, passed p_to, l_body, l_count of send"
        ),
        "{notes:?}"
    );
    for gap in ["bump", "drain"] {
        assert!(
            notes.iter().any(|n| n.contains(&format!(" {gap}: PL/pgSQL has no nested"))),
            "{notes:?}"
        );
    }
}

#[test]
fn review_fixes_for_methods_and_lobs() {
    let sql = sql_of(&format!(
        "{LINEA}CREATE OR REPLACE PACKAGE pk AS
  TYPE r_line IS RECORD (subtotal NUMBER);
  TYPE t_recs IS TABLE OF r_line INDEX BY PLS_INTEGER;
  g_clob CLOB;
  FUNCTION get_rec(p NUMBER) RETURN r_line;
  FUNCTION f(subtotal NUMBER) RETURN NUMBER;
END;
/
CREATE OR REPLACE PACKAGE BODY pk AS
  FUNCTION get_rec(p NUMBER) RETURN r_line IS r r_line; BEGIN RETURN r; END;
  FUNCTION f(subtotal NUMBER) RETURN NUMBER IS BEGIN RETURN subtotal; END;
  PROCEDURE p(b BLOB, src CLOB) IS
    recs t_recs;
    n NUMBER;
    l t_linea := NEW t_linea(1);
    c CLOB;
    amt INTEGER := 4;
    pos INTEGER := 1;
    buf VARCHAR2(10);
  BEGIN
    n := recs(1).subtotal + get_rec(1).subtotal + f(subtotal => 2);
    n := DBMS_LOB.INSTR(b, HEXTORAW('FF'));
    DBMS_LOB.READ(c, amt, pos, buf);
    DBMS_LOB.COPY(c, src, DBMS_LOB.LOBMAXSIZE, 1, 1);
    DBMS_LOB.APPEND(g_clob, 'x');
    buf := UTL_RAW.CAST_TO_VARCHAR2(UTL_RAW.SUBSTR(b, -2));
  END;
END;
/
"
    ));
    // Record fields and named parameters are not methods.
    assert!(
        sql.contains("n := (recs[1]).subtotal + pk.get_rec(1).subtotal + pk.f(subtotal => 2);"),
        "{sql}"
    );
    assert!(!sql.contains("t_linea.subtotal("), "{sql}");
    assert!(sql.contains("l public.t_linea := t_linea.t_linea(1);"), "{sql}");
    assert!(sql.contains("n := position(decode('FF', 'hex') in b);"), "{sql}");
    assert!(sql.contains("buf := substr(c, trunc(pos)::integer, trunc(amt)::integer);"), "{sql}");
    assert!(
        sql.contains("c := overlay(coalesce(c, src) placing src from 1 for length(src));"),
        "{sql}"
    );
    assert!(sql.contains("CALL dbms_lob.append(pk.g_clob(), 'x');"), "{sql}");
    assert!(sql.contains("substr(b, length(b) + -1)"), "{sql}");
}

#[test]
fn methods_of_constructed_objects_and_standalone_function_results() {
    let sql = sql_of(&format!(
        "{LINEA}CREATE FUNCTION nueva(p NUMBER) RETURN t_linea IS BEGIN RETURN t_linea(p); END;
/
CREATE PROCEDURE usar IS
  n NUMBER;
BEGIN
  n := t_linea(2).subtotal() + nueva(3).subtotal;
END;
/
"
    ));
    assert!(
        sql.contains("n := t_linea.subtotal(t_linea.t_linea(2)) + t_linea.subtotal(nueva(3));"),
        "{sql}"
    );
}

#[test]
fn inquiry_directives_are_values_not_dollar_quotes() {
    let t = translated(
        "CREATE OR REPLACE PACKAGE BODY hr.audit_pkg AS
  PROCEDURE log_here IS
    v VARCHAR2(100);
  BEGIN
    v := $$PLSQL_UNIT || ':' || $$plsql_line || $$PLSQL_UNIT_OWNER;
    v := $$my_flag;
  END;
END;
/
",
    );
    assert!(t.sql.contains("v := concat('AUDIT_PKG', ':', 5, 'HR');"), "{}", t.sql);
    assert!(t.sql.contains("v := NULL;"), "{}", t.sql);
    assert!(
        t.notes.iter().any(|n| n.message.starts_with("$$my_flag: no such setting")),
        "{:?}",
        t.notes
    );
}

#[test]
fn xmltype_methods_on_a_local_are_xpath() {
    let sql = sql_of(
        "CREATE FUNCTION code_of(p_doc CLOB) RETURN VARCHAR2 IS
  l_xml XMLTYPE := XMLTYPE(p_doc);
  n NUMBER;
BEGIN
  IF l_xml.existsNode('/Error') = 1 THEN
    n := l_xml.extract('/Error/Count/text()').getNumberVal();
    RETURN l_xml.extract('/Error/Code/text()').getStringVal;
  END IF;
  RETURN l_xml.getClobVal();
END;
/
",
    );
    assert!(
        sql.contains("IF (CASE WHEN xpath_exists('/Error', l_xml) THEN 1 ELSE 0 END) = 1 THEN"),
        "{sql}"
    );
    assert!(
        sql.contains(
            "n := (array_to_string(xpath('/Error/Count/text()', l_xml)::text[], ''))::numeric;"
        ),
        "{sql}"
    );
    assert!(
        sql.contains("RETURN array_to_string(xpath('/Error/Code/text()', l_xml)::text[], '');"),
        "{sql}"
    );
    assert!(sql.contains("RETURN (l_xml)::text;"), "{sql}");
    assert!(sql.contains("l_xml xml := xmlparse(document p_doc);"), "{sql}");
}

#[test]
fn a_procedure_named_like_a_function_is_renamed_and_so_are_its_calls() {
    let spec = "CREATE OR REPLACE PACKAGE q IS
  FUNCTION run(p_path VARCHAR2) RETURN NUMBER;
  PROCEDURE run(p_path VARCHAR2);
  PROCEDURE run(p_path VARCHAR2, p_n NUMBER);
  FUNCTION size_of(p NUMBER) RETURN NUMBER;
  PROCEDURE size_of(p VARCHAR2);
END;
/
";
    let body = "CREATE OR REPLACE PACKAGE BODY q IS
  FUNCTION run(p_path VARCHAR2) RETURN NUMBER IS BEGIN RETURN 1; END;
  PROCEDURE run(p_path VARCHAR2) IS n NUMBER; BEGIN n := run(p_path); END;
  PROCEDURE run(p_path VARCHAR2, p_n NUMBER) IS BEGIN run(p_path); END;
  FUNCTION size_of(p NUMBER) RETURN NUMBER IS BEGIN RETURN p; END;
  PROCEDURE size_of(p VARCHAR2) IS BEGIN NULL; END;
END;
/
";
    let t = translated(&format!("{spec}{body}"));
    let sql = &t.sql;
    assert!(sql.contains("CREATE OR REPLACE FUNCTION q.run(p_path varchar)"), "{sql}");
    assert!(sql.contains("CREATE OR REPLACE PROCEDURE q.run_proc(p_path varchar)"), "{sql}");
    assert!(sql.contains("n := q.run(p_path);"), "the function call is the function: {sql}");
    assert!(
        sql.contains("PROCEDURE q.run_proc(\n    p_path varchar,\n    p_n numeric\n)"),
        "every procedure of the name, for calls to be rewritten by name alone: {sql}"
    );
    assert!(sql.contains("CALL q.run_proc(p_path);"), "{sql}");
    assert!(
        sql.contains("PROCEDURE q.size_of_proc(p varchar)"),
        "other parameters too: PostgreSQL resolves a call over both kinds: {sql}"
    );
    let notes: Vec<_> = t.notes.iter().filter(|n| n.message.contains("run_proc")).collect();
    assert_eq!(notes.len(), 2, "{:?}", t.notes);
    let caller = sql_of(&format!(
        "{spec}{body}CREATE PROCEDURE go IS BEGIN q.run('a'); IF q.run('b') > 0 THEN NULL; END IF; END;\n/\n"
    ));
    assert!(caller.contains("CALL q.run_proc('a');"), "{caller}");
    assert!(caller.contains("IF q.run('b') > 0 THEN"), "{caller}");
}

#[test]
fn a_method_procedure_with_a_functions_identity_is_renamed_and_chains_pick_by_position() {
    let sql = "CREATE OR REPLACE TYPE opts AS OBJECT (
  flag NUMBER,
  MEMBER FUNCTION unordered RETURN opts,
  MEMBER PROCEDURE unordered(SELF IN opts),
  STATIC FUNCTION make RETURN opts
);
/
CREATE OR REPLACE TYPE BODY opts AS
  MEMBER FUNCTION unordered RETURN opts IS r opts := SELF; BEGIN r.flag := 1; RETURN r; END;
  MEMBER PROCEDURE unordered(SELF IN opts) IS BEGIN NULL; END;
  STATIC FUNCTION make RETURN opts IS BEGIN RETURN opts(0); END;
END;
/
";
    let body = sql_of(sql);
    assert!(body.contains("FUNCTION opts.unordered(self public.opts)"), "{body}");
    assert!(body.contains("PROCEDURE opts.unordered_proc(self public.opts)"), "{body}");
    let caller = sql_of(&format!(
        "{sql}CREATE PROCEDURE go IS o opts := opts(1); BEGIN o.unordered; o := o.unordered(); \
         opts.make().unordered().unordered; END;\n/\n"
    ));
    assert!(caller.contains("CALL opts.unordered_proc(o);"), "{caller}");
    assert!(caller.contains("o := opts.unordered(o);"), "{caller}");
    assert!(caller.contains("CALL opts.unordered_proc(opts.unordered(opts.make()));"), "{caller}");
}

#[test]
fn a_subtypes_function_does_not_hide_the_procedure_it_inherits() {
    let sql = "CREATE OR REPLACE TYPE expectation AS OBJECT (
  actual VARCHAR2(100),
  MEMBER PROCEDURE to_equal(SELF IN expectation, a_expected VARCHAR2),
  MEMBER PROCEDURE to_equal(SELF IN expectation, a_expected NUMBER)
) NOT FINAL;
/
CREATE OR REPLACE TYPE BODY expectation AS
  MEMBER PROCEDURE to_equal(SELF IN expectation, a_expected VARCHAR2) IS BEGIN NULL; END;
  MEMBER PROCEDURE to_equal(SELF IN expectation, a_expected NUMBER) IS BEGIN NULL; END;
END;
/
CREATE OR REPLACE TYPE compound UNDER expectation (
  MEMBER FUNCTION to_equal(a_expected VARCHAR2) RETURN compound
);
/
CREATE OR REPLACE TYPE BODY compound AS
  MEMBER FUNCTION to_equal(a_expected VARCHAR2) RETURN compound IS BEGIN RETURN SELF; END;
END;
/
";
    let body = sql_of(sql);
    assert!(body.contains("FUNCTION expectation.to_equal(\n    self public.compound,"), "{body}");
    // Both inherited overloads, though they take as many arguments.
    let wrappers = body.matches("PROCEDURE expectation.to_equal_proc(\n    self public.compound,");
    assert_eq!(wrappers.count(), 2, "{body}");
    let caller = sql_of(&format!(
        "{sql}CREATE PROCEDURE go IS c compound := compound('x'); BEGIN c.to_equal('y'); \
         c := c.to_equal('z'); END;\n/\n"
    ));
    assert!(caller.contains("CALL expectation.to_equal_proc(c, 'y');"), "{caller}");
    assert!(caller.contains("c := expectation.to_equal(c, 'z');"), "{caller}");
}

#[test]
fn an_element_of_a_functions_result_is_indexed_on_the_parenthesised_call() {
    let sql = sql_of(
        "CREATE OR REPLACE PACKAGE h IS TYPE t_list IS TABLE OF VARCHAR2(10); \
         FUNCTION warnings RETURN t_list; END;\n/\n\
         CREATE PROCEDURE go IS v VARCHAR2(10); BEGIN v := h.warnings()(1); \
         v := upper(h.warnings()(v_n + 1)); \
         INSERT INTO log_t (msg) (SELECT 'x' FROM dual); END;\n/\n",
    );
    assert!(sql.contains("v := (h.warnings())[1];"), "{sql}");
    assert!(sql.contains("v := upper((h.warnings())[v_n + 1]);"), "{sql}");
    assert!(sql.contains("INSERT INTO log_t (msg) (SELECT 'x'"), "{sql}");
}

#[test]
fn a_supertypes_method_is_called_on_the_object_made_one_of_it() {
    let sql = "CREATE OR REPLACE TYPE food_t AS OBJECT (
  name VARCHAR2(30),
  MEMBER FUNCTION describe RETURN VARCHAR2,
  MEMBER PROCEDURE show
) NOT FINAL;
/
CREATE OR REPLACE TYPE cake_t UNDER food_t (
  diameter NUMBER,
  OVERRIDING MEMBER FUNCTION describe RETURN VARCHAR2,
  OVERRIDING MEMBER PROCEDURE show
);
/
CREATE OR REPLACE TYPE BODY cake_t AS
  OVERRIDING MEMBER FUNCTION describe RETURN VARCHAR2 IS
  BEGIN
    RETURN 'cake ' || (SELF AS food_t).describe();
  END;
  OVERRIDING MEMBER PROCEDURE show IS
    c cake_t := SELF;
  BEGIN
    (SELF AS food_t).show;
    (c AS food_t).show();
  END;
END;
/
";
    let body = sql_of(sql);
    let upcast = "ROW(self.name)::public.food_t";
    assert!(body.contains(&format!("concat('cake ', food_t.describe({upcast}))")), "{body}");
    assert!(body.contains(&format!("CALL food_t.show({upcast});")), "{body}");
    assert!(body.contains("CALL food_t.show(ROW(c.name)::public.food_t);"), "{body}");
}

#[test]
fn a_synonym_for_a_type_is_its_constructor() {
    let sql = sql_of(
        "CREATE OR REPLACE TYPE ut_equal AS OBJECT (expected NUMBER, \
         MEMBER FUNCTION unordered RETURN ut_equal);\n/\n\
         CREATE SYNONYM equal FOR app.ut_equal;\n/\n\
         CREATE PROCEDURE go(equal NUMBER) IS e ut_equal; n NUMBER; BEGIN \
         e := app.equal(1).unordered(); e := ut_equal(2); n := equal; \
         n := dbms_x.equal(3); END;\n/\n",
    );
    assert!(sql.contains("e := ut_equal.unordered(ROW(1)::public.ut_equal);"), "{sql}");
    assert!(sql.contains("e := ROW(2)::public.ut_equal;"), "{sql}");
    assert!(sql.contains("n := equal;"), "a local of the synonym's name is the local: {sql}");
    assert!(sql.contains("n := dbms_x.equal(3);"), "Oracle's packages are not owners: {sql}");
}

#[test]
fn error_backtrace_and_call_stack_are_read_with_get_diagnostics() {
    let t = translated(
        "CREATE PROCEDURE go IS
  v_stack VARCHAR2(4000) := DBMS_UTILITY.FORMAT_CALL_STACK;
BEGIN
  log_it(DBMS_UTILITY.FORMAT_CALL_STACK);
  log_it(DBMS_UTILITY.FORMAT_ERROR_BACKTRACE);
EXCEPTION
  WHEN OTHERS THEN
    log_it(SQLERRM || DBMS_UTILITY.FORMAT_ERROR_BACKTRACE);
    RAISE;
END;
/
",
    );
    let sql = &t.sql;
    assert!(sql.contains("    sql_call_stack text;\n    sql_error_backtrace text;\n"), "{sql}");
    assert!(sql.contains("v_stack varchar(4000) := NULL::text;"), "{sql}");
    assert!(
        sql.contains(
            "    GET DIAGNOSTICS sql_call_stack = PG_CONTEXT;\n    CALL log_it(sql_call_stack);"
        ),
        "{sql}"
    );
    assert!(sql.contains("    CALL log_it(NULL::text);"), "no error outside a handler: {sql}");
    assert!(
        sql.contains(
            "        GET STACKED DIAGNOSTICS sql_error_backtrace = PG_EXCEPTION_CONTEXT;\n        CALL log_it(concat(SQLERRM, sql_error_backtrace));"
        ),
        "{sql}"
    );
    let unsupported = t.notes.iter().filter(|n| n.kind == NoteKind::Unsupported).count();
    assert_eq!(unsupported, 2, "{:?}", t.notes);
}

#[test]
fn parameterless_functions_empty_lobs_and_inherited_pipelined_methods() {
    let sql = sql_of(
        "CREATE FUNCTION next_id(p_step NUMBER := 1) RETURN NUMBER IS BEGIN RETURN p_step; END;\n/\n\
         CREATE PROCEDURE go IS n NUMBER; c CLOB; b BLOB; BEGIN n := next_id; n := next_id(2); \
         c := EMPTY_CLOB(); b := EMPTY_BLOB(); END;\n/\n",
    );
    assert!(sql.contains("n := next_id();"), "{sql}");
    assert!(sql.contains("n := next_id(2);"), "{sql}");
    assert!(sql.contains("c := ''::text;"), "{sql}");
    assert!(sql.contains("b := '\\x'::bytea;"), "{sql}");
    let types = "CREATE TYPE t_lines AS TABLE OF VARCHAR2(100);\n/\n\
         CREATE TYPE base_t AS OBJECT (id NUMBER, \
         MEMBER FUNCTION lines RETURN t_lines PIPELINED) NOT FINAL;\n/\n\
         CREATE TYPE BODY base_t AS MEMBER FUNCTION lines RETURN t_lines PIPELINED IS \
         BEGIN PIPE ROW('a'); RETURN; END; END;\n/\n\
         CREATE TYPE sub_t UNDER base_t (extra NUMBER);\n/\n";
    let sub = sql_of(types);
    assert!(sub.contains("RETURNS SETOF varchar(100)"), "{sub}");
    assert!(
        sub.contains("RETURN QUERY SELECT * FROM base_t.lines(ROW(self.id)::public.base_t);"),
        "{sub}"
    );
}

#[test]
fn a_nested_subprogram_of_a_method_is_passed_self() {
    let sql = sql_of(
        "CREATE OR REPLACE TYPE counter AS OBJECT (n NUMBER, label VARCHAR2(10),
  MEMBER PROCEDURE bump(p_by NUMBER),
  MEMBER FUNCTION shown(SELF IN counter) RETURN VARCHAR2);
/
CREATE OR REPLACE TYPE BODY counter AS
  MEMBER PROCEDURE bump(p_by NUMBER) IS
    PROCEDURE add IS BEGIN n := n + p_by; END;
  BEGIN
    add;
  END;
  MEMBER FUNCTION shown(SELF IN counter) RETURN VARCHAR2 IS
    FUNCTION prefix RETURN VARCHAR2 IS BEGIN RETURN SELF.label || ':'; END;
  BEGIN
    RETURN prefix || n;
  END;
END;
/
",
    );
    assert!(
        sql.contains(
            "PROCEDURE counter.bump_add(\n    INOUT self public.counter,\n    INOUT p_by numeric\n)"
        ),
        "{sql}"
    );
    assert!(sql.contains("    self.n := self.n + p_by;"), "{sql}");
    assert!(
        sql.contains("PROCEDURE counter.bump(\n    INOUT self public.counter,"),
        "what the nested procedure changes is the method's SELF: {sql}"
    );
    assert!(sql.contains("CALL counter.bump_add(self => self, p_by => p_by);"), "{sql}");
    assert!(sql.contains("FUNCTION counter.shown_prefix(self public.counter)"), "{sql}");
    assert!(sql.contains("RETURN concat(counter.shown_prefix(self => self), self.n);"), "{sql}");
}

#[test]
fn oracles_packages_named_with_their_owner_are_oracles_packages() {
    let sql = sql_of(
        "CREATE PROCEDURE go IS r RAW(10); s VARCHAR2(10); c CLOB; BEGIN \
         r := sys.utl_raw.cast_to_raw('a'); s := SYS.STANDARD.TO_CHAR(1); \
         c := sys.utl_raw.cast_to_varchar2(r); END;\n/\n",
    );
    assert!(sql.contains("r := convert_to('a', 'UTF8');"), "{sql}");
    assert!(sql.contains("s := (1)::text;"), "TO_CHAR of a number, as without an owner: {sql}");
    assert!(sql.contains("c := convert_from(r, 'UTF8');"), "{sql}");
}

#[test]
fn an_array_indexed_by_an_integer_subtype_is_an_array() {
    let sql = sql_of(
        "CREATE OR REPLACE PACKAGE cov IS
  SUBTYPE t_line_no IS BINARY_INTEGER;
  TYPE t_line IS RECORD (executions BINARY_INTEGER);
  TYPE tt_lines IS TABLE OF t_line INDEX BY t_line_no;
  TYPE t_unit IS RECORD (name VARCHAR2(128), lines tt_lines);
END;
/
CREATE FUNCTION hits(a_unit cov.t_unit) RETURN NUMBER IS
BEGIN
  RETURN a_unit.lines(a_unit.lines.first).executions;
END;
/
",
    );
    assert!(
        sql.contains("RETURN (a_unit.lines[array_lower(a_unit.lines, 1)]).executions;"),
        "{sql}"
    );
}

#[test]
fn xmltype_methods_on_parameters_columns_and_with_namespaces() {
    let sql = sql_of(
        "CREATE TABLE events (id NUMBER, event_doc XMLTYPE);\n/\n\
         CREATE FUNCTION f(p_xml XMLTYPE, p_ns VARCHAR2) RETURN VARCHAR2 IS v VARCHAR2(100); BEGIN \
         SELECT e.event_doc.extract('/e/@id').getStringVal() INTO v FROM events e; \
         RETURN p_xml.extract('/a:r/text()', p_ns).getStringVal(); END;\n/\n",
    );
    assert!(
        sql.contains(
            "SELECT array_to_string(xpath('/e/@id', e.event_doc)::text[], '') INTO STRICT v"
        ),
        "{sql}"
    );
    let ns = "coalesce((SELECT array_agg(ARRAY[m[1], m[2]]) FROM regexp_matches(p_ns, \
              'xmlns:([^=[:space:]]+)=\"([^\"]*)\"', 'g') m), '{}'::text[])";
    assert!(
        sql.contains(&format!(
            "RETURN array_to_string(xpath('/a:r/text()', p_xml, {ns})::text[], '');"
        )),
        "{sql}"
    );
}

#[test]
fn a_method_of_an_attribute_is_called_on_selfs_attribute() {
    let sql = sql_of(
        "CREATE OR REPLACE TYPE data_value AS OBJECT (v VARCHAR2(10),
  MEMBER FUNCTION to_string RETURN VARCHAR2);
/
CREATE OR REPLACE TYPE matcher AS OBJECT (expected data_value,
  MEMBER FUNCTION message RETURN VARCHAR2);
/
CREATE OR REPLACE TYPE BODY matcher AS
  MEMBER FUNCTION message RETURN VARCHAR2 IS
  BEGIN
    RETURN 'expected ' || expected.to_string() || (expected AS data_value).to_string;
  END;
END;
/
",
    );
    assert!(
        sql.contains(
            "RETURN concat('expected ', data_value.to_string(self.expected), data_value.to_string(self.expected));"
        ),
        "{sql}"
    );
}

#[test]
fn rownum_of_a_row_generator_is_level_in_expressions_and_order_by() {
    let sql = sql_of(
        "CREATE PROCEDURE go IS c SYS_REFCURSOR; BEGIN OPEN c FOR \
         SELECT to_char(rownum) rn, mod(rownum, 2) odd, (SELECT rownum FROM t) x \
         FROM dual CONNECT BY LEVEL <= 2 ORDER BY rownum DESC; END;\n/\n",
    );
    assert!(
        sql.contains(
            "SELECT (level)::text rn, mod(level, 2) odd, (SELECT rownum FROM t) x FROM generate_series(1, 2) AS connect_by(level) ORDER BY level DESC;"
        ),
        "a subquery's ROWNUM is its own: {sql}"
    );
}

#[test]
fn select_star_from_dual_is_duals_one_column() {
    let sql = sql_of(
        "CREATE PROCEDURE go IS c SYS_REFCURSOR; BEGIN OPEN c FOR SELECT * FROM dual WHERE 1 = 0; \
         OPEN c FOR SELECT * FROM sys.dual; END;\n/\n",
    );
    assert!(sql.contains("OPEN c FOR SELECT 'X'::varchar(1) AS dummy WHERE 1 = 0;"), "{sql}");
    assert!(sql.contains("OPEN c FOR SELECT 'X'::varchar(1) AS dummy;"), "{sql}");
}

#[test]
fn synonyms_and_parameterless_functions_yield_to_members_and_columns() {
    let sql = sql_of(
        "CREATE TABLE orders (id NUMBER, status VARCHAR2(10));\n/\n\
         CREATE FUNCTION status RETURN VARCHAR2 IS BEGIN RETURN 'fn'; END;\n/\n\
         CREATE SYNONYM log_it FOR audit_log;\n/\n\
         CREATE PROCEDURE audit_log(p VARCHAR2) IS BEGIN NULL; END;\n/\n\
         CREATE OR REPLACE PACKAGE BODY pk IS\n\
         PROCEDURE log_it(p VARCHAR2) IS BEGIN NULL; END;\n\
         PROCEDURE go IS v VARCHAR2(10); BEGIN log_it('x'); \
         SELECT e.status INTO v FROM orders e; SELECT status INTO v FROM v_orders; END;\n\
         END;\n/\n",
    );
    assert!(sql.contains("CALL pk.log_it('x');"), "the package's member, not the synonym: {sql}");
    assert!(sql.contains("SELECT e.status INTO STRICT v FROM orders e;"), "{sql}");
    assert!(sql.contains("SELECT status INTO STRICT v FROM v_orders;"), "a column in SQL: {sql}");
}

#[test]
fn diagnostics_run_before_the_whole_if_or_case_and_never_in_a_header() {
    let sql = sql_of(
        "CREATE PROCEDURE go(p NUMBER, s VARCHAR2 DEFAULT DBMS_UTILITY.FORMAT_CALL_STACK) IS
BEGIN
  IF p = 1 THEN
    log_it('one');
  ELSIF DBMS_UTILITY.FORMAT_CALL_STACK IS NOT NULL THEN
    log_it('stack');
  END IF;
  CASE WHEN p = 5 THEN log_it('five');
       WHEN length(DBMS_UTILITY.FORMAT_CALL_STACK) > 0 THEN log_it('case');
  END CASE;
END;
/
",
    );
    assert!(sql.contains("s varchar DEFAULT NULL::text"), "{sql}");
    let get = "GET DIAGNOSTICS sql_call_stack = PG_CONTEXT;";
    assert!(sql.contains(&format!("BEGIN\n    {get}\n    IF p = 1 THEN")), "{sql}");
    assert!(sql.contains(&format!("END IF;\n    {get}\n    CASE\n")), "{sql}");
    assert_eq!(sql.matches(get).count(), 2, "{sql}");
}

#[test]
fn a_static_methods_nested_routines_have_no_self() {
    let sql = sql_of(
        "CREATE TYPE st_t AS OBJECT (x NUMBER, STATIC FUNCTION make(n NUMBER) RETURN NUMBER);
/
CREATE TYPE BODY st_t AS
  STATIC FUNCTION make(n NUMBER) RETURN NUMBER IS
    r NUMBER := 0;
    PROCEDURE outer_p(k NUMBER) IS
      FUNCTION dbl RETURN NUMBER IS BEGIN RETURN k * 2; END;
    BEGIN
      r := dbl;
    END;
  BEGIN
    outer_p(n);
    RETURN r;
  END;
END;
/
",
    );
    assert!(sql.contains("FUNCTION st_t.make_outer_p_dbl(k numeric)"), "{sql}");
    assert!(sql.contains("r := st_t.make_outer_p_dbl(k => k);"), "{sql}");
    assert!(!sql.contains("self"), "{sql}");
}

#[test]
fn an_xmltype_attribute_is_selfs_and_a_type_synonym_declares_the_type() {
    let sql = sql_of(
        "CREATE TYPE msg_t AS OBJECT (doc XMLTYPE, MEMBER FUNCTION title RETURN VARCHAR2);
/
CREATE SYNONYM msg FOR msg_t;
/
CREATE TYPE BODY msg_t AS
  MEMBER FUNCTION title RETURN VARCHAR2 IS
    m msg;
  BEGIN
    RETURN doc.extract('/m/t/text()').getStringVal() || STANDARD.ABS(-2);
  END;
END;
/
",
    );
    assert!(sql.contains("m msg_t;"), "{sql}");
    assert!(sql.contains("xpath('/m/t/text()', self.doc)"), "{sql}");
    assert!(sql.contains(", abs(-2))"), "Oracle's STANDARD package is no schema: {sql}");
}

#[test]
fn an_outer_join_on_a_table_function_is_no_index() {
    let sql = sql_of(
        "CREATE PROCEDURE go IS n NUMBER; BEGIN \
         SELECT count(*) INTO n FROM emp e, TABLE(get_list(1)) (+) t; END;\n/\n",
    );
    assert!(sql.contains("FROM emp e, get_list(1) (+) t;"), "{sql}");
}

#[test]
fn a_literal_over_several_lines_keeps_its_spaces() {
    let sql = sql_of(
        "CREATE PROCEDURE go IS BEGIN
  IF 1 = 1 THEN
    log_it('first   
  second
      third');
  END IF;
END;
/
",
    );
    assert!(sql.contains("        CALL log_it('first   \n  second\n      third');\n"), "{sql}");
}

#[test]
fn execute_immediate_of_a_plsql_object_runs_its_translation() {
    let t = translated(
        "CREATE PROCEDURE go IS BEGIN
  EXECUTE IMMEDIATE 'CREATE OR REPLACE PROCEDURE made(p NUMBER) IS BEGIN
    DBMS_STATS.GATHER_TABLE_STATS(''a'', ''b'');
  END;';
  EXECUTE IMMEDIATE 'drop package owner.made_pkg';
  EXECUTE IMMEDIATE 'CREATE TABLE t (id NUMBER)';
END;
/
",
    );
    let sql = &t.sql;
    assert!(
        sql.contains("    EXECUTE $ddl$\nCREATE OR REPLACE PROCEDURE public.made(p numeric)"),
        "{sql}"
    );
    assert!(sql.contains("EXECUTE 'DROP SCHEMA made_pkg CASCADE';"), "{sql}");
    assert!(sql.contains("EXECUTE 'CREATE TABLE t (id NUMBER)';"), "other DDL is left: {sql}");
    let note =
        t.notes.iter().find(|n| n.message.starts_with("in MADE, which it creates (its line 2)"));
    assert!(note.is_some_and(|n| n.line == 2), "{:?}", t.notes);
}

#[test]
fn oracle_package_collections_are_arrays_and_treat_copies_attributes() {
    let t = translated(
        "CREATE TYPE item_t AS OBJECT (name VARCHAR2(10)) NOT FINAL;
/
CREATE TYPE suite_t UNDER item_t (n NUMBER);
/
CREATE PROCEDURE go(i item_t) IS
  ids DBMS_SQL.NUMBER_TABLE;
  ctx DBMS_XMLGEN.CTXHANDLE;
  s suite_t;
BEGIN
  ids(1) := 7;
  s := TREAT(i AS app.suite_t);
END;
/
",
    );
    let sql = &t.sql;
    assert!(sql.contains("ids numeric[];"), "{sql}");
    assert!(sql.contains("ctx numeric;"), "{sql}");
    assert!(sql.contains("ids[1] := 7;"), "{sql}");
    assert!(
        sql.contains("s := jsonb_populate_record(NULL::public.suite_t, to_jsonb(i));"),
        "{sql}"
    );
    assert!(t.notes.iter().any(|n| n.message.starts_with("TREAT(... AS app.suite_t)")));
}

#[test]
fn is_of_holds_for_the_declared_type_and_is_false_for_a_subtype() {
    let t = translated(
        "CREATE TYPE item_t AS OBJECT (name VARCHAR2(10), MEMBER FUNCTION hi RETURN VARCHAR2) NOT FINAL;
/
CREATE TYPE suite_t UNDER item_t (n NUMBER, MEMBER FUNCTION lines RETURN NUMBER);
/
CREATE FUNCTION io(i item_t, s suite_t) RETURN NUMBER IS
BEGIN
  IF s IS OF (item_t) AND s IS NOT OF TYPE (suite_t) THEN RETURN 1; END IF;
  IF i IS OF (ONLY suite_t) THEN RETURN TREAT(i AS suite_t).lines(); END IF;
  RETURN 0;
END;
/
",
    );
    let sql = &t.sql;
    assert!(sql.contains("IF (s IS NOT NULL) AND (s IS NULL) THEN"), "{sql}");
    assert!(sql.contains("IF FALSE THEN"), "{sql}");
    assert!(
        sql.contains(
            "RETURN item_t.lines(jsonb_populate_record(NULL::public.suite_t, to_jsonb(i)));"
        ),
        "a method of TREAT's result is the target type's: {sql}"
    );
    let unsupported: Vec<&str> = t
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::Unsupported)
        .map(|n| n.message.as_str())
        .collect();
    assert_eq!(unsupported.len(), 2, "{unsupported:?}");
    assert!(unsupported[0].starts_with("IS OF (suite_t) became FALSE"), "{unsupported:?}");
    assert!(unsupported[1].starts_with("TREAT(... AS suite_t)"), "{unsupported:?}");
}

#[test]
fn is_of_only_a_type_with_subtypes_cannot_be_told() {
    let sql = sql_of(
        "CREATE TYPE animal AS OBJECT (name VARCHAR2(10)) NOT FINAL;
/
CREATE TYPE dog UNDER animal (breed VARCHAR2(10));
/
CREATE FUNCTION f(a animal, d dog) RETURN NUMBER IS
BEGIN
  IF a IS OF (ONLY animal) THEN RETURN 1; END IF;
  IF d IS OF (ONLY dog) THEN RETURN 2; END IF;
  RETURN 0;
END;
/
",
    );
    assert!(sql.contains("IF FALSE THEN"), "animal has a subtype: {sql}");
    assert!(sql.contains("IF (d IS NOT NULL) THEN"), "dog has none: {sql}");
}

#[test]
fn review_fixes_result_names_drop_quoting_value_fields_and_comments() {
    let t = translated(
        "CREATE TYPE pt AS OBJECT (x NUMBER);
/
CREATE TYPE pts AS TABLE OF pt;
/
CREATE FUNCTION split(s IN VARCHAR2, rest OUT VARCHAR2) RETURN VARCHAR2 IS
  result VARCHAR2(10);
BEGIN
  rest := s;
  result := s;
  RETURN result;
END;
/
CREATE PROCEDURE go(l pts) IS
  v VARCHAR2(100);
  n NUMBER;
BEGIN
  EXECUTE IMMEDIATE 'DROP PACKAGE \"Mixed\"';
  SELECT VALUE(t).x INTO n FROM TABLE(l) t;
  v := /* don't */ 'a
     b';
END;
/
",
    );
    let sql = &t.sql;
    assert!(sql.contains("EXECUTE 'DROP SCHEMA \"Mixed\" CASCADE';"), "{sql}");
    assert!(sql.contains("SELECT t.x INTO STRICT n FROM unnest(l) t;"), "{sql}");
    assert!(sql.contains("'a\n     b';"), "the literal keeps its spaces: {sql}");
}

#[test]
fn a_function_with_out_parameters_called_in_an_expression_is_noted() {
    let t = translated(
        "CREATE FUNCTION split(s IN VARCHAR2, rest OUT VARCHAR2) RETURN VARCHAR2 IS
BEGIN
  rest := s;
  RETURN s;
END;
/
CREATE PROCEDURE go IS
  a VARCHAR2(10);
  b VARCHAR2(10);
BEGIN
  a := split('x', b);
  a := a || split('y', b);
END;
/
",
    );
    assert!(t.sql.contains("SELECT * INTO b, a FROM split('x');"), "{}", t.sql);
    let notes: Vec<(u32, &str)> = t
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::Unsupported)
        .map(|n| (n.line, n.message.as_str()))
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].0, 12, "{notes:?}");
    assert!(notes[0].1.starts_with("SPLIT: a function with OUT parameters called inside"));
}

#[test]
fn a_functions_value_parameter_is_named_apart_from_its_variables() {
    let sql = sql_of(
        "CREATE FUNCTION split(s IN VARCHAR2, rest OUT VARCHAR2) RETURN VARCHAR2 IS
  result VARCHAR2(10);
BEGIN
  rest := s;
  result := s;
  RETURN result;
END;
/
",
    );
    assert!(sql.contains("OUT result_2 varchar"), "{sql}");
    assert!(sql.contains("result_2 := result;"), "{sql}");
}

#[test]
fn outer_join_markers_become_left_joins() {
    let sql = sql_of(
        "CREATE PROCEDURE p IS
BEGIN
  FOR r IN (SELECT d.name, e.name emp
              FROM dept d, emp e
             WHERE d.id = e.dept_id(+)
               AND e.kind(+) = 'X'
               AND d.active = 1) LOOP
    NULL;
  END LOOP;
END;
/
",
    );
    assert!(
        sql.contains(
            "FOR r IN SELECT d.name, e.name emp\n         \
             FROM dept d LEFT JOIN emp e ON d.id = e.dept_id AND e.kind = 'X'\n        \
             WHERE d.active = 1 LOOP"
        ),
        "{sql}"
    );
}

#[test]
fn outer_joins_chain_and_join_after_every_table_they_name() {
    let sql = sql_of(
        "CREATE VIEW v AS
SELECT a.x, b.y, c.z
  FROM a, b, c, d
 WHERE b.a_id(+) = a.id
   AND c.b_id(+) = b.id
   AND d.id = a.d_id
   AND d.n BETWEEN 1 AND 2;
/
",
    );
    assert!(
        sql.contains(
            "FROM a LEFT JOIN b ON b.a_id = a.id LEFT JOIN c ON c.b_id = b.id, d\n \
             WHERE d.id = a.d_id\n   AND d.n BETWEEN 1 AND 2"
        ),
        "{sql}"
    );
    let sql = sql_of(
        "CREATE VIEW v AS SELECT 1 one FROM a, c, b WHERE b.a_id(+) = a.id AND b.c_id(+) = c.id;
/
",
    );
    assert!(sql.contains("FROM a CROSS JOIN c LEFT JOIN b ON b.a_id = a.id AND b.c_id = c.id"));
}

#[test]
fn outer_joins_in_subqueries_are_their_own() {
    let t = translated(
        "CREATE FUNCTION f RETURN NUMBER IS
  n NUMBER;
BEGIN
  SELECT COUNT(*) INTO n
    FROM t1 x
   WHERE x.id IN (SELECT y.id FROM t2 y, t3 z WHERE y.k = z.k(+))
     AND EXISTS (SELECT 1 FROM t4 w WHERE w.id = id(+));
  RETURN n;
END;
/
",
    );
    let sql = &t.sql;
    assert!(sql.contains("(SELECT y.id FROM t2 y LEFT JOIN t3 z ON y.k = z.k)"), "{sql}");
    assert!(sql.contains("WHERE w.id = id(+)"), "left as written: {sql}");
    let notes: Vec<&str> = t.notes.iter().map(|n| n.message.as_str()).collect();
    assert_eq!(
        notes.iter().copied().filter(|n| n.contains("(+)")).collect::<Vec<_>>(),
        ["(+) outer join left as written: a (+) column without its table's name or alias"],
    );
}

#[test]
fn a_hierarchy_reads_from_a_recursive_query_of_its_alias() {
    let t = translated(
        "CREATE TABLE emp (id NUMBER, name VARCHAR2(20), mgr NUMBER);
/
CREATE FUNCTION tree(p_root NUMBER) RETURN NUMBER IS
  n NUMBER;
BEGIN
  SELECT COUNT(*) INTO n
    FROM emp e
   WHERE e.name <> 'X'
   START WITH e.id = p_root
 CONNECT BY NOCYCLE PRIOR e.id = mgr AND LEVEL <= 5;
  RETURN n;
END;
/
",
    );
    assert!(
        t.sql.contains(
            "    SELECT COUNT(*) INTO STRICT n
         FROM (WITH RECURSIVE connect_by AS (
                 SELECT e AS connect_by_row, 1 AS level, ARRAY[row_number() OVER ()] AS connect_by_order, ARRAY[ROW(e.*)::text] AS connect_by_visited
                   FROM emp e
                  WHERE e.id = p_root
                 UNION ALL
                 SELECT e, connect_by_prior.level + 1, array_append(connect_by_prior.connect_by_order, row_number() OVER (PARTITION BY connect_by_prior.connect_by_order)), array_append(connect_by_prior.connect_by_visited, ROW(e.*)::text)
                   FROM connect_by connect_by_prior
                   JOIN emp e ON ((connect_by_prior.connect_by_row).id = mgr AND (connect_by_prior.level + 1) <= 5) AND NOT ROW(e.*)::text = ANY(connect_by_prior.connect_by_visited)
             )
             SELECT (connect_by_prior.connect_by_row).*, connect_by_prior.level
               FROM connect_by connect_by_prior
              ORDER BY connect_by_prior.connect_by_order) e
        WHERE e.name <> 'X';
"
        ),
        "{}",
        t.sql
    );
    assert!(t.notes.iter().all(|n| !n.message.contains("CONNECT BY")), "{:?}", t.notes);
}

#[test]
fn hierarchy_pseudo_columns_are_columns_of_the_walk() {
    let t = translated(
        "CREATE TABLE emp (id NUMBER, name VARCHAR2(20), mgr NUMBER);
/
CREATE VIEW org AS
SELECT LEVEL lvl, SYS_CONNECT_BY_PATH(name, '/') path, CONNECT_BY_ROOT name root,
       CONNECT_BY_ISLEAF leaf
  FROM emp
 CONNECT BY mgr = PRIOR id
 START WITH mgr IS NULL
 ORDER SIBLINGS BY name DESC;
/
",
    );
    let sql = &t.sql;
    assert!(
        sql.contains("SELECT LEVEL lvl, emp.connect_by_path_1 path, emp.connect_by_root_1 root")
    );
    assert!(sql.contains("ARRAY[row_number() OVER (ORDER BY name DESC)] AS connect_by_order"));
    assert!(sql.contains("name AS connect_by_root_1, concat('/', name)::text AS connect_by_path_1"));
    assert!(sql.contains("concat(connect_by_prior.connect_by_path_1, '/', name)::text"), "{sql}");
    assert!(sql.contains("FROM emp\n           WHERE mgr IS NULL\n          UNION ALL"), "{sql}");
    assert!(sql.contains("PARTITION BY connect_by_prior.connect_by_order ORDER BY name DESC"));
    assert!(sql.contains("CASE WHEN EXISTS (SELECT 1 FROM emp WHERE mgr = "), "{sql}");
    let review: Vec<&str> = t.notes.iter().map(|n| n.message.as_str()).collect();
    assert!(review.iter().any(|n| n.contains("ORA-01436")), "{review:?}");
}

#[test]
fn a_hierarchy_over_a_join_is_left_with_its_reason() {
    let t = translated(
        "CREATE VIEW v AS SELECT e.id FROM emp e, dept d WHERE e.dept = d.id
  START WITH e.mgr IS NULL CONNECT BY PRIOR e.id = e.mgr;
/
",
    );
    assert!(t.sql.contains("CONNECT BY PRIOR e.id = e.mgr"), "{}", t.sql);
    let notes: Vec<&str> = t.notes.iter().map(|n| n.message.as_str()).collect();
    assert_eq!(
        notes,
        ["CONNECT BY left as written: CONNECT BY over a join: Oracle joins before it walks the \
          hierarchy"]
    );
}

#[test]
fn select_star_over_a_hierarchy_names_the_tables_columns() {
    let sql = sql_of(
        "CREATE TABLE emp (id NUMBER, name VARCHAR2(20), mgr NUMBER);
/
CREATE VIEW v AS SELECT * FROM emp e START WITH mgr IS NULL CONNECT BY PRIOR id = mgr;
/
",
    );
    assert!(sql.contains("SELECT e.id, e.name, e.mgr FROM (WITH RECURSIVE"), "{sql}");
}

#[test]
fn a_package_initialisation_runs_once_before_its_first_use() {
    let sql = sql_of(
        "CREATE OR REPLACE PACKAGE BODY cfg IS
  g_rate NUMBER;
  FUNCTION rate RETURN NUMBER IS
  BEGIN
    RETURN g_rate;
  END;
BEGIN
  SELECT 0.21 INTO g_rate FROM dual;
END cfg;
/
",
    );
    assert!(sql.contains("CREATE OR REPLACE FUNCTION cfg.package_initialization() RETURNS void"));
    assert!(
        sql.contains(
            "    IF current_setting('cfg._initialized', true) = 'yes' THEN\n        RETURN;\n    \
             END IF;\n    PERFORM set_config('cfg._initialized', 'yes', false);\n    BEGIN\n"
        ),
        "{sql}"
    );
    assert!(
        sql.contains("BEGIN\n    PERFORM cfg.package_initialization();\n    RETURN cfg.g_rate();")
    );
    assert!(
        sql.contains("    PERFORM cfg.package_initialization();\n    v := current_setting('cfg.g_rate', true);"),
        "the reader runs it: {sql}"
    );
}

#[test]
fn a_compound_trigger_is_one_trigger_per_timing_point_sharing_its_state() {
    let t = translated(
        "CREATE OR REPLACE TRIGGER orders_audit
FOR INSERT ON orders
COMPOUND TRIGGER
  g_count NUMBER := 0;
  AFTER EACH ROW IS
  BEGIN
    g_count := g_count + 1;
  END AFTER EACH ROW;
  AFTER STATEMENT IS
  BEGIN
    INSERT INTO audit_log VALUES (g_count);
  END AFTER STATEMENT;
END orders_audit;
/
",
    );
    let sql = &t.sql;
    assert!(sql.contains("CREATE OR REPLACE FUNCTION orders_audit.g_count() RETURNS numeric"));
    assert!(sql.contains(
        "CREATE TRIGGER orders_audit_reset\nBEFORE INSERT ON orders\nFOR EACH STATEMENT\n"
    ));
    assert!(
        sql.contains("BEGIN\n    PERFORM set_config('orders_audit.g_count', coalesce((0)::text, ''), false);"),
        "the state is reset before each statement: {sql}"
    );
    assert!(sql.contains(
        "PERFORM set_config('orders_audit.g_count', coalesce((orders_audit.g_count() + 1)::text, ''), false);"
    ));
    assert!(sql
        .contains("CREATE TRIGGER orders_audit_after_row\nAFTER INSERT ON orders\nFOR EACH ROW\n"));
    assert!(sql.contains("INSERT INTO audit_log VALUES (orders_audit.g_count());"), "{sql}");
    assert!(sql.contains("CREATE TRIGGER orders_audit_after_statement\nAFTER INSERT ON orders\n"));
}

#[test]
fn an_autonomous_routine_runs_over_a_connection_of_its_own() {
    let t = translated(
        "CREATE OR REPLACE PACKAGE BODY logger IS
  PROCEDURE log(p_text VARCHAR2, p_level NUMBER DEFAULT 1) IS
    PRAGMA AUTONOMOUS_TRANSACTION;
  BEGIN
    INSERT INTO logs VALUES (p_text, p_level);
    COMMIT;
  EXCEPTION
    WHEN OTHERS THEN
      ROLLBACK;
      RAISE;
  END;
  FUNCTION next_id RETURN NUMBER IS
    PRAGMA AUTONOMOUS_TRANSACTION;
    n NUMBER;
  BEGIN
    UPDATE counter SET n = n + 1 RETURNING n INTO n;
    COMMIT;
    RETURN n;
  END;
END logger;
/
",
    );
    let sql = &t.sql;
    assert!(sql.contains("CREATE OR REPLACE PROCEDURE logger.log_autonomous("), "{sql}");
    assert!(sql.contains("-- COMMIT: the autonomous connection commits as the call returns"));
    assert!(sql.contains(
        "    PERFORM dblink_exec(\n        coalesce(nullif(current_setting('autonomous.connection', \
         true), ''),"
    ));
    assert!(
        sql.contains(
            "format('CALL logger.log_autonomous(%L::varchar, %L::numeric)', p_text, p_level));"
        ),
        "{sql}"
    );
    assert!(sql.contains(
        "CREATE OR REPLACE PROCEDURE logger.log(\n    p_text varchar,\n    p_level numeric DEFAULT 1\n)"
    ));
    assert!(
        sql.contains("format('SELECT logger.next_id_autonomous()')) AS t(r numeric);"),
        "{sql}"
    );
    assert!(t.notes.iter().all(|n| n.kind == NoteKind::Review), "{:?}", t.notes);
}

#[test]
fn merge_branch_conditions_move_to_when() {
    let sql = sql_of(
        "CREATE PROCEDURE p IS
BEGIN
  MERGE INTO stock s
  USING (SELECT id, qty FROM incoming) i
  ON (s.id = i.id)
  WHEN MATCHED THEN UPDATE SET s.qty = s.qty + i.qty WHERE i.qty > 0
  WHEN NOT MATCHED THEN INSERT (s.id, s.qty) VALUES (i.id, i.qty) WHERE i.qty > 0;
END;
/
",
    );
    assert!(
        sql.contains(
            "WHEN MATCHED AND (i.qty > 0) THEN UPDATE SET qty = s.qty + i.qty\n        \
             WHEN NOT MATCHED AND (i.qty > 0) THEN INSERT (id, qty) VALUES (i.id, i.qty);"
        ),
        "{sql}"
    );
}

#[test]
fn select_into_a_package_variable_stores_a_local_copy() {
    let sql = sql_of(
        "CREATE OR REPLACE PACKAGE BODY cfg IS
  g_max NUMBER;
  g_names t_names;
  PROCEDURE load IS
  BEGIN
    SELECT MAX(n) INTO g_max FROM t;
    SELECT name BULK COLLECT INTO cfg.g_names FROM t;
  END;
END cfg;
/
",
    );
    assert!(sql.contains("SELECT MAX(n) INTO STRICT cfg_g_max FROM t;\n    PERFORM set_config('cfg.g_max', coalesce(cfg_g_max::text, ''), false);"), "{sql}");
    assert!(sql.contains("cfg_g_max numeric;"), "{sql}");
    assert!(
        sql.contains("PERFORM set_config('cfg.g_names', coalesce(cfg_g_names::text, ''), false);"),
        "{sql}"
    );
}

#[test]
fn member_of_mod_and_keywords_after_a_period() {
    let sql = sql_of(
        "CREATE FUNCTION f(p_name VARCHAR2, p_list t_names, n NUMBER) RETURN VARCHAR2 IS
BEGIN
  IF p_name MEMBER OF p_list AND p_name NOT MEMBER p_list THEN
    RETURN 'x' || utl_url.escape(p_name) || 'y';
  END IF;
  RETURN TO_CHAR(n MOD 64);
END;
/
",
    );
    assert!(sql.contains("IF p_name = ANY(p_list) AND NOT (p_name = ANY(p_list)) THEN"), "{sql}");
    assert!(sql.contains("concat('x', utl_url.escape(p_name), 'y')"), "{sql}");
    assert!(sql.contains("n % 64"), "{sql}");
}

#[test]
fn oracle_procedures_called_with_named_arguments_are_read_by_position() {
    let sql = sql_of(
        "CREATE PROCEDURE p(a VARCHAR2) IS
  l_clob CLOB;
BEGIN
  DBMS_LOB.CREATETEMPORARY(lob_loc => l_clob, cache => TRUE);
  DBMS_LOB.WRITEAPPEND(buffer => a, lob_loc => l_clob, amount => LENGTH(a));
  DBMS_OUTPUT.PUT_LINE(a => l_clob);
END;
/
",
    );
    assert!(sql.contains("l_clob := '';"), "{sql}");
    assert!(sql.contains("RAISE NOTICE '%', l_clob;"), "{sql}");
    assert!(!sql.contains("=>"), "{sql}");
}

#[test]
fn a_field_of_a_field_is_read_through_parentheses() {
    let sql = sql_of(
        "CREATE TYPE counts AS OBJECT (failed NUMBER, passed NUMBER);
/
CREATE TYPE run_t AS OBJECT (name VARCHAR2(10), results counts);
/
CREATE FUNCTION failed(a_run run_t) RETURN BOOLEAN IS
BEGIN
  RETURN a_run.results.failed > 0 OR a_run.name = 'x';
END;
/
",
    );
    assert!(sql.contains("RETURN (a_run.results).failed > 0 OR a_run.name = 'x';"), "{sql}");
}

#[test]
fn review_fixes_for_outer_joins() {
    // Only constant conditions on one table, then a join through it: no
    // panic, and both joins are made.
    let sql = sql_of(
        "CREATE FUNCTION f RETURN NUMBER IS
  v NUMBER;
BEGIN
  SELECT COUNT(*) INTO v FROM emp e, loc l WHERE l.active(+) = 'Y' AND e.deptno(+) = l.loc_id;
  RETURN v;
END;
/
",
    );
    assert!(
        sql.contains("FROM loc l LEFT JOIN emp e ON e.deptno = l.loc_id WHERE l.active = 'Y';"),
        "{sql}"
    );
    // A parenthesised AND is split; a filter on the kept table stays in WHERE.
    let sql = sql_of(
        "CREATE VIEW v AS SELECT COUNT(*) n FROM emp e, dept d WHERE (e.deptno = d.deptno(+) AND e.status = 'A');
/
",
    );
    assert!(sql.contains("FROM emp e LEFT JOIN dept d ON e.deptno = d.deptno WHERE e.status = 'A'"));
    // A CASE's AND is the CASE's.
    let sql = sql_of(
        "CREATE VIEW v AS SELECT d.dname FROM emp e, dept d
 WHERE e.deptno(+) = d.deptno
   AND e.status(+) = CASE WHEN d.loc_id = 1 AND d.dname = 'SALES' THEN 'A' ELSE 'I' END;
/
",
    );
    assert!(
        sql.contains(
            "ON e.deptno = d.deptno AND e.status = CASE WHEN d.loc_id = 1 AND d.dname = 'SALES' \
             THEN 'A' ELSE 'I' END;"
        ),
        "{sql}"
    );
    // SELECT * whose tables change order is noted.
    let t = translated(
        "CREATE VIEW v AS SELECT * FROM emp e, dept d WHERE e.deptno(+) = d.deptno;
/
",
    );
    assert!(t.sql.contains("FROM dept d LEFT JOIN emp e ON e.deptno = d.deptno;"), "{}", t.sql);
    assert!(t.notes.iter().any(|n| n.message.starts_with("SELECT * over outer joins")));
}

#[test]
fn review_fixes_for_hierarchies() {
    let t = translated(
        "CREATE TABLE org (id NUMBER, parent_id NUMBER, name VARCHAR2(10));
/
CREATE PROCEDURE p IS
BEGIN
  INSERT INTO org_out SELECT o.* FROM org o START WITH parent_id IS NULL CONNECT BY PRIOR o.id = o.parent_id;
  INSERT INTO paths SELECT name AS nm, SYS_CONNECT_BY_PATH(LEVEL || ':' || name, '/') FROM org
   START WITH parent_id IS NULL CONNECT BY PRIOR id = parent_id ORDER SIBLINGS BY nm, 1 DESC;
  INSERT INTO pairs SELECT LEVEL FROM org CONNECT BY LEVEL <= 2;
  INSERT INTO guids SELECT LEVEL FROM org CONNECT BY LEVEL <= 3 AND PRIOR id = id AND PRIOR SYS_GUID() IS NOT NULL;
END;
/
",
    );
    let sql = &t.sql;
    // `o.*` is the table's columns, not the walk's.
    assert!(
        sql.contains("INSERT INTO org_out SELECT o.id, o.parent_id, o.name FROM (WITH"),
        "{sql}"
    );
    // Siblings by the alias's and the position's expressions.
    assert!(sql.contains("row_number() OVER (ORDER BY name, name DESC)"), "{sql}");
    // LEVEL inside the path is each row's.
    assert!(sql.contains("concat('/', concat(1, ':', name))::text AS connect_by_path_1"), "{sql}");
    assert!(
        sql.contains("concat(connect_by_prior.connect_by_path_1, '/', concat((connect_by_prior.level + 1), ':', name))"),
        "{sql}"
    );
    // Without PRIOR, every row is every row's child: no loop check.
    assert!(sql.contains("JOIN org ON ((connect_by_prior.level + 1) <= 2)\n"), "{sql}");
    // PRIOR of a function: left, with the reason.
    assert!(sql.contains("CONNECT BY LEVEL <= 3 AND PRIOR id = id AND PRIOR "), "{sql}");
    let unsupported: Vec<&str> = t
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::Unsupported)
        .map(|n| n.message.as_str())
        .collect();
    assert_eq!(
        unsupported,
        ["CONNECT BY left as written: PRIOR before something other than a column of the table"]
    );
    let loops = t.notes.iter().filter(|n| n.message.contains("ORA-01436")).count();
    assert_eq!(loops, 1, "once per object: {:?}", t.notes);
}

#[test]
fn a_merge_branchs_case_is_not_a_branch() {
    let sql = sql_of(
        "CREATE PROCEDURE p IS
BEGIN
  MERGE INTO tgt t USING src s ON (t.id = s.id)
  WHEN MATCHED THEN UPDATE SET t.qty = s.qty,
       t.status = CASE WHEN s.qty > 100 THEN 'BIG' ELSE 'SMALL' END
     WHERE t.qty <> s.qty;
END;
/
",
    );
    assert!(
        sql.contains("WHEN MATCHED AND (t.qty <> s.qty) THEN UPDATE SET qty = s.qty,"),
        "{sql}"
    );
    assert!(sql.contains("CASE WHEN s.qty > 100 THEN 'BIG' ELSE 'SMALL' END;"), "{sql}");
}

#[test]
fn a_compound_trigger_keeps_its_subprograms_and_when() {
    let sql = sql_of(
        "CREATE OR REPLACE TRIGGER maintain_salaries
FOR UPDATE OF salary ON employees
REFERENCING NEW AS n
WHEN (n.salary > 1000)
COMPOUND TRIGGER
  idx NUMBER := 0;
  PROCEDURE flush_array IS
  BEGIN
    INSERT INTO salary_log VALUES (idx);
    idx := 0;
  END;
  AFTER EACH ROW IS
  BEGIN
    idx := idx + 1;
    IF idx >= 3 THEN flush_array(); END IF;
  END AFTER EACH ROW;
  AFTER STATEMENT IS
  BEGIN
    flush_array();
  END AFTER STATEMENT;
END;
/
",
    );
    assert!(sql.contains("CREATE OR REPLACE PROCEDURE maintain_salaries.flush_array()"), "{sql}");
    assert!(sql.contains("CALL maintain_salaries.flush_array();"), "{sql}");
    assert!(
        sql.contains("AFTER UPDATE OF salary ON employees\nFOR EACH ROW\nWHEN (NEW.salary > 1000)")
    );
    assert!(
        sql.contains("AFTER UPDATE OF salary ON employees\nFOR EACH STATEMENT\nEXECUTE"),
        "{sql}"
    );
}

#[test]
fn utl_file_goes_through_utl_file_utility() {
    let t = translated(
        "CREATE PROCEDURE export_day(p_dir VARCHAR2) IS
  f UTL_FILE.FILE_TYPE;
  l VARCHAR2(200);
BEGIN
  f := UTL_FILE.FOPEN(p_dir, 'day.csv', 'w', 32767);
  UTL_FILE.PUT_LINE(file => f, buffer => 'a,b');
  UTL_FILE.PUTF(f, '%s=%s\\n', 'x', 'y');
  UTL_FILE.NEW_LINE(f);
  IF UTL_FILE.IS_OPEN(f) THEN
    UTL_FILE.FCLOSE(f);
  END IF;
  f := UTL_FILE.FOPEN(p_dir, 'day.csv', 'r');
  UTL_FILE.GET_LINE(f, l);
  UTL_FILE.FCLOSE_ALL;
  UTL_FILE.FREMOVE(p_dir, 'day.csv');
EXCEPTION
  WHEN UTL_FILE.INVALID_PATH THEN
    RAISE_APPLICATION_ERROR(-20001, 'no directory ' || p_dir);
END;
/
",
    );
    for expected in [
        "f utl_file_utility.file_type;",
        "f := utl_file_utility.fopen(p_dir, 'day.csv', 'w', 32767);",
        "PERFORM utl_file_utility.put_line(f, 'a,b');",
        "PERFORM utl_file_utility.putf(f, '%s=%s\\n', 'x', 'y');",
        "PERFORM utl_file_utility.new_line(f);",
        "IF utl_file_utility.is_open(f) THEN",
        "f := utl_file_utility.fclose(f);",
        "l := utl_file_utility.get_line(f);",
        "PERFORM utl_file_utility.fclose_all();",
        "PERFORM utl_file_utility.fremove(p_dir, 'day.csv');",
        "WHEN SQLSTATE 'UF001' THEN",
    ] {
        assert!(t.sql.contains(expected), "{expected}\n{}", t.sql);
    }
    let notes: Vec<(u32, NoteKind)> = t.notes.iter().map(|n| (n.line, n.kind)).collect();
    assert!(
        notes.contains(&(5, NoteKind::Review)),
        "the first FOPEN says where files go: {notes:?}"
    );
    assert!(notes.contains(&(15, NoteKind::Unsupported)), "FREMOVE cannot be done: {notes:?}");
    assert!(!t.notes.iter().any(|n| n.message.contains("no equivalent")), "{:?}", t.notes);
}

#[test]
fn isopen_of_a_declared_cursor_is_a_flag_and_its_portal() {
    let t = translated(
        "CREATE PROCEDURE p IS
  CURSOR c IS SELECT 1 FROM dual;
BEGIN
  IF NOT c%ISOPEN THEN OPEN c; END IF;
  IF SQL%ISOPEN THEN NULL; END IF;
END;
/
",
    );
    assert!(
        t.sql.contains(
            "IF NOT (c_isopen AND EXISTS (SELECT FROM pg_catalog.pg_cursors \
             WHERE pg_catalog.pg_cursors.name = c::text)) THEN\n        OPEN c;\n        \
             c_isopen := true;"
        ),
        "{}",
        t.sql
    );
    assert!(t.sql.contains("c_isopen boolean := false;"), "{}", t.sql);
    assert!(t.sql.contains("IF false THEN"), "{}", t.sql);
    assert!(t.notes.is_empty(), "{:?}", t.notes);
}

#[test]
fn package_state_passed_to_an_out_parameter_goes_through_a_copy() {
    let sql = sql_of(
        "CREATE PACKAGE BODY p AS
  g_total NUMBER := 0;
  PROCEDURE add_to(x IN OUT NUMBER, n NUMBER) IS BEGIN x := x + n; END;
  PROCEDURE bump IS BEGIN add_to(g_total, 5); END;
END p;
/
",
    );
    assert!(
        sql.contains(
            "p_g_total := p.g_total();\n    CALL p.add_to(p_g_total, 5);\n    \
             PERFORM set_config('p.g_total', coalesce(p_g_total::text, ''), false);"
        ),
        "{sql}"
    );
}

#[test]
fn cursor_attributes_in_a_trigger_or_of_a_package_cursor_are_noted() {
    let t = translated(
        "CREATE PACKAGE BODY p AS
  CURSOR c_all IS SELECT 1 FROM dual;
  FUNCTION fetched RETURN NUMBER IS BEGIN RETURN c_all%ROWCOUNT; END;
END p;
/
",
    );
    assert!(t.notes.iter().any(|n| n.message == "C_ALL%ROWCOUNT has no PostgreSQL equivalent"));
    let t = translated(
        "CREATE TRIGGER trg BEFORE INSERT ON items FOR EACH ROW
DECLARE
  CURSOR c IS SELECT 1 FROM dual;
BEGIN
  IF c%ISOPEN THEN NULL; END IF;
END;
/
",
    );
    assert!(t.notes.iter().any(|n| n.message == "C%ISOPEN has no PostgreSQL equivalent"));
}

#[test]
fn utl_file_into_package_variables_and_putf_of_numbers() {
    let sql = sql_of(
        "CREATE PACKAGE BODY logf AS
  g_file UTL_FILE.FILE_TYPE;
  g_line VARCHAR2(200);
  PROCEDURE done IS BEGIN UTL_FILE.GET_LINE(g_file, g_line); UTL_FILE.FCLOSE(g_file); END;
  PROCEDURE total(n NUMBER, d DATE) IS BEGIN UTL_FILE.PUTF(g_file, '%s;%s\\n', n, d); END;
END logf;
/
",
    );
    assert!(
        sql.contains(
            "PERFORM set_config('logf.g_line', \
             coalesce((utl_file_utility.get_line(logf.g_file()))::text, ''), false);"
        ),
        "{sql}"
    );
    assert!(
        sql.contains(
            "PERFORM set_config('logf.g_file', \
             coalesce((utl_file_utility.fclose(logf.g_file()))::text, ''), false);"
        ),
        "{sql}"
    );
    assert!(
        sql.contains(
            "PERFORM utl_file_utility.putf(logf.g_file(), '%s;%s\\n', (n)::text, (d)::text);"
        ),
        "{sql}"
    );
}

#[test]
fn package_state_as_out_arguments_of_a_function_goes_through_copies() {
    let sql = sql_of(
        "CREATE PACKAGE BODY st AS
  g_first VARCHAR2(10);
  g_name VARCHAR2(10);
  FUNCTION split(p VARCHAR2, first OUT VARCHAR2) RETURN VARCHAR2 IS
  BEGIN first := SUBSTR(p, 1, 1); RETURN SUBSTR(p, 2); END;
  PROCEDURE run IS BEGIN g_name := split('xyz', g_first); END;
END st;
/
",
    );
    assert!(sql.contains("SELECT * INTO st_g_first, st_g_name FROM st.split('xyz');"), "{sql}");
    assert!(
        sql.contains("PERFORM set_config('st.g_first', coalesce(st_g_first::text, ''), false);"),
        "{sql}"
    );
    assert!(
        sql.contains("PERFORM set_config('st.g_name', coalesce(st_g_name::text, ''), false);"),
        "{sql}"
    );
}
