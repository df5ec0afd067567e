//! The offline embedder: feature hashing of words and identifiers.
//!
//! A text is cut into words: runs of letters and digits, with PL/SQL
//! identifiers taken whole and also in their parts (`calc_discount_pct`
//! gives `calc_discount_pct`, `calc`, `discount`, `pct`; `getOrderTotal`
//! gives `getordertotal`, `get`, `order`, `total`). Common English words and
//! the PL/SQL keywords every object uses are dropped. Each remaining word,
//! and its first six letters (so `discounts` meets `discounted`), adds its
//! weight to one of the vector's dimensions, chosen by a hash of the word,
//! with a sign from the same hash; a word repeated `n` times weighs
//! `1 + ln n`. The vector is then scaled to unit length.
//!
//! Two texts are therefore similar when they share words, weighted by how
//! often: good enough to find the objects that name the table, column,
//! package or concept a question names. It knows no synonyms and no
//! translations (`discount` does not find `descuento`), and nothing of word
//! order. The hash is FNV-1a, fixed here, so the same text gives the same
//! vector on every machine and in every version that keeps `MODEL`.

use std::collections::HashMap;

use super::{normalise, EmbedError, Embedder};

/// The cache key of this embedder's vectors; change it when the vectors change.
pub const MODEL: &str = "offline:hash-v1";

/// Words that say nothing about what a text is about.
const STOP_WORDS: &[&str] = &[
    // English function words and question words.
    "a", "about", "all", "an", "and", "any", "are", "as", "at", "be", "by", "can", "do", "does",
    "for", "from", "has", "have", "how", "if", "in", "into", "is", "it", "its", "of", "on", "or",
    "that", "the", "their", "then", "there", "these", "this", "to", "was", "what", "when",
    "where", "which", "who", "why", "will", "with",
    // PL/SQL and SQL keywords found in nearly every object.
    "begin", "end", "is", "as", "declare", "return", "select", "into", "where", "not", "null",
    "else", "elsif", "loop", "exception", "others", "create", "replace", "varchar2", "number",
    "integer", "boolean", "type", "procedure", "function", "package", "body", "line",
];

/// Feature hashing into `dimensions` floats; see the module documentation.
#[derive(Debug, Clone)]
pub struct Offline {
    dimensions: usize,
}

impl Offline {
    pub fn new(dimensions: usize) -> Offline {
        Offline { dimensions }
    }

    /// The vector of one text.
    pub fn vector(&self, text: &str) -> Vec<f32> {
        let mut counts: HashMap<String, u32> = HashMap::new();
        for word in words(text) {
            if word.chars().count() > 6 {
                let prefix: String = word.chars().take(6).collect();
                *counts.entry(format!("{prefix}~")).or_default() += 1;
            }
            *counts.entry(word).or_default() += 1;
        }
        let mut v = vec![0f32; self.dimensions];
        for (term, n) in &counts {
            let weight = 1.0 + (*n as f32).ln();
            // Prefixes count half: they widen a match, the word itself makes it.
            let weight = if term.ends_with('~') { weight * 0.5 } else { weight };
            let h = fnv1a(term.as_bytes());
            let index = (h % self.dimensions as u64) as usize;
            v[index] += if h >> 63 == 0 { weight } else { -weight };
        }
        normalise(&mut v);
        v
    }
}

impl Embedder for Offline {
    fn model(&self) -> &str {
        MODEL
    }

    fn dimensions(&self) -> usize {
        self.dimensions
    }

    fn embed(
        &self,
        texts: &[String],
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        use rayon::prelude::*;
        let done = std::sync::atomic::AtomicUsize::new(0);
        Ok(texts
            .par_iter()
            .map(|t| {
                let v = self.vector(t);
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if n.is_multiple_of(1000) || n == texts.len() {
                    progress(n);
                }
                v
            })
            .collect())
    }
}

/// The words of `text`, lowercased, stop words dropped: each identifier
/// whole and, when it has several, each of its parts.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$' || c == '#'))
        .filter(|t| !t.is_empty())
        .flat_map(|token| {
            let parts = parts(token);
            let whole = token.to_lowercase();
            let mut out = Vec::with_capacity(parts.len() + 1);
            if parts.len() > 1 {
                out.push(whole);
                out.extend(parts);
            } else {
                out.extend(parts);
            }
            out
        })
        .filter(|w| w.chars().any(char::is_alphabetic) && !STOP_WORDS.contains(&w.as_str()))
}

/// `token` split at `_`, `$`, `#` and lower-to-upper case changes, lowercased.
fn parts(token: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in token.chars() {
        if c == '_' || c == '$' || c == '#' {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// 64-bit FNV-1a.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cosine(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn identifiers_are_taken_whole_and_in_parts() {
        let w: Vec<String> = words("v_total := calc_discount_pct(getOrderTotal);").collect();
        assert_eq!(
            w,
            [
                "v_total",
                "v",
                "total",
                "calc_discount_pct",
                "calc",
                "discount",
                "pct",
                "getordertotal",
                "get",
                "order",
                "total"
            ]
        );
    }

    #[test]
    fn stop_words_and_numbers_carry_nothing() {
        let w: Vec<String> = words("How is the BEGIN 42 of it?").collect();
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn shared_words_make_texts_similar() {
        let e = Offline::new(256);
        let question = e.vector("how is the discount computed?");
        let near = e.vector("PROCEDURE calc_discount computes the discount of an order");
        let far = e.vector("PROCEDURE send_invoice_mail sends the invoice by SMTP");
        assert!(cosine(&question, &near) > 0.3, "{}", cosine(&question, &near));
        assert!(cosine(&question, &far).abs() < 0.1, "{}", cosine(&question, &far));
        assert!(cosine(&question, &near) > cosine(&question, &far) + 0.2);
    }

    #[test]
    fn vectors_are_unit_length_and_the_same_every_time() {
        let e = Offline::new(1024);
        let a = e.vector("UPDATE orders SET status = 'SHIPPED'");
        let norm: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5);
        assert_eq!(a, e.vector("UPDATE orders SET status = 'SHIPPED'"));
        // Fixed by FNV-1a, not by the process: a change here changes MODEL.
        let nonzero: Vec<usize> = a.iter().positions_nonzero();
        // update, orders, set, status, shipped and the prefix shippe~.
        assert_eq!(nonzero.len(), 6);
    }

    #[test]
    fn an_empty_text_is_the_zero_vector() {
        assert!(Offline::new(8).vector("-- ;").iter().all(|x| *x == 0.0));
    }

    trait PositionsNonzero {
        fn positions_nonzero(self) -> Vec<usize>;
    }
    impl<'a, I: Iterator<Item = &'a f32>> PositionsNonzero for I {
        fn positions_nonzero(self) -> Vec<usize> {
            self.enumerate().filter(|(_, x)| **x != 0.0).map(|(i, _)| i).collect()
        }
    }
}
