//! The front end over the fixture folders in `tests/fixtures/plsql/`: the inventory of
//! each folder, the structure of a few units, and properties every result must have.

use std::path::{Path, PathBuf};

use pipeline::plsql::ast::{
    Declaration, DeclarationItem, LoopKind, Statement, StatementItem, SubprogramBody, TriggerBody,
    Unit, UnitItem,
};
use pipeline::plsql::{self, Inventory, Metadata, ParseStatus, SourceFile};

fn fixture_dir(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plsql").join(case)
}

/// Every file of a fixture folder, sorted: scanned when it looks like SQL, with the
/// folder's `metadata.json` when there is one.
fn scan_case(case: &str) -> (Vec<SourceFile>, Vec<String>) {
    let dir = fixture_dir(case);
    let mut paths: Vec<PathBuf> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    let metadata = paths
        .iter()
        .find(|p| plsql::is_metadata_file(&p.display().to_string()))
        .map(|p| Metadata::parse(&std::fs::read(p).unwrap()).unwrap());
    let (mut files, mut not_sql) = (Vec::new(), Vec::new());
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if plsql::is_metadata_file(&name) {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        match plsql::looks_like_sql(&bytes) {
            Ok(()) => files.push(plsql::scan_file(&name, &bytes, metadata.as_ref())),
            Err(reason) => not_sql.push(format!("{name}: {reason}")),
        }
    }
    (files, not_sql)
}

/// What a person reads about a folder: files, what was skipped, problems, objects.
fn render_case(case: &str) -> String {
    let (files, not_sql) = scan_case(case);
    let mut out = String::new();
    for line in &not_sql {
        out.push_str(&format!("not read: {line}\n"));
    }
    for file in &files {
        out.push_str(&format!(
            "== {} ({:?}{})\n",
            file.path,
            file.encoding,
            if file.crlf { ", CRLF" } else { "" }
        ));
        for s in &file.skipped {
            out.push_str(&format!("  skipped {:>3}: {}\n", s.line, s.reason));
        }
        for d in &file.diagnostics {
            out.push_str(&format!("  problem {:>3}: {}\n", d.line, d.message));
        }
        for o in &file.objects {
            for e in &o.errors {
                out.push_str(&format!("  error in {} at {e}\n", o.name));
            }
        }
    }
    out.push_str("-- inventory\n");
    let inventory = Inventory::of(&files);
    for line in inventory.render().lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn ddl_export_inventory() {
    insta::assert_snapshot!("ddl_export", render_case("ddl_export"));
}

#[test]
fn all_source_spool_inventory() {
    insta::assert_snapshot!("all_source_spool", render_case("all_source_spool"));
}

#[test]
fn encodings_inventory() {
    insta::assert_snapshot!("encodings", render_case("encodings"));
}

#[test]
fn terminators_inventory() {
    insta::assert_snapshot!("terminators", render_case("terminators"));
}

#[test]
fn wrapped_and_java_inventory() {
    insta::assert_snapshot!("wrapped_and_java", render_case("wrapped_and_java"));
}

#[test]
fn recovery_inventory() {
    insta::assert_snapshot!("recovery", render_case("recovery"));
}

#[test]
fn missing_semicolons_inventory() {
    insta::assert_snapshot!("missing_semicolons", render_case("missing_semicolons"));
}

#[test]
fn not_sql_inventory() {
    insta::assert_snapshot!("not_sql", render_case("not_sql"));
}

fn unit_of<'a>(files: &'a [SourceFile], name: &str, kind: plsql::ObjectKind) -> &'a Unit {
    let object = files.iter().flat_map(|f| &f.objects).find(|o| o.name == name && o.kind == kind);
    object.and_then(|o| o.unit.as_ref()).unwrap_or_else(|| panic!("no parsed {kind:?} {name}"))
}

/// An indented outline of a unit: declarations and statements with their lines.
fn outline(unit: &Unit) -> String {
    let mut out = String::new();
    match &unit.item {
        UnitItem::PackageSpec(p) | UnitItem::PackageBody(p) | UnitItem::TypeBody(p) => {
            out.push_str(&format!("package {}\n", p.name.canonical()));
            declarations(&mut out, &p.declarations, 1);
            if let Some(init) = &p.initialization {
                out.push_str("  initialization\n");
                statements(&mut out, init, 2);
            }
        }
        UnitItem::Subprogram(s) => subprogram(&mut out, s, 0),
        UnitItem::Trigger(t) => {
            let target = t.target.as_ref().map_or("DATABASE".to_owned(), |n| n.canonical());
            out.push_str(&format!(
                "trigger {} {} {} ON {target} row={}\n",
                t.name.canonical(),
                t.timing,
                t.events.text,
                t.for_each_row
            ));
            match &t.body {
                TriggerBody::Block(b) => {
                    declarations(&mut out, &b.declarations, 1);
                    statements(&mut out, &b.statements, 1);
                }
                TriggerBody::Compound { declarations: d, sections } => {
                    declarations(&mut out, d, 1);
                    for section in sections {
                        out.push_str(&format!("  timing point {}\n", section.timing.text));
                        statements(&mut out, &section.block.statements, 2);
                    }
                }
                TriggerBody::Call(c) => out.push_str(&format!("  call {}\n", c.text)),
            }
        }
        UnitItem::TypeSpec(t) => {
            out.push_str(&format!("type {} {:?}\n", t.name.canonical(), t.kind));
            for a in &t.attributes {
                out.push_str(&format!("  attribute {} {}\n", a.name.canonical(), a.datatype.text));
            }
            for m in &t.methods {
                subprogram(&mut out, m, 1);
            }
        }
        other => out.push_str(&format!("{other:?}\n")),
    }
    out
}

fn subprogram(out: &mut String, s: &pipeline::plsql::ast::Subprogram, depth: usize) {
    let pad = "  ".repeat(depth);
    let params: Vec<String> = s
        .parameters
        .iter()
        .map(|p| format!("{} {:?} {}", p.name.canonical(), p.mode, p.datatype.text))
        .collect();
    let returns = s.return_type.as_ref().map_or(String::new(), |r| format!(" -> {}", r.text));
    let modifiers = s.method_modifiers.join(" ");
    out.push_str(&format!(
        "{pad}{modifiers}{}{:?} {}({}){returns} @{}\n",
        if modifiers.is_empty() { "" } else { " " },
        s.kind,
        s.name.canonical(),
        params.join(", "),
        s.span.line
    ));
    match &s.body {
        Some(SubprogramBody::Block(b)) => {
            declarations(out, &b.declarations, depth + 1);
            statements(out, &b.statements, depth + 1);
            for h in &b.handlers {
                let names: Vec<String> = h.exceptions.iter().map(|e| e.canonical()).collect();
                out.push_str(&format!("{pad}  when {}\n", names.join(" or ")));
                statements(out, &h.statements, depth + 2);
            }
        }
        Some(SubprogramBody::External { language, name, .. }) => {
            out.push_str(&format!("{pad}  external {language} {name:?}\n"));
        }
        None => {}
    }
}

fn declarations(out: &mut String, items: &[Declaration], depth: usize) {
    let pad = "  ".repeat(depth);
    for d in items {
        let line = d.span.line;
        match &d.item {
            DeclarationItem::Variable { name, constant, datatype, .. } => {
                out.push_str(&format!(
                    "{pad}{} {} {} @{line}\n",
                    if *constant { "constant" } else { "variable" },
                    name.canonical(),
                    datatype.text
                ));
            }
            DeclarationItem::Subprogram(s) => subprogram(out, s, depth),
            DeclarationItem::Conditional(c) => {
                for (condition, items) in &c.branches {
                    out.push_str(&format!("{pad}$if {} @{line}\n", condition.text));
                    declarations(out, items, depth + 1);
                }
            }
            DeclarationItem::Unparsed { error, .. } => {
                out.push_str(&format!("{pad}UNPARSED {error} @{line}\n"))
            }
            DeclarationItem::Cursor { name, query, .. } => {
                let tables = query.as_ref().map(|q| q.reads.join(",")).unwrap_or_default();
                out.push_str(&format!(
                    "{pad}cursor {} reads [{tables}] @{line}\n",
                    name.canonical()
                ));
            }
            other => {
                let kind = format!("{other:?}");
                out.push_str(&format!(
                    "{pad}{} @{line}\n",
                    kind.split([' ', '{', '(']).next().unwrap_or_default()
                ));
            }
        }
    }
}

fn statements(out: &mut String, items: &[Statement], depth: usize) {
    let pad = "  ".repeat(depth);
    for s in items {
        let line = s.span.line;
        match &s.item {
            StatementItem::If { branches, otherwise } => {
                for (condition, body) in branches {
                    out.push_str(&format!("{pad}if {} @{}\n", condition.text, condition.span.line));
                    statements(out, body, depth + 1);
                }
                if let Some(body) = otherwise {
                    out.push_str(&format!("{pad}else\n"));
                    statements(out, body, depth + 1);
                }
            }
            StatementItem::Loop { kind, body, .. } => {
                let kind = match kind {
                    LoopKind::Basic => "loop".to_owned(),
                    LoopKind::While { condition } => format!("while {}", condition.text),
                    LoopKind::Range { index, bounds, .. } => {
                        format!("for {} in {}", index.canonical(), bounds.text)
                    }
                    LoopKind::Cursor { record, query, cursor } => format!(
                        "for {} in {}",
                        record.canonical(),
                        query
                            .as_ref()
                            .map(|q| format!("query reading [{}]", q.reads.join(",")))
                            .or(cursor.as_ref().map(|c| c.text.clone()))
                            .unwrap_or_default()
                    ),
                };
                out.push_str(&format!("{pad}{kind} @{line}\n"));
                statements(out, body, depth + 1);
            }
            StatementItem::Sql(sql) => out.push_str(&format!(
                "{pad}sql {:?} via {:?} reads [{}] writes [{}] into [{}] @{line}\n",
                sql.kind,
                sql.path,
                sql.reads.join(","),
                sql.writes.join(","),
                sql.into
                    .iter()
                    .chain(&sql.returning_into)
                    .map(|f| f.text.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            )),
            StatementItem::Call { name, arguments, .. } => out.push_str(&format!(
                "{pad}call {} ({} args) @{line}\n",
                name.canonical(),
                arguments.len()
            )),
            StatementItem::Assignment { target, value } => {
                out.push_str(&format!("{pad}{} := {} @{line}\n", target.text, value.text))
            }
            StatementItem::Conditional(c) => {
                for (condition, body) in &c.branches {
                    out.push_str(&format!("{pad}$if {} @{line}\n", condition.text));
                    statements(out, body, depth + 1);
                }
                if let Some(body) = &c.otherwise {
                    out.push_str(&format!("{pad}$else\n"));
                    statements(out, body, depth + 1);
                }
            }
            StatementItem::Forall { statement, .. } => {
                out.push_str(&format!("{pad}forall @{line}\n"));
                statements(out, std::slice::from_ref(statement), depth + 1);
            }
            StatementItem::Unparsed { error, .. } => {
                out.push_str(&format!("{pad}UNPARSED {error} @{line}\n"))
            }
            other => {
                let kind = format!("{other:?}");
                out.push_str(&format!(
                    "{pad}{} @{line}\n",
                    kind.split([' ', '{', '(']).next().unwrap_or_default()
                ));
            }
        }
    }
}

#[test]
fn package_body_structure() {
    let (files, _) = scan_case("ddl_export");
    insta::assert_snapshot!(
        "emp_pkg_body",
        outline(unit_of(&files, "EMP_PKG", plsql::ObjectKind::PackageBody))
    );
}

#[test]
fn compound_trigger_and_conditional_compilation_structure() {
    let (files, _) = scan_case("all_source_spool");
    let mut out = outline(unit_of(&files, "INVOICES_COMPOUND_TRG", plsql::ObjectKind::Trigger));
    out.push_str(&outline(unit_of(&files, "CUSTOMER_API", plsql::ObjectKind::PackageBody)));
    out.push_str(&outline(unit_of(&files, "MONEY_T", plsql::ObjectKind::TypeSpec)));
    insta::assert_snapshot!("compound_trigger_cond_comp_type", out);
}

#[test]
fn recovered_statements_structure() {
    let (files, _) = scan_case("recovery");
    insta::assert_snapshot!(
        "orders_pkg_recovered",
        outline(unit_of(&files, "ORDERS_PKG", plsql::ObjectKind::PackageBody))
    );
}

/// Every `{text, span}` in a serialised tree, with the file's decoded text.
fn check_fragments(value: &serde_json::Value, text: &str, checked: &mut usize) {
    match value {
        serde_json::Value::Object(map) => {
            if let (Some(serde_json::Value::String(fragment)), Some(span)) =
                (map.get("text"), map.get("span"))
            {
                let start = span["start"].as_u64().unwrap() as usize;
                let end = span["end"].as_u64().unwrap() as usize;
                // Identifiers keep their text without the quotes, comments without `--`
                // or `/* */`.
                let expected = match (map.get("quoted"), map.get("block")) {
                    (Some(serde_json::Value::Bool(true)), _) => format!("\"{fragment}\""),
                    (_, Some(serde_json::Value::Bool(false))) => format!("--{fragment}"),
                    (_, Some(serde_json::Value::Bool(true))) => format!("/*{fragment}*/"),
                    _ => fragment.clone(),
                };
                let found = text[start..end].trim_end_matches(['\r', '\n']);
                assert_eq!(found, expected, "span {start}..{end} does not hold its text");
                *checked += 1;
            }
            map.values().for_each(|v| check_fragments(v, text, checked));
        }
        serde_json::Value::Array(items) => {
            items.iter().for_each(|v| check_fragments(v, text, checked))
        }
        _ => {}
    }
}

#[test]
fn every_fragment_is_the_source_text_at_its_span() {
    let mut checked = 0;
    let cases = [
        "ddl_export",
        "all_source_spool",
        "encodings",
        "terminators",
        "recovery",
        "missing_semicolons",
    ];
    for case in cases {
        for entry in std::fs::read_dir(fixture_dir(case)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "sql") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let text = plsql::encoding::decode(&bytes).text;
            let file = plsql::scan_file("f.sql", &bytes, None);
            check_fragments(&serde_json::to_value(&file).unwrap(), &text, &mut checked);
        }
    }
    assert!(checked > 400, "only {checked} fragments checked");
}

#[test]
fn scan_results_round_trip_through_json() {
    let (files, _) = scan_case("ddl_export");
    let json = serde_json::to_string(&files).unwrap();
    let back: Vec<SourceFile> = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
}

#[test]
fn windows_1252_comments_and_literals_are_kept_exactly() {
    let (files, _) = scan_case("encodings");
    let file = files.iter().find(|f| f.path == "windows1252_comments.sql").unwrap();
    assert_eq!(file.encoding, plsql::Encoding::Windows1252);
    let unit = file.objects[0].unit.as_ref().unwrap();
    assert!(unit.comments.iter().any(|c| c.text.contains("Validación: el cliente debe existir")));
    let json = serde_json::to_string(unit).unwrap();
    assert!(json.contains("'€'") && json.contains("¿falta el código?"));
}

#[test]
fn quoted_names_keep_their_case_and_unquoted_names_fold() {
    let (files, _) = scan_case("encodings");
    let names: Vec<String> =
        files.iter().flat_map(|f| &f.objects).map(|o| o.qualified_name()).collect();
    assert_eq!(names, ["Ventas.Precios", "Ventas.Precios", "FACTURACION.EMITIR_FACTURA"]);
}

#[test]
fn one_bad_object_does_not_lose_the_rest_of_the_file() {
    let (files, _) = scan_case("recovery");
    let statuses: Vec<(&str, &ParseStatus)> =
        files[0].objects.iter().map(|o| (o.name.as_str(), &o.status)).collect();
    assert_eq!(statuses[0], ("ORDERS_PKG", &ParseStatus::Partial));
    assert_eq!(statuses[1], ("HALF_WRITTEN", &ParseStatus::Partial));
    assert_eq!(statuses[2], ("STILL_FINE", &ParseStatus::Full));
}

#[test]
fn statements_run_together_are_kept_in_the_tree() {
    let (files, _) = scan_case("missing_semicolons");
    insta::assert_snapshot!(
        "counters_body_run_together",
        outline(unit_of(&files, "COUNTERS", plsql::ObjectKind::PackageBody))
    );
}

#[test]
fn valid_code_with_multi_word_expressions_parses_fully() {
    let (files, _) = scan_case("missing_semicolons");
    let file = files.iter().find(|f| f.path == "valid_tricky.sql").unwrap();
    for object in &file.objects {
        assert_eq!(object.status, ParseStatus::Full, "{}: {:?}", object.name, object.errors);
    }
}

#[test]
fn metadata_fills_schemas_and_reports_missing_objects() {
    let (files, _) = scan_case("all_source_spool");
    assert!(files.iter().flat_map(|f| &f.objects).all(|o| o.schema.as_deref() == Some("BILLING")));
    let problems: Vec<&str> =
        files.iter().flat_map(|f| &f.diagnostics).map(|d| d.message.as_str()).collect();
    assert_eq!(
        problems,
        ["metadata lists PACKAGE BODY TAX_RULES but this file does not define it"]
    );
}

#[test]
fn the_same_object_text_hashes_the_same_whatever_the_line_endings() {
    let text = "CREATE OR REPLACE PROCEDURE p IS\nBEGIN\n  NULL;   \nEND;\n/\n";
    let lf = plsql::scan_file("a.sql", text.as_bytes(), None);
    let crlf = plsql::scan_file("b.sql", text.replace('\n', "\r\n").as_bytes(), None);
    let edited = plsql::scan_file("c.sql", text.replace("NULL", "RETURN").as_bytes(), None);
    assert_eq!(lf.objects[0].hash, crlf.objects[0].hash);
    assert_ne!(lf.objects[0].hash, edited.objects[0].hash);
}
