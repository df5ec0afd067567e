//! The runner end to end: the real binary over a temporary project.

mod support;

use std::fs;
use std::time::{Duration, SystemTime};

use support::TestProject;

/// Three stages: `copy` feeds `upper`; `count` stands apart and reads a parameter.
const MANIFEST: &str = r#"
[project]
name = "demo"

[target]
postgres_version = 17
region = "eu-west-1"

[stages.copy]
kind = "cmd"
command = "mkdir -p build && cat src/*.sql > build/all.sql"
inputs = ["src/*.sql"]
outputs = ["build/all.sql"]

[stages.upper]
kind = "cmd"
command = "tr a-z A-Z < build/all.sql > upper.sql"
inputs = ["build/all.sql"]
outputs = ["upper.sql"]

[stages.count]
kind = "cmd"
command = "echo pg$PIPELINE_PARAM_TARGET_POSTGRES_VERSION > count.txt; ls notes | wc -l >> count.txt"
inputs = ["notes/"]
outputs = ["count.txt"]
params = ["target.postgres_version"]
"#;

fn demo() -> TestProject {
    let p = TestProject::new();
    p.manifest(MANIFEST)
        .write("src/a.sql", "select 1 from dual;\n")
        .write("src/b.sql", "select 2 from dual;\n")
        .write("notes/one.txt", "1");
    p
}

#[test]
fn first_run_runs_everything_and_second_run_skips_everything() {
    let p = demo();
    let first = p.run_ok(&[]);
    assert_eq!(first.ran(), ["copy", "count", "upper"]);
    assert_eq!(p.read("upper.sql"), "SELECT 1 FROM DUAL;\nSELECT 2 FROM DUAL;\n");
    assert_eq!(p.read("count.txt"), "pg17\n1\n");

    let second = p.run_ok(&[]);
    assert!(second.ran().is_empty(), "{}", second.stderr);
    assert_eq!(second.skipped(), ["copy", "count", "upper"]);
    assert!(second.stderr.contains("3 stages: 0 ran, 3 up to date"), "{}", second.stderr);

    // `-j 1` runs in manifest order, each stage after what it needs.
    p.write("src/b.sql", "select 5 from dual;\n");
    p.write("notes/two.txt", "2");
    assert_eq!(p.run_ok(&["-j", "1"]).ran_in_order(), ["copy", "upper", "count"]);
}

#[test]
fn touching_a_file_without_changing_it_runs_nothing() {
    let p = demo();
    p.run_ok(&[]);
    let later = SystemTime::now() + Duration::from_secs(5);
    fs::File::options().write(true).open(p.path("src/a.sql")).unwrap().set_modified(later).unwrap();
    let rewritten = p.read("notes/one.txt");
    p.write("notes/one.txt", &rewritten);
    assert!(p.run_ok(&[]).ran().is_empty());
}

#[test]
fn changing_one_input_runs_only_the_stages_downstream_of_it() {
    let p = demo();
    p.run_ok(&[]);
    p.write("src/b.sql", "select 3 from dual;\n");
    let run = p.run_ok(&["-v"]);
    assert_eq!(run.ran(), ["copy", "upper"]);
    assert!(run.stderr.contains("running copy: input `src/b.sql` changed"), "{}", run.stderr);
    assert!(run.stderr.contains("running upper: input `build/all.sql` changed"), "{}", run.stderr);
    assert_eq!(p.read("upper.sql"), "SELECT 1 FROM DUAL;\nSELECT 3 FROM DUAL;\n");
}

#[test]
fn an_unchanged_upstream_output_stops_the_rebuild_there() {
    let p = demo();
    p.write("src/b.sql", "select 2 from dual;\n");
    p.run_ok(&[]);
    // A new file sorted after the others, but empty: all.sql comes out the same.
    p.write("src/c.sql", "");
    let run = p.run_ok(&[]);
    assert_eq!(run.ran(), ["copy"]);
    assert_eq!(run.skipped(), ["count", "upper"]);
}

#[test]
fn adding_or_removing_an_input_file_reruns_its_stage() {
    let p = demo();
    p.run_ok(&[]);
    p.write("notes/two.txt", "2");
    assert_eq!(p.run_ok(&[]).ran(), ["count"]);
    assert_eq!(p.read("count.txt"), "pg17\n2\n");
    fs::remove_file(p.path("notes/one.txt")).unwrap();
    let run = p.run_ok(&["-v"]);
    assert_eq!(run.ran(), ["count"]);
    assert!(run.stderr.contains("input `notes/one.txt` is gone"), "{}", run.stderr);
}

#[test]
fn changing_a_parameter_reruns_only_the_stages_that_read_it() {
    let p = demo();
    p.run_ok(&[]);
    p.manifest(&MANIFEST.replace("postgres_version = 17", "postgres_version = 16"));
    let run = p.run_ok(&["-v"]);
    assert_eq!(run.ran(), ["count"]);
    assert!(run.stderr.contains("parameter `target.postgres_version` changed"), "{}", run.stderr);
    assert_eq!(p.read("count.txt"), "pg16\n1\n");
    // A parameter no stage reads changes nothing.
    p.manifest(&MANIFEST.replace("eu-west-1", "us-east-1").replace("= 17", "= 16"));
    assert!(p.run_ok(&[]).ran().is_empty());
}

#[test]
fn changing_a_stage_definition_reruns_it() {
    let p = demo();
    p.run_ok(&[]);
    p.manifest(&MANIFEST.replace("tr a-z A-Z", "tr a-z A-Z "));
    let run = p.run_ok(&["-v"]);
    assert_eq!(run.ran(), ["upper"]);
    assert!(run.stderr.contains("its definition in the manifest changed"), "{}", run.stderr);
    // A description is not part of the definition.
    p.manifest(
        &MANIFEST
            .replace("tr a-z A-Z", "tr a-z A-Z ")
            .replace("[stages.upper]\n", "[stages.upper]\ndescription = \"shout\"\n"),
    );
    assert!(p.run_ok(&[]).ran().is_empty());
}

#[test]
fn deleting_or_editing_an_output_reruns_its_stage() {
    let p = demo();
    p.run_ok(&[]);
    fs::remove_file(p.path("upper.sql")).unwrap();
    let run = p.run_ok(&["-v"]);
    assert_eq!(run.ran(), ["upper"]);
    assert!(run.stderr.contains("output `upper.sql` is missing"), "{}", run.stderr);

    p.write("count.txt", "edited by hand\n");
    let run = p.run_ok(&["-v"]);
    assert_eq!(run.ran(), ["count"]);
    assert!(run.stderr.contains("output `count.txt` was changed by hand"), "{}", run.stderr);
    assert_eq!(p.read("count.txt"), "pg17\n1\n");
}

#[test]
fn a_failing_stage_keeps_its_old_outputs_and_lock_entry() {
    let p = demo();
    p.run_ok(&[]);
    let lock_before = p.read("pipeline.lock");
    p.manifest(&MANIFEST.replace(
        "tr a-z A-Z < build/all.sql > upper.sql",
        "echo half > upper.sql; echo boom >&2; exit 3",
    ));
    let run = p.run(&["run"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.failed(), ["upper"]);
    assert!(run.stderr.contains("command exited with status 3"), "{}", run.stderr);
    assert!(run.stderr.contains("boom"), "{}", run.stderr);
    assert_eq!(p.read("upper.sql"), "SELECT 1 FROM DUAL;\nSELECT 2 FROM DUAL;\n");
    assert_eq!(p.read("pipeline.lock"), lock_before);
}

#[test]
fn a_stage_that_does_not_write_its_output_fails() {
    let p = TestProject::new();
    p.manifest("[stages.lazy]\nkind = \"cmd\"\ncommand = \"true\"\noutputs = [\"out.txt\"]\n");
    let run = p.run(&["run"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("it did not write its output `out.txt`"), "{}", run.stderr);
    assert!(!p.path("pipeline.lock").exists() || !p.read("pipeline.lock").contains("lazy"));
}

#[test]
fn keep_going_still_runs_independent_stages() {
    let p = demo();
    p.manifest(&MANIFEST.replace("mkdir -p build && cat", "exit 1; cat"));
    let stop = p.run(&["run", "-j", "1"]);
    assert_eq!(stop.code, 1);
    assert_eq!(stop.failed(), ["copy"]);
    assert!(stop.ran().is_empty(), "{}", stop.stderr);
    assert!(stop.stderr.contains("not started: upper, count"), "{}", stop.stderr);

    let go = p.run(&["run", "-j", "1", "--keep-going"]);
    assert_eq!(go.code, 1);
    assert_eq!(go.ran(), ["count"]);
    assert!(
        go.stderr.contains("blocked upper: needs `copy`, which did not succeed"),
        "{}",
        go.stderr
    );
}

#[test]
fn naming_a_stage_runs_it_with_what_it_needs_only() {
    let p = demo();
    let run = p.run_ok(&["upper"]);
    assert_eq!(run.ran(), ["copy", "upper"]);
    assert!(!p.path("count.txt").exists());
    let unknown = p.run(&["run", "uper"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("no stage named `uper`"), "{}", unknown.stderr);
}

#[test]
fn force_reruns_up_to_date_stages() {
    let p = demo();
    p.run_ok(&[]);
    assert_eq!(p.run_ok(&["--force", "count"]).ran(), ["count"]);
}

#[test]
fn dry_run_says_what_would_run_and_why_and_runs_nothing() {
    let p = demo();
    p.run_ok(&[]);
    p.write("src/a.sql", "select 9 from dual;\n");
    let run = p.run(&["run", "--dry-run"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        "run  copy: input `src/a.sql` changed\n\
         run  upper: it needs `copy`, which will run first\n\
         skip count: up to date\n"
    );
    assert_eq!(p.read("upper.sql"), "SELECT 1 FROM DUAL;\nSELECT 2 FROM DUAL;\n");
    let status = p.run(&["status"]);
    assert_eq!(
        status.stdout,
        "copy   stale: input `src/a.sql` changed\n\
         upper  stale: it needs `copy`, which will run first\n\
         count  up to date\n"
    );
}

#[test]
fn status_before_any_run_reports_never_ran() {
    let p = demo();
    let status = p.run(&["status"]);
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert!(status.stdout.starts_with("copy   stale: never ran"), "{}", status.stdout);
}

#[test]
fn lock_file_is_identical_across_checkouts() {
    let a = demo();
    let b = demo();
    a.run_ok(&[]);
    b.run_ok(&["-j", "1"]);
    let lock = a.read("pipeline.lock");
    assert_eq!(lock, b.read("pipeline.lock"));
    assert!(!lock.contains(a.root().to_str().unwrap()));
    let inputs: Vec<&str> = lock.lines().filter(|l| l.starts_with("\"src/")).collect();
    assert_eq!(inputs.len(), 2);
    assert!(inputs[0] < inputs[1], "{lock}");
}

#[test]
fn removed_stages_leave_the_lock_file() {
    let p = demo();
    p.run_ok(&[]);
    let without_count = MANIFEST.split("[stages.count]").next().unwrap();
    p.manifest(without_count);
    p.run_ok(&[]);
    assert!(!p.read("pipeline.lock").contains("[stages.count]"));
}

#[test]
fn manifest_errors_point_at_the_line_and_run_nothing() {
    let p = demo();
    p.manifest(
        &MANIFEST
            .replace("outputs = [\"upper.sql\"]", "outputs = [\"upper.sql\"]\nafter = [\"cpy\"]"),
    );
    let run = p.run(&["run"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("error: unknown stage `cpy` in `after`"), "{}", run.stderr);
    assert!(run.stderr.contains("--> pipeline.toml:20:10"), "{}", run.stderr);
    assert!(run.stderr.contains("hint: stages defined: copy, upper, count"), "{}", run.stderr);
    assert!(!p.path("build").exists());
}

#[test]
fn missing_manifest_suggests_init() {
    let p = TestProject::new();
    let run = p.run(&["status"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no pipeline.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("pipeline init"), "{}", run.stderr);
}

#[test]
fn dag_prints_text_dot_and_mermaid() {
    let p = demo();
    assert_eq!(p.run(&["dag"]).stdout, "copy\nupper <- copy\ncount\n");
    let dot = p.run(&["dag", "--format", "dot"]).stdout;
    assert!(dot.starts_with("digraph pipeline {"), "{dot}");
    assert!(dot.contains("\"copy\" -> \"upper\";"), "{dot}");
    let mermaid = p.run(&["dag", "--format", "mermaid"]).stdout;
    assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
    assert!(mermaid.contains("  s0[\"copy (cmd)\"]\n"), "{mermaid}");
    assert!(mermaid.contains("  s0 --> s1\n"), "{mermaid}");
}

#[test]
fn clean_removes_outputs_and_the_next_run_rebuilds_them() {
    let p = demo();
    p.run_ok(&[]);
    let dry = p.run(&["clean", "--dry-run", "upper"]);
    assert!(dry.stdout.contains("would remove"), "{}", dry.stdout);
    assert!(p.path("upper.sql").exists());
    assert_eq!(p.run(&["clean", "upper"]).code, 0);
    assert!(!p.path("upper.sql").exists());
    assert!(p.path("count.txt").exists());
    assert_eq!(p.run_ok(&[]).ran(), ["upper"]);
    assert_eq!(p.run(&["clean", "--state"]).code, 0);
    assert!(!p.path(".pipeline").exists());
    assert!(!p.path("count.txt").exists());
}

#[test]
fn init_writes_a_manifest_that_runs_and_never_overwrites() {
    let p = TestProject::new();
    assert_eq!(p.run(&["init", "estate"]).code, 0);
    p.write(
        "estate/extracted/hr.sql",
        "CREATE OR REPLACE FUNCTION hr.f RETURN NUMBER IS BEGIN RETURN 1; END;\n/\n\
         CREATE OR REPLACE PROCEDURE hr.p IS BEGIN NULL; END;\n/\n",
    );
    let run = p.run(&["--manifest", "estate/pipeline.toml", "run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.ran_in_order()[0], "classify");
    assert_eq!(run.ran(), ["classify", "count", "embed"]);
    assert_eq!(p.read("estate/knowledge/object-count.txt").trim(), "2");
    // The databases are not for git; their text exports are.
    let ignore = p.read("estate/.gitignore");
    assert!(ignore.lines().any(|l| l == "/knowledge/*.duckdb"), "{ignore}");
    let again = p.run(&["init", "estate"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
}

#[test]
fn ctrl_c_stops_the_stage_and_restores_its_outputs() {
    let p = TestProject::new();
    p.manifest(
        "[stages.slow]\nkind = \"cmd\"\ncommand = \"echo new > out.txt; sleep 30\"\noutputs = [\"out.txt\"]\n\n\
         [stages.quick]\nkind = \"cmd\"\ncommand = \"echo done > quick.txt\"\noutputs = [\"quick.txt\"]\n",
    );
    p.write("out.txt", "old\n");
    let child =
        p.command(&["run", "-j", "2"]).stderr(std::process::Stdio::piped()).spawn().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while p.read("out.txt") != "new\n" || !p.path("quick.txt").exists() {
        assert!(std::time::Instant::now() < deadline, "stage never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let pid = child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert_eq!(p.read("out.txt"), "old\n");
    let lock = p.read("pipeline.lock");
    assert!(lock.contains("[stages.quick]") && !lock.contains("[stages.slow]"), "{lock}");
}

#[test]
fn quiet_default_output_is_one_line_per_stage_and_a_summary() {
    let p = demo();
    let first = p.run_ok(&["-j", "1"]);
    let second = p.run_ok(&["-j", "1"]);
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\(\d+\.\d+s\)", "([TIME])");
    settings.bind(|| {
        insta::assert_snapshot!("first_run", first.stderr);
        insta::assert_snapshot!("second_run", second.stderr);
    });
}

#[test]
fn outputs_a_command_no_longer_writes_do_not_survive_its_rerun() {
    let p = TestProject::new();
    p.manifest(
        "[stages.conv]\nkind = \"cmd\"\ncommand = \"mkdir -p out && for f in src/*; do cp $f out/; done\"\n\
         inputs = [\"src/\"]\noutputs = [\"out/\"]\n",
    );
    p.write("src/t4.sql", "4").write("src/t3.sql", "3");
    p.run_ok(&[]);
    fs::rename(p.path("src/t4.sql"), p.path("src/t5.sql")).unwrap();
    p.run_ok(&[]);
    assert!(!p.path("out/t4.sql").exists());
    assert!(p.path("out/t5.sql").exists());
    assert!(!p.read("pipeline.lock").contains("out/t4.sql"));
}

#[test]
fn an_empty_output_folder_is_a_valid_result() {
    let p = TestProject::new();
    p.manifest(
        "[stages.check]\nkind = \"cmd\"\ncommand = \"mkdir -p errors\"\noutputs = [\"errors/\"]\n",
    );
    p.run_ok(&[]);
    assert!(p.run_ok(&[]).ran().is_empty());
}

#[test]
fn force_applies_to_the_named_stage_only() {
    let p = demo();
    p.run_ok(&[]);
    assert_eq!(p.run_ok(&["--force", "upper"]).ran(), ["upper"]);
    let dry = p.run(&["run", "-n", "-f", "upper"]);
    assert_eq!(dry.stdout, "skip copy: up to date\nrun  upper: forced\n");
}

#[test]
fn a_pattern_that_matches_nothing_is_warned_about() {
    let p = demo();
    p.manifest(
        &MANIFEST
            .replace("inputs = [\"src/*.sql\"]", "inputs = [\"src/*.sql\", \"extraced/**/*.sql\"]"),
    );
    let run = p.run_ok(&["copy"]);
    assert!(
        run.stderr.contains("warning: copy: input `extraced/**/*.sql` matched no file"),
        "{}",
        run.stderr
    );
}

#[test]
fn status_reports_a_stage_whose_input_is_missing_and_goes_on() {
    let p = demo();
    p.manifest(&format!(
        "{MANIFEST}\n[stages.missing]\nkind = \"cmd\"\ncommand = \"true\"\ninputs = [\"gone.sql\"]\n"
    ));
    let status = p.run(&["status"]);
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert!(
        status
            .stdout
            .contains("missing  stale: its inputs cannot be read: input `gone.sql` does not exist"),
        "{}",
        status.stdout
    );
    assert!(status.stdout.contains("count    stale: never ran"), "{}", status.stdout);
    let run = p.run(&["run", "-k"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.failed(), ["missing"]);
    assert_eq!(run.ran(), ["copy", "count", "upper"]);
}

#[test]
fn commands_get_an_absolute_project_root_whatever_the_manifest_path() {
    let p = TestProject::new();
    p.write(
        "proj/pipeline.toml",
        "[stages.env]\nkind = \"cmd\"\ncommand = \"cat $PIPELINE_ROOT/in.txt > env.txt\"\noutputs = [\"env.txt\"]\n",
    );
    p.write("proj/in.txt", "hello\n");
    let run = p.run(&["--manifest", "proj", "run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(p.read("proj/env.txt"), "hello\n");
}

#[test]
fn closing_the_pipe_early_is_not_a_crash() {
    let p = demo();
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("'{}' dag | head -c 1 > /dev/null", env!("CARGO_BIN_EXE_pipeline")))
        .current_dir(p.root())
        .output()
        .unwrap();
    assert!(status.status.success());
    assert!(!String::from_utf8_lossy(&status.stderr).contains("panicked"));
}

#[cfg(unix)]
#[test]
fn the_lock_file_is_readable_by_others_like_any_committed_file() {
    use std::os::unix::fs::PermissionsExt;
    let p = demo();
    p.run_ok(&[]);
    let mode = fs::metadata(p.path("pipeline.lock")).unwrap().permissions().mode();
    assert_eq!(mode & 0o644, 0o644, "{mode:o}");
}

#[test]
fn ctrl_c_also_stops_what_the_command_started() {
    let p = TestProject::new();
    p.manifest(
        "[stages.slow]\nkind = \"cmd\"\n\
         command = \"mkdir -p out; (sleep 1; echo LATE > late.txt) & echo part > out/a; sleep 30\"\n\
         outputs = [\"out/\"]\n",
    );
    let child = p.command(&["run"]).stderr(std::process::Stdio::piped()).spawn().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !p.path("out/a").exists() {
        assert!(std::time::Instant::now() < deadline, "stage never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        !p.path("late.txt").exists(),
        "a background job of the command outlived the interruption"
    );
    assert!(!p.path("out").exists());
}

#[test]
fn a_second_run_in_the_same_project_is_refused_while_one_runs() {
    let p = TestProject::new();
    p.manifest(
        "[stages.slow]\nkind = \"cmd\"\ncommand = \"sleep 3; echo > o\"\noutputs = [\"o\"]\n",
    );
    let first = p.command(&["run"]).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let second = p.run(&["run"]);
    assert_eq!(second.code, 2, "{}", second.stderr);
    assert!(
        second.stderr.contains("another `pipeline run` is working in this project"),
        "{}",
        second.stderr
    );
    let pid = first.id().to_string();
    std::process::Command::new("kill").args(["-INT", &pid]).status().unwrap();
    let _ = first.wait_with_output();
}
