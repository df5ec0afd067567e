//! `pipeline search`, and the knowledge base's other questions, over a
//! small estate whose objects each do one recognisable thing
//! (`tests/fixtures/search/`): each question of a labelled set must find
//! the object written for it, and the other queries must return what the
//! estate's code says.

mod support;

use std::path::Path;

use pipeline::knowledge::embed::offline::Offline;
use pipeline::knowledge::search::duckdb::DuckDb;
use pipeline::knowledge::search::{Backend, Direction, SearchError};
use serde_json::Value;
use support::TestProject;

const CLASSIFY: &str = r#"
[stages.classify]
kind = "classify"
inputs = ["extracted/"]
outputs = ["knowledge/inventory/", "knowledge/analysis/", "knowledge/reports/", "knowledge/knowledge.duckdb"]
"#;

const EMBED: &str = r#"
[stages.embed]
kind = "embed"
inputs = ["knowledge/knowledge.duckdb"]
outputs = ["knowledge/embeddings.duckdb"]
"#;

/// The fixture estate under `extracted/`, with a manifest of `stages`.
fn estate(stages: &str) -> TestProject {
    let p = TestProject::new();
    p.manifest(stages);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search");
    for entry in std::fs::read_dir(fixtures).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        p.write(&format!("extracted/{name}"), &std::fs::read_to_string(&path).unwrap());
    }
    p
}

/// The estate, classified and embedded.
fn embedded() -> TestProject {
    let p = estate(&format!("{CLASSIFY}{EMBED}"));
    p.run_ok(&[]);
    p
}

fn backend(p: &TestProject) -> DuckDb {
    DuckDb::open(&p.path("knowledge/knowledge.duckdb"), Box::new(Offline::new(1024))).unwrap()
}

/// `pipeline search --json ARGS`, parsed.
fn search_json(p: &TestProject, args: &[&str]) -> Value {
    let mut all = vec!["search", "--json"];
    all.extend_from_slice(args);
    let run = p.run(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

/// `SCHEMA.NAME` of each hit's object, in order, each once.
fn objects(result: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for hit in result["hits"].as_array().unwrap() {
        let name = format!(
            "{}.{}",
            hit["object"]["schema"].as_str().unwrap(),
            hit["object"]["name"].as_str().unwrap()
        );
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Questions in a user's words, the object that answers each, and how
/// far down the list it may be (1 = first). Words the offline embedder
/// cannot match (it knows no synonyms) are kept on purpose: each question
/// also holds one or two words the code does use.
const QUESTIONS: &[(&str, &str, usize)] = &[
    ("how is the discount computed?", "SHOP.PKG_PRICING", 1),
    ("what is the maximum discount percentage of a loyalty tier?", "SHOP.PKG_PRICING", 1),
    ("which code mails the invoice over SMTP?", "SHOP.PRC_SEND_INVOICE_MAIL", 1),
    ("where do we call a web service with UTL_HTTP?", "SHOP.FN_FETCH_EXCHANGE_RATE", 1),
    ("today's exchange rate of a currency", "SHOP.FN_FETCH_EXCHANGE_RATE", 1),
    ("audit trail of changes to customers", "SHOP.TRG_CUSTOMERS_AUDIT", 1),
    ("update the stock when units are shipped", "SHOP.PRC_UPDATE_STOCK", 1),
    // The table named after the question comes first, fairly.
    ("when is a reorder requested?", "SHOP.PRC_UPDATE_STOCK", 2),
    ("value added tax rate of a region", "SHOP.FN_TAX_AMOUNT", 1),
    ("export the sales to a CSV file", "SHOP.PRC_EXPORT_SALES_FILE", 1),
    ("is this email address valid?", "SHOP.FN_VALID_EMAIL", 1),
    ("nightly batch scheduler job", "SHOP.PRC_SCHEDULE_NIGHTLY_JOBS", 1),
    ("delete idle web sessions", "SHOP.PRC_PURGE_SESSIONS", 1),
    ("loyalty points earned on a purchase", "SHOP.PKG_LOYALTY", 1),
    ("how is an order placed?", "SHOP.PKG_ORDERS", 1),
];

#[test]
fn each_labelled_question_finds_the_object_written_for_it() {
    let p = embedded();
    let mut misses = Vec::new();
    for &(question, expected, within) in QUESTIONS {
        let found = objects(&search_json(&p, &[question]));
        match found.iter().position(|o| o == expected) {
            Some(rank) if rank < within => {}
            rank => misses.push(format!(
                "{question:?}: {expected} at {rank:?}, wanted within {within}; got {found:?}"
            )),
        }
    }
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

#[test]
fn hits_are_printed_aligned_with_their_file_and_line() {
    let p = embedded();
    let run = p.run(&["search", "how is the discount computed?", "--limit", "4"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn filters_narrow_the_hits() {
    let p = embedded();
    let q = "discount of an order";
    let all = search_json(&p, &[q, "--limit", "100", "--threshold", "-1"]);
    let hits = all["hits"].as_array().unwrap();
    assert!(hits.len() > 10, "{all}");

    let rules = search_json(&p, &[q, "--knowledge-type", "calculation", "--threshold", "-1"]);
    let rules = rules["hits"].as_array().unwrap();
    assert!(!rules.is_empty());
    assert!(rules.iter().all(|h| h["knowledge_type"] == "CALCULATION"), "{rules:?}");
    // A rule's hit points at the rule's line, not the object's first.
    let rule = rules.iter().find(|h| h["object"]["name"] == "PKG_PRICING").unwrap();
    assert!(rule["line"].as_u64().unwrap() > 20, "{rule}");

    let triggers = search_json(&p, &[q, "--type", "trigger", "--threshold", "-1"]);
    assert_eq!(objects(&triggers), ["SHOP.TRG_CUSTOMERS_AUDIT"]);

    let http = search_json(&p, &[q, "--feature", "utl_http", "--threshold", "-1"]);
    assert_eq!(objects(&http), ["SHOP.FN_FETCH_EXCHANGE_RATE"]);

    let few = search_json(&p, &[q, "--limit", "2", "--threshold", "-1"]);
    assert_eq!(few["hits"].as_array().unwrap().len(), 2);
}

#[test]
fn equal_queries_give_equal_answers_in_a_stable_order() {
    let p = embedded();
    let args = ["stock", "--limit", "100", "--threshold", "-1"];
    let first = search_json(&p, &args);
    assert_eq!(first, search_json(&p, &args));
    let sims: Vec<f64> = first["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["similarity"].as_f64().unwrap())
        .collect();
    assert!(sims.windows(2).all(|w| w[0] >= w[1]), "{sims:?}");
}

#[test]
fn the_threshold_drops_weak_hits_and_says_so_when_none_is_left() {
    let p = embedded();
    let result = search_json(&p, &["discount", "--threshold", "0.99"]);
    assert_eq!(result["hits"], serde_json::json!([]));
    let run = p.run(&["search", "discount", "--threshold", "0.99"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("lower --threshold"), "{}", run.stderr);
    // With a filter, the filter is the likelier cause.
    let run = p.run(&["search", "discount", "--feature", "DBMS_JOB", "--threshold", "-1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("drop a filter"), "{}", run.stderr);
}

#[test]
fn bad_options_are_refused_with_what_is_allowed() {
    let p = embedded();
    for (args, says) in [
        (vec!["x", "--limit", "0"], "give 1 to 100"),
        (vec!["x", "--limit", "101"], "give 1 to 100"),
        (vec!["x", "--threshold", "2"], "between -1 and 1"),
        (vec!["x", "--knowledge-type", "opinion"], "FLOW"),
        (vec!["x", "--feature", "telepathy"], "unknown feature `telepathy`"),
        (vec!["x", "--type", "spreadsheet"], "PACKAGE BODY"),
        (vec!["the of and"], "no word the embedder can use"),
    ] {
        let mut all = vec!["search"];
        all.extend(args.iter().copied());
        let run = p.run(&all);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn a_missing_knowledge_base_says_to_run_the_pipeline() {
    let p = estate(&format!("{CLASSIFY}{EMBED}"));
    let run = p.run(&["search", "discount"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no knowledge base at `knowledge/knowledge.duckdb`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("`pipeline run`"), "{}", run.stderr);
}

#[test]
fn a_knowledge_base_without_embeddings_names_the_stage_that_fills_them() {
    let p = estate(CLASSIFY);
    p.run_ok(&[]);
    let run = p.run(&["search", "discount"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("holds no embeddings"), "{}", run.stderr);
    assert!(run.stderr.contains("kind = \"embed\""), "{}", run.stderr);
}

#[test]
fn rules_of_a_category_come_by_object_and_line() {
    let p = embedded();
    let b = backend(&p);
    let rules = b.rules("validation", 50).unwrap();
    let places: Vec<(String, u32)> = rules.iter().map(|r| (r.object.qualified(), r.line)).collect();
    assert!(places.iter().any(|(o, _)| o == "SHOP.PKG_PRICING"), "{places:?}");
    assert!(places.iter().any(|(o, _)| o == "SHOP.PRC_UPDATE_STOCK"), "{places:?}");
    assert!(places.windows(2).all(|w| w[0] <= w[1]), "{places:?}");
    assert!(rules.iter().all(|r| r.category == "VALIDATION"));
    assert!(rules.iter().all(|r| r.source_file.starts_with("extracted/")));
    assert_eq!(b.rules("VALIDATION", 1).unwrap().len(), 1);

    let e = b.rules("pricing", 10).unwrap_err();
    assert!(matches!(e, SearchError::NotFound(_)));
    assert!(e.to_string().contains("VALIDATION, CALCULATION, WORKFLOW"), "{e}");
    assert!(b.rules("WORKFLOW", 0).unwrap_err().to_string().contains("give 1 to 1000"));
}

#[test]
fn dependencies_fold_members_into_objects_and_walk_as_deep_as_asked() {
    let p = embedded();
    let b = backend(&p);
    let one = b.dependencies("pkg_orders", 1, Direction::Outgoing).unwrap();
    assert_eq!(one.root, "SHOP.PKG_ORDERS");
    let reached: Vec<&str> = one.nodes.iter().map(|n| n.name.as_str()).collect();
    for name in ["SHOP.PKG_PRICING", "SHOP.PRC_UPDATE_STOCK", "SHOP.PRC_SEND_INVOICE_MAIL"] {
        assert!(reached.contains(&name), "{name} not in {reached:?}");
    }
    let calls = one.edges.iter().find(|e| e.target == "SHOP.PKG_PRICING").unwrap();
    assert_eq!(calls.dependency_type, "CALLS");
    let mut keys: Vec<_> =
        one.edges.iter().map(|e| (&e.source, &e.target, &e.dependency_type)).collect();
    let before = keys.len();
    keys.dedup();
    assert_eq!(keys.len(), before, "duplicate edges: {:?}", one.edges);

    // Two steps reach what the called objects read and write.
    let two = b.dependencies("SHOP.PKG_ORDERS", 2, Direction::Outgoing).unwrap();
    assert!(two.nodes.iter().any(|n| n.depth == 2), "{:?}", two.nodes);
    assert!(two.nodes.len() > one.nodes.len());

    let callers = b.dependencies("shop.prc_update_stock", 1, Direction::Incoming).unwrap();
    let names: Vec<&str> = callers.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["SHOP.PRC_UPDATE_STOCK", "SHOP.PKG_ORDERS"]);
    assert!(callers.edges.iter().all(|e| e.target == "SHOP.PRC_UPDATE_STOCK"));

    // Oracle's packages are one node each, its functions none.
    let mail = b.dependencies("prc_send_invoice_mail", 1, Direction::Outgoing).unwrap();
    let names: Vec<&str> = mail.nodes.iter().map(|n| n.name.as_str()).collect();
    assert!(names.contains(&"UTL_SMTP"), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with("UTL_SMTP.") || *n == "TO_CHAR"), "{names:?}");

    let e = b.dependencies("no_such_thing", 1, Direction::Outgoing).unwrap_err();
    assert!(matches!(e, SearchError::NotFound(_)), "{e}");
    let e = b.dependencies("PKG", 1, Direction::Outgoing).unwrap_err();
    assert!(e.to_string().contains("did you mean"), "{e}");
    assert!(b.dependencies("pkg_orders", 11, Direction::Outgoing).is_err());
}

#[test]
fn a_feature_lists_the_objects_that_use_it() {
    let p = embedded();
    let b = backend(&p);
    let smtp = b.feature("utl_smtp").unwrap();
    assert_eq!(smtp.feature, "UTL_SMTP");
    assert_eq!(smtp.impact, "HIGH");
    assert!(!smtp.strategy.is_empty());
    let users: Vec<String> = smtp.objects.iter().map(|u| u.object.qualified()).collect();
    assert_eq!(users, ["SHOP.PRC_SEND_INVOICE_MAIL"]);
    assert!(smtp.objects[0].occurrences >= 5, "{:?}", smtp.objects);
    assert_eq!(smtp.objects[0].source_file.as_deref(), Some("extracted/prc_send_invoice_mail.sql"));

    // Known to the catalogue, used by nothing: an empty list, not an error.
    assert!(b.feature("DBMS_PIPE").unwrap().objects.is_empty());
    let e = b.feature("SMTP").unwrap_err().to_string();
    assert!(e.contains("did you mean UTL_SMTP"), "{e}");
}

/// The same estate loaded into PostgreSQL: every question, rule list,
/// graph and feature answers as the DuckDB file does.
#[test]
fn postgres_answers_as_the_local_file_does() {
    use pipeline::knowledge::postgres::Target;
    use pipeline::knowledge::search::postgres::Postgres;

    let load = r#"
[stages.load]
kind = "load"
inputs = ["knowledge/knowledge.duckdb", "sql/"]
after = ["embed"]
outputs = ["knowledge/load.json"]
"#;
    let p = estate(&format!("{CLASSIFY}{EMBED}{load}"));
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for script in ["schema.sql", "functions.sql"] {
        let text = std::fs::read_to_string(repo.join("deploy/sql/knowledge_base").join(script));
        p.write(&format!("sql/{script}"), &text.unwrap());
    }
    let url = support::pg::Server::shared().database("search");
    let run = p.run_env(&["run"], &[("DATABASE_URL", &url)]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let local = backend(&p);
    let remote = Postgres::new(Target::parse(&url).unwrap(), Box::new(Offline::new(1024)));
    let names = |hits: Vec<pipeline::knowledge::search::Hit>| -> Vec<(String, String, String)> {
        hits.into_iter()
            .map(|h| (h.object.to_string(), h.title, format!("{:.4}", h.similarity)))
            .collect()
    };
    for &(question, expected, _) in QUESTIONS {
        let query = pipeline::knowledge::search::SearchQuery::new(question);
        let here = names(local.search(&query).unwrap());
        let there = names(remote.search(&query).unwrap());
        assert_eq!(there, here, "{question}");
        assert!(there.iter().any(|h| h.0.starts_with(expected)), "{question}: {there:?}");
    }
    let mut filtered = pipeline::knowledge::search::SearchQuery::new("discount of an order");
    filtered.feature = Some("BULK_COLLECT".to_owned());
    filtered.object_type = Some("package body".to_owned());
    assert_eq!(names(remote.search(&filtered).unwrap()), names(local.search(&filtered).unwrap()));

    for category in ["validation", "CALCULATION", "Workflow"] {
        let here = serde_json::to_value(local.rules(category, 50).unwrap()).unwrap();
        let there = serde_json::to_value(remote.rules(category, 50).unwrap()).unwrap();
        assert_eq!(there, here, "{category}");
    }
    for direction in [Direction::Outgoing, Direction::Incoming] {
        let here =
            serde_json::to_value(local.dependencies("shop.pkg_orders", 3, direction).unwrap());
        let there =
            serde_json::to_value(remote.dependencies("shop.pkg_orders", 3, direction).unwrap());
        assert_eq!(there.unwrap(), here.unwrap(), "{direction:?}");
    }
    for feature in ["UTL_HTTP", "BULK_COLLECT", "DBMS_SCHEDULER"] {
        let here = serde_json::to_value(local.feature(feature).unwrap()).unwrap();
        let there = serde_json::to_value(remote.feature(feature).unwrap()).unwrap();
        assert_eq!(there, here, "{feature}");
    }
    // The command line reads it too.
    let run =
        p.run_env(&["search", "--postgres", "--json", "exchange rate"], &[("DATABASE_URL", &url)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("FN_FETCH_EXCHANGE_RATE"), "{}", run.stdout);
}
