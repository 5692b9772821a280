use mcp_core::prompt;

fn numbers(_prefix: &str) -> u32 {
    7
}

/// Pick a number.
#[prompt]
fn pick(#[complete(with = numbers)] n: String) -> String {
    n
}

fn main() {}
