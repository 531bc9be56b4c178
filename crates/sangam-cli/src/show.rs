//! How the CLI shows things, for every area: tables, JSON, times, QR codes, text made
//! inert for a terminal, and its errors.

use std::io::Write;

use anyhow::{Context, Result};
use sangam_core::{ApiError, ErrorCode};
use serde::Serialize;

use crate::output::Output;

/// Whether `c` would act on a terminal instead of showing: control characters (ESC
/// starts colour and cursor sequences), bidirectional overrides and isolates (they reorder
/// what follows), and zero-width characters (they hide a difference).
fn acts_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}' | '\u{feff}')
}

/// `text` from other members made inert for a terminal, keeping its line breaks: every
/// character that would act on the terminal is shown as its escape, e.g. `\u{1b}`.
pub fn inert_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c != '\n' && acts_on_terminal(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// Like [`inert_text`] for one table cell: a line break is shown too, so nobody can
/// forge a row.
pub fn inert_line(text: &str) -> String {
    inert_text(text).replace('\n', "\\u{a}")
}

/// Writes a line to stdout. A closed pipe or a full disk comes back as an error (the
/// command then ends: quietly for a closed pipe, see `main`).
pub fn outln(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()?;
    Ok(())
}

/// Prints one line of `serve`'s log at once (it may be read line by line as it runs). A
/// log nobody reads any more is not a reason to stop serving.
pub fn say(line: &str) {
    let _ = outln(&inert_text(line));
}

/// A QR code of `text` for the terminal (empty when it is too long to draw: the text form
/// still works).
pub fn qr(text: &str) -> String {
    sangam_qr::terminal(text).unwrap_or_default()
}

/// A timestamp for people: UTC, to the second.
pub fn when(ms: i64) -> String {
    // Times past the year 9999 are refused when written; one from elsewhere shows as the
    // latest date rather than failing to print.
    let ms = ms.clamp(0, sangam_core::LATEST_TIME);
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms as u64);
    humantime::format_rfc3339_seconds(time).to_string()
}

pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the network runtime")
}

/// A core error as the CLI shows it: core's words, plus the command that helps where
/// there is one (core never names a command or a flag).
pub fn api(e: ApiError) -> anyhow::Error {
    let hint = match e.code {
        ErrorCode::NoIdentity => Some("run `sangam id new --name NAME` first"),
        ErrorCode::IdentityExists => {
            Some("see `sangam id show`; use another --home for a second one")
        }
        ErrorCode::NotServing => Some("start `sangam serve` on this home first"),
        _ => None,
    };
    match hint {
        Some(hint) => anyhow::anyhow!("{}: {hint}", e.message),
        None => anyhow::Error::msg(e.message),
    }
}

pub fn print<T: Serialize>(out: Output, value: &T, human: impl FnOnce() -> String) -> Result<()> {
    let text = if out.json {
        serde_json::to_string_pretty(value)?
    } else {
        inert_text(&human())
    };
    outln(&text)
}

pub fn table(headers: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let rows: Vec<Vec<String>> = rows
        .map(|row| row.iter().map(|cell| inert_line(cell)).collect())
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let mut out = vec![line(headers.iter().map(|h| h.to_string()).collect())];
    out.extend(rows.into_iter().map(line));
    out.join("\n")
}
