//! Renders a [`Document`] as one self-contained HTML page.
//!
//! Styles are inline and charts are inline SVG; there is no script and nothing is loaded
//! from elsewhere, so the page opens from a file offline and prints. Every piece of text is
//! escaped, since object names and code may hold `<`, `&` or quotes. The layout does not
//! rely on colour: bars are dark grey, tables are ruled.

use std::fmt::Write;

use handlebars::html_escape;

use super::document::{Block, Document, Span, Table};
use super::svg;

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;\
line-height:1.45;color:#111;background:#fff;max-width:72rem;margin:2rem auto;padding:0 1rem}\
h1{font-size:1.7rem;margin-bottom:.3rem}h2{font-size:1.3rem;margin-top:2.2rem;\
border-bottom:1px solid #999;padding-bottom:.2rem}h3{font-size:1.05rem;margin-top:1.5rem}\
table{border-collapse:collapse;margin:.6rem 0 1rem}th,td{border:1px solid #bbb;\
padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#eee}\
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em}\
nav ol{columns:2}figure{margin:.5rem 0 1.5rem}figcaption{font-size:.9rem;color:#333}\
svg.chart{max-width:100%;height:auto;font-size:12px;font-family:inherit}\
svg.chart rect{fill:#444}svg.chart text{fill:#111}\
@media print{body{margin:0;max-width:none}nav{display:none}\
table,figure,tr{break-inside:avoid}h2,h3{break-after:avoid}}";

pub(crate) fn render(document: &Document) -> String {
    let mut out = String::new();
    let title = html_escape(&document.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n\
         <p>{}</p>\n",
        inline(&document.intro)
    );
    contents_to(&mut out, document);
    for (n, section) in document.sections.iter().enumerate() {
        let level = section.level.clamp(2, 6);
        let _ =
            writeln!(out, "<h{level} id=\"s{}\">{}</h{level}>", n + 1, html_escape(&section.title));
        for block in &section.blocks {
            block_to(&mut out, block);
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// Links to the top-level sections; anchors are numbered, not derived from titles, so they
/// stay valid whatever a title holds.
fn contents_to(out: &mut String, document: &Document) {
    out.push_str("<nav>\n<ol>\n");
    for (n, section) in document.sections.iter().enumerate().filter(|(_, s)| s.level == 2) {
        let _ =
            writeln!(out, "<li><a href=\"#s{}\">{}</a></li>", n + 1, html_escape(&section.title));
    }
    out.push_str("</ol>\n</nav>\n");
}

fn block_to(out: &mut String, block: &Block) {
    match block {
        Block::Paragraph(spans) => {
            let _ = writeln!(out, "<p>{}</p>", inline(spans));
        }
        Block::List(items) => {
            out.push_str("<ul>\n");
            for item in items {
                let _ = writeln!(out, "<li>{}</li>", inline(item));
            }
            out.push_str("</ul>\n");
        }
        Block::Table(table) => table_to(out, table),
        Block::Chart(chart) => {
            if chart.bars.iter().all(|b| b.1 <= 0.0) {
                return;
            }
            let _ = writeln!(
                out,
                "<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>",
                svg::bar_chart(&chart.title, &chart.bars),
                html_escape(&chart.title)
            );
        }
    }
}

fn table_to(out: &mut String, table: &Table) {
    let class = |numeric: bool| if numeric { " class=\"num\"" } else { "" };
    out.push_str("<table>\n<thead><tr>");
    for column in &table.columns {
        let _ = write!(out, "<th{}>{}</th>", class(column.numeric), html_escape(column.title));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (cell, column) in row.iter().zip(&table.columns) {
            let _ = write!(out, "<td{}>{}</td>", class(column.numeric), inline(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn inline(spans: &[Span]) -> String {
    let mut out = String::new();
    for span in spans {
        match span {
            Span::Text(text) => out.push_str(&html_escape(text)),
            Span::Code(text) => {
                let _ = write!(out, "<code>{}</code>", html_escape(text));
            }
            Span::Strong(text) => {
                let _ = write!(out, "<strong>{}</strong>", html_escape(text));
            }
        }
    }
    out
}
