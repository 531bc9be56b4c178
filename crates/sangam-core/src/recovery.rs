//! The recovery phrase: the member key written as 24 words (BIP-39, English list), so a
//! member who loses their only laptop keeps their identity. The phrase is the key itself:
//! whoever holds it can act as the member, so it is shown only when asked for and never
//! stored or logged. A restored home gets a device key of its own (two laptops never share
//! one: docs/protocol.md "Forks"), bound once the co-op reaches it.

use sangam_model::SecretKey;

use crate::ApiError;
use crate::dto::IdentityDto;
use crate::home::Home;
use crate::problem::{ProblemKey, problem};

/// Words in a phrase: 256 bits of key and an 8-bit check.
pub const PHRASE_WORDS: usize = 24;

impl Home {
    /// This home's member key as its recovery phrase, word by word.
    pub fn recovery_phrase(&self) -> Result<Vec<String>, ApiError> {
        let (key, _) = self.node().member()?;
        let phrase = bip39::Mnemonic::from_entropy(key.to_seed().as_slice()).map_err(|e| {
            ApiError::from(
                problem(ProblemKey::Damaged)
                    .with("detail", format!("the key does not encode: {e}")),
            )
        })?;
        Ok(phrase.words().map(str::to_owned).collect())
    }

    /// Restores a member key from its recovery phrase into this home, which must have no
    /// identity yet; `name` is what this home calls its member until the co-op's records
    /// arrive.
    pub fn restore_identity(&self, phrase: &str, name: &str) -> Result<IdentityDto, ApiError> {
        let seed = seed_of(phrase)?;
        self.node()
            .create_identity_from(SecretKey::from_seed(seed), name)
    }
}

/// The member key a phrase writes, or what is wrong with the phrase, naming the word.
fn seed_of(phrase: &str) -> Result<[u8; 32], ApiError> {
    // `sangam id backup` numbers its words ("1. word"): pasted back, the numbers are not
    // words of the phrase.
    let words: Vec<String> = phrase
        .split_whitespace()
        .filter(|w| {
            !w.trim_end_matches(['.', ')', ':'])
                .chars()
                .all(|c| c.is_ascii_digit())
        })
        .map(str::to_lowercase)
        .collect();
    if words.len() != PHRASE_WORDS {
        return Err(problem(ProblemKey::PhraseWordCount)
            .with("expected", PHRASE_WORDS)
            .with("count", words.len())
            .into());
    }
    let parsed = bip39::Mnemonic::parse_in_normalized(bip39::Language::English, &words.join(" "))
        .map_err(|e| match e {
        bip39::Error::UnknownWord(i) => ApiError::from(
            problem(ProblemKey::PhraseUnknownWord)
                .with("position", i + 1)
                .with("word", words.get(i).map(String::as_str).unwrap_or("")),
        ),
        bip39::Error::InvalidChecksum => problem(ProblemKey::PhraseChecksum).into(),
        other => problem(ProblemKey::NotAPhrase).with("detail", other).into(),
    })?;
    let entropy = parsed.to_entropy();
    <[u8; 32]>::try_from(entropy.as_slice()).map_err(|_| {
        problem(ProblemKey::PhraseWordCount)
            .with("expected", PHRASE_WORDS)
            .with("count", words.len())
            .into()
    })
}
