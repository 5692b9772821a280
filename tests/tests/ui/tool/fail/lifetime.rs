use mcp_core::tool;

/// Echo a word.
#[tool]
fn echo<'a>(word: String) -> String {
    word
}

fn main() {}
