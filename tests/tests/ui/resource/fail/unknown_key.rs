use mcp_core::resource;

/// Config.
#[resource(uri = "config://app", read_only)]
fn config() -> String {
    "{}".into()
}

fn main() {}
