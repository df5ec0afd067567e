//! Horizontal bar charts as inline SVG, drawn from figures alone.
//!
//! The charts are plain: dark bars with their value written at the end, so they read in
//! black and white and on paper. Layout is fixed-width and every coordinate is printed with
//! one decimal, so the same figures always give the same markup. No axis, legend or
//! interactivity: the table next to each chart carries the exact figures.

use std::fmt::Write;

use handlebars::html_escape;

use super::one_decimal;

const WIDTH: f64 = 640.0;
const LABEL_WIDTH: f64 = 220.0;
/// Room after the longest bar for its value.
const VALUE_WIDTH: f64 = 60.0;
const ROW: f64 = 24.0;
const BAR: f64 = 16.0;
const PAD: f64 = 8.0;
/// Labels longer than this are shortened; the full label is the bar's tooltip.
const LABEL_CHARS: usize = 30;

/// An SVG element drawing one bar per `(label, value)`, the longest bar for the largest
/// value; `title` names the chart for screen readers.
pub(crate) fn bar_chart(title: &str, bars: &[(String, f64)]) -> String {
    let height = PAD * 2.0 + ROW * bars.len() as f64;
    let max = bars.iter().map(|b| b.1).fold(0.0_f64, f64::max);
    let scale = if max > 0.0 { (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / max } else { 0.0 };
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" \
         viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\"><title>{t}</title>",
        w = one_decimal(WIDTH),
        h = one_decimal(height),
        t = html_escape(title),
    );
    for (row, (label, value)) in bars.iter().enumerate() {
        let top = PAD + ROW * row as f64;
        let text_y = top + ROW / 2.0 + 4.0;
        let length = (value.max(0.0) * scale).max(if *value > 0.0 { 1.0 } else { 0.0 });
        let _ = write!(
            out,
            "<g><title>{full}: {v}</title>\
             <text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{short}</text>\
             <rect x=\"{bx}\" y=\"{by}\" width=\"{bw}\" height=\"{bh}\"/>\
             <text x=\"{vx}\" y=\"{ty}\">{v}</text></g>",
            full = html_escape(label),
            short = html_escape(&shorten(label)),
            v = figure(*value),
            lx = one_decimal(LABEL_WIDTH - PAD),
            ty = one_decimal(text_y),
            bx = one_decimal(LABEL_WIDTH),
            by = one_decimal(top + (ROW - BAR) / 2.0),
            bw = one_decimal(length),
            bh = one_decimal(BAR),
            vx = one_decimal(LABEL_WIDTH + length + 4.0),
        );
    }
    out.push_str("</svg>");
    out
}

fn shorten(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_owned();
    }
    let mut short: String = label.chars().take(LABEL_CHARS - 1).collect();
    short.push('…');
    short
}

/// Counts print without decimals, anything else with one.
fn figure(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        one_decimal(value)
    }
}
