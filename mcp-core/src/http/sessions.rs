//! Requests in the session revisions (`2025-03-26` to `2025-11-25`): `initialize`, the
//! `Mcp-Session-Id` they must carry afterwards, the session's `GET` stream (resumed with
//! `Last-Event-ID`), `DELETE`, and the batches of revision 2025-03-26.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt as _;
use serde_json::value::RawValue;

use super::events::EventStream;
use super::{
    header, quoted, refuses_event_stream, respond, server_error, Endpoint, HttpBody, HttpRequest,
    HttpResponse,
};
use crate::handler::caller::Caller;
use crate::runtime::stream::{MessageStream, Out};
use crate::server::Outcome;
use crate::session::Session;
use crate::wire::{self, code, Message, Method, RpcError, Version};

impl Endpoint {
    /// `GET` with a session id: the session's standalone event stream, which carries what the
    /// server sends outside any request (resource updates).
    pub(super) fn listen(&self, req: &HttpRequest<'_>, caller: &Caller) -> HttpResponse {
        if refuses_event_stream(req) {
            return HttpResponse::error(
                406,
                None,
                &server_error("Not Acceptable: the standalone stream is text/event-stream".into()),
            );
        }
        let Ok(Some(id)) = header(req, "mcp-session-id") else {
            return HttpResponse::error(
                400,
                None,
                &server_error("Bad Request: Mcp-Session-Id header is required".into()),
            );
        };
        let Some(session) = self.session(id, caller) else {
            return HttpResponse::error(
                404,
                None,
                &RpcError::new(code::SESSION_NOT_FOUND, "Session not found"),
            );
        };
        let events = match header(req, "last-event-id") {
            Ok(None) => {
                let Some(rx) = session.open_stream() else {
                    return HttpResponse::error(
                        409,
                        None,
                        &server_error(
                            "Conflict: this session's standalone stream is already open".into(),
                        ),
                    );
                };
                EventStream::new(
                    None,
                    MessageStream::listen(rx),
                    Some(session),
                    self.config.background,
                )
            }
            Ok(Some(last)) => match self.resume(session, last) {
                Ok(events) => events,
                Err(err) => return HttpResponse::error(400, None, &err),
            },
            Err(()) => {
                return HttpResponse::error(
                    400,
                    None,
                    &server_error("Bad Request: Last-Event-ID is not valid text".into()),
                )
            }
        };
        HttpResponse {
            status: 200,
            headers: Vec::new(),
            body: HttpBody::EventStream(events),
        }
    }

    /// The stream `Last-Event-ID` names, from the event after it.
    fn resume(&self, session: Arc<Session>, last: &str) -> Result<EventStream, RpcError> {
        let Some((stream, seq)) = last
            .rsplit_once('-')
            .and_then(|(stream, seq)| Some((stream, seq.parse::<u64>().ok()?)))
            .filter(|(stream, _)| session.issued(stream))
        else {
            let why = "Bad Request: Last-Event-ID names no event stream of this session";
            return Err(server_error(why.into()));
        };
        Ok(EventStream::resume(
            session,
            stream,
            seq,
            self.config.background,
        ))
    }

    /// `DELETE`: ends the session.
    pub(super) fn delete(&self, req: &HttpRequest<'_>, caller: &Caller) -> HttpResponse {
        let sessions = &self.server.inner.sessions;
        match header(req, "mcp-session-id") {
            Ok(Some(id)) if self.session(id, caller).is_some() && sessions.remove(id) => {
                HttpResponse {
                    status: 200,
                    headers: Vec::new(),
                    body: HttpBody::Empty,
                }
            }
            Ok(Some(_)) => HttpResponse::error(
                404,
                None,
                &RpcError::new(code::SESSION_NOT_FOUND, "Session not found"),
            ),
            _ => HttpResponse::error(
                400,
                None,
                &server_error("Bad Request: Mcp-Session-Id header is required".into()),
            ),
        }
    }

    /// `initialize`: a new session, counted against its client's quota.
    async fn initialize(
        &self,
        req: &HttpRequest<'_>,
        msg: &Message<'_>,
        caller: &Caller,
    ) -> HttpResponse {
        let sessions = &self.server.inner.sessions;
        let peer = req.peer;
        if let Some(limit) = sessions.refuses(peer) {
            return HttpResponse::error(
                503,
                msg.id,
                &server_error(format!(
                    "Service Unavailable: this client holds its maximum of {limit} sessions; end one (DELETE) or retry later"
                )),
            )
            .retry_after();
        }
        let outcome = self
            .server
            .dispatch(msg, Version::NEWEST_SESSION, None, caller)
            .await;
        if let Outcome::Opened(_, session) = &outcome {
            if let Some(peer) = peer {
                sessions.assign(session, peer);
            }
            if let Some(subject) = caller.subject() {
                session.bind_owner(subject.into());
            }
        }
        respond(outcome, None).await
    }

    pub(super) async fn in_session(
        &self,
        req: &HttpRequest<'_>,
        msg: &Message<'_>,
        mpv: Option<&str>,
        session_header: Option<&str>,
        caller: &Caller,
    ) -> HttpResponse {
        let id = msg.id;
        if msg.is_request_for(Method::Initialize) {
            if session_header.is_some_and(|s| self.session(s, caller).is_some()) {
                return HttpResponse::error(
                    400,
                    id,
                    &RpcError::new(
                        code::INVALID_REQUEST,
                        "Invalid Request: Server already initialized",
                    ),
                );
            }
            return self.initialize(req, msg, caller).await;
        }
        if let Some(v) = mpv {
            if Version::parse_session(v).is_none() {
                let supported: Vec<&str> = Version::SESSION.iter().map(|v| v.as_str()).collect();
                return HttpResponse::error(
                    400,
                    id,
                    &server_error(format!(
                        "Bad Request: Unsupported protocol version: {} (supported versions: {})",
                        quoted(v),
                        supported.join(", ")
                    )),
                );
            }
        }
        let Some(session_id) = session_header else {
            return HttpResponse::error(
                400,
                id,
                &server_error("Bad Request: Mcp-Session-Id header is required".into()),
            );
        };
        let Some(session) = self.session(session_id, caller) else {
            return HttpResponse::error(
                404,
                id,
                &RpcError::new(code::SESSION_NOT_FOUND, "Session not found"),
            );
        };
        // A revision newer than the negotiated one claims what the session never agreed to.
        // An older session revision is tolerated, as the reference implementation and the
        // official conformance suite (`server-sse-multiple-streams`) expect.
        let newer = |v: &&str| Version::parse(v).is_some_and(|v| v.is_newer_than(session.version));
        if let Some(v) = mpv.filter(newer) {
            return HttpResponse::error(
                400,
                id,
                &server_error(format!(
                    "Bad Request: MCP-Protocol-Version {} is newer than the revision this session negotiated ({})",
                    quoted(v),
                    session.version.as_str()
                )),
            );
        }
        if let Err(throttled) = self.tool_throttle(req, msg, caller).await {
            return throttled.response(msg.id);
        }
        respond(
            self.server
                .dispatch(msg, session.version, Some(&session), caller)
                .await,
            self.config.background,
        )
        .await
    }

    /// A JSON-RPC batch: only sessions of revision 2025-03-26 accept them (later revisions
    /// removed batching). The answer is a JSON array of the responses, or an event stream
    /// when a call streams; only notifications and responses get 202.
    pub(super) async fn batch(&self, req: &HttpRequest<'_>, caller: &Caller) -> HttpResponse {
        let session = match self.batch_session(req, caller) {
            Ok(session) => session,
            Err((status, err)) => return HttpResponse::error(status, None, &err),
        };
        let items = match self.batch_items(req.body) {
            Ok(items) => items,
            Err(err) => return HttpResponse::error(400, None, &err),
        };
        // The items run concurrently: one call waiting on its client holds up no other.
        let outcomes = futures_util::future::join_all(
            items
                .into_iter()
                .map(|item| self.batch_item(req, item, &session, caller)),
        )
        .await;
        let mut bodies: Vec<Bytes> = Vec::new();
        let mut streams: Vec<MessageStream> = Vec::new();
        for outcome in outcomes {
            match outcome {
                Outcome::Stream(stream, _) => streams.push(stream),
                Outcome::Accepted => {}
                Outcome::Response(body) | Outcome::Refused(body, _) | Outcome::Opened(body, _) => {
                    bodies.push(body.to_vec().into())
                }
            }
        }
        match (bodies.is_empty(), streams.is_empty()) {
            (true, true) => HttpResponse::empty(202),
            (false, true) => HttpResponse::json(200, json_array(&bodies).into()),
            (_, false) => {
                let merged = merge(bodies, streams);
                respond(
                    Outcome::Stream(merged, Some(session)),
                    self.config.background,
                )
                .await
            }
        }
    }

    /// The session a batch belongs to, if its revision accepts batches.
    fn batch_session(
        &self,
        req: &HttpRequest<'_>,
        caller: &Caller,
    ) -> Result<Arc<Session>, (u16, RpcError)> {
        let unsupported = || {
            let why = "Invalid Request: batches are only accepted in sessions of protocol revision 2025-03-26; send one JSON-RPC message per request";
            (400, RpcError::new(code::INVALID_REQUEST, why))
        };
        let Ok(Some(session_id)) = header(req, "mcp-session-id") else {
            return Err(unsupported());
        };
        let Some(session) = self.session(session_id, caller) else {
            let err = RpcError::new(code::SESSION_NOT_FOUND, "Session not found");
            return Err((404, err));
        };
        if !session.version.accepts_batches() {
            return Err(unsupported());
        }
        Ok(session)
    }

    /// A batch's messages: a non-empty array of at most `max_batch_len`.
    fn batch_items<'b>(&self, body: &'b [u8]) -> Result<Vec<&'b RawValue>, RpcError> {
        let items: Vec<&RawValue> = serde_json::from_slice(body).map_err(|err| {
            wire::body_error(
                &err,
                "Invalid Request: a batch is an array of JSON-RPC messages",
            )
        })?;
        let max = self.config.max_batch_len;
        if items.is_empty() {
            return Err(RpcError::new(
                code::INVALID_REQUEST,
                "Invalid Request: the batch is empty",
            ));
        }
        if items.len() > max {
            let why = format!(
                "Invalid Request: the batch has {} messages; at most {max} are accepted",
                items.len()
            );
            return Err(RpcError::new(code::INVALID_REQUEST, why));
        }
        Ok(items)
    }

    /// One message of a batch.
    async fn batch_item(
        &self,
        req: &HttpRequest<'_>,
        item: &RawValue,
        session: &Arc<Session>,
        caller: &Caller,
    ) -> Outcome {
        match wire::parse(item.get().as_bytes()) {
            Err(malformed) => Outcome::Response(malformed.0.into()),
            Ok(msg) if msg.is_request_for(Method::Initialize) => Outcome::error(
                msg.id,
                &RpcError::new(
                    code::INVALID_REQUEST,
                    "Invalid Request: initialize must not be part of a batch",
                ),
            ),
            Ok(msg) => match self.tool_throttle(req, &msg, caller).await {
                Err(throttled) => Outcome::error(msg.id, &throttled.error()),
                Ok(()) => {
                    self.server
                        .dispatch(&msg, session.version, Some(session), caller)
                        .await
                }
            },
        }
    }
}

/// The responses as one JSON array.
fn json_array(bodies: &[Bytes]) -> Vec<u8> {
    let mut array = Vec::with_capacity(bodies.iter().map(|b| b.len() + 1).sum::<usize>() + 2);
    array.push(b'[');
    for (i, body) in bodies.iter().enumerate() {
        if i > 0 {
            array.push(b',');
        }
        array.extend_from_slice(body);
    }
    array.push(b']');
    array
}

/// One stream carrying the ready responses, then the calls' messages as they come,
/// interleaved.
fn merge(bodies: Vec<Bytes>, streams: Vec<MessageStream>) -> MessageStream {
    let (sink, rx) = MessageStream::channel();
    let run = async move {
        for body in bodies {
            let _ = sink.unbounded_send(Out::Message(body));
        }
        let mut all = futures_util::stream::select_all(streams);
        while let Some(message) = all.next().await {
            let _ = sink.unbounded_send(Out::Message(message));
        }
    };
    MessageStream::new(run, rx)
}
