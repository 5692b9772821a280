use mcp_core::{items, prompt, resource, Context, Server, State};

struct Ids(Vec<u64>);

fn plain(prefix: &str) -> Vec<String> {
    vec![prefix.to_string()]
}

fn with_state(prefix: &str, ids: State<Ids>) -> Vec<String> {
    ids.0.iter().map(u64::to_string).filter(|i| i.starts_with(prefix)).collect()
}

fn with_both(prefix: &str, ids: State<Ids>, ctx: Context) -> Vec<&'static str> {
    let _ = (prefix, ids.0.len(), ctx.protocol_version());
    vec!["a"]
}

async fn later(prefix: &str) -> Vec<String> {
    vec![prefix.to_uppercase()]
}

async fn later_with_state(prefix: &str, ids: State<Ids>) -> Vec<String> {
    ids.0.iter().map(|i| format!("{prefix}{i}")).collect()
}

/// One of each.
#[prompt]
fn pick(
    #[complete(with = plain)] a: String,
    #[complete(with = with_state)] b: String,
    #[complete(with = with_both)] c: String,
    #[complete(with = later)] d: String,
    #[complete(with = later_with_state)] e: String,
) -> String {
    format!("{a}{b}{c}{d}{e}")
}

/// A template whose variable completes from state.
#[resource(uri = "ids://{id}")]
fn by_id(#[complete(with = with_state)] id: u64) -> String {
    id.to_string()
}

fn main() {
    let server = Server::builder("x")
        .state(Ids(vec![1, 2]))
        .items(items![pick, by_id])
        .build()
        .unwrap();
    let _ = server;
}
