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

/// Normalizes a generated schema: no root `title`/`description`, no `null` in
/// `type` arrays or `anyOf`/`oneOf` (an `Option` is expressed by leaving the property out of
/// `required`), no Rust-specific numeric `format`s.
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
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            items.iter_mut().for_each(clean);
        }
        return;
    };
    if let Some(Value::Array(types)) = map.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.pop().expect("one type");
            map.insert("type".into(), only);
        }
    }
    if map
        .get("format")
        .and_then(Value::as_str)
        .is_some_and(|f| NUMERIC_FORMATS.contains(&f))
    {
        map.remove("format");
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
            if options.len() == 1 {
                let only = options.pop().expect("one option");
                map.remove(key);
                if let Value::Object(inner) = only {
                    merge(map, inner);
                }
            }
        }
    }
    for (key, child) in map.iter_mut() {
        if !matches!(key.as_str(), "default" | "examples" | "const" | "enum") {
            clean(child);
        }
    }
}

fn is_null_schema(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("null")
        || v.get("const").is_some_and(Value::is_null)
}

fn merge(into: &mut Map<String, Value>, from: Map<String, Value>) {
    for (k, v) in from {
        into.entry(k).or_insert(v);
    }
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
