use mcp_core::resource;

/// A profile.
#[resource(uri = "users://{id}/profile")]
fn profile(id: u64, format: String) -> String {
    format!("{id} {format}")
}

fn main() {}
