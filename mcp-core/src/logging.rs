//! Log levels, as clients choose them and handlers send them.

use serde::Serialize;

/// Severity of a log message, as in RFC 5424 (`debug` lowest, `emergency` highest).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    /// Detailed debugging information.
    Debug,
    /// Normal operation.
    Info,
    /// Normal but significant events.
    Notice,
    /// Warning conditions.
    Warning,
    /// Error conditions.
    Error,
    /// Critical conditions.
    Critical,
    /// Action must be taken immediately.
    Alert,
    /// The system is unusable.
    Emergency,
}

impl LogLevel {
    const ALL: [LogLevel; 8] = [
        LogLevel::Debug,
        LogLevel::Info,
        LogLevel::Notice,
        LogLevel::Warning,
        LogLevel::Error,
        LogLevel::Critical,
        LogLevel::Alert,
        LogLevel::Emergency,
    ];

    /// The protocol name, e.g. `"warning"`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Notice => "notice",
            LogLevel::Warning => "warning",
            LogLevel::Error => "error",
            LogLevel::Critical => "critical",
            LogLevel::Alert => "alert",
            LogLevel::Emergency => "emergency",
        }
    }

    pub(crate) fn parse(name: &str) -> Option<LogLevel> {
        Self::ALL.into_iter().find(|l| l.as_str() == name)
    }

    /// Every level's protocol name, from the least to the most severe.
    pub(crate) fn names() -> [&'static str; 8] {
        Self::ALL.map(LogLevel::as_str)
    }

    /// 1 to 8, for storing in an atomic; 0 means "off".
    pub(crate) fn to_u8(self) -> u8 {
        self as u8 + 1
    }

    pub(crate) fn from_u8(value: u8) -> Option<LogLevel> {
        Self::ALL.get(usize::from(value).checked_sub(1)?).copied()
    }
}
