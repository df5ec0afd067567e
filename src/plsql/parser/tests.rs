//! Behaviour of the structure parser on small units.

use crate::plsql::ast::{DeclarationItem, Statement, StatementItem, SubprogramBody, UnitItem};
use crate::plsql::lexer::{lex, Origin};
use crate::plsql::object::ObjectKind;
use crate::plsql::parser::parse_unit;
use crate::plsql::parser::unit::Parsed;

fn parse(text: &str, kind: ObjectKind) -> Parsed {
    let lexed = lex(text, Origin { byte: 0, line: 1, col: 1 }).unwrap();
    parse_unit(text, lexed, kind)
}

/// The variant name of each statement, `If`, `Sql`, ...
fn kinds(statements: &[Statement]) -> Vec<String> {
    statements
        .iter()
        .map(|s| format!("{:?}", s.item).split([' ', '{', '(']).next().unwrap().to_owned())
        .collect()
}

fn body_statements(parsed: &Parsed) -> &[Statement] {
    let UnitItem::Subprogram(s) = &parsed.unit.item else { panic!("not a subprogram") };
    let Some(SubprogramBody::Block(b)) = &s.body else { panic!("no body") };
    &b.statements
}

#[test]
fn every_statement_kind_is_recognised() {
    let text = "PROCEDURE p IS
  TYPE t IS TABLE OF NUMBER;
  v t;
  c SYS_REFCURSOR;
BEGIN
  v := t();
  IF v.COUNT > 0 THEN NULL; ELSIF v IS NULL THEN NULL; ELSE NULL; END IF;
  CASE WHEN 1 = 1 THEN NULL; END CASE;
  LOOP EXIT WHEN TRUE; END LOOP;
  WHILE FALSE LOOP CONTINUE; END LOOP;
  FOR i IN REVERSE 1 .. 3 LOOP NULL; END LOOP;
  FOR r IN (SELECT 1 x FROM dual) LOOP NULL; END LOOP;
  OPEN c FOR SELECT 1 FROM dual;
  FETCH c BULK COLLECT INTO v LIMIT 10;
  CLOSE c;
  EXECUTE IMMEDIATE 'begin null; end;';
  FORALL i IN 1 .. v.COUNT INSERT INTO t1 VALUES (v(i));
  <<again>> NULL;
  GOTO again;
  PIPE ROW (1);
  SAVEPOINT s1;
  ROLLBACK TO SAVEPOINT s1;
  COMMIT;
  DELETE FROM t1;
  dbms_output.put_line('x');
  BEGIN RAISE no_data_found; EXCEPTION WHEN OTHERS THEN RAISE; END;
  RETURN;
END;";
    let parsed = parse(text, ObjectKind::Procedure);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(
        kinds(body_statements(&parsed)),
        [
            "Assignment",
            "If",
            "Case",
            "Loop",
            "Loop",
            "Loop",
            "Loop",
            "Open",
            "Fetch",
            "Close",
            "ExecuteImmediate",
            "Forall",
            "Null",
            "Goto",
            "PipeRow",
            "Savepoint",
            "Rollback",
            "Commit",
            "Sql",
            "Call",
            "Block",
            "Return"
        ]
    );
}

#[test]
fn unparsable_statement_is_kept_and_parsing_resumes_after_it() {
    let text = "PROCEDURE p IS BEGIN
  x := ;
  IF a THEN b := 1 END IF;
  y := 2;
END;";
    let parsed = parse(text, ObjectKind::Procedure);
    let statements = body_statements(&parsed);
    assert_eq!(kinds(statements), ["Unparsed", "If", "Assignment"]);
    let StatementItem::If { branches, .. } = &statements[1].item else { panic!() };
    // `b := 1` lacks only its `;`: it is kept as an assignment, the error reported.
    assert_eq!(kinds(&branches[0].1), ["Assignment"]);
    let messages: Vec<String> = parsed.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(messages, ["2:8: expected a value, found `;`", "3:20: expected `;`, found `END`"]);
}

#[test]
fn package_spec_members_and_overloads_are_declarations() {
    let text = "PACKAGE api AS
  g_count PLS_INTEGER := 0;
  c_name CONSTANT VARCHAR2(10) := 'x';
  e_bad EXCEPTION;
  PRAGMA EXCEPTION_INIT(e_bad, -20001);
  SUBTYPE money IS NUMBER(12,2);
  CURSOR c_all IS SELECT * FROM accounts;
  FUNCTION f (a NUMBER) RETURN NUMBER;
  FUNCTION f (a VARCHAR2, b IN OUT NOCOPY DATE) RETURN NUMBER PIPELINED;
END api;";
    let parsed = parse(text, ObjectKind::PackageSpec);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let UnitItem::PackageSpec(p) = &parsed.unit.item else { panic!() };
    let shown: Vec<String> = p
        .declarations
        .iter()
        .map(|d| format!("{:?}", d.item).split([' ', '{', '(']).next().unwrap().to_owned())
        .collect();
    assert_eq!(
        shown,
        [
            "Variable",
            "Variable",
            "Exception",
            "Pragma",
            "Subtype",
            "Cursor",
            "Subprogram",
            "Subprogram"
        ]
    );
    let DeclarationItem::Subprogram(f) = &p.declarations[7].item else { panic!() };
    assert_eq!(f.parameters[1].mode, crate::plsql::ast::ParameterMode::InOut);
    assert!(f.parameters[1].nocopy);
    assert_eq!(f.options[0].text, "PIPELINED");
    assert!(f.body.is_none());
}

#[test]
fn directives_mid_construct_parse_one_variant() {
    let text = "FUNCTION f RETURN NUMBER IS BEGIN
  $IF dbms_db_version.ver_le_11 $THEN
  IF a THEN
  $ELSE
  IF b THEN
  $END
    RETURN 1;
  END IF;
  RETURN 0;
END;";
    let parsed = parse(text, ObjectKind::Function);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert!(parsed.unit.one_variant);
    assert_eq!(kinds(body_statements(&parsed)), ["If", "Return"]);
}

#[test]
fn polymorphic_table_function_options_are_read() {
    let text = "FUNCTION f (p TABLE) RETURN TABLE PIPELINED TABLE POLYMORPHIC USING ptf_pkg;";
    let parsed = parse(text, ObjectKind::Function);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let UnitItem::Subprogram(s) = &parsed.unit.item else { panic!() };
    assert_eq!(s.options[0].text, "PIPELINED TABLE POLYMORPHIC USING ptf_pkg");
}

#[test]
fn call_spec_is_an_external_body() {
    let text = "FUNCTION digits (s VARCHAR2) RETURN VARCHAR2 AS LANGUAGE JAVA NAME 'T.digits(java.lang.String) return java.lang.String';";
    let parsed = parse(text, ObjectKind::Function);
    let UnitItem::Subprogram(s) = &parsed.unit.item else { panic!() };
    let Some(SubprogramBody::External { language, name, .. }) = &s.body else { panic!() };
    assert_eq!(language, "JAVA");
    assert_eq!(name.as_deref(), Some("T.digits(java.lang.String) return java.lang.String"));
}

fn messages(parsed: &Parsed) -> Vec<String> {
    parsed.errors.iter().map(|e| e.to_string()).collect()
}

#[test]
fn missing_semicolon_between_statements_is_reported_and_both_are_kept() {
    let text = "PROCEDURE p IS BEGIN
  v := v + 1
  dbms_output.put_line(v)
  v := 2;
  IF v > 1 THEN v := 3 ELSE v := 4; END IF;
  RETURN;
END;";
    let parsed = parse(text, ObjectKind::Procedure);
    assert_eq!(
        messages(&parsed),
        [
            "3:3: expected `;`, found `dbms_output`",
            "4:3: expected `;`, found `v`",
            "5:24: expected `;`, found `ELSE`"
        ]
    );
    assert_eq!(
        kinds(body_statements(&parsed)),
        ["Assignment", "Call", "Assignment", "If", "Return"]
    );
}

#[test]
fn missing_semicolon_between_declarations_is_reported_and_both_are_kept() {
    let text = "PROCEDURE p IS
  v_a NUMBER
  v_b NUMBER := 1
  v_c CONSTANT DATE := SYSDATE
BEGIN
  NULL;
END;";
    let parsed = parse(text, ObjectKind::Procedure);
    assert_eq!(
        messages(&parsed),
        [
            "3:3: expected `;`, found `v_b`",
            "4:3: expected `;`, found `v_c`",
            "5:1: expected `;`, found `BEGIN`"
        ]
    );
    let UnitItem::Subprogram(s) = &parsed.unit.item else { panic!() };
    let Some(SubprogramBody::Block(b)) = &s.body else { panic!() };
    assert_eq!(b.declarations.len(), 3);
    assert!(b.declarations.iter().all(|d| matches!(d.item, DeclarationItem::Variable { .. })));
}

#[test]
fn a_condition_running_into_a_statement_is_reported_there() {
    let text = "PROCEDURE p IS BEGIN
  IF v > 1
    v := 2;
  END IF;
END;";
    let parsed = parse(text, ObjectKind::Procedure);
    assert_eq!(messages(&parsed), ["3:5: expected THEN, found `v`"]);
}

#[test]
fn valid_expressions_spanning_words_and_lines_are_not_run_ons() {
    let text = "PROCEDURE p (a NUMBER DEFAULT 1, b VARCHAR2 := 'x') IS
  v_n NUMBER NOT NULL := 0;
  v_d DATE DEFAULT SYSDATE;
  v_t emp.sal%TYPE;
  v_z TIMESTAMP(6)
    WITH LOCAL TIME ZONE;
  v_i INTERVAL DAY(2) TO SECOND(6) := INTERVAL '1' DAY;
  v_s VARCHAR2(100) := q'[it's]'
    || 'more'
    || 'and more';
  v_b BOOLEAN := a IS NOT NULL
    AND a BETWEEN 1 AND 10
    OR b LIKE 'x%' ESCAPE '\\';
BEGIN
  v_d := date '2020-01-01' + interval '1' day;
  v_n := CASE WHEN a > 1 THEN 1 WHEN a IS NULL THEN 2 ELSE 3 END
    + CASE a WHEN 1 THEN 1 ELSE 0 END;
  v_n := SQL%ROWCOUNT + c%ROWCOUNT;
  v_b := v_x MEMBER OF v_list AND v_list SUBMULTISET OF v_all;
  v_list := v_list MULTISET UNION DISTINCT v_all;
  pkg.proc(p_a => 1, p_b => v_n);
  v_o := NEW obj_t(1);
  v_t := systimestamp AT TIME ZONE 'UTC';
  FOR i IN 1 .. v_n LOOP NULL; END LOOP;
  WHILE v_n > 0
  LOOP
    v_n := v_n - 1;
  END LOOP;
  EXIT WHEN c%NOTFOUND;
  RETURN;
END;";
    let parsed = parse(text, ObjectKind::Procedure);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
}

#[test]
fn embedded_sql_running_into_the_next_statement_is_reported() {
    let text = "TRIGGER t BEFORE UPDATE ON emp FOR EACH ROW
BEGIN
  SELECT seq.NEXTVAL INTO :new.id FROM dual
  :new.who := USER
  :new.changed := SYSDATE;
  UPDATE emp_log SET n = n + 1 WHERE id = :new.id
  COMMIT;
  DELETE FROM emp_tmp WHERE id = :new.id
  INSERT INTO emp_tmp (id) SELECT :new.id FROM dual;
  MERGE INTO emp_tmp d USING dual ON (d.id = 1)
    WHEN MATCHED THEN UPDATE SET d.n = 1 DELETE WHERE d.n = 0
    WHEN NOT MATCHED THEN INSERT (id) VALUES (1);
END;";
    let parsed = parse(text, ObjectKind::Trigger);
    assert_eq!(
        messages(&parsed),
        [
            "4:3: expected `;`, found `:`",
            "5:3: expected `;`, found `:`",
            "7:3: expected `;`, found `COMMIT`",
            "9:3: expected `;`, found `INSERT`"
        ]
    );
}

#[test]
fn a_spec_member_running_into_the_next_is_reported() {
    let text = "PACKAGE api AS
  FUNCTION f RETURN NUMBER
  FUNCTION g RETURN NUMBER DETERMINISTIC;
  CURSOR c IS SELECT * FROM t
  PROCEDURE p;
  TYPE t_ids IS TABLE OF NUMBER
    INDEX BY PLS_INTEGER
  TYPE t_cur IS REF CURSOR
    RETURN t%ROWTYPE;
  SUBTYPE s_name IS VARCHAR2(30)
  g_ids t_ids;
END api;";
    let parsed = parse(text, ObjectKind::PackageSpec);
    assert_eq!(
        messages(&parsed),
        [
            "3:3: expected `;`, found `FUNCTION`",
            "5:3: expected `;`, found `PROCEDURE`",
            "8:3: expected `;`, found `TYPE`",
            "11:3: expected `;`, found `g_ids`"
        ]
    );
}
