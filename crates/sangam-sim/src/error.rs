//! What can stop a simulated run, by cause.

/// Why a run could not go on, or what its checks found wrong.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A home refused a step the simulator needs (opening, founding, joining by bundle).
    #[error("a home refused: {0}")]
    Home(#[from] sangam_core::ApiError),
    /// The directory the homes live in could not be made.
    #[error("the homes' directory: {0}")]
    Dir(#[from] std::io::Error),
    /// A key or id a home printed does not parse.
    #[error("a key or id that does not parse: {0}")]
    Key(#[from] sangam_model::keys::KeyError),
    /// What the checks at quiescence found wrong, said in full.
    #[error("{0}")]
    Check(String),
}
