//! [`Caller`]: who made a request, as the server's authentication established it.

use std::fmt;
use std::sync::Arc;

use serde_json::Value;

/// Who made a request: the subject and roles (or OAuth scopes) that the mounted server's
/// authentication established, and the token's claims when there is one.
///
/// A handler parameter of type `Caller` is filled by the framework, never by the client, and
/// is not part of the tool's schema. Without authentication the caller is anonymous: no
/// subject, no roles.
///
/// ```
/// use mcp_core::{tool, Caller};
///
/// /// Who am I?
/// #[tool(server = "doc-caller")]
/// fn whoami(caller: Caller) -> String {
///     caller.subject().unwrap_or("anonymous").to_string()
/// }
/// ```
#[derive(Clone, Default)]
pub struct Caller {
    identity: Option<Arc<Identity>>,
}

struct Identity {
    subject: Box<str>,
    /// Sorted, without duplicates.
    roles: Box<[Box<str>]>,
    claims: Option<Value>,
}

impl Caller {
    /// A caller nobody authenticated (no subject, no roles).
    pub fn anonymous() -> Caller {
        Caller::default()
    }

    /// A caller authenticated as `subject`, holding `roles` (or scopes).
    pub fn new<R: AsRef<str>>(
        subject: impl Into<String>,
        roles: impl IntoIterator<Item = R>,
    ) -> Caller {
        let mut roles: Vec<Box<str>> = roles.into_iter().map(|r| r.as_ref().into()).collect();
        roles.sort();
        roles.dedup();
        Caller {
            identity: Some(Arc::new(Identity {
                subject: subject.into().into_boxed_str(),
                roles: roles.into_boxed_slice(),
                claims: None,
            })),
        }
    }

    /// The same caller, with the claims of the token it presented.
    pub fn with_claims(self, claims: Value) -> Caller {
        let Some(identity) = self.identity else {
            return self;
        };
        let identity = Arc::try_unwrap(identity).unwrap_or_else(|shared| Identity {
            subject: shared.subject.clone(),
            roles: shared.roles.clone(),
            claims: shared.claims.clone(),
        });
        Caller {
            identity: Some(Arc::new(Identity {
                claims: Some(claims),
                ..identity
            })),
        }
    }

    /// Whether authentication established who this is.
    pub fn is_authenticated(&self) -> bool {
        self.identity.is_some()
    }

    /// The subject: the API key's name, or the token's `sub`.
    pub fn subject(&self) -> Option<&str> {
        self.identity.as_deref().map(|i| &*i.subject)
    }

    /// The roles (API keys) or scopes (OAuth) the caller holds, sorted.
    pub fn roles(&self) -> impl Iterator<Item = &str> {
        let roles = self
            .identity
            .as_deref()
            .map(|i| &i.roles[..])
            .unwrap_or_default();
        roles.iter().map(|r| &**r)
    }

    /// Whether the caller holds `role`.
    pub fn has_role(&self, role: &str) -> bool {
        self.identity
            .as_deref()
            .is_some_and(|i| i.roles.binary_search_by(|r| (**r).cmp(role)).is_ok())
    }

    /// The claims of the token the caller presented (OAuth), if any.
    pub fn claims(&self) -> Option<&Value> {
        self.identity.as_deref().and_then(|i| i.claims.as_ref())
    }
}

impl fmt::Debug for Caller {
    /// The subject and roles; claims are not shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let roles: Vec<&str> = self.roles().collect();
        f.debug_struct("Caller")
            .field("subject", &self.subject())
            .field("roles", &roles)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_sorted_and_looked_up() {
        let c = Caller::new("ops", ["write", "read", "write"]);
        assert_eq!(c.roles().collect::<Vec<_>>(), ["read", "write"]);
        assert!(c.has_role("read") && !c.has_role("admin"));
        assert_eq!(c.subject(), Some("ops"));
        let anon = Caller::anonymous();
        assert!(!anon.is_authenticated() && !anon.has_role("read"));
        let claimed = c.with_claims(serde_json::json!({"sub": "ops"}));
        assert_eq!(claimed.claims().unwrap()["sub"], "ops");
    }
}
