use mcp_core::resource;

/// A profile.
#[resource(uri = "users://{id/profile")]
fn profile(id: u64) -> String {
    id.to_string()
}

fn main() {}
