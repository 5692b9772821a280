//! `subscriptions/listen` (revision 2026-07-28): long-lived streams on which the server sends
//! the notifications a client opted in to, each tagged with the subscription's id.

use crate::util::lock;
use std::collections::HashSet;
use std::sync::Mutex;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::runtime::stream::{Out, Sink};
use crate::store::TaskRecord;

/// What a client may ask for on a listen stream (`SubscriptionFilter`).
#[derive(Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Filter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) tools_list_changed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) prompts_list_changed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) resources_list_changed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) resource_subscriptions: Option<Vec<String>>,
    /// Tasks to follow (tasks extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) task_ids: Option<Vec<String>>,
}

/// A list that can change while the server runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ListKind {
    Tools = 0,
    Resources = 1,
    Prompts = 2,
}

impl ListKind {
    /// Its `list_changed` notification.
    pub(crate) fn method(self) -> &'static str {
        match self {
            ListKind::Tools => "notifications/tools/list_changed",
            ListKind::Resources => "notifications/resources/list_changed",
            ListKind::Prompts => "notifications/prompts/list_changed",
        }
    }
}

struct Listener {
    /// The `subscriptions/listen` request's id, as JSON text.
    id: Box<RawValue>,
    resources: HashSet<String>,
    tasks: HashSet<String>,
    /// The lists whose `list_changed` it asked for.
    lists: [bool; 3],
    /// Who opened it: tasks of other callers are not told.
    subject: Option<String>,
    sink: Sink,
}

/// The open listen streams of one server.
#[derive(Default)]
pub(crate) struct Listeners {
    list: Mutex<Vec<Listener>>,
}

#[derive(Serialize)]
struct Tagged<'a, P> {
    jsonrpc: &'static str,
    method: &'a str,
    params: TaggedParams<'a, P>,
}

#[derive(Serialize)]
struct TaggedParams<'a, P> {
    #[serde(rename = "_meta")]
    meta: SubscriptionMeta<'a>,
    #[serde(flatten)]
    params: P,
}

#[derive(Serialize)]
struct SubscriptionMeta<'a> {
    #[serde(rename = "io.modelcontextprotocol/subscriptionId")]
    id: &'a RawValue,
}

/// A notification on the listen stream `id`.
fn tagged<P: Serialize>(id: &RawValue, method: &str, params: P) -> Bytes {
    let message = Tagged {
        jsonrpc: "2.0",
        method,
        params: TaggedParams {
            meta: SubscriptionMeta { id },
            params,
        },
    };
    Bytes::from(serde_json::to_vec(&message).expect("notifications serialize"))
}

impl Listeners {
    /// Opens a listen stream: `sink` gets the acknowledgement of `granted` now and the
    /// notifications it covers later, except updates of the resources `hidden` names (those
    /// the caller may not see: acknowledged like any URI, never told).
    pub(crate) fn add(
        &self,
        id: &RawValue,
        granted: &Filter,
        hidden: impl Fn(&str) -> bool,
        subject: Option<&str>,
        sink: Sink,
    ) {
        #[derive(Serialize)]
        struct Ack<'a> {
            notifications: &'a Filter,
        }
        let ack = tagged(
            id,
            "notifications/subscriptions/acknowledged",
            Ack {
                notifications: granted,
            },
        );
        if sink.unbounded_send(Out::Message(ack)).is_err() {
            return;
        }
        let mut list = lock(&self.list);
        list.retain(|l| !l.sink.is_closed());
        list.push(Listener {
            id: id.to_owned(),
            resources: granted
                .resource_subscriptions
                .iter()
                .flatten()
                .filter(|uri| !hidden(uri))
                .cloned()
                .collect(),
            tasks: granted.task_ids.iter().flatten().cloned().collect(),
            lists: [
                granted.tools_list_changed == Some(true),
                granted.resources_list_changed == Some(true),
                granted.prompts_list_changed == Some(true),
            ],
            subject: subject.map(str::to_owned),
            sink,
        });
    }

    /// Sends `notifications/tasks` (the task as `tasks/get` shows it) to the streams
    /// following task `id` that its owner opened.
    pub(crate) fn task_changed(
        &self,
        id: &str,
        record: &TaskRecord,
        render: impl FnOnce() -> serde_json::Map<String, serde_json::Value>,
    ) {
        let mut list = lock(&self.list);
        if !list.iter().any(|l| l.tasks.contains(id)) {
            return;
        }
        let task = render();
        list.retain(|l| {
            if !l.tasks.contains(id) || l.subject != record.owner {
                return !l.sink.is_closed();
            }
            let message = tagged(&l.id, "notifications/tasks", &task);
            l.sink.unbounded_send(Out::Message(message)).is_ok()
        });
    }

    /// Sends `notifications/resources/updated` to the streams subscribed to `uri`; how many.
    pub(crate) fn resource_updated(&self, uri: &str) -> usize {
        #[derive(Serialize)]
        struct Updated<'a> {
            uri: &'a str,
        }
        let mut sent = 0;
        lock(&self.list).retain(|l| {
            if !l.resources.contains(uri) {
                return !l.sink.is_closed();
            }
            let message = tagged(&l.id, "notifications/resources/updated", Updated { uri });
            let ok = l.sink.unbounded_send(Out::Message(message)).is_ok();
            sent += usize::from(ok);
            ok
        });
        sent
    }

    /// Sends the `list_changed` notification of `kind` to the streams that asked for it.
    pub(crate) fn list_changed(&self, kind: ListKind) {
        #[derive(Serialize)]
        struct Empty {}
        lock(&self.list).retain(|l| {
            if !l.lists[kind as usize] {
                return !l.sink.is_closed();
            }
            let message = tagged(&l.id, kind.method(), Empty {});
            l.sink.unbounded_send(Out::Message(message)).is_ok()
        });
    }

    /// Ends every stream gracefully with its result; how many there were.
    pub(crate) fn close_all(&self) -> usize {
        let list = std::mem::take(&mut *lock(&self.list));
        let mut closed = 0;
        for l in list {
            let result = format!(
                "{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":{{\"resultType\":\"complete\",\"_meta\":{{\"io.modelcontextprotocol/subscriptionId\":{id}}}}}}}",
                id = l.id.get()
            );
            closed += usize::from(l.sink.unbounded_send(Out::Final(result.into())).is_ok());
        }
        closed
    }

    /// Open streams (including any whose client left since the last notification).
    pub(crate) fn len(&self) -> usize {
        lock(&self.list).len()
    }
}
