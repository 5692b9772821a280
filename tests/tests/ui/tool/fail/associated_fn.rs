use mcp_core::tool;

struct Calc;

impl Calc {
    /// Add two integers.
    #[tool]
    fn add(a: i64, b: i64) -> i64 {
        a + b
    }
}

fn main() {}
