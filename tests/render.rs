//! The committed `deploy/` tree is exactly what `templates/deploy` renders with the values in
//! the repository's `pipeline.toml`, so the two can never drift apart.
//!
//! After changing a template or a value, regenerate the tree with
//! `UPDATE_DEPLOY=1 cargo test --test render` and commit both.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pipeline::render::{render_tree, RenderError, RenderedFile};
use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn templates() -> PathBuf {
    repo().join("templates/deploy")
}

fn values() -> Value {
    let manifest = pipeline::manifest::Manifest::load(&repo().join("pipeline.toml")).unwrap();
    serde_json::to_value(manifest.settings()).unwrap()
}

fn render(values: &Value) -> BTreeMap<PathBuf, RenderedFile> {
    let files = render_tree(&templates(), values).unwrap();
    files.into_iter().map(|file| (file.path.clone(), file)).collect()
}

fn text(file: &RenderedFile) -> &str {
    std::str::from_utf8(&file.contents).unwrap()
}

fn committed_tree(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, bool)> {
    let mut tree = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(dir).unwrap().to_owned();
            let contents = fs_err::read(entry.path()).unwrap();
            tree.insert(relative, (contents, is_executable(entry.path())));
        }
    }
    tree
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs_err::metadata(path).unwrap().permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &Path) -> bool {
    true
}

fn write_tree(dir: &Path, files: &BTreeMap<PathBuf, RenderedFile>) {
    if dir.exists() {
        fs_err::remove_dir_all(dir).unwrap();
    }
    for file in files.values() {
        let path = dir.join(&file.path);
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        fs_err::write(&path, &file.contents).unwrap();
        #[cfg(unix)]
        if file.executable {
            use std::os::unix::fs::PermissionsExt;
            fs_err::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
}

#[test]
fn committed_deploy_tree_is_what_the_templates_render() {
    let rendered = render(&values());
    let dir = repo().join("deploy");
    if std::env::var_os("UPDATE_DEPLOY").is_some() {
        write_tree(&dir, &rendered);
    }
    let committed = committed_tree(&dir);
    let rendered_paths: Vec<_> = rendered.keys().collect();
    let committed_paths: Vec<_> = committed.keys().collect();
    assert_eq!(committed_paths, rendered_paths, "run `UPDATE_DEPLOY=1 cargo test --test render`");
    for (path, file) in &rendered {
        let (contents, executable) = &committed[path];
        assert!(
            contents == &file.contents,
            "deploy/{} differs from its template; run `UPDATE_DEPLOY=1 cargo test --test render`",
            path.display()
        );
        if cfg!(unix) {
            assert_eq!(*executable, file.executable, "execute bit of deploy/{}", path.display());
        }
    }
}

#[test]
fn rendering_twice_gives_the_same_files() {
    assert_eq!(render(&values()), render(&values()));
}

#[test]
fn scripts_are_executable_and_nothing_else_is() {
    for file in render(&values()).values() {
        let is_script = file.path.extension().is_some_and(|ext| ext == "sh");
        assert_eq!(file.executable, is_script, "{}", file.path.display());
    }
}

/// Changes one value and checks that exactly the lines mentioning it change, nothing else.
fn assert_only_lines_using_it_change(pointer: &str, new: &str) {
    let old = values().pointer(pointer).unwrap().as_str().unwrap().to_owned();
    assert_changing_lines(pointer, Value::String(old), Value::String(new.to_owned()));
}

/// Renders with `old` then `new` at `pointer`; the lines that differ must be exactly those
/// that contain `old`'s text, and differ only by it.
fn assert_changing_lines(pointer: &str, old: Value, new: Value) {
    let text_of = |value: &Value| value.as_str().map_or_else(|| value.to_string(), str::to_owned);
    let (old_text, new_text) = (text_of(&old), text_of(&new));
    let (mut before, mut after) = (values(), values());
    *before.pointer_mut(pointer).unwrap() = old;
    *after.pointer_mut(pointer).unwrap() = new;
    let (before, after) = (render(&before), render(&after));
    let mut uses = 0;
    for (path, old_file) in &before {
        let (old_lines, new_lines): (Vec<_>, Vec<_>) =
            (text(old_file).lines().collect(), text(&after[path]).lines().collect());
        assert_eq!(old_lines.len(), new_lines.len(), "{}", path.display());
        for (number, (old_line, new_line)) in old_lines.iter().zip(&new_lines).enumerate() {
            let uses_value = old_line.contains(&old_text);
            uses += usize::from(uses_value);
            assert_eq!(
                old_line != new_line,
                uses_value,
                "{}:{}: `{old_line}` became `{new_line}`",
                path.display(),
                number + 1
            );
            assert_eq!(*new_line, old_line.replace(&old_text, &new_text));
        }
    }
    assert!(uses > 0, "no rendered line uses {pointer}");
}

#[test]
fn changing_the_http_function_name_changes_only_the_lines_that_use_it() {
    assert_only_lines_using_it_change("/aws/http_client/function_name", "partner-http-gateway");
}

#[test]
fn changing_the_region_changes_only_the_lines_that_use_it() {
    assert_only_lines_using_it_change("/aws/region", "eu-south-2");
}

#[test]
fn changing_the_report_bucket_changes_only_the_lines_that_use_it() {
    assert_only_lines_using_it_change("/aws/csv_to_xlsx/bucket", "other-reports-bucket");
}

/// A number that appears nowhere else, so the lines that use it can be told apart.
#[test]
fn changing_the_embedding_dimension_changes_only_the_lines_that_use_it() {
    assert_changing_lines("/knowledge/embedding_dimensions", 1536.into(), 768.into());
}

#[test]
fn a_missing_value_is_an_error_naming_the_template_and_the_key() {
    let mut values = values();
    values["knowledge"].as_object_mut().unwrap().remove("hnsw_m");
    let error = render_tree(&templates(), &values).unwrap_err();
    let RenderError::MissingValue { template, key, at } = &error else {
        panic!("expected a missing value, got {error}");
    };
    assert!(template.starts_with("sql/knowledge_base/"), "{template}");
    assert_eq!(key, "knowledge.hnsw_m");
    eprintln!("{error}");
    assert!(at.line.is_some(), "{error}");
    let message = error.to_string();
    assert!(message.contains(template.as_str()) && message.contains(key.as_str()), "{message}");
}

#[test]
fn a_missing_table_is_an_error_too() {
    let mut values = values();
    values["aws"].as_object_mut().unwrap().remove("vpc");
    let error = render_tree(&templates(), &values).unwrap_err();
    assert!(error.missing_key().is_some_and(|key| key.starts_with("aws.vpc.")), "{error}");
}

#[test]
fn a_file_without_the_template_suffix_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    fs_err::write(dir.path().join("forgot.sql"), "SELECT 1;").unwrap();
    let error = render_tree(dir.path(), &values()).unwrap_err();
    assert!(matches!(error, RenderError::NotATemplate { .. }), "{error}");
}

#[test]
fn every_rendered_json_file_parses() {
    let files = render(&values());
    let json = files.values().filter(|f| f.path.extension().is_some_and(|e| e == "json"));
    let mut count = 0;
    for file in json {
        let parsed: Result<Value, _> = serde_json::from_slice(&file.contents);
        assert!(parsed.is_ok(), "{}: {:?}", file.path.display(), parsed.err());
        count += 1;
    }
    assert!(count >= 2);
}

/// SAM templates use the short tag forms (`!Ref`, `!Sub`, `!GetAtt`); serde_norway reads them
/// as tagged values, which is all a parse check needs.
#[test]
fn every_rendered_yaml_file_parses() {
    let files = render(&values());
    let yaml = files.values().filter(|f| f.path.extension().is_some_and(|e| e == "yaml"));
    let mut count = 0;
    for file in yaml {
        let parsed: Result<serde_norway::Value, _> = serde_norway::from_slice(&file.contents);
        let parsed = parsed.unwrap_or_else(|e| panic!("{}: {e}", file.path.display()));
        assert!(parsed.get("Resources").is_some(), "{} has no Resources", file.path.display());
        count += 1;
    }
    assert_eq!(count, 2);
}

/// Every `{{...}}` in a template starts with an escaping helper or a block keyword, so no
/// value is ever inserted raw into SQL, shell, YAML or code.
#[test]
fn templates_insert_values_only_through_escaping_helpers() {
    const ALLOWED: &[&str] =
        &["json", "sql_literal", "sql_ident", "sh", "integer", "#if", "/if", "else", "#unless"];
    for entry in walkdir::WalkDir::new(templates()) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let source = fs_err::read_to_string(entry.path()).unwrap();
        for (start, _) in source.match_indices("{{") {
            if source[..start].ends_with('\\') {
                continue;
            }
            let inner = source[start + 2..].trim_start_matches(['~', '{']).trim_start();
            if inner.starts_with('!') {
                continue;
            }
            let word = inner.split(|c: char| c.is_whitespace() || c == '}').next().unwrap();
            assert!(
                ALLOWED.contains(&word) || word == "/unless",
                "{}: `{{{{{word}` inserts a value without an escaping helper",
                entry.path().display()
            );
        }
    }
}
