//! The protocol revisions, and every rule that differs between them.
//!
//! Nothing outside this file compares revisions: code that behaves differently per revision
//! asks the revision a named question (`version.has_icons()`, `version.accepts_batches()`).
//! Two families: the stateless revision (`2026-07-28`: no handshake, a `_meta` envelope on
//! every request) and the session revisions (`2025-03-26` to `2025-11-25`: `initialize`,
//! then `Mcp-Session-Id`).

use super::code;
use super::method::Method;

/// A protocol revision this framework speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Version {
    V2025_03_26,
    V2025_06_18,
    V2025_11_25,
    V2026_07_28,
}

impl Version {
    /// Every supported revision, oldest first (the order of [`Version::index`]).
    pub(crate) const ALL: [Version; 4] = [
        Version::V2025_03_26,
        Version::V2025_06_18,
        Version::V2025_11_25,
        Version::V2026_07_28,
    ];
    /// The session revisions, newest first (as error messages list them).
    pub(crate) const SESSION: [Version; 3] = [
        Version::V2025_11_25,
        Version::V2025_06_18,
        Version::V2025_03_26,
    ];
    /// The stateless revisions, newest first (as `server/discover` lists them).
    pub(crate) const STATELESS: [Version; 1] = [Version::V2026_07_28];
    /// The session revision `initialize` offers when the client asks for one we lack.
    pub(crate) const NEWEST_SESSION: Version = Version::V2025_11_25;

    /// The revision's name on the wire, e.g. `"2025-11-25"`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Version::V2025_03_26 => "2025-03-26",
            Version::V2025_06_18 => "2025-06-18",
            Version::V2025_11_25 => "2025-11-25",
            Version::V2026_07_28 => "2026-07-28",
        }
    }

    /// Any supported revision.
    pub(crate) fn parse(s: &str) -> Option<Version> {
        Version::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// A supported stateless revision.
    pub(crate) fn parse_stateless(s: &str) -> Option<Version> {
        Version::parse(s).filter(|v| v.is_stateless())
    }

    /// A supported session revision.
    pub(crate) fn parse_session(s: &str) -> Option<Version> {
        Version::parse(s).filter(|v| !v.is_stateless())
    }

    /// The revision an `initialize` asking for `requested` gets: that one if it is a session
    /// revision we speak, otherwise our newest session revision (the client then decides
    /// whether it can speak it).
    pub(crate) fn negotiate(requested: &str) -> Version {
        Version::parse_session(requested).unwrap_or(Version::NEWEST_SESSION)
    }

    /// Index into per-revision tables (`[T; 4]`, in [`Version::ALL`] order).
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// Whether a header naming `self` claims more than a session that negotiated `session`
    /// agreed to.
    pub(crate) fn is_newer_than(self, session: Version) -> bool {
        self.index() > session.index()
    }

    /// The experimental tasks of revision 2025-11-25 (`params.task`, `tasks/result`,
    /// `tasks/list`), which the tasks extension of 2026-07-28 replaced.
    pub(crate) fn has_session_tasks(self) -> bool {
        matches!(self, Version::V2025_11_25)
    }

    /// No handshake and no session: every request carries its revision, client
    /// capabilities and client info in `_meta`.
    pub(crate) fn is_stateless(self) -> bool {
        matches!(self, Version::V2026_07_28)
    }

    /// Whether `method` exists in this revision (given that the server has what it serves).
    pub(crate) fn serves(self, method: Method) -> bool {
        match method {
            Method::Discover | Method::Listen | Method::TasksUpdate => self.is_stateless(),
            Method::TasksGet | Method::TasksCancel => {
                self.is_stateless() || self.has_session_tasks()
            }
            Method::TasksResult | Method::TasksList => self.has_session_tasks(),
            Method::Initialize
            | Method::Ping
            | Method::SetLogLevel
            | Method::ResourcesSubscribe
            | Method::ResourcesUnsubscribe => !self.is_stateless(),
            _ => true,
        }
    }

    /// Whether an unknown method fails the request as a whole (HTTP 404) rather than being
    /// answered with an in-band error.
    pub(crate) fn refuses_unknown_methods(self) -> bool {
        self.is_stateless()
    }

    /// Whether every result carries `resultType` and `_meta.serverInfo`, and cacheable
    /// results `ttlMs` and `cacheScope`.
    pub(crate) fn has_result_envelope(self) -> bool {
        self.is_stateless()
    }

    /// Whether a handler's questions to the client (elicitation, sampling, roots) travel as
    /// `input_required` results that the client answers by calling again, rather than as
    /// requests on the session's stream.
    pub(crate) fn asks_by_retry(self) -> bool {
        self.is_stateless()
    }

    /// `title` on items and server info, `outputSchema` on tools, `structuredContent` on
    /// tool results.
    pub(crate) fn has_titles_and_structured_content(self) -> bool {
        !matches!(self, Version::V2025_03_26)
    }

    /// `icons` on items and server info, and the server's `description` and `websiteUrl`.
    pub(crate) fn has_icons(self) -> bool {
        matches!(self, Version::V2025_11_25 | Version::V2026_07_28)
    }

    /// JSON-RPC batches (removed after 2025-03-26).
    pub(crate) fn accepts_batches(self) -> bool {
        matches!(self, Version::V2025_03_26)
    }

    /// Whether a session's event streams open with a priming event (an id and `retry:`), and
    /// a handler may close its stream for the client to reconnect and poll (SEP-1699).
    pub(crate) fn primes_event_streams(self) -> bool {
        matches!(self, Version::V2025_11_25)
    }

    /// The error code of `resources/read` for an unknown URI.
    pub(crate) fn resource_not_found_code(self) -> i64 {
        if self.is_stateless() {
            code::INVALID_PARAMS
        } else {
            code::RESOURCE_NOT_FOUND
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_families_split() {
        for v in Version::ALL {
            assert_eq!(Version::parse(v.as_str()), Some(v));
            assert_eq!(Version::ALL[v.index()], v);
            assert_ne!(
                Version::SESSION.contains(&v),
                Version::STATELESS.contains(&v)
            );
            assert_eq!(v.is_stateless(), Version::STATELESS.contains(&v));
        }
        assert_eq!(Version::negotiate("2025-06-18"), Version::V2025_06_18);
        assert_eq!(Version::negotiate("2026-07-28"), Version::V2025_11_25);
        assert_eq!(Version::negotiate("1900-01-01"), Version::V2025_11_25);
        assert!(Version::V2025_11_25.is_newer_than(Version::V2025_03_26));
        assert!(!Version::V2025_03_26.is_newer_than(Version::V2025_11_25));
    }

    #[test]
    fn features_grow_with_revisions() {
        let titles: Vec<bool> = Version::ALL
            .map(Version::has_titles_and_structured_content)
            .into();
        assert_eq!(titles, [false, true, true, true]);
        let icons: Vec<bool> = Version::ALL.map(Version::has_icons).into();
        assert_eq!(icons, [false, false, true, true]);
        let batches: Vec<bool> = Version::ALL.map(Version::accepts_batches).into();
        assert_eq!(batches, [true, false, false, false]);
    }
}
