use mcp_core::prompt;

fn styles(prefix: &str, limit: usize) -> Vec<String> {
    vec![format!("{prefix}{limit}")]
}

/// Summarise.
#[prompt]
fn summarise(#[complete(with = styles)] style: String) -> String {
    style
}

fn main() {}
