//! What became of each object across the conversion engines: every
//! engine's conversion with what validation said of it, best first, and
//! the notes the engines left at its lines. The `pick` stage gathers it;
//! the conversion report ([`crate::report::conversion_markdown`]) and the
//! knowledge base ([`crate::knowledge::outcomes`]) are written from it.

use std::path::Path;

use super::results::{ResultRow, ResultStatus};
use super::worklist::{Table, WorklistError};

/// The file, in a conversion folder, of the rewrites a person should
/// review and the constructs with no equivalent: `object`, `line`, `kind`,
/// `message`, sorted.
pub const NOTES: &str = "notes.tsv";

/// One line of a `notes.tsv`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    /// `SCHEMA.NAME (TYPE)`.
    pub object: String,
    /// The line in the extracted file.
    pub line: u32,
    /// `review` (a rewrite that may change meaning) or `unsupported`.
    pub kind: String,
    pub message: String,
}

/// The text of a `notes.tsv`: its records sorted by object, then line,
/// each once.
pub fn notes_file(mut notes: Vec<Note>) -> String {
    notes.sort();
    notes.dedup();
    let mut out = String::from("object\tline\tkind\tmessage\n");
    for n in notes {
        let message = n.message.replace(['\t', '\n', '\r'], " ");
        out.push_str(&format!("{}\t{}\t{}\t{message}\n", n.object, n.line, n.kind));
    }
    out
}

/// Reads the `notes.tsv` of a conversion folder; none when it has none.
pub fn read_notes(folder: &Path) -> Result<Vec<Note>, WorklistError> {
    let path = folder.join(NOTES);
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let table = Table::read(&path)?;
    let mut out = Vec::new();
    for row in table.rows(["object", "line", "kind", "message"]) {
        let (at, [object, line, kind, message]) = row?;
        out.push(Note {
            object: object.to_owned(),
            line: line.parse().map_err(|_| at.error(format!("`{line}` is not a line number")))?,
            kind: kind.to_owned(),
            message: message.to_owned(),
        });
    }
    Ok(out)
}

/// How an engine's conversion of an object fared, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Created, and plpgsql_check read its routines and found no error.
    Clean,
    /// Created (possibly with warnings, or with nothing to check).
    Created,
    /// Not validated: no database, or no validation folder named the file.
    NotValidated,
    /// Created, but plpgsql_check found errors in it.
    FailedCheck,
    /// Refused by the server.
    Failed,
}

impl Verdict {
    pub fn of(result: Option<&ResultRow>) -> Verdict {
        // Failed, but every routine of it was created: plpgsql_check's
        // errors, though it could not read them all (a trigger function
        // with no trigger yet).
        let all_created = |r: &ResultRow| {
            !r.routines.is_empty() && r.routines.iter().all(|routine| routine.status.created())
        };
        match result.map(|r| (r.status, r.checked)) {
            Some((ResultStatus::Ok, true)) => Verdict::Clean,
            Some((ResultStatus::Ok | ResultStatus::Warnings, _)) => Verdict::Created,
            None | Some((ResultStatus::NotRun, _)) => Verdict::NotValidated,
            Some((ResultStatus::Failed, true)) => Verdict::FailedCheck,
            Some((ResultStatus::Failed, false)) if result.is_some_and(all_created) => {
                Verdict::FailedCheck
            }
            Some((ResultStatus::Failed, false)) => Verdict::Failed,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Clean => "clean",
            Verdict::Created => "created",
            Verdict::NotValidated => "not validated",
            Verdict::FailedCheck => "failed plpgsql_check",
            Verdict::Failed => "failed",
        }
    }

    /// Whether the server accepted the object (plpgsql_check may still
    /// have found errors in it).
    pub fn created(self) -> bool {
        matches!(self, Verdict::Clean | Verdict::Created | Verdict::FailedCheck)
    }
}

/// One engine's conversion of an object.
#[derive(Clone, Debug)]
pub struct Attempt {
    /// The engine (`native`, `ora2pg`, `agent`), as the conversion index says.
    pub engine: String,
    /// The converted file, relative to the project root.
    pub file: String,
    pub result: Option<ResultRow>,
}

impl Attempt {
    pub fn verdict(&self) -> Verdict {
        Verdict::of(self.result.as_ref())
    }

    /// Whether validation created it with no finding at all: nothing for a
    /// person to look at.
    pub fn settled(&self) -> bool {
        self.result.as_ref().is_some_and(|r| r.status == ResultStatus::Ok)
    }

    /// The verdict with the first finding, on one line.
    pub fn describe(&self) -> String {
        match &self.result {
            Some(r) if !r.message.is_empty() => match r.line {
                Some(line) => format!("{} at line {line}: {}", self.verdict().as_str(), r.message),
                None => format!("{}: {}", self.verdict().as_str(), r.message),
            },
            _ => self.verdict().as_str().to_owned(),
        }
    }
}

/// Everything the engines did with one object.
#[derive(Clone, Debug)]
pub struct ObjectOutcome {
    /// `SCHEMA.NAME (TYPE)`.
    pub object: String,
    /// Best first; the first is the one kept.
    pub attempts: Vec<Attempt>,
    /// The notes of the engines that left some, with the engine's name,
    /// by engine then line.
    pub notes: Vec<(String, Note)>,
}

impl ObjectOutcome {
    /// The object's type, from its id: `PACKAGE BODY`.
    pub fn object_type(&self) -> &str {
        super::worklist::split_object(&self.object).2
    }
}
