//! Errors: [`Error`] for handlers, [`BuildError`] for start-up.

use std::fmt;

/// An error a tool, resource or prompt returns.
///
/// `?` converts any `std::error::Error` into it. A tool's error becomes a result with
/// `isError: true` that the model can read; a resource's or prompt's becomes a JSON-RPC error.
/// [`Error::not_found`] makes `resources/read` answer "resource not found", and
/// [`Error::invalid_params`] makes a prompt answer "invalid params".
pub struct Error {
    pub(crate) kind: ErrorKind,
    pub(crate) message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    Failed,
    NotFound,
    InvalidParams,
}

impl Error {
    /// A failure with a message for the client.
    pub fn new(message: impl fmt::Display) -> Self {
        Error {
            kind: ErrorKind::Failed,
            message: message.to_string(),
        }
    }

    /// The requested resource (or record) does not exist.
    pub fn not_found(message: impl fmt::Display) -> Self {
        Error {
            kind: ErrorKind::NotFound,
            message: message.to_string(),
        }
    }

    /// The client's arguments are wrong.
    pub fn invalid_params(message: impl fmt::Display) -> Self {
        Error {
            kind: ErrorKind::InvalidParams,
            message: message.to_string(),
        }
    }

    /// The message sent to the client.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether this is a not-found error.
    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for Error {
    fn from(err: E) -> Self {
        Error::new(err)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .finish()
    }
}

/// Why a server could not be built. Lists every problem found, not just the first.
#[derive(Debug)]
pub struct BuildError {
    server: String,
    problems: Vec<String>,
}

impl BuildError {
    pub(crate) fn new(server: &str, problems: Vec<String>) -> Self {
        BuildError {
            server: server.to_string(),
            problems,
        }
    }

    /// One line per problem.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MCP server `{}` is invalid:", self.server)?;
        for p in &self.problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for BuildError {}
