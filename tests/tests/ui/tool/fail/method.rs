use mcp_core::tool;

struct Calc;

impl Calc {
    /// Add.
    #[tool]
    fn add(&self, a: i64, b: i64) -> i64 {
        a + b
    }
}

fn main() {}
