use mcp_core::prompt;

/// Count.
#[prompt]
fn count(text: String) -> usize {
    text.len()
}

fn main() {}
