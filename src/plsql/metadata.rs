//! The optional `metadata.json` an extraction writes beside `ALL_SOURCE` spools.
//!
//! Spooled source text has no `CREATE` line and often no owner; the extraction's
//! metadata gives each object's schema, type, file and line count. The scan uses it to
//! fill in schemas and to check that every object it lists was found. Accepted shapes:
//! `{"objects": [...]}` or a bare array, with `owner`/`schema`, `name`/`object_name`,
//! `type`/`object_type`, and optional `file` and `lines`/`line_count` per entry. This
//! module does not look for the file; the caller passes its bytes.

use serde::{Deserialize, Serialize};

use super::object::ObjectKind;

/// One object as the extraction described it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataEntry {
    #[serde(default, alias = "owner")]
    pub schema: Option<String>,
    #[serde(alias = "object_name")]
    pub name: String,
    #[serde(rename = "type", alias = "object_type")]
    pub kind: String,
    #[serde(default)]
    pub file: Option<String>,
    #[serde(default, alias = "line_count")]
    pub lines: Option<u32>,
}

/// The extraction's description of its objects.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    pub objects: Vec<MetadataEntry>,
}

#[derive(Debug, thiserror::Error)]
pub enum MetadataError {
    #[error("metadata is not valid JSON of the expected shape: {0}")]
    Json(#[from] serde_json::Error),
    #[error("metadata entry `{name}` has an unknown object type `{kind}`")]
    UnknownType { name: String, kind: String },
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Shape {
    Wrapped(Metadata),
    Bare(Vec<MetadataEntry>),
}

impl Metadata {
    /// Parses a `metadata.json`; every entry's type must be one the front end knows.
    pub fn parse(bytes: &[u8]) -> Result<Metadata, MetadataError> {
        let metadata = match serde_json::from_slice::<Shape>(bytes)? {
            Shape::Wrapped(metadata) => metadata,
            Shape::Bare(objects) => Metadata { objects },
        };
        if let Some(bad) = metadata.objects.iter().find(|e| e.object_kind().is_none()) {
            return Err(MetadataError::UnknownType {
                name: bad.name.clone(),
                kind: bad.kind.clone(),
            });
        }
        Ok(metadata)
    }

    /// The entries that describe objects of the file `path` (matched on its file name).
    pub fn entries_for<'m>(&'m self, path: &str) -> impl Iterator<Item = &'m MetadataEntry> + 'm {
        let file_name = file_name(path).to_owned();
        self.objects
            .iter()
            .filter(move |e| e.file.as_deref().is_none_or(|f| file_name_eq(f, &file_name)))
    }
}

impl MetadataEntry {
    pub fn object_kind(&self) -> Option<ObjectKind> {
        ObjectKind::from_oracle_name(&self.kind)
    }

    /// Whether this entry names the object `name` of `kind` (dictionary spelling).
    pub fn describes(&self, kind: ObjectKind, name: &str) -> bool {
        self.object_kind() == Some(kind) && self.name.eq_ignore_ascii_case(name)
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn file_name_eq(a: &str, b: &str) -> bool {
    file_name(a).eq_ignore_ascii_case(file_name(b))
}

/// Whether a file found in a source folder is extraction metadata rather than source.
pub fn is_metadata_file(name: &str) -> bool {
    let name = file_name(name).to_ascii_lowercase();
    name == "metadata.json" || name.ends_with(".metadata.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_and_dictionary_column_names_are_accepted() {
        let wrapped = br#"{"objects": [{"owner": "HR", "object_name": "EMP_PKG", "object_type": "PACKAGE BODY", "file": "packages_body.sql", "line_count": 40}]}"#;
        let bare = br#"[{"schema": "HR", "name": "EMP_PKG", "type": "PACKAGE BODY"}]"#;
        let a = Metadata::parse(wrapped).unwrap();
        let b = Metadata::parse(bare).unwrap();
        assert_eq!(a.objects[0].lines, Some(40));
        assert!(b.objects[0].describes(ObjectKind::PackageBody, "emp_pkg"));
        assert_eq!(a.entries_for("extracted/hr/packages_body.sql").count(), 1);
        assert_eq!(a.entries_for("extracted/hr/functions.sql").count(), 0);
    }

    #[test]
    fn unknown_type_is_an_error_naming_the_entry() {
        let err = Metadata::parse(br#"[{"name": "X", "type": "RULE SET"}]"#).unwrap_err();
        assert_eq!(err.to_string(), "metadata entry `X` has an unknown object type `RULE SET`");
    }

    #[test]
    fn metadata_files_are_recognised_by_name() {
        assert!(is_metadata_file("extracted/HR/metadata.json"));
        assert!(is_metadata_file("hr.metadata.json"));
        assert!(!is_metadata_file("metadata.sql"));
    }
}
