//! Field rules every area shares (docs/protocol.md "Kinds": **name** and **text**), and
//! the [`Fields`] contract by which a body states its own.
//!
//! Shape (which members, which JSON types) is serde's job; what serde cannot say, a
//! length, a character class, an order, is a field rule. Each area checks its bodies'
//! fields with its own error enum and reuses these for names and free text, so a name
//! is refused with the same words wherever it appears.

/// Longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest free-text field (contact, reason), in characters.
pub const MAX_TEXT_CHARS: usize = 1000;

/// A name or free-text field that breaks the shared rules. `field` is the body member at
/// fault, as written on the wire.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FieldError {
    /// Empty, or longer than [`MAX_NAME_CHARS`].
    #[error("{field} must be 1 to {MAX_NAME_CHARS} characters")]
    NameLength {
        /// The field.
        field: &'static str,
    },
    /// Leading or trailing whitespace, a control character, or a bidirectional override,
    /// isolate or mark (they reorder what a reader sees around them).
    #[error(
        "{field} must not start or end with spaces or contain control or text-direction characters"
    )]
    NameCharacters {
        /// The field.
        field: &'static str,
    },
    /// Nothing a reader can see: only spaces and zero-width characters.
    #[error("{field} must have a visible character")]
    NameInvisible {
        /// The field.
        field: &'static str,
    },
    /// Longer than [`MAX_TEXT_CHARS`].
    #[error("{field} must be at most {MAX_TEXT_CHARS} characters")]
    TextLength {
        /// The field.
        field: &'static str,
    },
}

/// A display name: 1 to [`MAX_NAME_CHARS`] characters, no control characters, no
/// text-direction characters, no leading or trailing spaces, and at least one visible
/// character (docs/protocol.md "Kinds": **name**).
pub fn check_name(field: &'static str, name: &str) -> Result<(), FieldError> {
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS {
        return Err(FieldError::NameLength { field });
    }
    if name.trim() != name || name.chars().any(|c| c.is_control() || is_direction(c)) {
        return Err(FieldError::NameCharacters { field });
    }
    if name.chars().all(|c| c.is_whitespace() || is_zero_width(c)) {
        return Err(FieldError::NameInvisible { field });
    }
    Ok(())
}

/// Bidirectional marks, embeddings, overrides and isolates.
fn is_direction(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Characters that take no room: allowed inside a name (some scripts join letters with
/// them) but never all of it, and ignored when names are compared ([`fold_name`]).
fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}'
    )
}

/// The form in which two names are the same name to a reader: zero-width characters left
/// out and case folded. Options that fold alike are one option.
pub fn fold_name(name: &str) -> String {
    name.chars()
        .filter(|c| !is_zero_width(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Free text: at most [`MAX_TEXT_CHARS`] characters, possibly empty.
pub(crate) fn check_text(field: &'static str, text: &str) -> Result<(), FieldError> {
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(FieldError::TextLength { field });
    }
    Ok(())
}

/// A body's field rules beyond its shape. Every body in the kinds table implements it;
/// parsing a record runs it right after serde has read the body.
pub trait Fields {
    /// The area's error for a field that breaks its rules.
    type Error: std::error::Error;

    /// Checks every field; the default is for bodies whose shape says it all.
    fn check(&self) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// A commodity code that is not one: 3 to 8 characters A-Z or 0-9, starting with a
/// letter. The co-op's currency, an entry's and a price's commodity share the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("currency {0:?} must be 3 to 8 characters A-Z or 0-9, starting with a letter")]
pub struct CurrencyError(pub String);

/// A commodity code: 3 to 8 characters, `A`–`Z` and `0`–`9`, starting with a letter.
pub fn check_currency(code: &str) -> Result<(), CurrencyError> {
    let ok = (3..=8).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(CurrencyError(code.to_owned()))
    }
}
