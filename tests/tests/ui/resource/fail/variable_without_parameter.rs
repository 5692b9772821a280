use mcp_core::resource;

/// A profile.
#[resource(uri = "users://{id}/profile")]
fn profile() -> String {
    String::new()
}

fn main() {}
