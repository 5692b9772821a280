//! Values the framework passes to handlers instead of client arguments: [`State`] and
//! [`Context`].

use std::any::Any;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde_json::Value;

use crate::dispatch::RequestScope;
use crate::registry::StateKey;

/// Shared state registered with [`ServerBuilder::state`](crate::ServerBuilder::state).
///
/// A parameter of type `State<T>` is filled by the framework, never by the client, and is not
/// part of the tool's schema. `build()` fails if a handler needs a `T` that was not registered.
pub struct State<T: ?Sized>(Arc<T>);

impl<T: ?Sized> State<T> {
    /// The shared pointer.
    pub fn into_arc(self) -> Arc<T> {
        self.0
    }
}

impl<T: ?Sized> Deref for State<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: ?Sized> Clone for State<T> {
    fn clone(&self) -> Self {
        State(self.0.clone())
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for State<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Information about the request being handled: protocol revision, client, session.
///
/// Add a `Context` parameter to any tool, resource or prompt function to receive it.
#[derive(Clone)]
pub struct Context {
    inner: Arc<ContextInner>,
}

struct ContextInner {
    server: String,
    protocol_version: &'static str,
    stateless: bool,
    request_id: String,
    session_id: Option<String>,
    client_info: Option<Value>,
    client_capabilities: Value,
}

impl Context {
    pub(crate) fn from_scope(scope: &RequestScope<'_>) -> Context {
        let parse = |raw: Option<&serde_json::value::RawValue>| {
            raw.and_then(|r| serde_json::from_str::<Value>(r.get()).ok())
        };
        Context {
            inner: Arc::new(ContextInner {
                server: scope.server.info.name.clone(),
                protocol_version: scope.version.as_str(),
                stateless: scope.version.is_modern(),
                request_id: scope.id.get().to_string(),
                session_id: scope.session.map(|s| s.id.to_string()),
                client_info: parse(scope.client_info()),
                client_capabilities: parse(scope.client_capabilities())
                    .unwrap_or_else(|| Value::Object(Default::default())),
            }),
        }
    }

    /// The name of the MCP server handling the request.
    pub fn server_name(&self) -> &str {
        &self.inner.server
    }

    /// The protocol revision of this request, e.g. `"2026-07-28"` or `"2025-11-25"`.
    pub fn protocol_version(&self) -> &str {
        self.inner.protocol_version
    }

    /// Whether the request uses the stateless revision (no session).
    pub fn is_stateless(&self) -> bool {
        self.inner.stateless
    }

    /// The JSON-RPC id of the request, as JSON text (`1` or `"abc"`).
    pub fn request_id(&self) -> &str {
        &self.inner.request_id
    }

    /// The session id, for session-based revisions.
    pub fn session_id(&self) -> Option<&str> {
        self.inner.session_id.as_deref()
    }

    /// The client's `clientInfo` (`{"name": .., "version": ..}`), if it sent one.
    pub fn client_info(&self) -> Option<&Value> {
        self.inner.client_info.as_ref()
    }

    /// The client's name from `clientInfo`.
    pub fn client_name(&self) -> Option<&str> {
        self.client_info()?.get("name")?.as_str()
    }

    /// The capabilities the client declared (for this request, or at `initialize`).
    pub fn client_capabilities(&self) -> &Value {
        &self.inner.client_capabilities
    }
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("server", &self.inner.server)
            .field("protocol_version", &self.inner.protocol_version)
            .field("request_id", &self.inner.request_id)
            .field("session_id", &self.inner.session_id)
            .finish_non_exhaustive()
    }
}

/// Why an injected parameter could not be supplied.
#[derive(Debug)]
pub struct InjectError(pub(crate) String);

/// A parameter type the framework supplies (`State<T>`, `Context`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` can't be injected into an MCP handler",
    note = "parameters whose type is named `State` or `Context` are supplied by the framework; use `mcp_core::State<T>` or `mcp_core::Context`"
)]
pub trait Inject: Sized {
    /// The state type this parameter needs registered, checked by `build()`.
    const REQUIRES: Option<fn() -> StateKey>;
    /// Produces the value for one request.
    fn inject(scope: &RequestScope<'_>) -> Result<Self, InjectError>;
}

impl<T: Send + Sync + 'static> Inject for State<T> {
    const REQUIRES: Option<fn() -> StateKey> = Some(StateKey::of::<T>);

    fn inject(scope: &RequestScope<'_>) -> Result<Self, InjectError> {
        let any: Arc<dyn Any + Send + Sync> = scope
            .server
            .state
            .get(&std::any::TypeId::of::<T>())
            .cloned()
            .ok_or_else(|| {
                InjectError(format!("no state of type `{}`", std::any::type_name::<T>()))
            })?;
        any.downcast::<T>()
            .map(State)
            .map_err(|_| InjectError("state type mismatch".into()))
    }
}

impl Inject for Context {
    const REQUIRES: Option<fn() -> StateKey> = None;

    fn inject(scope: &RequestScope<'_>) -> Result<Self, InjectError> {
        Ok(Context::from_scope(scope))
    }
}
