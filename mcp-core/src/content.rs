//! What handlers return: content blocks, resource contents, prompt messages, tool results.

use base64::Engine as _;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::value::RawValue;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Who a message or content block is meant for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The human user.
    User,
    /// The model.
    Assistant,
}

/// Hints on a content block for the client: audience, priority, last modification.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Annotations {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    audience: Vec<Role>,
    #[serde(skip_serializing_if = "Option::is_none")]
    priority: Option<f64>,
    #[serde(rename = "lastModified", skip_serializing_if = "Option::is_none")]
    last_modified: Option<String>,
}

impl Annotations {
    /// No hints.
    pub fn new() -> Self {
        Self::default()
    }

    /// Who the block is for.
    pub fn audience(mut self, audience: impl IntoIterator<Item = Role>) -> Self {
        self.audience = audience.into_iter().collect();
        self
    }

    /// Importance from 0 (optional) to 1 (required); clamped.
    pub fn priority(mut self, priority: f64) -> Self {
        self.priority = Some(priority.clamp(0.0, 1.0));
        self
    }

    /// ISO 8601 time of the last modification.
    pub fn last_modified(mut self, timestamp: impl Into<String>) -> Self {
        self.last_modified = Some(timestamp.into());
        self
    }
}

/// A link to a resource, returned in place of its contents.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResourceLink {
    uri: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(rename = "mimeType", skip_serializing_if = "Option::is_none")]
    mime_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<u64>,
}

impl ResourceLink {
    /// A link to `uri`, called `name`.
    pub fn new(uri: impl Into<String>, name: impl Into<String>) -> Self {
        ResourceLink {
            uri: uri.into(),
            name: name.into(),
            title: None,
            description: None,
            mime_type: None,
            size: None,
        }
    }

    /// Display title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// MIME type.
    pub fn mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.mime_type = Some(mime_type.into());
        self
    }

    /// Size in bytes.
    pub fn size(mut self, size: u64) -> Self {
        self.size = Some(size);
        self
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Body {
    Text(String),
    Blob(String),
}

/// The contents of a resource: text or base64 bytes, with the URI they were read from.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceContents {
    pub(crate) uri: String,
    pub(crate) mime_type: Option<String>,
    body: Body,
}

impl ResourceContents {
    /// Text contents.
    pub fn text(uri: impl Into<String>, text: impl Into<String>) -> Self {
        ResourceContents {
            uri: uri.into(),
            mime_type: None,
            body: Body::Text(text.into()),
        }
    }

    /// Binary contents; sent base64-encoded.
    pub fn blob(uri: impl Into<String>, bytes: impl AsRef<[u8]>) -> Self {
        ResourceContents {
            uri: uri.into(),
            mime_type: None,
            body: Body::Blob(b64(bytes.as_ref())),
        }
    }

    /// Binary contents that are already base64-encoded.
    pub fn blob_base64(uri: impl Into<String>, base64: impl Into<String>) -> Self {
        ResourceContents {
            uri: uri.into(),
            mime_type: None,
            body: Body::Blob(base64.into()),
        }
    }

    /// Sets the MIME type.
    pub fn mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.mime_type = Some(mime_type.into());
        self
    }

    /// The URI.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The text, for text contents.
    pub fn as_text(&self) -> Option<&str> {
        match &self.body {
            Body::Text(t) => Some(t),
            Body::Blob(_) => None,
        }
    }
}

impl Serialize for ResourceContents {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("uri", &self.uri)?;
        if let Some(m) = &self.mime_type {
            map.serialize_entry("mimeType", m)?;
        }
        match &self.body {
            Body::Text(t) => map.serialize_entry("text", t)?,
            Body::Blob(b) => map.serialize_entry("blob", b)?,
        }
        map.end()
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Block {
    Text(String),
    Image { data: String, mime_type: String },
    Audio { data: String, mime_type: String },
    Link(ResourceLink),
    Embedded(ResourceContents),
}

/// One content block of a tool result or prompt message: text, image, audio, a resource link
/// or an embedded resource.
#[derive(Clone, Debug, PartialEq)]
pub struct Content {
    block: Block,
    annotations: Option<Annotations>,
}

impl Content {
    fn new(block: Block) -> Self {
        Content {
            block,
            annotations: None,
        }
    }

    /// Text.
    pub fn text(text: impl Into<String>) -> Self {
        Self::new(Block::Text(text.into()))
    }

    /// An image from raw bytes (base64-encoded for you), e.g. `mime_type = "image/png"`.
    pub fn image(bytes: impl AsRef<[u8]>, mime_type: impl Into<String>) -> Self {
        Self::new(Block::Image {
            data: b64(bytes.as_ref()),
            mime_type: mime_type.into(),
        })
    }

    /// An image already base64-encoded.
    pub fn image_base64(data: impl Into<String>, mime_type: impl Into<String>) -> Self {
        Self::new(Block::Image {
            data: data.into(),
            mime_type: mime_type.into(),
        })
    }

    /// Audio from raw bytes (base64-encoded for you), e.g. `mime_type = "audio/wav"`.
    pub fn audio(bytes: impl AsRef<[u8]>, mime_type: impl Into<String>) -> Self {
        Self::new(Block::Audio {
            data: b64(bytes.as_ref()),
            mime_type: mime_type.into(),
        })
    }

    /// Audio already base64-encoded.
    pub fn audio_base64(data: impl Into<String>, mime_type: impl Into<String>) -> Self {
        Self::new(Block::Audio {
            data: data.into(),
            mime_type: mime_type.into(),
        })
    }

    /// A link to a resource.
    pub fn resource_link(link: ResourceLink) -> Self {
        Self::new(Block::Link(link))
    }

    /// A resource embedded with its contents.
    pub fn resource(contents: ResourceContents) -> Self {
        Self::new(Block::Embedded(contents))
    }

    /// Attaches annotations.
    pub fn with_annotations(mut self, annotations: Annotations) -> Self {
        self.annotations = Some(annotations);
        self
    }

    /// The text, for a text block.
    pub fn as_text(&self) -> Option<&str> {
        match &self.block {
            Block::Text(t) => Some(t),
            _ => None,
        }
    }
}

impl Serialize for Content {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        match &self.block {
            Block::Text(text) => {
                map.serialize_entry("type", "text")?;
                map.serialize_entry("text", text)?;
            }
            Block::Image { data, mime_type } | Block::Audio { data, mime_type } => {
                let kind = if matches!(self.block, Block::Image { .. }) {
                    "image"
                } else {
                    "audio"
                };
                map.serialize_entry("type", kind)?;
                map.serialize_entry("data", data)?;
                map.serialize_entry("mimeType", mime_type)?;
            }
            Block::Link(link) => {
                map.serialize_entry("type", "resource_link")?;
                map.serialize_entry("uri", &link.uri)?;
                map.serialize_entry("name", &link.name)?;
                if let Some(t) = &link.title {
                    map.serialize_entry("title", t)?;
                }
                if let Some(d) = &link.description {
                    map.serialize_entry("description", d)?;
                }
                if let Some(m) = &link.mime_type {
                    map.serialize_entry("mimeType", m)?;
                }
                if let Some(size) = link.size {
                    map.serialize_entry("size", &size)?;
                }
            }
            Block::Embedded(contents) => {
                map.serialize_entry("type", "resource")?;
                map.serialize_entry("resource", contents)?;
            }
        }
        if let Some(a) = &self.annotations {
            map.serialize_entry("annotations", a)?;
        }
        map.end()
    }
}

impl From<String> for Content {
    fn from(text: String) -> Self {
        Content::text(text)
    }
}

impl From<&str> for Content {
    fn from(text: &str) -> Self {
        Content::text(text)
    }
}

impl From<ResourceContents> for Content {
    fn from(contents: ResourceContents) -> Self {
        Content::resource(contents)
    }
}

impl From<ResourceLink> for Content {
    fn from(link: ResourceLink) -> Self {
        Content::resource_link(link)
    }
}

/// One message of a prompt.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PromptMessage {
    role: Role,
    content: Content,
}

impl PromptMessage {
    /// A message from the user.
    pub fn user(content: impl Into<Content>) -> Self {
        PromptMessage {
            role: Role::User,
            content: content.into(),
        }
    }

    /// A message from the assistant.
    pub fn assistant(content: impl Into<Content>) -> Self {
        PromptMessage {
            role: Role::Assistant,
            content: content.into(),
        }
    }
}

/// The result of a tool call: content blocks, optional structured content, and whether it
/// reports an error.
///
/// Tools usually return plain values (`String`, numbers, [`Json<T>`](crate::Json),
/// `Result<T, E>`); return `ToolResult` for full control.
#[derive(Clone, Debug)]
pub struct ToolResult {
    pub(crate) content: Vec<Content>,
    pub(crate) structured: Option<Box<RawValue>>,
    pub(crate) is_error: bool,
}

impl ToolResult {
    /// A successful result with these content blocks.
    pub fn new(content: impl IntoIterator<Item = Content>) -> Self {
        ToolResult {
            content: content.into_iter().collect(),
            structured: None,
            is_error: false,
        }
    }

    /// A successful result with one text block.
    pub fn text(text: impl Into<String>) -> Self {
        Self::new([Content::text(text)])
    }

    /// An error result (`isError: true`) with the message as text, for the model to read.
    pub fn error(message: impl Into<String>) -> Self {
        ToolResult {
            content: vec![Content::text(message)],
            structured: None,
            is_error: true,
        }
    }

    /// Adds a content block.
    pub fn with_content(mut self, content: impl Into<Content>) -> Self {
        self.content.push(content.into());
        self
    }

    /// Whether this result reports an error.
    pub fn is_error(&self) -> bool {
        self.is_error
    }

    /// The content blocks.
    pub fn content(&self) -> &[Content] {
        &self.content
    }

    /// The structured content, as JSON text.
    pub fn structured_content(&self) -> Option<&str> {
        self.structured.as_deref().map(RawValue::get)
    }
}

/// A typed value, serialized as JSON.
///
/// As a tool's return type it produces `structuredContent` (with an `outputSchema` derived
/// from `T`) plus a text copy; as a resource's, JSON text; as a tool's only parameter,
/// `Json<T>` receives the whole arguments object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Json<T>(pub T);
