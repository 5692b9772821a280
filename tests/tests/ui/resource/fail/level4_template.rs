use mcp_core::resource;

/// Files by path; `{path*}` is a level-4 (explode) modifier, which servers do not match.
#[resource(uri = "files://{path*}")]
fn file(path: String) -> String {
    path
}

fn main() {}
