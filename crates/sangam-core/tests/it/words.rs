//! The window's word tables: every Tamil entry names the values its English entry names,
//! so no Tamil sentence drops an amount or shows a raw `{placeholder}`; and every problem
//! core can raise has words in both (the English generated from core's own list).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use sangam_core::{ProblemKey, Thing, files};

/// The `"key": "text",` entries of a word table's source, by key (JSON string syntax, as
/// the tables are written).
fn entries(file: &str) -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../ui/src")
        .join(file);
    let text = files::read_text_capped(&path, 1 << 21, Thing::WordTable).expect("a table");
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim().trim_end_matches(',');
        let Some((key, value)) = line.split_once("\": ") else {
            continue;
        };
        let (Ok(key), Ok(value)) = (
            serde_json::from_str::<String>(&format!("{key}\"")),
            serde_json::from_str::<String>(value),
        ) else {
            continue;
        };
        out.insert(key, value);
    }
    out
}

fn placeholders(text: &str) -> BTreeSet<&str> {
    text.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .filter(|name| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        .collect()
}

#[test]
fn every_tamil_entry_names_the_values_of_its_english_one() {
    let mut en = entries("i18n/en.ts");
    en.extend(entries("lib/ipc/bindings/problemWords.ts"));
    let ta = entries("i18n/ta.ts");
    assert!(en.len() > 900, "read {} English entries", en.len());
    let mut wrong = Vec::new();
    for (key, english) in &en {
        let Some(tamil) = ta.get(key) else {
            wrong.push(format!("{key}: no Tamil"));
            continue;
        };
        if placeholders(english) != placeholders(tamil) {
            wrong.push(format!("{key}: {english:?} / {tamil:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_problem_and_thing_has_words_in_the_window() {
    let words = entries("lib/ipc/bindings/problemWords.ts");
    for key in ProblemKey::ALL {
        let english = &words[&format!("problem.{}", key.name())];
        assert_eq!(english, key.english(), "{key:?}");
    }
    for thing in Thing::ALL {
        assert_eq!(&words[&format!("thing.{thing:?}")], thing.english());
    }
}
