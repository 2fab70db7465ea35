//! The error value for bad placement input (strategy, constraint, template, requirements).

/// Bad placement input: what is wrong and what to write instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} (hint: {hint})")]
pub struct PlacementConfigError {
    /// What is wrong, naming the offending text.
    pub message: String,
    /// What to write instead.
    pub hint: String,
}

impl PlacementConfigError {
    pub(crate) fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        PlacementConfigError {
            message: message.into(),
            hint: hint.into(),
        }
    }
}
