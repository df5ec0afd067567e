//! The report's content, worded once: sections of paragraphs, tables, lists and charts that
//! the Markdown and HTML renderers both draw from a [`Summary`].
//!
//! What a section says lives here; how it looks does not. Charts only repeat figures a table
//! next to them already gives, so a renderer that cannot draw them (Markdown) loses nothing.

use super::summary::{Bucket, Group, Summary};
use super::{one_decimal, percent, ReportInfo};
use crate::analysis::estate::AssessedObject;

/// A whole report.
pub(crate) struct Document {
    pub title: String,
    pub intro: Vec<Span>,
    pub sections: Vec<Section>,
}

/// A headed part of the report; `level` 2 is a section, 3 a subsection.
pub(crate) struct Section {
    pub level: u8,
    pub title: String,
    pub blocks: Vec<Block>,
}

pub(crate) enum Block {
    Paragraph(Vec<Span>),
    List(Vec<Vec<Span>>),
    Table(Table),
    Chart(Chart),
}

/// A run of text: prose, a name or piece of code, or emphasis.
#[derive(Clone)]
pub(crate) enum Span {
    Text(String),
    Code(String),
    Strong(String),
}

pub(crate) struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Vec<Span>>>,
}

pub(crate) struct Column {
    pub title: &'static str,
    /// Figures are right-aligned so their digits line up.
    pub numeric: bool,
}

/// A horizontal bar chart.
pub(crate) struct Chart {
    pub title: String,
    pub bars: Vec<(String, f64)>,
}

pub(super) fn text(s: impl Into<String>) -> Span {
    Span::Text(s.into())
}

pub(super) fn code(s: impl Into<String>) -> Span {
    Span::Code(s.into())
}

pub(super) fn cell(s: impl Into<String>) -> Vec<Span> {
    vec![text(s)]
}

pub(super) fn code_cell(s: impl Into<String>) -> Vec<Span> {
    vec![code(s)]
}

pub(super) fn num(n: impl ToString) -> Vec<Span> {
    vec![text(n.to_string())]
}

pub(super) fn para(spans: Vec<Span>) -> Block {
    Block::Paragraph(spans)
}

pub(super) fn sentence(s: impl Into<String>) -> Block {
    para(vec![text(s)])
}

pub(super) fn columns(spec: &[(&'static str, bool)]) -> Vec<Column> {
    spec.iter().map(|&(title, numeric)| Column { title, numeric }).collect()
}

pub(super) fn section(level: u8, title: impl Into<String>, blocks: Vec<Block>) -> Section {
    Section { level, title: title.into(), blocks }
}

/// `n thing` or `n things`.
pub(super) fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

pub(crate) fn build(summary: &Summary, info: &ReportInfo) -> Document {
    let project = if info.project.is_empty() { "unnamed project" } else { &info.project };
    let mut sections = vec![overview(summary)];
    sections.extend(groups(summary));
    sections.push(scores(summary));
    sections.push(features(summary));
    sections.push(hardest(summary));
    sections.extend(hot_spots(summary));
    sections.push(order(summary));
    sections.extend(estimate(summary));
    sections.push(problems(summary));
    Document {
        title: format!("Migration assessment: {project}"),
        intro: vec![text(
            "What the Oracle PL/SQL estate holds, how hard each object is to move to \
             PostgreSQL, which way it will be converted, in what order, and what it will cost. \
             Everything here is read off the extracted code; no object was run.",
        )],
        sections,
    }
}

fn overview(s: &Summary) -> Section {
    let total = s.assessment.objects.len();
    let p = &s.parse;
    let est = &s.assessment.estimate;
    let rows = vec![
        vec![cell("Objects"), num(total)],
        vec![cell("Code lines (not blank, not only comment)"), num(s.code_lines)],
        vec![
            cell("Parsed in full"),
            cell(format!(
                "{} ({}% of objects, {}% of code lines)",
                count(p.full, "object"),
                percent(p.full as u64, total as u64),
                percent(p.full_code_lines, s.code_lines)
            )),
        ],
        vec![cell("Parsed in part"), num(p.partial)],
        vec![cell("Not parsed"), num(p.not_parsed)],
        vec![cell("Candidate business rules"), num(s.rules)],
        vec![
            cell("Dependencies"),
            cell(format!(
                "{} on estate objects, {} on Oracle built-ins, {} unresolved",
                s.edges.internal, s.edges.builtin, s.edges.unresolved
            )),
        ],
        vec![cell("Dependency cycles"), num(s.assessment.cycles.len())],
        vec![
            cell("Estimated effort (ours)"),
            cell(format!("{} person-days", one_decimal(est.person_days))),
        ],
        vec![
            cell("Estimated effort (ora2pg's model)"),
            cell(format!(
                "{} person-days, level {}",
                one_decimal(est.ora2pg_person_days),
                level(&est.ora2pg_level)
            )),
        ],
    ];
    section(
        2,
        "Summary",
        vec![
            sentence("The estate in figures; each is explained in a section below."),
            Block::Table(Table { columns: columns(&[("Measure", false), ("Value", false)]), rows }),
        ],
    )
}

fn level(level: &str) -> &str {
    if level.is_empty() {
        "not given"
    } else {
        level
    }
}

fn group_table(first: &'static str, groups: &[Group], total_lines: u64) -> Table {
    let rows = groups
        .iter()
        .map(|g| {
            vec![
                cell(g.label.as_str()),
                num(g.objects),
                num(g.code_lines),
                num(format!("{}%", percent(g.code_lines, total_lines))),
                num(one_decimal(g.ora2pg_units)),
            ]
        })
        .collect();
    Table {
        columns: columns(&[
            (first, false),
            ("Objects", true),
            ("Code lines", true),
            ("Share of code", true),
            ("ora2pg units", true),
        ]),
        rows,
    }
}

fn group_chart(title: &str, groups: &[Group]) -> Block {
    Block::Chart(Chart {
        title: title.to_owned(),
        bars: groups.iter().map(|g| (g.label.clone(), g.objects as f64)).collect(),
    })
}

fn groups(s: &Summary) -> Vec<Section> {
    vec![
        section(
            2,
            "Objects by type",
            vec![
                sentence("How many objects of each Oracle type the estate holds, and their size."),
                Block::Table(group_table("Type", &s.by_type, s.code_lines)),
                group_chart("Objects by type", &s.by_type),
            ],
        ),
        section(
            2,
            "Objects by class",
            vec![
                sentence(
                    "Each object is SIMPLE, MEDIUM or COMPLEX by its score, which adds up \
                     what makes it hard to migrate: the Oracle features it uses, its size, its \
                     branching and its dependencies.",
                ),
                Block::Table(group_table("Class", &s.by_class, s.code_lines)),
                group_chart("Objects by class", &s.by_class),
            ],
        ),
        section(
            2,
            "Objects by route",
            vec![
                sentence(
                    "How each object will be converted: by ora2pg then validated, by an AI \
                     agent then validated, or by hand (wrapped code, Java, what cannot be read).",
                ),
                Block::Table(group_table("Route", &s.by_route, s.code_lines)),
                group_chart("Objects by route", &s.by_route),
            ],
        ),
    ]
}

fn scores(s: &Summary) -> Section {
    let label = |b: &Bucket| match b.high.is_finite() {
        true => format!("{} to {}", short(b.low), short(b.high)),
        false => format!("{} and more", short(b.low)),
    };
    let rows = s.scores.iter().map(|b| vec![cell(label(b)), num(b.objects)]).collect();
    let chart = Chart {
        title: "Objects by score".to_owned(),
        bars: s.scores.iter().map(|b| (label(b), b.objects as f64)).collect(),
    };
    let blocks = vec![
        sentence(
            "How scores spread: each row counts the objects scoring at least its lower bound \
             and less than its upper bound.",
        ),
        Block::Table(Table { columns: columns(&[("Score", false), ("Objects", true)]), rows }),
        Block::Chart(chart),
    ];
    section(2, "Score distribution", blocks)
}

/// A bound of a score bucket: whole numbers without decimals.
fn short(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        one_decimal(value)
    }
}

fn features(s: &Summary) -> Section {
    let intro = sentence(
        "The Oracle features the code uses that need work on PostgreSQL, most widespread \
         first, with how much each weighs and what to do about it.",
    );
    if s.features.is_empty() {
        return section(2, "Oracle features used", vec![intro, sentence("No feature was found.")]);
    }
    let rows = s
        .features
        .iter()
        .map(|f| {
            let name = if f.name == f.id {
                code_cell(&f.id)
            } else {
                vec![text(&f.name), text(" ("), code(&f.id), text(")")]
            };
            vec![
                name,
                cell(f.category.unwrap_or("not in catalogue")),
                cell(f.impact.map_or("unknown", |i| i.as_str())),
                num(f.objects),
                num(f.uses),
                cell(f.strategy.unwrap_or("-")),
            ]
        })
        .collect();
    let table = Table {
        columns: columns(&[
            ("Feature", false),
            ("Category", false),
            ("Impact", false),
            ("Objects", true),
            ("Uses", true),
            ("Strategy", false),
        ]),
        rows,
    };
    let chart = Chart {
        title: "Top features by objects using them".to_owned(),
        bars: s.features.iter().take(10).map(|f| (f.name.clone(), f.objects as f64)).collect(),
    };
    section(2, "Oracle features used", vec![intro, Block::Table(table), Block::Chart(chart)])
}

fn hardest(s: &Summary) -> Section {
    let rows = s
        .hardest
        .iter()
        .enumerate()
        .map(|(rank, &i)| {
            let o = s.object(i);
            vec![
                num(rank + 1),
                code_cell(&s.ids[i]),
                cell(o.score.class.as_str()),
                cell(o.score.route.as_str()),
                num(one_decimal(o.score.total)),
                cell(reasons(o)),
            ]
        })
        .collect();
    let table = Table {
        columns: columns(&[
            ("#", true),
            ("Object", false),
            ("Class", false),
            ("Route", false),
            ("Score", true),
            ("Why", false),
        ]),
        rows,
    };
    let intro = format!(
        "The {} with the highest scores, where the effort and the risk are; the reasons say \
         what each score counted.",
        count(s.hardest.len(), "object")
    );
    section(2, "Hardest objects", vec![sentence(intro), Block::Table(table)])
}

fn reasons(object: &AssessedObject) -> String {
    if object.score.reasons.is_empty() {
        "-".to_owned()
    } else {
        object.score.reasons.join("; ")
    }
}

fn object_list(s: &Summary, indexes: &[usize], limit: usize) -> Vec<Span> {
    let mut spans = Vec::new();
    for (n, &i) in indexes.iter().take(limit).enumerate() {
        if n > 0 {
            spans.push(text(", "));
        }
        spans.push(code(&s.ids[i]));
    }
    if indexes.len() > limit {
        spans.push(text(format!(" and {} more", indexes.len() - limit)));
    }
    spans
}

fn hot_spots(s: &Summary) -> Vec<Section> {
    let intro = section(
        2,
        "Dependency hot spots",
        vec![sentence(
            "Where the dependency graph is dense: objects many others need (convert and test \
             them early), objects that need many others, names nothing in the estate \
             answers to, and objects that depend on each other in a cycle.",
        )],
    );
    vec![intro, depended_on(s), dependent(s), unresolved(s), cycles(s)]
}

fn depended_on(s: &Summary) -> Section {
    let list = s.most_depended_on();
    let mut blocks = vec![sentence("Objects of the estate used by the most other objects.")];
    if list.is_empty() {
        blocks.push(sentence("No object is used by another."));
    } else {
        let rows = list
            .iter()
            .map(|&i| {
                let f = &s.fan[i];
                vec![code_cell(&s.ids[i]), num(f.dependents.len()), num(f.incoming_uses)]
            })
            .collect();
        let header = columns(&[("Object", false), ("Used by objects", true), ("Uses", true)]);
        blocks.push(Block::Table(Table { columns: header, rows }));
    }
    section(3, "Most depended-on objects", blocks)
}

fn dependent(s: &Summary) -> Section {
    let list = s.most_dependent();
    let mut blocks =
        vec![sentence("Objects that need the most others: estate objects, then unresolved names.")];
    if list.is_empty() {
        blocks.push(sentence("No object depends on another."));
    } else {
        let rows = list
            .iter()
            .map(|&i| {
                let f = &s.fan[i];
                vec![
                    code_cell(&s.ids[i]),
                    num(f.depends_on.len()),
                    num(f.unresolved),
                    num(f.builtin),
                ]
            })
            .collect();
        let header = columns(&[
            ("Object", false),
            ("Estate objects used", true),
            ("Unresolved names", true),
            ("Built-ins", true),
        ]);
        blocks.push(Block::Table(Table { columns: header, rows }));
    }
    section(3, "Objects with the most dependencies", blocks)
}

fn unresolved(s: &Summary) -> Section {
    let mut blocks = vec![sentence(
        "Names the code uses that are neither an object of the extract nor an Oracle \
         built-in: missing from the extract, in another schema, or created at run time.",
    )];
    if s.unresolved.is_empty() {
        blocks.push(sentence("Every name resolved."));
    } else {
        let rows = s
            .unresolved
            .iter()
            .map(|u| vec![code_cell(&u.name), num(u.objects), num(u.uses)])
            .collect();
        let header = columns(&[("Name", false), ("Used by objects", true), ("Uses", true)]);
        blocks.push(Block::Table(Table { columns: header, rows }));
    }
    section(3, "Unresolved names", blocks)
}

fn cycles(s: &Summary) -> Section {
    let cycles = &s.assessment.cycles;
    let mut blocks = vec![sentence(
        "Groups of objects that depend on each other; each group has to be converted and \
         deployed together.",
    )];
    if cycles.is_empty() {
        blocks.push(sentence("There is no cycle."));
    } else {
        let count = s.ids.len();
        let items = cycles
            .iter()
            .map(|cycle| {
                let members: Vec<usize> = cycle.iter().copied().filter(|&i| i < count).collect();
                object_list(s, &members, usize::MAX)
            })
            .collect();
        blocks.push(Block::List(items));
    }
    section(3, "Cycles", blocks)
}

fn order(s: &Summary) -> Section {
    let total = s.assessment.objects.len();
    let ordered: usize = s.waves.iter().map(|w| w.objects.len()).sum();
    let mut blocks = vec![sentence(format!(
        "Objects are converted dependencies first. The order falls into {}: every object of \
         a wave depends only on objects of earlier waves (or of its own cycle), so a wave \
         can be converted in parallel once the waves before it are done.",
        count(s.waves.len(), "wave")
    ))];
    let rows = s
        .waves
        .iter()
        .enumerate()
        .map(|(n, w)| {
            vec![num(n + 1), num(w.objects.len()), num(w.code_lines), object_list(s, &w.objects, 5)]
        })
        .collect();
    let header = columns(&[
        ("Wave", true),
        ("Objects", true),
        ("Code lines", true),
        ("Objects (first five)", false),
    ]);
    blocks.push(Block::Table(Table { columns: header, rows }));
    if ordered < total {
        blocks.push(sentence(format!(
            "{} of {} objects are not in the conversion order.",
            total - ordered,
            total
        )));
    }
    section(2, "Conversion order", blocks)
}

fn estimate(s: &Summary) -> Vec<Section> {
    let est = &s.assessment.estimate;
    let intro = section(
        2,
        "Effort estimate",
        vec![sentence(
            "What the migration will cost in person-days, by our model and by ora2pg's, so \
             the figure can be compared with an ora2pg report.",
        )],
    );

    let mut rows: Vec<Vec<Vec<Span>>> = est
        .lines
        .iter()
        .map(|l| {
            vec![cell(&l.what), num(l.objects), num(l.code_lines), num(one_decimal(l.person_days))]
        })
        .collect();
    let objects: u32 = est.lines.iter().map(|l| l.objects).sum();
    let lines: u64 = est.lines.iter().map(|l| u64::from(l.code_lines)).sum();
    rows.push(vec![
        vec![Span::Strong("Total".to_owned())],
        num(objects),
        num(lines),
        vec![Span::Strong(one_decimal(est.person_days))],
    ]);
    let header = columns(&[
        ("Group", false),
        ("Objects", true),
        ("Code lines", true),
        ("Person-days", true),
    ]);
    let mut ours = vec![
        sentence("Each group of objects, by class and route, with what it costs."),
        Block::Table(Table { columns: header, rows }),
    ];
    if !est.assumptions.is_empty() {
        ours.push(sentence("Assumptions behind these figures:"));
        ours.push(Block::List(est.assumptions.iter().map(|a| vec![text(a)]).collect()));
    }

    let ora2pg = vec![
        sentence(
            "ora2pg's cost model applied to the original Oracle code: each object costs units \
             (one unit is five minutes of work) for its size and the Oracle features it uses; \
             the units are added up and turned into person-days, and the level is the one \
             ora2pg's migration report would give.",
        ),
        Block::Table(Table {
            columns: columns(&[("Measure", false), ("Value", true)]),
            rows: vec![
                vec![cell("Cost units"), num(one_decimal(est.ora2pg_units))],
                vec![cell("Person-days"), num(one_decimal(est.ora2pg_person_days))],
                vec![cell("Level"), cell(level(&est.ora2pg_level))],
            ],
        }),
    ];
    vec![intro, section(3, "Our estimate", ours), section(3, "ora2pg-comparable figures", ora2pg)]
}

fn problems(s: &Summary) -> Section {
    let mut blocks = vec![sentence(
        "Objects the front end could not read in full: their facts, score and route rest on \
         what could be read, so check them by hand.",
    )];
    if s.problems.is_empty() {
        blocks.push(sentence("Every object was parsed in full."));
        return section(2, "Problems", blocks);
    }
    let rows = s
        .problems
        .iter()
        .map(|&i| {
            let o = s.object(i);
            vec![
                code_cell(&s.ids[i]),
                code_cell(format!("{}:{}-{}", o.file, o.first_line, o.last_line)),
                cell(o.parse_status.as_str()),
                num(o.parse_errors),
            ]
        })
        .collect();
    let header =
        columns(&[("Object", false), ("Where", false), ("Status", false), ("Parse errors", true)]);
    blocks.push(Block::Table(Table { columns: header, rows }));
    section(2, "Problems", blocks)
}
