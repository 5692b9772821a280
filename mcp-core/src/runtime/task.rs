//! Tasks (the `io.modelcontextprotocol/tasks` extension of revision 2026-07-28): what one
//! task shares between the handler running it and the requests that poll, answer and cancel
//! it. The task's record lives in the server's [`Store`]; this is the running side, on the
//! instance that runs the handler.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use futures_channel::oneshot;
use futures_util::future::{AbortHandle, FutureExt as _, Shared};
use serde_json::{Map, Value};

use crate::runtime::stream::Receiver;
use crate::store::{Store, TaskRecord, TaskStatus};
use crate::util::lock;

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// How a task's handler ended.
pub(crate) struct Ending {
    pub(crate) status: TaskStatus,
    pub(crate) status_message: Option<String>,
    pub(crate) result: Option<String>,
    pub(crate) error: Option<String>,
}

impl Ending {
    pub(crate) fn apply(self, record: &mut TaskRecord) {
        record.status = self.status;
        if self.status_message.is_some() {
            record.status_message = self.status_message;
        }
        record.result = self.result;
        record.error = self.error;
        record.input_requests = None;
    }
}

/// Set once a call has become a task: before that, the handler's questions are answered by
/// retrying the request (MRTR); after, they wait in the task for `tasks/update`.
#[derive(Default)]
pub(crate) struct TaskCell {
    live: OnceLock<Arc<LiveTask>>,
}

impl TaskCell {
    /// The task, once the call has become one.
    pub(crate) fn started(&self) -> Option<&Arc<LiveTask>> {
        self.live.get()
    }

    pub(crate) fn start(&self, live: Arc<LiveTask>) {
        let _ = self.live.set(live);
    }
}

/// Called with each new state of a task (to tell listen streams).
pub(crate) type OnChange = Arc<dyn Fn(&str, &TaskRecord) + Send + Sync>;

/// A task whose handler runs on this instance.
pub(crate) struct LiveTask {
    pub(crate) id: String,
    /// The task's key in the store.
    key: String,
    store: Arc<dyn Store>,
    /// The record as last saved; holding the lock across the save keeps saves in order.
    record: futures_util::lock::Mutex<TaskRecord>,
    questions: Mutex<Questions>,
    abort: Mutex<Option<AbortHandle>>,
    on_change: OnChange,
    next_key: std::sync::atomic::AtomicUsize,
    /// Session revisions: questions sent on the task's stream and not answered yet.
    asked: std::sync::atomic::AtomicUsize,
    /// What the handler sends the client (session revisions: its questions, progress),
    /// until a `tasks/result` stream takes it.
    outbox: Mutex<Option<Receiver>>,
    /// Fires when the task is over.
    over: Mutex<Option<oneshot::Sender<()>>>,
    ended: Shared<oneshot::Receiver<()>>,
}

/// The handler's questions: waiting ones, in the order asked, and those answered.
#[derive(Default)]
struct Questions {
    pending: Vec<(String, Value, oneshot::Sender<Value>)>,
    answered: Map<String, Value>,
}

impl Questions {
    /// `inputRequests`: every waiting question by key; `None` when there is none.
    fn requests(&self) -> Option<String> {
        if self.pending.is_empty() {
            return None;
        }
        let map: Map<String, Value> = self
            .pending
            .iter()
            .map(|(key, request, _)| (key.clone(), request.clone()))
            .collect();
        Some(Value::Object(map).to_string())
    }
}

impl LiveTask {
    pub(crate) fn new(
        id: String,
        key: String,
        store: Arc<dyn Store>,
        record: TaskRecord,
        on_change: OnChange,
    ) -> LiveTask {
        let (over, ended) = oneshot::channel();
        LiveTask {
            outbox: Mutex::default(),
            over: Mutex::new(Some(over)),
            ended: ended.shared(),
            id,
            key,
            store,
            record: futures_util::lock::Mutex::new(record),
            questions: Mutex::default(),
            abort: Mutex::default(),
            on_change,
            next_key: Default::default(),
            asked: Default::default(),
        }
    }

    /// A key for a question asked without one.
    pub(crate) fn auto_key(&self, kind: &str) -> String {
        let n = self
            .next_key
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        format!("{kind}-task-{n}")
    }

    /// Where the handler's messages wait for a `tasks/result` stream.
    pub(crate) fn set_outbox(&self, outbox: Receiver) {
        *lock(&self.outbox) = Some(outbox);
    }

    /// Takes the handler's messages, for one `tasks/result` stream at a time.
    pub(crate) fn take_outbox(&self) -> Option<Receiver> {
        lock(&self.outbox).take()
    }

    /// Gives them back when that stream ends.
    pub(crate) fn return_outbox(&self, outbox: Receiver) {
        lock(&self.outbox).get_or_insert(outbox);
    }

    /// Completes when the task is over.
    pub(crate) async fn ended(&self) {
        let _ = self.ended.clone().await;
    }

    fn end(&self) {
        if let Some(over) = lock(&self.over).take() {
            let _ = over.send(());
        }
    }

    /// A note on the task's progress, shown as its `statusMessage`.
    pub(crate) async fn note(&self, message: String) {
        self.set(|record, _| record.status_message = Some(message))
            .await;
    }

    /// Session revisions: the handler waits for (`true`), or got (`false`), the client's
    /// answer to a question sent on the task's stream; the task is `input_required` while any
    /// such answer is awaited.
    pub(crate) async fn waiting(&self, waiting: bool) {
        use std::sync::atomic::Ordering::SeqCst;
        let open = match waiting {
            true => self.asked.fetch_add(1, SeqCst) + 1,
            false => self.asked.fetch_sub(1, SeqCst) - 1,
        };
        self.set(|record, _| {
            record.status = match open {
                0 => TaskStatus::Working,
                _ => TaskStatus::InputRequired,
            };
        })
        .await;
    }

    /// How to stop the handler when the task is cancelled.
    pub(crate) fn set_abort(&self, abort: AbortHandle) {
        *lock(&self.abort) = Some(abort);
    }

    /// Changes the record and saves it, unless the task is over already; whether it was
    /// saved.
    async fn set(&self, change: impl FnOnce(&mut TaskRecord, &Questions)) -> bool {
        let mut record = self.record.lock().await;
        if record.status.is_terminal() {
            return false;
        }
        change(&mut record, &lock(&self.questions));
        record.updated_at_ms = now_ms();
        let saved = match self.store.update_task(&self.key, &record).await {
            Ok(saved) => saved,
            Err(err) => {
                tracing::warn!(task = %self.id, error = %err, "a task's new state could not be saved");
                false
            }
        };
        (self.on_change)(&self.id, &record);
        saved
    }

    /// Asks the client, through the task, and waits for the answer (`tasks/update`). A key
    /// answered before gets the same answer again.
    pub(crate) async fn ask(
        &self,
        key: String,
        method: &'static str,
        params: Value,
    ) -> Result<Value, &'static str> {
        let answer = {
            let mut questions = lock(&self.questions);
            if let Some(answer) = questions.answered.get(&key) {
                return Ok(answer.clone());
            }
            let (tx, rx) = oneshot::channel();
            let request = serde_json::json!({ "method": method, "params": params });
            questions.pending.push((key, request, tx));
            rx
        };
        self.set(|record, questions| {
            record.status = TaskStatus::InputRequired;
            record.input_requests = questions.requests();
        })
        .await;
        answer
            .await
            .map_err(|_| "the task ended before the client answered")
    }

    /// Takes the client's answers (`tasks/update`): those to waiting questions are saved (the
    /// task is `working` again once none is left) before the handler gets them; others are
    /// ignored.
    pub(crate) async fn answer(&self, responses: Map<String, Value>) {
        let mut deliver = Vec::new();
        {
            let mut questions = lock(&self.questions);
            for (key, value) in responses {
                if let Some(i) = questions.pending.iter().position(|(k, ..)| *k == key) {
                    let (key, _, tx) = questions.pending.remove(i);
                    questions.answered.insert(key, value.clone());
                    deliver.push((tx, value));
                }
            }
        }
        if deliver.is_empty() {
            return;
        }
        self.set(|record, questions| {
            record.input_requests = questions.requests();
            if record.input_requests.is_none() {
                record.status = TaskStatus::Working;
            }
        })
        .await;
        for (tx, value) in deliver {
            let _ = tx.send(value);
        }
    }

    /// The handler finished.
    pub(crate) async fn finish(&self, ending: Ending) {
        self.set(|record, _| ending.apply(record)).await;
        self.end();
    }

    /// The client cancelled: the task is `Cancelled` from now on, and its handler is stopped
    /// (dropped at its next `.await`; clones of its `Context` see `is_cancelled`).
    pub(crate) async fn cancel(&self) {
        self.set(|record, _| {
            record.status = TaskStatus::Cancelled;
            record.status_message = Some("cancelled by the client".into());
            record.input_requests = None;
        })
        .await;
        if let Some(abort) = lock(&self.abort).take() {
            abort.abort();
        }
        self.end();
    }
}
