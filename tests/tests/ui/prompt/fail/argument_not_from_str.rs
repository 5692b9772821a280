use mcp_core::prompt;

/// Join words.
#[prompt]
fn join(words: Vec<String>) -> String {
    words.join(" ")
}

fn main() {}
