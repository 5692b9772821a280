use mcp_core::tool;

struct Point {
    x: i32,
}

/// Move a point.
#[tool(server = "demo")]
fn nudge(p: Point, by: i32) -> i32 {
    p.x + by
}

fn main() {}
