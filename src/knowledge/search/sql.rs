//! The queries both backends run as they are: SQL that DuckDB and
//! PostgreSQL read alike, over the columns both knowledge bases have
//! (PostgreSQL's rules, features and dependencies carry no object id, so
//! objects are joined by name and type).

use super::ObjectRef;

/// Every object, for resolving the names the graph walk is given.
pub const OBJECTS: &str =
    "SELECT schema_name, object_name, object_type FROM knowledge_base.objects";

/// The rules of one category (`$1`, upper case), at most `limit`.
pub fn rules(limit: usize) -> String {
    format!(
        "SELECT o.schema_name, o.object_name, o.object_type, o.source_file, r.rule_name,
                r.rule_category, CAST(r.conditions AS VARCHAR), CAST(r.actions AS VARCHAR),
                r.business_context, r.source_line
         FROM knowledge_base.business_rules r
         JOIN knowledge_base.knowledge_items i ON i.id = r.knowledge_id
         JOIN knowledge_base.objects o
           ON o.object_name = i.object_name AND o.object_type = i.object_type
          AND o.schema_name IS NOT DISTINCT FROM i.schema_name
         WHERE upper(r.rule_category) = $1
         ORDER BY o.schema_name, o.object_name, o.object_type, r.source_line, r.rule_name
         LIMIT {limit}"
    )
}

/// The objects using feature `$1`.
pub const FEATURE: &str = "SELECT f.object_name, f.object_type, o.schema_name, o.object_name,
        f.occurrences, CAST(f.details AS VARCHAR), o.source_file
 FROM knowledge_base.technical_features f
 LEFT JOIN knowledge_base.objects o
   ON o.object_type = f.object_type
  AND coalesce(o.schema_name || '.', '') || o.object_name = f.object_name
 WHERE f.feature_name = $1
 ORDER BY f.object_name, f.object_type, o.source_file";

/// Dependency rows summed by the columns the walk reads: a spec's and its
/// body's rows, which DuckDB keeps apart, are one row in PostgreSQL.
const ROWS: &str = "SELECT source_object, target_object, target_type, dependency_type,
                           CAST(sum(call_count) AS BIGINT)
                    FROM knowledge_base.dependencies";

/// What object `$1` (upper case) depends on.
pub fn outgoing() -> String {
    format!("{ROWS} WHERE upper(source_object) = $1 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 4")
}

/// What depends on object `$1`, or on a member `$2` (`NAME.`) of it.
pub fn incoming() -> String {
    format!(
        "{ROWS} WHERE upper(target_object) = $1 OR starts_with(upper(target_object), $2)
         GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 4"
    )
}

/// An object known by its qualified name only.
pub fn split(qualified: &str, object_type: String) -> ObjectRef {
    match qualified.split_once('.') {
        Some((schema, name)) => {
            ObjectRef { schema: Some(schema.to_owned()), name: name.to_owned(), object_type }
        }
        None => ObjectRef { schema: None, name: qualified.to_owned(), object_type },
    }
}

/// The `lines` of a `details` JSON object, `{"lines": [12, 40]}`.
pub fn lines_of(details: Option<&str>) -> Vec<u32> {
    details
        .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())
        .and_then(|d| serde_json::from_value(d.get("lines")?.clone()).ok())
        .unwrap_or_default()
}

/// `[0.1,0.2,...]`: a vector as an array literal both databases read.
pub fn literal(vector: &[f32]) -> String {
    let items: Vec<String> = vector.iter().map(f32::to_string).collect();
    format!("[{}]", items.join(","))
}
