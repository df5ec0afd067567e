//! `pipeline run render` on a copy of this repository's manifest and
//! templates: what it writes, and what a change to one value changes.

mod support;

use std::path::Path;

use support::TestProject;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A project holding the repository's manifest (render stage only) and templates.
fn project() -> TestProject {
    let p = TestProject::new();
    let manifest = std::fs::read_to_string(repo().join("pipeline.toml")).unwrap();
    let render_only = keep_only_stage(&manifest, "render");
    p.manifest(&render_only);
    copy_dir(&repo().join("templates/deploy"), &p.path("templates/deploy"));
    p
}

/// The manifest with every `[stages.*]` table but `name` removed.
fn keep_only_stage(manifest: &str, name: &str) -> String {
    let mut out = String::new();
    let mut keep = true;
    for line in manifest.lines() {
        if line.starts_with("[stages.") {
            keep = line == format!("[stages.{name}]");
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn render_writes_exactly_the_committed_deploy_tree() {
    let p = project();
    let run = p.run_ok(&["render"]);
    assert_eq!(run.ran(), ["render"]);
    assert_eq!(tree(&p.path("deploy")), tree(&repo().join("deploy")));
    let again = p.run_ok(&["render"]);
    assert!(again.ran().is_empty(), "{}", again.stderr);
}

#[cfg(unix)]
#[test]
fn rendered_scripts_are_executable() {
    use std::os::unix::fs::PermissionsExt;
    let p = project();
    p.run_ok(&["render"]);
    let mode =
        std::fs::metadata(p.path("deploy/scripts/deploy_lambda.sh")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o755);
}

#[test]
fn changing_one_value_changes_only_the_lines_that_use_it() {
    let p = project();
    p.run_ok(&["render"]);
    let before = tree(&p.path("deploy"));
    let manifest = p.read("pipeline.toml");
    assert!(manifest.contains("memory_mb = 256"));
    p.manifest(&manifest.replacen("memory_mb = 256", "memory_mb = 512", 1));
    let run = p.run_ok(&["render", "-v"]);
    assert!(run.stderr.contains("parameter `aws.http_client.memory_mb` changed"), "{}", run.stderr);
    let after = tree(&p.path("deploy"));
    let mut changed_lines = Vec::new();
    for ((path, old), (_, new)) in before.iter().zip(&after) {
        let (old, new) = (String::from_utf8_lossy(old), String::from_utf8_lossy(new));
        assert_eq!(old.lines().count(), new.lines().count(), "{path}");
        for (a, b) in old.lines().zip(new.lines()) {
            if a != b {
                changed_lines.push(format!("{path}: {b}"));
            }
        }
    }
    assert!(!changed_lines.is_empty());
    assert!(changed_lines.iter().all(|l| l.contains("512")), "{changed_lines:#?}");
}

#[test]
fn a_file_the_templates_no_longer_produce_is_removed() {
    let p = project();
    p.run_ok(&["render"]);
    p.write("deploy/stale.txt", "left over\n");
    let run = p.run_ok(&["render"]);
    assert!(run.stderr.contains("1 removed"), "{}", run.stderr);
    assert!(run.stderr.contains("warning: render: removed `deploy/stale.txt`"), "{}", run.stderr);
    assert!(!p.path("deploy/stale.txt").exists());
}

#[test]
fn a_missing_value_fails_naming_the_template_and_the_key() {
    let p = project();
    let manifest = p.read("pipeline.toml");
    let without_region: String =
        manifest.lines().filter(|l| !l.starts_with("region =")).map(|l| format!("{l}\n")).collect();
    p.manifest(&without_region);
    let run = p.run(&["run", "render"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("value `aws.region` is missing from the manifest"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("template `"), "{}", run.stderr);
    assert!(!p.path("deploy").exists() || tree(&p.path("deploy")).is_empty());
}
