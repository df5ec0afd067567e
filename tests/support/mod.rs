//! A temporary project and the real `pipeline` binary, for tests that read
//! like what a user does.

#![allow(dead_code)]

pub mod aws;
pub mod http_server;
pub mod pg;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct TestProject {
    dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Stages reported as `ran`, sorted: stages run in parallel finish in
    /// any order.
    pub fn ran(&self) -> Vec<String> {
        sorted(self.with_verb("ran"))
    }

    /// Stages reported as `ran`, in the order they were reported.
    pub fn ran_in_order(&self) -> Vec<String> {
        self.with_verb("ran")
    }

    pub fn skipped(&self) -> Vec<String> {
        sorted(self.with_verb("skipped"))
    }

    pub fn failed(&self) -> Vec<String> {
        sorted(self.with_verb("failed"))
    }

    fn with_verb(&self, verb: &str) -> Vec<String> {
        self.stderr
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix(verb)?.strip_prefix(' '))
            .map(|rest| rest.split([':', ' ']).next().unwrap_or_default().to_owned())
            .collect()
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

impl TestProject {
    pub fn new() -> TestProject {
        TestProject { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn write(&self, rel: &str, contents: &str) -> &Self {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Copies the repository's bundled sample, `extracted/`, into the project.
    pub fn copy_sample(&self) -> &Self {
        self.copy_from_repo("extracted")
    }

    /// Copies the repository's folder `rel` to the same place in the project.
    pub fn copy_repo(&self, rel: &str) -> &Self {
        self.copy_from_repo(rel)
    }

    fn copy_from_repo(&self, rel: &str) -> &Self {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        for entry in walkdir::WalkDir::new(repo.join(rel)) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(repo).unwrap();
            if entry.file_type().is_file() {
                let target = self.path(rel.to_str().unwrap());
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
        self
    }

    /// Copies the contents of the repository's folder `rel` (a fixture
    /// project) into the project's root.
    pub fn copy_fixture(&self, rel: &str) -> &Self {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let target = self.root().join(entry.path().strip_prefix(&from).unwrap());
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
        self
    }

    pub fn manifest(&self, text: &str) -> &Self {
        self.write("pipeline.toml", text)
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pipeline"));
        cmd.args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .env_remove("PIPELINE_MANIFEST")
            .env_remove("DATABASE_URL")
            .env_remove("PGPASSWORD");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let output: Output = self.command(args).output().expect("pipeline runs");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `pipeline ARGS` with `env` set.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = self.command(args);
        command.envs(env.iter().copied());
        let output: Output = command.output().expect("pipeline runs");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Copies the repository's manifest and what it reads besides the
    /// sample (templates, the shadow test cases), for tests that run the
    /// main job as a user would.
    pub fn copy_manifest_and_templates(&self) -> &Self {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(repo.join("pipeline.toml"), self.path("pipeline.toml")).unwrap();
        self.copy_from_repo("templates").copy_from_repo("tests/shadow")
    }

    /// `pipeline run ARGS`, which must succeed.
    pub fn run_ok(&self, args: &[&str]) -> Run {
        let mut all = vec!["run"];
        all.extend_from_slice(args);
        let run = self.run(&all);
        assert_eq!(run.code, 0, "pipeline run failed:\n{}", run.stderr);
        run
    }
}
