//! Multi-round-trip requests (revision 2026-07-28): a handler that needs the client's help
//! (elicitation, sampling, roots) is stopped, the request is answered with
//! `{"resultType":"input_required","inputRequests":{..},"requestState":".."}`, and the client
//! calls again with `inputResponses` and the `requestState`. The handler then runs again from
//! the start; each question it asks finds its answer by key.
//!
//! `requestState` carries the answers of earlier rounds, bound to the request (method, name or
//! URI, and a digest of the arguments) and to an expiry, and sealed with HMAC-SHA256 under the
//! server's key. A state that fails verification is rejected with -32602.

use crate::util::lock;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::task::Poll;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use futures_util::task::AtomicWaker;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::wire::{self, code, RpcError};

type HmacSha256 = Hmac<Sha256>;

/// The key and lifetime `requestState` is sealed with; one per server.
pub(crate) struct Sealer {
    /// HMAC-SHA256 already keyed: each use clones it instead of hashing the key again.
    mac: HmacSha256,
    ttl: Duration,
    /// States already used, so that a captured one cannot be replayed within its lifetime.
    used: std::sync::Mutex<Used>,
}

/// The most used states remembered; past it, the oldest are forgotten first.
const USED_KEPT: usize = 100_000;

/// Tags of the states opened so far, with their expiry, oldest first.
#[derive(Default)]
struct Used {
    order: std::collections::VecDeque<(Vec<u8>, u64)>,
    tags: std::collections::HashSet<Vec<u8>>,
}

impl Used {
    /// Records `tag`; false if it was used before.
    fn first_use(&mut self, tag: &[u8], expires: u64, now: u64) -> bool {
        while let Some((old, exp)) = self.order.front() {
            if *exp >= now && self.order.len() < USED_KEPT {
                break;
            }
            self.tags.remove(old);
            self.order.pop_front();
        }
        if !self.tags.insert(tag.to_vec()) {
            return false;
        }
        self.order.push_back((tag.to_vec(), expires));
        true
    }
}

impl Sealer {
    pub(crate) fn new(key: Option<Vec<u8>>, ttl: Duration) -> Sealer {
        let key = key.unwrap_or_else(|| {
            let mut key = vec![0u8; 32];
            getrandom::fill(&mut key).expect("the operating system provides random bytes");
            key
        });
        Sealer {
            mac: HmacSha256::new_from_slice(&key).expect("HMAC takes keys of any length"),
            ttl,
            used: std::sync::Mutex::new(Used::default()),
        }
    }

    fn mac(&self) -> HmacSha256 {
        self.mac.clone()
    }

    fn seal(&self, state: &State<'_>) -> String {
        let payload = serde_json::to_vec(state).expect("request state serializes");
        let mut mac = self.mac();
        mac.update(&payload);
        let tag = mac.finalize().into_bytes();
        let mut out = URL_SAFE_NO_PAD.encode(&payload);
        out.push('.');
        out.push_str(&URL_SAFE_NO_PAD.encode(tag));
        out
    }

    /// Verifies a `requestState` and returns the answers it carries.
    fn open(&self, sealed: &str, binding: &str) -> Result<Map<String, Value>, RpcError> {
        let invalid = |why: &str| {
            RpcError::new(
                code::INVALID_PARAMS,
                format!("Invalid params: `requestState` {why}"),
            )
        };
        let (payload, tag) = sealed
            .split_once('.')
            .ok_or_else(|| invalid("is not one this server issued"))?;
        let (Ok(payload), Ok(tag)) = (URL_SAFE_NO_PAD.decode(payload), URL_SAFE_NO_PAD.decode(tag))
        else {
            return Err(invalid("is not one this server issued"));
        };
        let mut mac = self.mac();
        mac.update(&payload);
        mac.verify_slice(&tag)
            .map_err(|_| invalid("failed its integrity check"))?;
        let state: OwnedState =
            serde_json::from_slice(&payload).map_err(|_| invalid("is malformed"))?;
        if state.version != 1 {
            return Err(invalid("is from an incompatible server version"));
        }
        if state.binding != binding {
            return Err(invalid("belongs to a different request"));
        }
        let now = now_secs();
        if state.expires < now {
            return Err(invalid(
                "has expired; call again without `inputResponses` and `requestState`",
            ));
        }
        let mut used = lock(&self.used);
        if !used.first_use(&tag, state.expires, now) {
            return Err(invalid(
                "was used already; each is good for one call (call again without `inputResponses` and `requestState` to start over)",
            ));
        }
        Ok(state.answers)
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[derive(Serialize)]
struct State<'a> {
    #[serde(rename = "v")]
    version: u8,
    #[serde(rename = "b")]
    binding: &'a str,
    #[serde(rename = "e")]
    expires: u64,
    #[serde(rename = "a")]
    answers: &'a Map<String, Value>,
    /// Random, so that two states are never equal: a state used twice is a replay, not a
    /// second request that happened to carry the same answers in the same second.
    #[serde(rename = "n")]
    nonce: u64,
}

/// A random `u64` for [`State::nonce`].
fn nonce() -> u64 {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the operating system provides random bytes");
    u64::from_le_bytes(bytes)
}

#[derive(Deserialize)]
struct OwnedState {
    #[serde(rename = "v")]
    version: u8,
    #[serde(rename = "b")]
    binding: String,
    #[serde(rename = "e")]
    expires: u64,
    #[serde(rename = "a")]
    answers: Map<String, Value>,
}

/// What a request states about itself, for binding its `requestState`: the method, the tool
/// or prompt name or resource URI, and a digest of the arguments (keys sorted, so a client
/// that re-serializes them in another order still matches).
pub(crate) fn binding(method: &str, target: &str, arguments: Option<&RawValue>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method.as_bytes());
    hasher.update([0]);
    hasher.update(target.as_bytes());
    hasher.update([0]);
    if let Some(args) = arguments.filter(|a| a.get() != "null") {
        match serde_json::from_str::<Value>(args.get()) {
            Ok(value) => hasher.update(canonical(&value).as_bytes()),
            Err(_) => hasher.update(args.get().as_bytes()),
        }
    }
    URL_SAFE_NO_PAD.encode(hasher.finalize())
}

fn canonical(value: &Value) -> String {
    fn write(value: &Value, out: &mut String) {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, key) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(key.clone()).to_string());
                    out.push(':');
                    write(&map[key], out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    write(value, &mut out);
    out
}

/// One question for the client, in `inputRequests`.
struct Pending {
    key: String,
    method: &'static str,
    params: Value,
}

/// The inputs of one request in revision 2026-07-28: the answers it came with, and the
/// questions its handler asked that have no answer yet.
pub(crate) struct Inputs {
    /// What the request's `requestState` is bound to, worked out when first needed.
    binding: std::sync::OnceLock<String>,
    method: &'static str,
    target: String,
    arguments: Option<Box<RawValue>>,
    /// From `requestState` (already verified) and `inputResponses`; the state wins on a clash.
    answers: Map<String, Value>,
    /// Answers the handler used, carried into the next `requestState`.
    used: Mutex<Map<String, Value>>,
    pending: Mutex<Vec<Pending>>,
    halt: Mutex<Option<(bool, RpcError)>>,
    next_key: AtomicUsize,
    waker: AtomicWaker,
}

impl Inputs {
    /// Reads a request's `inputResponses` and `requestState`.
    pub(crate) fn from_request(
        sealer: &Sealer,
        method: &'static str,
        target: &str,
        arguments: Option<&RawValue>,
        responses: Option<&RawValue>,
        state: Option<&str>,
    ) -> Result<Inputs, RpcError> {
        let bound = std::sync::OnceLock::new();
        let mut answers = match state {
            Some(sealed) => sealer.open(
                sealed,
                bound.get_or_init(|| binding(method, target, arguments)),
            )?,
            None => Map::new(),
        };
        if let Some(raw) = responses.filter(|r| r.get() != "null") {
            let responses: Map<String, Value> = serde_json::from_str(raw.get()).map_err(|_| {
                RpcError::new(
                    code::INVALID_PARAMS,
                    "Invalid params: `inputResponses` must be an object",
                )
            })?;
            for (key, value) in responses {
                answers.entry(key).or_insert(value);
            }
        }
        Ok(Inputs {
            binding: bound,
            method,
            target: target.to_owned(),
            arguments: arguments.map(ToOwned::to_owned),
            answers,
            used: Mutex::new(Map::new()),
            pending: Mutex::new(Vec::new()),
            halt: Mutex::new(None),
            next_key: AtomicUsize::new(0),
            waker: AtomicWaker::new(),
        })
    }

    /// The key for a question asked without one: its kind and its place among the handler's
    /// questions, the same on every round as long as the handler asks in the same order.
    pub(crate) fn auto_key(&self, kind: &str) -> String {
        format!("{kind}-{}", self.next_key.fetch_add(1, Ordering::Relaxed))
    }

    /// The client's answer to the question `key`, if it gave one.
    pub(crate) fn answer(&self, key: &str) -> Option<Value> {
        let value = self.answers.get(key)?;
        lock(&self.used).insert(key.to_owned(), value.clone());
        Some(value.clone())
    }

    /// Records a question to send; the handler then waits forever and is dropped.
    pub(crate) fn ask(&self, key: String, method: &'static str, params: Value) {
        let mut pending = lock(&self.pending);
        if !pending.iter().any(|p| p.key == key) {
            pending.push(Pending {
                key,
                method,
                params,
            });
        }
        drop(pending);
        self.waker.wake();
    }

    /// Ends the request with an error instead of a result; the handler is dropped. `refused`:
    /// the error fails the request as a whole (a missing client capability), rather than
    /// being an ordinary error response.
    pub(crate) fn halt(&self, refused: bool, error: RpcError) {
        lock(&self.halt).get_or_insert((refused, error));
        self.waker.wake();
    }

    /// Runs `handler` until it finishes, or until it asks a question without an answer (then
    /// the `input_required` response is returned) or halts the request.
    pub(crate) async fn run<F: Future>(
        &self,
        sealer: &Sealer,
        id: &RawValue,
        handler: F,
    ) -> Result<F::Output, Halted> {
        let mut handler = pin!(handler);
        std::future::poll_fn(|cx| {
            self.waker.register(cx.waker());
            if let Poll::Ready(output) = handler.as_mut().poll(cx) {
                return Poll::Ready(Ok(output));
            }
            if let Some((refused, error)) = lock(&self.halt).take() {
                return Poll::Ready(Err(Halted {
                    refused,
                    body: wire::error_bytes(Some(id), &error),
                }));
            }
            let pending = std::mem::take(&mut *lock(&self.pending));
            if pending.is_empty() {
                return Poll::Pending;
            }
            Poll::Ready(Err(Halted {
                refused: false,
                body: self.input_required(sealer, id, pending),
            }))
        })
        .await
    }

    fn input_required(&self, sealer: &Sealer, id: &RawValue, pending: Vec<Pending>) -> Vec<u8> {
        let mut requests = Map::new();
        for p in pending {
            let mut request = Map::new();
            request.insert("method".into(), p.method.into());
            request.insert("params".into(), p.params);
            requests.insert(p.key, Value::Object(request));
        }
        let used = lock(&self.used);
        let state = sealer.seal(&State {
            version: 1,
            binding: self
                .binding
                .get_or_init(|| binding(self.method, &self.target, self.arguments.as_deref())),
            expires: now_secs() + sealer.ttl.as_secs(),
            answers: &used,
            nonce: nonce(),
        });
        let result = serde_json::json!({
            "resultType": "input_required",
            "inputRequests": requests,
            "requestState": state,
        });
        wire::result_bytes(
            id,
            &serde_json::to_vec(&result).expect("input requests serialize"),
        )
    }
}

/// A request that ended without its handler's result: the response to send instead.
pub(crate) struct Halted {
    /// The request failed as a whole (over HTTP: status 400), not with an ordinary error
    /// response.
    pub(crate) refused: bool,
    pub(crate) body: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer() -> Sealer {
        Sealer::new(Some(b"test key".to_vec()), Duration::from_secs(60))
    }

    #[test]
    fn state_round_trips_and_rejects_tampering() {
        let s = sealer();
        let mut answers = Map::new();
        answers.insert("step1".into(), serde_json::json!({"action": "accept"}));
        let sealed = s.seal(&State {
            version: 1,
            binding: "b",
            expires: now_secs() + 60,
            answers: &answers,
            nonce: nonce(),
        });
        assert_eq!(s.open(&sealed, "b").unwrap(), answers);
        // A state is good for one call: a captured one cannot be replayed.
        assert!(s
            .open(&sealed, "b")
            .unwrap_err()
            .message
            .contains("was used already"));
        let tampered = format!("{sealed}-TAMPERED");
        assert_eq!(
            s.open(&tampered, "b").unwrap_err().code,
            code::INVALID_PARAMS
        );
        assert!(s
            .open(&sealed, "other")
            .unwrap_err()
            .message
            .contains("different request"));
        let other_key = Sealer::new(Some(b"other".to_vec()), Duration::from_secs(60));
        assert!(other_key.open(&sealed, "b").is_err());
        let expired = s.seal(&State {
            version: 1,
            binding: "b",
            expires: now_secs() - 1,
            answers: &answers,
            nonce: nonce(),
        });
        assert!(s
            .open(&expired, "b")
            .unwrap_err()
            .message
            .contains("expired"));
    }

    #[test]
    fn equal_requests_get_different_states() {
        let s = sealer();
        let answers = Map::new();
        let state = || State {
            version: 1,
            binding: "b",
            expires: now_secs() + 60,
            answers: &answers,
            nonce: nonce(),
        };
        let (a, b) = (s.seal(&state()), s.seal(&state()));
        assert_ne!(a, b);
        assert!(s.open(&a, "b").is_ok() && s.open(&b, "b").is_ok());
    }

    #[test]
    fn the_used_states_are_bounded() {
        let mut used = Used::default();
        for i in 0..(USED_KEPT + 10) {
            assert!(used.first_use(&i.to_le_bytes(), u64::MAX, 0));
        }
        assert_eq!(used.order.len(), USED_KEPT);
        assert_eq!(used.tags.len(), USED_KEPT);
        // Expired entries go first.
        let mut used = Used::default();
        assert!(used.first_use(b"a", 10, 0));
        assert!(used.first_use(b"b", 100, 50));
        assert_eq!(used.order.len(), 1);
        assert!(used.first_use(b"a", 200, 60));
    }

    #[test]
    fn binding_ignores_key_order_but_not_values() {
        let a = RawValue::from_string(r#"{"x":1,"y":{"b":2,"a":3}}"#.into()).unwrap();
        let b = RawValue::from_string(r#"{ "y": {"a":3,"b":2}, "x": 1 }"#.into()).unwrap();
        let c = RawValue::from_string(r#"{"x":2,"y":{"b":2,"a":3}}"#.into()).unwrap();
        assert_eq!(
            binding("tools/call", "t", Some(&a)),
            binding("tools/call", "t", Some(&b))
        );
        assert_ne!(
            binding("tools/call", "t", Some(&a)),
            binding("tools/call", "t", Some(&c))
        );
        assert_ne!(
            binding("tools/call", "t", None),
            binding("prompts/get", "t", None)
        );
    }
}
