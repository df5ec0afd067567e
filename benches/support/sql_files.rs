//! The SQL files under a folder, as the benches that read real code find them.

use std::path::{Path, PathBuf};

const SQL_EXTENSIONS: &[&str] = &[
    "sql", "pks", "pkb", "pls", "plb", "prc", "fnc", "trg", "tps", "tpb", "vw", "typ", "pck",
    "spc", "bdy",
];

pub fn sql_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| SQL_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        })
        .collect();
    files.sort();
    files
}
