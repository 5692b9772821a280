//! JSON Schemas for tool inputs and outputs: generated through schemars once at start-up,
//! then normalized into a profile every client accepts.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value};

/// The schema of `T`, generated as a root schema. Used by the macros as a function pointer.
pub fn schema_for<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.root_schema_for::<T>()
}

// No `meta_schema`: schemars then adds no `$schema`, so one that is present was written by
// the user (a hand-written `JsonSchema` impl) and is kept. Without it, 2020-12 is implied.
pub(crate) fn input_generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .for_deserialize()
        .into_generator()
}

pub(crate) fn output_generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .for_serialize()
        .into_generator()
}

/// Normalizes a generated schema: no root `title`/`description` (the tool has its own) and no
/// Rust-specific numeric `format`s such as `uint64`, which JSON Schema validators reject as
/// unknown formats. Everything that constrains values stays as schemars generated it, so the
/// schema describes exactly what (de)serialization accepts or produces: an `Option` field is
/// `null`-able, required in an output schema unless serde skips it, and optional in an input
/// schema.
pub(crate) fn normalize(schema: Schema) -> Value {
    let mut value = schema.to_value();
    if let Value::Object(map) = &mut value {
        map.remove("title");
        map.remove("description");
        // Some clients require `properties` on object schemas, even when empty.
        if map.get("type").and_then(Value::as_str) == Some("object")
            && !map.contains_key("properties")
        {
            map.insert("properties".into(), Value::Object(Map::new()));
        }
    }
    clean(&mut value);
    value
}

const NUMERIC_FORMATS: &[&str] = &[
    "int8", "int16", "int32", "int64", "int128", "uint8", "uint16", "uint32", "uint64", "uint128",
    "int", "uint", "float", "double",
];

fn clean(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| NUMERIC_FORMATS.contains(&f))
            {
                map.remove("format");
            }
            for (key, child) in map.iter_mut() {
                if !matches!(key.as_str(), "default" | "examples" | "const" | "enum") {
                    clean(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(clean),
        _ => {}
    }
}

/// An elicitation form's schema: normalized, then without `null` (the form schema of the
/// protocol has only flat primitive properties; an `Option` field is one left out of
/// `required`, which the client may leave unanswered).
pub(crate) fn form(schema: Schema) -> Value {
    let mut value = normalize(schema);
    strip_null(&mut value);
    value
}

fn strip_null(value: &mut Value) {
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            items.iter_mut().for_each(strip_null);
        }
        return;
    };
    if let Some(Value::Array(types)) = map.get_mut("type") {
        types.retain(|t| t != "null");
        if let [only] = types.as_mut_slice() {
            let only = only.take();
            map.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
    if map.get("default").is_some_and(Value::is_null) {
        map.remove("default");
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(options)) = map.get_mut(key) {
            options.retain(|o| !is_null_schema(o));
            if let [only] = options.as_mut_slice() {
                let only = only.take();
                map.remove(key);
                if let Value::Object(inner) = only {
                    for (k, v) in inner {
                        map.entry(k).or_insert(v);
                    }
                }
            }
        }
    }
    for (key, child) in map.iter_mut() {
        if !matches!(key.as_str(), "default" | "examples" | "const" | "enum") {
            strip_null(child);
        }
    }
}

fn is_null_schema(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("null")
        || v.get("const").is_some_and(Value::is_null)
}

/// Whether a schema describes only JSON objects.
pub(crate) fn is_object(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("object")
}

/// Wraps a non-object output schema as `{"type":"object","properties":{"result":..}}`.
pub(crate) fn wrap_result(schema: Value) -> Value {
    serde_json::json!({
        "type": "object",
        "properties": { "result": schema },
        "required": ["result"],
    })
}
