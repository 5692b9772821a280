use mcp_core::tool;

struct Point {
    x: i32,
}

/// Move a point.
#[tool]
fn nudge(p: Point) -> i32 {
    p.x + 1
}

fn main() {}
