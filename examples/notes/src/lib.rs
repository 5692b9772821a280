//! A notes service as two MCP servers over one shared store: `notes` (create, read, search,
//! archive, a `notes://{id}` template whose ids complete, a review prompt) and `admin` (statistics
//! and a destructive `wipe`).
//!
//! The items exercise what real servers need: nested argument structs, enums with data, `Vec`
//! and `Option` fields, `Json<T>` results with unset optional fields, an async tool with its own
//! error type, and state shared between servers.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use mcp_core::{prompt, resource, tool, BuildError, Error, Json, Server, State};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How urgent a note is.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Priority {
    /// Whenever there is time.
    Low,
    /// Soon.
    High,
    /// By a date.
    Due {
        /// The date, as `YYYY-MM-DD`.
        date: String,
    },
}

/// Who wrote a note.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Author {
    /// Display name.
    pub name: String,
    /// Contact address, if given.
    pub email: Option<String>,
}

/// Metadata of a note.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Meta {
    /// The author.
    pub author: Author,
    /// The priority.
    pub priority: Priority,
}

/// A stored note.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Note {
    /// Its id.
    pub id: u64,
    /// Title.
    pub title: String,
    /// Body text.
    pub body: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Metadata.
    pub meta: Meta,
    /// A rating from 1 to 5, once rated.
    pub rating: Option<u8>,
    /// When the note was archived; absent while it is active.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived: Option<String>,
}

/// What `create_note` takes.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewNote {
    /// Title.
    pub title: String,
    /// Body text.
    pub body: String,
    /// Tags (default none).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Metadata.
    pub meta: Meta,
    /// A rating from 1 to 5.
    pub rating: Option<u8>,
}

/// One search hit.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Hit {
    /// The note's id.
    pub id: u64,
    /// Its title.
    pub title: String,
}

/// The notes, shared by both servers.
#[derive(Default)]
pub struct Store {
    notes: Mutex<BTreeMap<u64, Note>>,
}

impl Store {
    fn notes(&self) -> MutexGuard<'_, BTreeMap<u64, Note>> {
        self.notes.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The errors of the notes tools.
#[derive(Debug)]
pub enum NotesError {
    /// No note has this id.
    NoSuchNote(u64),
    /// The note is archived already.
    AlreadyArchived(u64),
}

impl fmt::Display for NotesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotesError::NoSuchNote(id) => write!(f, "there is no note {id}"),
            NotesError::AlreadyArchived(id) => write!(f, "note {id} is archived already"),
        }
    }
}

impl std::error::Error for NotesError {}

/// Create a note and return it with its id.
#[tool(server = "notes")]
fn create_note(store: State<Store>, note: Json<NewNote>) -> Json<Note> {
    let Json(new) = note;
    let mut notes = store.notes();
    let id = notes.keys().next_back().map_or(1, |last| last + 1);
    let note = Note {
        id,
        title: new.title,
        body: new.body,
        tags: new.tags,
        meta: new.meta,
        rating: new.rating,
        archived: None,
    };
    notes.insert(id, note.clone());
    Json(note)
}

/// Get a note by id.
#[tool(server = "notes", read_only)]
fn get_note(
    /// The note's id
    id: u64,
    store: State<Store>,
) -> Result<Json<Note>, NotesError> {
    store
        .notes()
        .get(&id)
        .cloned()
        .map(Json)
        .ok_or(NotesError::NoSuchNote(id))
}

/// Find notes whose title or body contains the query, optionally with a tag.
#[tool(server = "notes", read_only)]
fn search_notes(
    /// Text to look for (case-insensitive)
    query: String,
    /// Only notes with this tag
    tag: Option<String>,
    /// Most hits to return (default 10)
    limit: Option<usize>,
    store: State<Store>,
) -> Json<Vec<Hit>> {
    let query = query.to_lowercase();
    let hits = store
        .notes()
        .values()
        .filter(|n| {
            n.title.to_lowercase().contains(&query) || n.body.to_lowercase().contains(&query)
        })
        .filter(|n| tag.as_ref().is_none_or(|t| n.tags.contains(t)))
        .take(limit.unwrap_or(10))
        .map(|n| Hit {
            id: n.id,
            title: n.title.clone(),
        })
        .collect();
    Json(hits)
}

/// Archive a note; it stays readable.
#[tool(server = "notes", idempotent)]
async fn archive_note(
    /// The note's id
    id: u64,
    store: State<Store>,
) -> Result<Json<Note>, NotesError> {
    let mut notes = store.notes();
    let note = notes.get_mut(&id).ok_or(NotesError::NoSuchNote(id))?;
    if note.archived.is_some() {
        return Err(NotesError::AlreadyArchived(id));
    }
    note.archived = Some("2026-01-01".into());
    Ok(Json(note.clone()))
}

/// The ids of stored notes that start with what was typed.
fn note_ids(prefix: &str, store: State<Store>) -> Vec<String> {
    store
        .notes()
        .keys()
        .map(u64::to_string)
        .filter(|id| id.starts_with(prefix))
        .collect()
}

/// A note as JSON.
#[resource(server = "notes", uri = "notes://{id}", mime_type = "application/json")]
fn note(#[complete(with = note_ids)] id: u64, store: State<Store>) -> Result<Json<Note>, Error> {
    store
        .notes()
        .get(&id)
        .cloned()
        .map(Json)
        .ok_or_else(|| Error::not_found(format!("there is no note {id}")))
}

/// Ask the model to review a note.
#[prompt(server = "notes")]
fn review_note(
    /// The note to review
    #[complete(with = note_ids)]
    id: u64,
    /// How: brief or thorough
    #[complete(values = ["brief", "thorough"])]
    style: Option<String>,
    store: State<Store>,
) -> Result<String, Error> {
    let notes = store.notes();
    let note = notes
        .get(&id)
        .ok_or_else(|| Error::invalid_params(format!("there is no note {id}")))?;
    let style = style.as_deref().unwrap_or("brief");
    Ok(format!(
        "Give a {style} review of this note.\n\n# {}\n\n{}",
        note.title, note.body
    ))
}

/// Counts of the store.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Stats {
    /// Notes stored.
    pub notes: usize,
    /// Notes archived.
    pub archived: usize,
}

/// How many notes there are, and how many are archived.
#[tool(server = ["notes", "admin"], read_only)]
fn stats(store: State<Store>) -> Json<Stats> {
    let notes = store.notes();
    Json(Stats {
        notes: notes.len(),
        archived: notes.values().filter(|n| n.archived.is_some()).count(),
    })
}

/// Delete every note. Cannot be undone.
#[tool(server = "admin", destructive)]
fn wipe(store: State<Store>) -> String {
    let mut notes = store.notes();
    let count = notes.len();
    notes.clear();
    format!("deleted {count} notes")
}

/// The two servers, `notes` and `admin`, sharing `store`.
pub fn servers(store: Arc<Store>) -> Result<(Server, Server), BuildError> {
    let notes = Server::builder("notes")
        .version(env!("CARGO_PKG_VERSION"))
        .instructions("Notes: create, get, search and archive them; read one as notes://{id}.")
        .state(store.clone())
        .collect()
        .build()?;
    let admin = Server::builder("admin")
        .version(env!("CARGO_PKG_VERSION"))
        .state(store)
        .collect()
        .build()?;
    Ok((notes, admin))
}
