use std::path::Path;

use super::*;
use crate::runner::Project;

fn parse(text: &str) -> Result<Manifest, ManifestError> {
    Manifest::parse(Path::new("pipeline.toml"), text)
}

fn error(text: &str) -> String {
    match parse(text).and_then(Project::new) {
        Ok(_) => panic!("manifest was accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

const TWO_STAGES: &str = r#"
[target]
postgres_version = 17

[stages.scan]
kind = "cmd"
command = "cp extracted/a.sql knowledge/a.sql"
inputs = ["./extracted//*.sql"]
outputs = ["knowledge/"]
params = ["target.postgres_version"]

[stages.report]
kind = "cmd"
command = "true"
inputs = ["knowledge/a.sql"]
outputs = ["report.md"]
"#;

#[test]
fn valid_manifest_keeps_declaration_order_and_normalises_paths() {
    let manifest = parse(TWO_STAGES).unwrap();
    let names: Vec<&str> = manifest.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["scan", "report"]);
    assert_eq!(manifest.stages[0].inputs[0].get_ref(), "extracted/*.sql");
    assert_eq!(manifest.param("target.postgres_version"), Some(&toml::Value::Integer(17)));
    let project = Project::new(manifest).unwrap();
    assert_eq!(project.graph.deps, vec![vec![], vec![0]]);
}

#[test]
fn unknown_stage_key_points_at_the_key() {
    let shown = error("[stages.a]\nkind = \"cmd\"\ncommand = \"true\"\ninptus = []\n");
    assert!(shown.contains("unknown field `inptus`"), "{shown}");
    assert!(shown.contains("pipeline.toml:4:1"), "{shown}");
}

#[test]
fn wrong_type_points_at_the_value() {
    let shown = error("[stages.a]\nkind = \"cmd\"\ncommand = \"true\"\noutputs = \"x\"\n");
    assert!(shown.contains("invalid type"), "{shown}");
    assert!(shown.contains("pipeline.toml:4:11"), "{shown}");
}

#[test]
fn unknown_kind_lists_the_kinds() {
    let shown = error("[stages.a]\nkind = \"compile\"\n");
    assert!(shown.contains("unknown stage kind `compile`"), "{shown}");
    assert!(shown.contains("pipeline.toml:2:8"), "{shown}");
    assert!(shown.contains("hint: available kinds: cmd"), "{shown}");
}

#[test]
fn unknown_after_points_at_the_name() {
    let shown = error("[stages.a]\nkind = \"cmd\"\ncommand = \"true\"\nafter = [\"b\"]\n");
    assert!(shown.contains("unknown stage `b` in `after`"), "{shown}");
    assert!(shown.contains("pipeline.toml:4:10"), "{shown}");
}

#[test]
fn missing_parameter_is_rejected() {
    let shown =
        error("[stages.a]\nkind = \"cmd\"\ncommand = \"true\"\nparams = [\"aws.region\"]\n");
    assert!(shown.contains("parameter `aws.region` is not set"), "{shown}");
    assert!(shown.contains("pipeline.toml:4:11"), "{shown}");
}

#[test]
fn two_stages_writing_one_output_are_rejected() {
    let text = "[stages.a]\nkind = \"cmd\"\ncommand = \"true\"\noutputs = [\"out/\"]\n\n\
                [stages.b]\nkind = \"cmd\"\ncommand = \"true\"\noutputs = [\"out/x.txt\"]\n";
    let shown = error(text);
    assert!(shown.contains("output `out/x.txt` is also written by stage `a`"), "{shown}");
    assert!(shown.contains("pipeline.toml:9:12"), "{shown}");
}

#[test]
fn cycle_names_its_stages() {
    let text = "[stages.a]\nkind = \"cmd\"\ncommand = \"true\"\ninputs = [\"b.txt\"]\noutputs = [\"a.txt\"]\n\n\
                [stages.b]\nkind = \"cmd\"\ncommand = \"true\"\ninputs = [\"a.txt\"]\noutputs = [\"b.txt\"]\n";
    let shown = error(text);
    assert!(
        shown.contains("cycle: a -> b -> a") || shown.contains("cycle: b -> a -> b"),
        "{shown}"
    );
}

#[test]
fn reading_its_own_output_is_rejected() {
    let text = "[stages.a]\nkind = \"cmd\"\ncommand = \"true\"\ninputs = [\"out/**\"]\noutputs = [\"out/\"]\n";
    assert!(error(text).contains("stage `a` reads its own output through `out/**`"));
}

#[test]
fn cmd_needs_a_command_and_paths_stay_inside() {
    assert!(error("[stages.a]\nkind = \"cmd\"\n").contains("needs a `command`"));
    let shown = error("[stages.a]\nkind = \"cmd\"\ncommand = \"true\"\ninputs = [\"../x\"]\n");
    assert!(shown.contains("must not leave the project folder"), "{shown}");
    let shown = error("[stages.a]\nkind = \"cmd\"\ncommand = \"true\"\noutputs = [\"/etc/x\"]\n");
    assert!(shown.contains("must be relative"), "{shown}");
}

#[test]
fn top_level_scalars_are_rejected() {
    let shown = error("postgres_version = 17\n");
    assert!(shown.contains("top-level key `postgres_version` must be a table"), "{shown}");
    assert!(shown.contains("pipeline.toml:1:1"), "{shown}");
}

#[test]
fn invalid_toml_points_at_the_line() {
    let shown = error("[stages.a]\nkind = \"cmd\n");
    assert!(shown.starts_with("invalid TOML"), "{shown}");
    assert!(shown.contains("pipeline.toml:2:"), "{shown}");
}

#[test]
fn project_folder_state_and_lock_cannot_be_outputs() {
    for output in [".", "./", ".pipeline/", ".git/hooks", "pipeline.toml", "pipeline.lock"] {
        let text =
            format!("[stages.a]\nkind = \"cmd\"\ncommand = \"true\"\noutputs = [\"{output}\"]\n");
        let shown = error(&text);
        assert!(shown.contains("cannot be an output"), "{output}: {shown}");
        assert!(shown.contains("pipeline.toml:4:12"), "{output}: {shown}");
    }
}

#[test]
fn a_manifest_without_stages_is_rejected_with_a_hint_for_near_misses() {
    let shown = error("[project]\nname = \"x\"\n[stage.scan]\nkind = \"cmd\"\n");
    assert!(shown.contains("the manifest defines no stages"), "{shown}");
    assert!(shown.contains("pipeline.toml:3:1"), "{shown}");
    assert!(
        shown.contains("hint: stages are tables named `[stages.NAME]`, not `[stage.NAME]`"),
        "{shown}"
    );
}

#[test]
fn invalid_globs_and_stage_names_are_rejected_on_load() {
    let shown =
        error("[stages.a]\nkind = \"cmd\"\ncommand = \"true\"\ninputs = [\"src/[a.sql\"]\n");
    assert!(shown.contains("invalid glob `src/[a.sql`"), "{shown}");
    assert!(shown.contains("pipeline.toml:4:11"), "{shown}");
    let shown = error("[stages.-f]\nkind = \"cmd\"\ncommand = \"true\"\n");
    assert!(shown.contains("must start with a lowercase letter or digit"), "{shown}");
}
