use mcp_core::resource;

/// Config.
#[resource(mime_type = "application/json")]
fn config() -> String {
    "{}".into()
}

fn main() {}
