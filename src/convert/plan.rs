//! The converted objects of one or more conversion folders, in the order
//! they must be applied to a database: each after what it depends on, as
//! classification's `order.txt` says, and the objects it does not list
//! last, sorted by name.
//!
//! Only rows of `index.tsv` with status `converted` have SQL; the others
//! are kept as they are, so that a report can count them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::worklist::{self, Converted, Status, WorklistError};

/// One object to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// The folder it came from, relative to the project root, with a
    /// final `/` (`migrated/simple/`).
    pub folder: String,
    /// Its row of the folder's `index.tsv`.
    pub row: Converted,
}

impl Planned {
    /// The SQL file, relative to the project root.
    pub fn file(&self) -> String {
        format!("{}{}", self.folder, self.row.file)
    }
}

/// Reads the `N<TAB>OBJECT` lines of an order file: object name to
/// position. Comment lines (`#`) and blank lines are skipped.
pub fn read_order(path: &Path) -> Result<HashMap<String, usize>, WorklistError> {
    let shown = path.display().to_string();
    let text = fs_err::read_to_string(path).map_err(|e| WorklistError {
        path: shown.clone(),
        line: 0,
        message: format!("cannot read it: {e}"),
    })?;
    let mut order = HashMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((number, object)) = line.split_once('\t') else {
            return Err(WorklistError {
                path: shown,
                line: n + 1,
                message: "expected a position and an object separated by a tab".to_owned(),
            });
        };
        let position = number.trim().parse::<usize>().map_err(|_| WorklistError {
            path: shown.clone(),
            line: n + 1,
            message: format!("`{number}` is not a position"),
        })?;
        order.entry(object.to_owned()).or_insert(position);
    }
    Ok(order)
}

/// Every row of the folders' indexes, those to apply in dependency order
/// first. `folders` are project-relative, each ending in `/`.
pub fn plan(
    root: &Path,
    folders: &[String],
    order: &HashMap<String, usize>,
) -> Result<Vec<Planned>, WorklistError> {
    let mut planned = Vec::new();
    for folder in folders {
        let path: PathBuf = root.join(folder);
        for row in worklist::read_index(&path)? {
            planned.push(Planned { folder: folder.clone(), row });
        }
    }
    planned.sort_by(|a, b| {
        let key =
            |p: &Planned| (p.row.status != Status::Converted, order.get(&p.row.object).copied());
        let (a_skip, a_at) = key(a);
        let (b_skip, b_at) = key(b);
        // Listed objects before unlisted ones; `None < Some` the other way.
        a_skip
            .cmp(&b_skip)
            .then(a_at.is_none().cmp(&b_at.is_none()))
            .then(a_at.cmp(&b_at))
            .then(a.row.object.cmp(&b.row.object))
            .then(a.folder.cmp(&b.folder))
    });
    Ok(planned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::worklist::write_index;

    fn row(object: &str, status: Status) -> Converted {
        Converted {
            object: object.into(),
            file: worklist::file_name(object, "sql"),
            route: "ora2pg".into(),
            status,
            source: "extracted/a.sql".into(),
            first_line: 1,
            hash: "h".into(),
            message: String::new(),
        }
    }

    #[test]
    fn objects_come_in_dependency_order_then_unlisted_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("simple");
        std::fs::create_dir_all(&folder).unwrap();
        write_index(
            &folder,
            &[
                row("S.Z (VIEW)", Status::Converted),
                row("S.T (TABLE)", Status::Converted),
                row("S.B (FUNCTION)", Status::Converted),
                row("S.A (FUNCTION)", Status::Converted),
                row("S.F (FUNCTION)", Status::Failed),
            ],
        )
        .unwrap();
        let order_file = dir.path().join("order.txt");
        std::fs::write(&order_file, "# order\n1\tS.T (TABLE)\n2\tS.Z (VIEW)\n# cycle 1: x\n")
            .unwrap();
        let order = read_order(&order_file).unwrap();
        let planned = plan(dir.path(), &["simple/".to_owned()], &order).unwrap();
        let names: Vec<&str> = planned.iter().map(|p| p.row.object.as_str()).collect();
        assert_eq!(
            names,
            ["S.T (TABLE)", "S.Z (VIEW)", "S.A (FUNCTION)", "S.B (FUNCTION)", "S.F (FUNCTION)"]
        );
        assert_eq!(planned[0].file(), "simple/s/t.table.sql");
    }

    #[test]
    fn a_bad_order_line_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("order.txt");
        std::fs::write(&path, "# c\n1\tA.B (VIEW)\nnot a line\n").unwrap();
        let e = read_order(&path).unwrap_err();
        assert_eq!(e.line, 3);
    }
}
