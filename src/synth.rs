//! Synthetic estates: deterministic folders of extracted PL/SQL shaped like real ones.
//!
//! For benchmarks and tests at scale, where real estates cannot be shipped. An estate
//! mixes both extraction conventions: DDL exports (one object per file, SQL*Plus noise,
//! quoted owner and name, `/` terminators) and `ALL_SOURCE` spools (many objects of
//! one type per file, with a `metadata.json`). Objects are package specs and bodies,
//! procedures, functions, triggers, object types and bodies, and views, from 50 to
//! 5,000 lines, most of them short, using the features a migration cares about (BULK
//! COLLECT, FORALL, CONNECT BY, UTL_HTTP, dynamic SQL, autonomous transactions...).
//! The code is syntactically valid PL/SQL but means nothing; it is not a test oracle
//! for semantics.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

/// What [`write_estate`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EstateStats {
    pub objects: usize,
    pub files: usize,
    pub bytes: u64,
    pub lines: u64,
}

/// A small xorshift generator: deterministic across platforms, no dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// Between 50 and 5,000 lines, most objects short as in real estates.
    fn object_lines(&mut self) -> usize {
        let u = (self.next() % 10_000) as f64 / 10_000.0;
        (50.0 * 100f64.powf(u * u * u)) as usize
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    PackageSpec,
    PackageBody,
    Procedure,
    Function,
    Trigger,
    TypeSpec,
    TypeBody,
    View,
}

impl Kind {
    fn oracle(self) -> &'static str {
        match self {
            Kind::PackageSpec => "PACKAGE",
            Kind::PackageBody => "PACKAGE BODY",
            Kind::Procedure => "PROCEDURE",
            Kind::Function => "FUNCTION",
            Kind::Trigger => "TRIGGER",
            Kind::TypeSpec => "TYPE",
            Kind::TypeBody => "TYPE BODY",
            Kind::View => "VIEW",
        }
    }

    fn spool_file(self) -> &'static str {
        match self {
            Kind::PackageSpec => "packages",
            Kind::PackageBody => "packages_body",
            Kind::Procedure => "procedures",
            Kind::Function => "functions",
            Kind::Trigger => "triggers",
            Kind::TypeSpec => "types",
            Kind::TypeBody => "types_body",
            Kind::View => "views",
        }
    }
}

const SCHEMAS: &[&str] = &["VENTAS", "FACTURACION", "RRHH", "INVENTARIO", "COMUN"];
const TABLES: &[&str] = &[
    "clientes",
    "facturas",
    "lineas_factura",
    "productos",
    "empleados",
    "departamentos",
    "pedidos",
    "pagos",
    "auditoria",
    "parametros",
    "almacenes",
    "movimientos",
];
const COMMENTS: &[&str] = &[
    "-- Cálculo del descuento según la categoría del cliente",
    "-- Se registra la operación en la auditoría",
    "/* Validación de la fecha de emisión: no puede ser futura */",
    "-- TODO revisar con el área de facturación",
    "-- Año fiscal: de abril a marzo",
];

/// Writes one statement or a small group of them, `indent` deep; returns lines written.
fn statement(out: &mut String, rng: &mut Rng, indent: &str, n: usize) -> usize {
    let t = rng.pick(TABLES);
    let u = rng.pick(TABLES);
    let body = match rng.below(16) {
        0 => format!("{indent}v_total := NVL(v_total, 0) + p_importe * (1 - v_descuento / 100);\n"),
        1 => format!(
            "{indent}IF v_total > {n}00 THEN\n{indent}  v_estado := 'ALTO';\n{indent}ELSIF v_total > {n} THEN\n{indent}  v_estado := 'MEDIO';\n{indent}ELSE\n{indent}  v_estado := 'BAJO';\n{indent}END IF;\n"
        ),
        2 => format!(
            "{indent}SELECT COUNT(*), MAX(fecha)\n{indent}  INTO v_cuenta, v_fecha\n{indent}  FROM {t} x\n{indent} WHERE x.id = p_id\n{indent}   AND x.fecha >= ADD_MONTHS(TRUNC(SYSDATE), -12);\n"
        ),
        3 => format!(
            "{indent}FOR r IN (SELECT id, nombre FROM {t} WHERE estado = 'A' ORDER BY id) LOOP\n{indent}  v_total := v_total + LENGTH(r.nombre);\n{indent}END LOOP;\n"
        ),
        4 => format!(
            "{indent}SELECT id BULK COLLECT INTO v_ids FROM {t} WHERE ROWNUM <= {n};\n{indent}FORALL i IN 1 .. v_ids.COUNT\n{indent}  UPDATE {u} SET procesado = 'S' WHERE id = v_ids(i);\n"
        ),
        5 => format!(
            "{indent}FOR r IN (SELECT id, LEVEL nivel FROM {t} START WITH padre_id IS NULL CONNECT BY PRIOR id = padre_id) LOOP\n{indent}  v_total := v_total + r.nivel;\n{indent}END LOOP;\n"
        ),
        6 => format!(
            "{indent}v_req := UTL_HTTP.begin_request('https://api.example.com/v1/{t}', 'POST');\n{indent}UTL_HTTP.set_header(v_req, 'Content-Type', 'application/json');\n{indent}v_resp := UTL_HTTP.get_response(v_req);\n{indent}UTL_HTTP.end_response(v_resp);\n"
        ),
        7 => format!(
            "{indent}EXECUTE IMMEDIATE 'UPDATE ' || v_tabla || ' SET estado = :1 WHERE id = :2'\n{indent}  USING v_estado, p_id;\n"
        ),
        8 => format!(
            "{indent}INSERT INTO auditoria (id, tabla, usuario, fecha, detalle)\n{indent}VALUES (auditoria_seq.NEXTVAL, '{t}', USER, SYSTIMESTAMP, q'[it's /\n{indent}done]');\n"
        ),
        9 => format!(
            "{indent}MERGE INTO {t} d\n{indent}USING (SELECT id, importe FROM {u}) s\n{indent}ON (d.id = s.id)\n{indent}WHEN MATCHED THEN UPDATE SET d.importe = s.importe\n{indent}WHEN NOT MATCHED THEN INSERT (id, importe) VALUES (s.id, s.importe);\n"
        ),
        10 => format!(
            "{indent}BEGIN\n{indent}  DELETE FROM {t} WHERE fecha < SYSDATE - {n};\n{indent}EXCEPTION\n{indent}  WHEN NO_DATA_FOUND THEN\n{indent}    NULL;\n{indent}  WHEN OTHERS THEN\n{indent}    RAISE_APPLICATION_ERROR(-20{:03}, 'Error en {t}: ' || SQLERRM);\n{indent}END;\n",
            n % 1000
        ),
        11 => format!(
            "{indent}CASE v_estado\n{indent}  WHEN 'ALTO' THEN v_descuento := 10;\n{indent}  WHEN 'MEDIO' THEN v_descuento := 5;\n{indent}  ELSE v_descuento := DECODE(p_tipo, 'X', 1, 0);\n{indent}END CASE;\n"
        ),
        12 => format!(
            "{indent}OPEN c_datos FOR SELECT * FROM {t} WHERE id = p_id;\n{indent}LOOP\n{indent}  FETCH c_datos INTO v_fila;\n{indent}  EXIT WHEN c_datos%NOTFOUND;\n{indent}  v_cuenta := v_cuenta + 1;\n{indent}END LOOP;\n{indent}CLOSE c_datos;\n"
        ),
        13 => format!("{indent}{}\n{indent}comun_pkg.registrar(p_modulo => '{t}', p_mensaje => 'paso {n}');\n", rng.pick(COMMENTS)),
        14 => format!(
            "{indent}UPDATE {t} SET importe = importe * 1.21 WHERE id = p_id RETURNING importe INTO v_total;\n{indent}COMMIT;\n"
        ),
        _ => format!("{indent}WHILE v_cuenta < {n} LOOP\n{indent}  v_cuenta := v_cuenta + 1;\n{indent}END LOOP;\n"),
    };
    out.push_str(&body);
    body.lines().count()
}

const LOCALS: &str = "    v_total     NUMBER := 0;
    v_descuento NUMBER(5,2) := 0;
    v_cuenta    PLS_INTEGER := 0;
    v_estado    VARCHAR2(10);
    v_fecha     DATE;
    v_tabla     VARCHAR2(30) := 'PEDIDOS';
    v_ids       t_ids;
    v_fila      t_fila;
    v_req       UTL_HTTP.req;
    v_resp      UTL_HTTP.resp;
    c_datos     SYS_REFCURSOR;
";

/// A subprogram body of about `lines` lines; returns lines written.
fn subprogram(out: &mut String, rng: &mut Rng, name: &str, function: bool, lines: usize) -> usize {
    let mut written = 0;
    let header = if function { "FUNCTION" } else { "PROCEDURE" };
    let _ = writeln!(out, "  {header} {name} (p_id IN NUMBER, p_importe IN NUMBER DEFAULT 0, p_tipo IN VARCHAR2 := 'N')");
    if function {
        out.push_str("    RETURN NUMBER\n");
        written += 1;
    }
    out.push_str("  IS\n    TYPE t_ids IS TABLE OF NUMBER INDEX BY PLS_INTEGER;\n    TYPE t_fila IS RECORD (id NUMBER, nombre VARCHAR2(100));\n");
    if rng.chance(10) {
        out.push_str("    PRAGMA AUTONOMOUS_TRANSACTION;\n");
        written += 1;
    }
    out.push_str(LOCALS);
    out.push_str("  BEGIN\n");
    written += 5 + LOCALS.lines().count();
    let mut n = 1;
    while written < lines.saturating_sub(4) {
        written += statement(out, rng, "    ", n);
        n += 1;
    }
    if function {
        out.push_str("    RETURN v_total;\n");
        written += 1;
    }
    let _ = writeln!(
        out,
        "  EXCEPTION\n    WHEN OTHERS THEN\n      ROLLBACK;\n      RAISE;\n  END {name};\n"
    );
    written + 6
}

/// The text of one object, from its header to its last line (no terminator).
fn object_text(rng: &mut Rng, kind: Kind, name: &str, lines: usize) -> String {
    let mut out = String::with_capacity(lines * 40);
    match kind {
        Kind::PackageSpec => {
            let _ = writeln!(out, "PACKAGE {name} AUTHID DEFINER AS\n  -- Interfaz pública de {name}\n  g_version CONSTANT VARCHAR2(10) := '1.0';\n  g_contador PLS_INTEGER := 0;\n  e_no_valido EXCEPTION;\n  PRAGMA EXCEPTION_INIT(e_no_valido, -20001);");
            let mut written = 6;
            let mut i = 0;
            while written < lines.saturating_sub(1) {
                let _ = writeln!(out, "  FUNCTION calcular_{i} (p_id IN NUMBER, p_importe IN NUMBER DEFAULT 0) RETURN NUMBER;\n  PROCEDURE procesar_{i} (p_id IN NUMBER, p_estado OUT VARCHAR2);");
                written += 2;
                i += 1;
            }
            let _ = write!(out, "END {name};");
        }
        Kind::PackageBody => {
            let _ = writeln!(out, "PACKAGE BODY {name} AS\n  g_cache NUMBER;");
            let mut written = 2;
            let mut i = 0;
            while written < lines.saturating_sub(1) {
                let size = 20 + rng.below(100);
                written += subprogram(&mut out, rng, &format!("calcular_{i}"), true, size);
                i += 1;
            }
            let _ = write!(out, "BEGIN\n  g_cache := 0;\nEND {name};");
        }
        Kind::Procedure | Kind::Function => {
            let mut body = String::new();
            subprogram(&mut body, rng, name, kind == Kind::Function, lines);
            out.push_str(body.trim_start().trim_end().trim_end_matches(';'));
            out.push(';');
        }
        Kind::Trigger => {
            let t = rng.pick(TABLES);
            let _ = writeln!(out, "TRIGGER {name}\n  BEFORE INSERT OR UPDATE OF importe ON {t}\n  REFERENCING NEW AS n OLD AS o\n  FOR EACH ROW\n  WHEN (n.importe IS NOT NULL)\nDECLARE\n  v_total NUMBER := 0;\n  v_descuento NUMBER := 0;\n  v_estado VARCHAR2(10);\n  v_cuenta PLS_INTEGER := 0;\n  v_fecha DATE;\n  p_importe NUMBER := :n.importe;\n  p_id NUMBER := :n.id;\n  p_tipo VARCHAR2(1) := 'N';\nBEGIN\n  IF INSERTING THEN\n    :n.creado := SYSDATE;\n  ELSIF UPDATING('importe') THEN\n    :n.modificado := SYSDATE;\n  END IF;");
            let mut written = 20;
            let mut n = 1;
            while written < lines.saturating_sub(1) {
                written += statement(&mut out, rng, "  ", n);
                n += 1;
            }
            let _ = write!(out, "END {name};");
        }
        Kind::TypeSpec => {
            let _ = writeln!(out, "TYPE {name} FORCE AS OBJECT (\n  id NUMBER,\n  nombre VARCHAR2(100),\n  importe NUMBER(12,2),");
            let mut written = 4;
            let mut i = 0;
            while written < lines.saturating_sub(3) {
                let _ =
                    writeln!(out, "  MEMBER FUNCTION total_{i} (p_factor NUMBER) RETURN NUMBER,");
                written += 1;
                i += 1;
            }
            let _ =
                write!(out, "  CONSTRUCTOR FUNCTION {name} RETURN SELF AS RESULT\n) NOT FINAL;");
        }
        Kind::TypeBody => {
            let _ = writeln!(out, "TYPE BODY {name} AS");
            let mut written = 1;
            let mut i = 0;
            while written < lines.saturating_sub(1) {
                let _ = writeln!(out, "  MEMBER FUNCTION total_{i} (p_factor NUMBER) RETURN NUMBER IS\n  BEGIN\n    RETURN SELF.importe * p_factor + {i};\n  END;");
                written += 4;
                i += 1;
            }
            let _ = write!(out, "END;");
        }
        Kind::View => {
            let t = rng.pick(TABLES);
            let u = rng.pick(TABLES);
            let _ = writeln!(out, "VIEW {name} (id, nombre, total) AS\nSELECT a.id, a.nombre, NVL(SUM(b.importe), 0)\n  FROM {t} a, {u} b\n WHERE b.id (+) = a.id");
            let mut written = 4;
            let mut i = 0;
            while written < lines.saturating_sub(1) {
                let _ = writeln!(out, "   AND a.col_{i} IS NOT NULL");
                written += 1;
                i += 1;
            }
            let _ = write!(out, " GROUP BY a.id, a.nombre");
        }
    }
    out
}

/// A kind in the proportions of a real estate; packages come as spec and body.
fn kinds(rng: &mut Rng, count: usize) -> Vec<Kind> {
    let mut kinds = Vec::with_capacity(count + 1);
    while kinds.len() < count {
        match rng.below(100) {
            0..=29 => kinds.extend([Kind::PackageSpec, Kind::PackageBody]),
            30..=49 => kinds.push(Kind::Procedure),
            50..=69 => kinds.push(Kind::Function),
            70..=81 => kinds.push(Kind::Trigger),
            82..=89 => kinds.extend([Kind::TypeSpec, Kind::TypeBody]),
            _ => kinds.push(Kind::View),
        }
    }
    kinds.truncate(count);
    kinds
}

/// Writes an estate of `objects` objects under `dir`: `ddl/` holds DDL exports, one
/// object per file; `spool/` holds `ALL_SOURCE` spools by type with `metadata.json`.
/// The same `seed` always gives the same bytes.
pub fn write_estate(dir: &Path, objects: usize, seed: u64) -> std::io::Result<EstateStats> {
    let mut rng = Rng::new(seed);
    let mut stats = EstateStats::default();
    fs_err::create_dir_all(dir.join("ddl"))?;
    fs_err::create_dir_all(dir.join("spool"))?;
    let mut spools: Vec<(Kind, String, usize)> = Vec::new();
    let mut metadata = Vec::new();
    for (i, kind) in kinds(&mut rng, objects).into_iter().enumerate() {
        let schema = SCHEMAS[i % SCHEMAS.len()];
        // A package keeps one name for its spec and body, a type likewise.
        let base = if matches!(kind, Kind::PackageBody | Kind::TypeBody) { i - 1 } else { i };
        let name = match kind {
            Kind::PackageSpec | Kind::PackageBody => format!("PKG_{base:05}"),
            Kind::TypeSpec | Kind::TypeBody => format!("T_OBJ_{base:05}"),
            Kind::View => format!("V_{base:05}"),
            Kind::Trigger => format!("TRG_{base:05}"),
            _ => format!("{}_{base:05}", if kind == Kind::Procedure { "PRC" } else { "FNC" }),
        };
        let lines = rng.object_lines();
        let text = object_text(&mut rng, kind, &name, lines);
        stats.objects += 1;
        if rng.chance(50) {
            let file = format!("{}_{}.sql", name.to_lowercase(), kind.spool_file());
            let (keyword, rest) = text.split_once(&name).expect("the text names the object");
            let quoted = format!("\"{schema}\".\"{name}\"");
            let noise = if kind == Kind::View { "" } else { "EDITIONABLE " };
            let ddl = format!(
                "SET DEFINE OFF\nPROMPT Creando {name}\nCREATE OR REPLACE {noise}{keyword}{quoted}{rest}\n{}\nSHOW ERRORS\nGRANT EXECUTE ON {quoted} TO app_role;\n",
                if kind == Kind::View { ";" } else { "/" }
            );
            let ddl = if rng.chance(20) { ddl.replace('\n', "\r\n") } else { ddl };
            write_file(&dir.join("ddl").join(file), ddl.as_bytes(), &mut stats)?;
            continue;
        }
        let spool = match spools.iter().position(|(k, _, n)| *k == kind && *n < 50) {
            Some(p) => p,
            None => {
                spools.push((kind, String::new(), 0));
                spools.len() - 1
            }
        };
        let file = format!("{}_{:03}.sql", kind.spool_file(), spool);
        let body = if kind == Kind::View {
            format!("CREATE OR REPLACE {text};\n")
        } else {
            format!("{text}\n/\n")
        };
        let first = spools[spool].1.lines().count();
        metadata.push(serde_json::json!({
            "owner": schema, "object_name": name, "object_type": kind.oracle(),
            "file": file, "line_count": body.lines().count() - usize::from(kind != Kind::View),
            "first_line": first + 1,
        }));
        spools[spool].1.push_str(&body);
        spools[spool].2 += 1;
    }
    for (i, (kind, text, _)) in spools.iter().enumerate() {
        let file = format!("{}_{:03}.sql", kind.spool_file(), i);
        write_file(&dir.join("spool").join(file), text.as_bytes(), &mut stats)?;
    }
    let metadata = serde_json::to_vec_pretty(&serde_json::json!({ "objects": metadata }))?;
    fs_err::write(dir.join("spool").join("metadata.json"), metadata)?;
    Ok(stats)
}

fn write_file(path: &Path, bytes: &[u8], stats: &mut EstateStats) -> std::io::Result<()> {
    stats.files += 1;
    stats.bytes += bytes.len() as u64;
    stats.lines += bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    fs_err::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plsql::{self, ParseStatus};

    #[test]
    fn same_seed_same_estate_and_every_object_parses() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let stats = write_estate(a.path(), 60, 7).unwrap();
        assert_eq!(stats, write_estate(b.path(), 60, 7).unwrap());
        assert_eq!(stats.objects, 60);
        let metadata =
            plsql::Metadata::parse(&std::fs::read(a.path().join("spool/metadata.json")).unwrap())
                .unwrap();
        let mut found = 0;
        for entry in walkdir::WalkDir::new(a.path()).sort_by_file_name() {
            let entry = entry.unwrap();
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "sql") {
                continue;
            }
            let file = plsql::scan_file(
                &path.display().to_string(),
                &std::fs::read(path).unwrap(),
                Some(&metadata),
            );
            assert!(file.diagnostics.is_empty(), "{}: {:?}", file.path, file.diagnostics);
            for object in &file.objects {
                assert_eq!(object.status, ParseStatus::Full, "{} {:?}", object.name, object.errors);
                assert!(object.schema.is_some(), "{} has no schema", object.name);
            }
            found += file.objects.len();
        }
        assert_eq!(found, 60);
    }
}
