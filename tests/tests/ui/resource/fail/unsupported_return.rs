use mcp_core::resource;

/// Config.
#[resource(uri = "config://app")]
fn config() -> u32 {
    1
}

fn main() {}
