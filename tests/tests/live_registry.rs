//! The live registry: tools, resources, templates and prompts added, replaced, removed,
//! enabled and disabled while the server runs; lists follow at once, clients are told
//! (session streams, listen streams), and a call already running keeps the definition it
//! started with.

use std::collections::HashMap;
use std::pin::Pin;
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, App};

use mcp_core::{
    tool, Context, DynamicPrompt, DynamicResource, DynamicTool, Error, RegistryError, Server,
    TaskSupport,
};
use mcp_tests::{envelope, modern, post, request, sse_messages, MODERN};
use serde_json::{json, Value};
use tokio::sync::oneshot;

/// Built in.
#[tool(server = "live")]
fn builtin() -> &'static str {
    "builtin"
}

fn shout() -> DynamicTool {
    DynamicTool::new("shout", |args: Value, _ctx: Context| async move {
        args["text"].as_str().unwrap_or_default().to_uppercase()
    })
    .description("Repeat `text`, louder.")
    .input_schema(json!({
        "type": "object",
        "properties": {"text": {"type": "string"}},
        "required": ["text"],
    }))
}

fn names(list: &Value) -> Vec<String> {
    list["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

macro_rules! app {
    ($server:expr) => {
        test::init_service(App::new().service(mcp_actix::scope("/mcp", $server.clone()))).await
    };
}

#[actix_web::test]
async fn tools_come_and_go_while_the_server_runs() {
    let server = Server::builder("live").collect().build().unwrap();
    let app = app!(server);
    let list = modern(&app, "/mcp", "tools/list", None, json!({})).await;
    assert_eq!(names(&list.body), ["builtin"]);
    assert_eq!(
        list.body["result"]["tools"][0]["name"], "builtin",
        "the macro's tools are there"
    );

    server.add_tool(shout()).unwrap();
    let list = modern(&app, "/mcp", "tools/list", None, json!({})).await;
    assert_eq!(names(&list.body), ["builtin", "shout"]);
    let entry = &list.body["result"]["tools"][1];
    assert_eq!(entry["description"], "Repeat `text`, louder.");
    assert_eq!(entry["inputSchema"]["required"], json!(["text"]));
    let called = modern(
        &app,
        "/mcp",
        "tools/call",
        Some("shout"),
        json!({"name": "shout", "arguments": {"text": "hi"}}),
    )
    .await;
    assert_eq!(called.body["result"]["content"][0]["text"], "HI");
    assert_eq!(
        server.add_tool(shout()),
        Err(RegistryError::Exists("shout".into()))
    );

    // Replaced, a macro tool included.
    let whisper = DynamicTool::new("builtin", |_: Value, _: Context| async { "replaced" });
    server.replace_tool(whisper).unwrap();
    let called = modern(
        &app,
        "/mcp",
        "tools/call",
        Some("builtin"),
        json!({"name": "builtin"}),
    )
    .await;
    assert_eq!(called.body["result"]["content"][0]["text"], "replaced");

    // Disabled: gone from lists and refused as unknown, until enabled again.
    let unknown = modern(
        &app,
        "/mcp",
        "tools/call",
        Some("nope"),
        json!({"name": "nope"}),
    )
    .await;
    server.set_tool_enabled("shout", false).unwrap();
    let list = modern(&app, "/mcp", "tools/list", None, json!({})).await;
    assert_eq!(names(&list.body), ["builtin"]);
    let hidden = modern(
        &app,
        "/mcp",
        "tools/call",
        Some("shout"),
        json!({"name": "shout", "arguments": {"text": "x"}}),
    )
    .await;
    assert_eq!(hidden.body["error"]["code"], unknown.body["error"]["code"]);
    server.set_tool_enabled("shout", true).unwrap();
    let list = modern(&app, "/mcp", "tools/list", None, json!({})).await;
    assert_eq!(names(&list.body), ["builtin", "shout"]);

    server.remove_tool("shout").unwrap();
    assert_eq!(
        server.remove_tool("shout"),
        Err(RegistryError::NotFound("shout".into()))
    );
    assert_eq!(server.tool_names().collect::<Vec<_>>(), ["builtin"]);
}

#[actix_web::test]
async fn bad_definitions_are_refused_and_change_nothing() {
    let server = Server::builder("live").collect().build().unwrap();
    let bad_name = DynamicTool::new("no spaces please", |_: Value, _: Context| async { "" });
    assert!(matches!(
        server.add_tool(bad_name),
        Err(RegistryError::Invalid(_))
    ));
    let bad_schema = DynamicTool::new("arr", |_: Value, _: Context| async { "" })
        .input_schema(json!({"type": "array"}));
    assert!(matches!(
        server.add_tool(bad_schema),
        Err(RegistryError::Invalid(_))
    ));
    let bad_icon = shout().icon("file:///etc/icon.png");
    assert!(matches!(
        server.add_tool(bad_icon),
        Err(RegistryError::Invalid(_))
    ));
    let bad_role = shout().roles(["two words"]);
    assert!(matches!(
        server.add_tool(bad_role),
        Err(RegistryError::Invalid(_))
    ));
    assert_eq!(server.tool_names().collect::<Vec<_>>(), ["builtin"]);
}

#[actix_web::test]
async fn run_time_tools_take_roles_and_tasks() {
    let server = Server::builder("live").collect().build().unwrap();
    server.add_tool(shout().roles(["admin"])).unwrap();
    let app = app!(server);
    let list = modern(&app, "/mcp", "tools/list", None, json!({})).await;
    assert_eq!(
        names(&list.body),
        ["builtin"],
        "anonymous callers do not see it"
    );

    let slow = DynamicTool::new("slow", |_: Value, _: Context| async {
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        "slow done"
    })
    .task(TaskSupport::Optional);
    server.add_tool(slow).unwrap();
    let found = modern(&app, "/mcp", "server/discover", None, json!({})).await;
    assert_eq!(
        found.body["result"]["capabilities"]["extensions"],
        json!({"io.modelcontextprotocol/tasks": {}})
    );
    let mut params = json!({"name": "slow", "_meta": envelope()});
    params["_meta"]["io.modelcontextprotocol/clientCapabilities"] =
        json!({"extensions": {"io.modelcontextprotocol/tasks": {}}});
    let headers = [
        ("mcp-protocol-version", MODERN),
        ("mcp-method", "tools/call"),
        ("mcp-name", "slow"),
    ];
    let task = post(&app, "/mcp", &headers, &request(1, "tools/call", params)).await;
    assert_eq!(task.body["result"]["resultType"], "task");

    // The tool goes away; its task can still be polled to the end.
    server.remove_tool("slow").unwrap();
    let id = task.body["result"]["taskId"].as_str().unwrap().to_string();
    let mut params = json!({"taskId": id, "_meta": envelope()});
    params["_meta"]["io.modelcontextprotocol/clientCapabilities"] =
        json!({"extensions": {"io.modelcontextprotocol/tasks": {}}});
    let headers = [
        ("mcp-protocol-version", MODERN),
        ("mcp-method", "tasks/get"),
        ("mcp-name", id.as_str()),
    ];
    let mut status = Value::Null;
    for _ in 0..100 {
        let got = post(
            &app,
            "/mcp",
            &headers,
            &request(2, "tasks/get", params.clone()),
        )
        .await;
        status = got.body["result"]["status"].clone();
        if status == "completed" {
            assert_eq!(
                got.body["result"]["result"]["content"][0]["text"],
                "slow done"
            );
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(status, "completed");
}

#[actix_web::test]
async fn a_running_call_keeps_its_definition() {
    let server = Server::builder("live").collect().build().unwrap();
    let (release, released) = oneshot::channel::<()>();
    let released = std::sync::Mutex::new(Some(released));
    let waiting = DynamicTool::new("job", move |_: Value, _: Context| {
        let wait = released.lock().unwrap().take();
        async move {
            if let Some(wait) = wait {
                let _ = wait.await;
            }
            "first definition"
        }
    });
    server.add_tool(waiting).unwrap();
    let app = app!(server);
    let headers = [
        ("mcp-protocol-version", MODERN),
        ("mcp-method", "tools/call"),
        ("mcp-name", "job"),
    ];
    let body = request(1, "tools/call", json!({"name": "job", "_meta": envelope()}));
    let req = test::TestRequest::post()
        .uri("/mcp")
        .insert_header(("content-type", "application/json"))
        .insert_header(("accept", "application/json, text/event-stream"));
    let req = headers.iter().fold(req, |r, h| r.insert_header(*h));
    let running = actix_web::rt::spawn(async move {
        let resp = test::call_service(&app, req.set_payload(body.to_string()).to_request()).await;
        let bytes = test::read_body(resp).await;
        let text = String::from_utf8_lossy(&bytes).to_string();
        let message = match text.starts_with('{') {
            true => serde_json::from_str::<Value>(&text).unwrap(),
            false => sse_messages(&text).pop().unwrap(),
        };
        message["result"]["content"][0]["text"].clone()
    });
    actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    server.remove_tool("job").unwrap();
    release.send(()).unwrap();
    assert_eq!(running.await.unwrap(), "first definition");
}

async fn next_chunk(body: &mut BoxBody) -> Vec<Value> {
    let chunk = std::future::poll_fn(|cx| Pin::new(&mut *body).poll_next(cx))
        .await
        .unwrap()
        .unwrap();
    sse_messages(&String::from_utf8_lossy(&chunk))
}

/// Opens a 2026-07-28 listen stream (request id `id`) asking for `notifications`; the stream
/// and the filter its acknowledgement grants.
async fn listen<S>(app: &S, id: i64, notifications: Value) -> (BoxBody, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let body = request(
        id,
        "subscriptions/listen",
        json!({"_meta": envelope(), "notifications": notifications}),
    );
    let req = mcp_tests::listen_post(&body, &[]);
    let mut stream = test::call_service(app, req).await.into_body();
    let ack = next_chunk(&mut stream).await;
    (stream, ack[0]["params"]["notifications"].clone())
}

/// The standalone (`GET`) stream of `session`.
async fn standalone<S>(app: &S, session: &str) -> BoxBody
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let get = test::TestRequest::get()
        .uri("/mcp")
        .insert_header(("accept", "text/event-stream"))
        .insert_header(("mcp-session-id", session))
        .to_request();
    test::call_service(app, get).await.into_body()
}

#[actix_web::test]
async fn clients_are_told_the_list_changed() {
    let server = Server::builder("live").collect().build().unwrap();
    let app = app!(server);
    // A 2026-07-28 listen stream asking for tool list changes is granted them.
    let asked = json!({"toolsListChanged": true, "promptsListChanged": true});
    let (mut stream, granted) = listen(&app, 4, asked.clone()).await;
    assert_eq!(granted, asked);

    // A session's standalone stream.
    let session = mcp_tests::session_with(&app, "/mcp", "2025-11-25", json!({})).await;
    let (init, _) = mcp_tests::initialize(&app, "/mcp", "2025-06-18").await;
    assert_eq!(
        init.body["result"]["capabilities"]["tools"],
        json!({"listChanged": true})
    );
    let mut standalone = standalone(&app, &session).await;

    server.add_tool(shout()).unwrap();
    let told = next_chunk(&mut stream).await;
    assert_eq!(
        told[0],
        json!({"jsonrpc": "2.0", "method": "notifications/tools/list_changed",
               "params": {"_meta": {"io.modelcontextprotocol/subscriptionId": 4}}})
    );
    let mut told = Vec::new();
    while told.is_empty() {
        told = next_chunk(&mut standalone).await; // skips the priming event
    }
    assert_eq!(told[0]["method"], "notifications/tools/list_changed");
}

fn motd() -> DynamicResource {
    DynamicResource::new("text://motd", "motd", |_: Context| async { "Hello, world" })
        .description("The message of the day.")
}

fn user() -> DynamicResource {
    DynamicResource::template(
        "users://{id}",
        "user",
        |uri: String, vars: HashMap<String, String>, _: Context| async move {
            match vars["id"].as_str() {
                "0" => Err(Error::not_found(format!("no user at {uri}"))),
                id => Ok(format!("user {id}")),
            }
        },
    )
    .mime_type("text/x-user")
    .complete("id", |typed: String, _: Context| async move {
        ["1", "2", "12"]
            .into_iter()
            .filter(move |id| id.starts_with(&typed))
    })
}

fn review() -> DynamicPrompt {
    DynamicPrompt::new(
        "review",
        |args: HashMap<String, String>, _: Context| async move {
            format!("Review this {} code.", args["language"])
        },
    )
    .description("Ask for a code review.")
    .argument("language", "The programming language", true)
    .complete("language", |typed: String, _: Context| async move {
        let known = ["python", "rust", "ruby"];
        known.into_iter().filter(move |l| l.starts_with(&typed))
    })
}

#[actix_web::test]
async fn resources_and_templates_come_and_go() {
    let server = Server::builder("live").collect().build().unwrap();
    let app = app!(server);
    let found = modern(&app, "/mcp", "server/discover", None, json!({})).await;
    assert_eq!(found.result()["capabilities"].get("resources"), None);
    let list = modern(&app, "/mcp", "resources/list", None, json!({})).await;
    assert_eq!(list.error()["code"], -32601, "no resources yet");

    server.add_resource(motd()).unwrap();
    server.add_resource(user()).unwrap();
    let found = modern(&app, "/mcp", "server/discover", None, json!({})).await;
    assert_eq!(
        found.result()["capabilities"]["resources"],
        json!({"listChanged": true, "subscribe": true})
    );
    let list = modern(&app, "/mcp", "resources/list", None, json!({})).await;
    assert_eq!(
        list.result()["resources"],
        json!([{"uri": "text://motd", "name": "motd", "description": "The message of the day."}])
    );
    let list = modern(&app, "/mcp", "resources/templates/list", None, json!({})).await;
    assert_eq!(
        list.result()["resourceTemplates"],
        json!([{"uriTemplate": "users://{id}", "name": "user", "mimeType": "text/x-user"}])
    );
    let read = |uri: &'static str| {
        let app = &app;
        async move {
            let params = json!({ "uri": uri });
            modern(app, "/mcp", "resources/read", Some(uri), params).await
        }
    };
    assert_eq!(
        read("text://motd").await.result()["contents"],
        json!([{"uri": "text://motd", "mimeType": "text/plain", "text": "Hello, world"}])
    );
    assert_eq!(
        read("users://7").await.result()["contents"],
        json!([{"uri": "users://7", "mimeType": "text/x-user", "text": "user 7"}])
    );
    let missing = read("users://0").await;
    assert_eq!(missing.error()["code"], -32602);
    assert_eq!(missing.error()["data"], json!({"uri": "users://0"}));
    assert_eq!(
        server.add_resource(motd()),
        Err(RegistryError::Exists("text://motd".into()))
    );

    // Replaced, disabled, removed.
    let new_motd = DynamicResource::new("text://motd", "motd", |_: Context| async { "Bye" });
    server.replace_resource(new_motd).unwrap();
    assert_eq!(
        read("text://motd").await.result()["contents"][0]["text"],
        "Bye"
    );
    server.set_resource_enabled("users://{id}", false).unwrap();
    assert_eq!(read("users://7").await.error()["code"], -32602);
    let list = modern(&app, "/mcp", "resources/templates/list", None, json!({})).await;
    assert_eq!(list.result()["resourceTemplates"], json!([]));
    server.set_resource_enabled("users://{id}", true).unwrap();
    assert_eq!(
        read("users://7").await.result()["contents"][0]["text"],
        "user 7"
    );
    server.remove_resource("text://motd").unwrap();
    assert_eq!(read("text://motd").await.error()["code"], -32602);
    assert_eq!(
        server.remove_resource("text://motd"),
        Err(RegistryError::NotFound("text://motd".into()))
    );
}

#[actix_web::test]
async fn prompts_come_and_go() {
    let server = Server::builder("live").collect().build().unwrap();
    let app = app!(server);
    server
        .add_prompt(review().icon("https://example.com/review.svg"))
        .unwrap();
    let found = modern(&app, "/mcp", "server/discover", None, json!({})).await;
    assert_eq!(
        found.result()["capabilities"]["prompts"],
        json!({"listChanged": true})
    );
    assert_eq!(found.result()["capabilities"]["completions"], json!({}));
    let list = modern(&app, "/mcp", "prompts/list", None, json!({})).await;
    assert_eq!(
        list.result()["prompts"],
        json!([{"name": "review", "description": "Ask for a code review.",
                "icons": [{"src": "https://example.com/review.svg", "mimeType": "image/svg+xml"}],
                "arguments": [
            {"name": "language", "description": "The programming language", "required": true}
        ]}])
    );
    let get = |args: Value| {
        let app = &app;
        async move {
            let params = json!({"name": "review", "arguments": args});
            modern(app, "/mcp", "prompts/get", Some("review"), params).await
        }
    };
    let got = get(json!({"language": "Rust"})).await;
    assert_eq!(
        got.result()["messages"],
        json!([{"role": "user", "content": {"type": "text", "text": "Review this Rust code."}}])
    );
    assert_eq!(got.result()["description"], "Ask for a code review.");
    let missing = get(json!({})).await;
    assert_eq!(missing.error()["code"], -32602);
    assert!(missing.error()["message"]
        .as_str()
        .unwrap()
        .contains("`language`"));

    let failing = DynamicPrompt::new("review", |_: HashMap<String, String>, _: Context| async {
        Err::<String, _>(Error::invalid_params("no such language"))
    });
    server.replace_prompt(failing).unwrap();
    let failed = get(json!({"language": "Cobol"})).await;
    assert_eq!(failed.error()["code"], -32602);
    assert_eq!(failed.error()["message"], "no such language");
    server.set_prompt_enabled("review", false).unwrap();
    let list = modern(&app, "/mcp", "prompts/list", None, json!({})).await;
    assert_eq!(
        list.result()["prompts"],
        json!([]),
        "a list emptied at run time answers empty"
    );
    let found = modern(&app, "/mcp", "server/discover", None, json!({})).await;
    assert_eq!(
        found.result()["capabilities"]["prompts"],
        json!({"listChanged": true}),
        "and its capability stays"
    );
    server.set_prompt_enabled("review", true).unwrap();
    server.remove_prompt("review").unwrap();
    assert_eq!(
        server.remove_prompt("review"),
        Err(RegistryError::NotFound("review".into()))
    );
}

#[actix_web::test]
async fn bad_resources_and_prompts_are_refused() {
    let server = Server::builder("live").collect().build().unwrap();
    let relative = DynamicResource::new("motd", "motd", |_: Context| async { "" });
    assert!(matches!(
        server.add_resource(relative),
        Err(RegistryError::Invalid(_))
    ));
    let unclosed = DynamicResource::template(
        "users://{id",
        "user",
        |_: String, _: HashMap<String, String>, _: Context| async { "" },
    );
    assert!(matches!(
        server.add_resource(unclosed),
        Err(RegistryError::Invalid(_))
    ));
    let no_vars = DynamicResource::template(
        "users://all",
        "users",
        |_: String, _: HashMap<String, String>, _: Context| async { "" },
    );
    assert!(matches!(
        server.add_resource(no_vars),
        Err(RegistryError::Invalid(_))
    ));
    let twice = review().argument("language", "again", false);
    assert!(matches!(
        server.add_prompt(twice),
        Err(RegistryError::Invalid(_))
    ));
    let app = app!(server);
    let found = modern(&app, "/mcp", "server/discover", None, json!({})).await;
    let caps = &found.result()["capabilities"];
    assert!(caps.get("resources").is_none() && caps.get("prompts").is_none());
}

#[actix_web::test]
async fn clients_are_told_resource_and_prompt_lists_changed() {
    let server = Server::builder("live").collect().build().unwrap();
    let app = app!(server);
    let asked = json!({"resourcesListChanged": true, "promptsListChanged": true});
    let (mut stream, granted) = listen(&app, 5, asked.clone()).await;
    assert_eq!(granted, asked);
    let session = mcp_tests::session_with(&app, "/mcp", "2025-11-25", json!({})).await;
    let mut standalone = standalone(&app, &session).await;

    // A tool change is not what this stream asked for: the next message it gets is the
    // resource change.
    server.add_tool(shout()).unwrap();
    server.add_resource(motd()).unwrap();
    server.add_prompt(review()).unwrap();
    let mut told = next_chunk(&mut stream).await;
    if told.len() < 2 {
        told.extend(next_chunk(&mut stream).await);
    }
    let methods: Vec<&str> = told.iter().map(|m| m["method"].as_str().unwrap()).collect();
    assert_eq!(
        methods,
        [
            "notifications/resources/list_changed",
            "notifications/prompts/list_changed"
        ]
    );
    assert_eq!(
        told[0]["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"],
        5
    );
    let mut told = Vec::new();
    while told.len() < 3 {
        told.extend(next_chunk(&mut standalone).await); // skips the priming event
    }
    let methods: Vec<&str> = told.iter().map(|m| m["method"].as_str().unwrap()).collect();
    assert_eq!(
        methods,
        [
            "notifications/tools/list_changed",
            "notifications/resources/list_changed",
            "notifications/prompts/list_changed"
        ]
    );
}

#[actix_web::test]
async fn run_time_items_complete_their_arguments() {
    let server = Server::builder("live").collect().build().unwrap();
    server.add_resource(user()).unwrap();
    server.add_prompt(review()).unwrap();
    let app = app!(server);
    let complete = |reference: Value, name: &'static str, value: &'static str| {
        let app = &app;
        async move {
            let params = json!({"ref": reference, "argument": {"name": name, "value": value}});
            modern(app, "/mcp", "completion/complete", None, params).await
        }
    };
    let template = json!({"type": "ref/resource", "uri": "users://{id}"});
    let done = complete(template.clone(), "id", "1").await;
    assert_eq!(
        done.result()["completion"],
        json!({"values": ["1", "12"], "total": 2, "hasMore": false})
    );
    let prompt = json!({"type": "ref/prompt", "name": "review"});
    let done = complete(prompt.clone(), "language", "r").await;
    assert_eq!(
        done.result()["completion"]["values"],
        json!(["rust", "ruby"])
    );
    let done = complete(prompt, "other", "r").await;
    assert_eq!(done.result()["completion"]["values"], json!([]));
    let unknown = json!({"type": "ref/prompt", "name": "nope"});
    assert_eq!(complete(unknown, "x", "").await.error()["code"], -32602);

    // A completion must name a declared argument or variable.
    let stray = review().complete("colour", |_: String, _: Context| async {
        Vec::<String>::new()
    });
    assert!(matches!(
        server.replace_prompt(stray),
        Err(RegistryError::Invalid(_))
    ));
    let plain = motd().complete("id", |_: String, _: Context| async { Vec::<String>::new() });
    assert!(matches!(
        server.add_resource(plain),
        Err(RegistryError::Invalid(_))
    ));
}

#[actix_web::test]
async fn changes_racing_calls_leave_every_call_answered() {
    let server = Server::builder("live").collect().build().unwrap();
    server.add_tool(shout()).unwrap();
    let app = std::rc::Rc::new(app!(server));
    let changer = {
        let server = server.clone();
        std::thread::spawn(move || {
            for i in 0..300 {
                match i % 3 {
                    0 => server.remove_tool("shout").unwrap(),
                    1 => server.add_tool(shout()).unwrap(),
                    _ => server.set_tool_enabled("builtin", i % 2 == 0).unwrap(),
                }
            }
        })
    };
    let mut texts = 0;
    let mut unknown = 0;
    for _ in 0..300 {
        let called = modern(
            &*app,
            "/mcp",
            "tools/call",
            Some("shout"),
            json!({"name": "shout", "arguments": {"text": "hi"}}),
        )
        .await;
        match called.body["result"]["content"][0]["text"].as_str() {
            Some("HI") => texts += 1,
            _ => {
                let message = called.body["error"]["message"].as_str().unwrap_or_default();
                assert!(message.starts_with("Unknown tool"), "{:?}", called.body);
                unknown += 1;
            }
        }
        let list = modern(&*app, "/mcp", "tools/list", None, json!({})).await;
        assert!(list.result()["tools"].is_array(), "{:?}", list.body);
    }
    changer.join().unwrap();
    assert_eq!(texts + unknown, 300);
    // Step 297 removed `shout`, 298 added it back, 299 toggled `builtin`.
    assert_eq!(server.tool_names().filter(|n| n == "shout").count(), 1);
}

#[actix_web::test]
async fn kinds_added_later_can_be_advertised_from_the_start() {
    let server = Server::builder("later")
        .advertise_tools()
        .advertise_prompts()
        .build()
        .expect("advertising a kind allows starting empty");
    let app = app!(server);
    let (init, session) = mcp_tests::initialize(&app, "/mcp", "2025-06-18").await;
    let expected = json!({
        "logging": {},
        "tools": {"listChanged": true},
        "prompts": {"listChanged": true},
        "completions": {},
    });
    assert_eq!(init.body["result"]["capabilities"], expected);
    let discover = modern(&app, "/mcp", "server/discover", None, json!({})).await;
    assert_eq!(discover.body["result"]["capabilities"], expected);
    let prompts = mcp_tests::legacy(&app, "/mcp", &session, "prompts/list", json!({})).await;
    assert_eq!(prompts.body["result"], json!({"prompts": []}));
    let tools = modern(&app, "/mcp", "tools/list", None, json!({})).await;
    assert_eq!(tools.body["result"]["tools"], json!([]));
    // Resources were not advertised, so their methods stay unknown.
    let resources = modern(&app, "/mcp", "resources/list", None, json!({})).await;
    assert_eq!(resources.body["error"]["code"], -32601);

    // The session that started before the first prompt hears of it and can list it.
    let mut standalone = standalone(&app, &session).await;
    server.add_prompt(review()).unwrap();
    let mut told = Vec::new();
    while told.is_empty() {
        told = next_chunk(&mut standalone).await; // skips the priming event
    }
    assert_eq!(told[0]["method"], "notifications/prompts/list_changed");
    let prompts = mcp_tests::legacy(&app, "/mcp", &session, "prompts/list", json!({})).await;
    assert_eq!(prompts.body["result"]["prompts"][0]["name"], "review");
}

#[actix_web::test]
async fn an_empty_server_that_advertises_nothing_is_still_refused() {
    let error = Server::builder("nothing").build().unwrap_err();
    assert!(error.to_string().contains("allow_empty"), "{error}");
}

#[actix_web::test]
async fn tasks_can_be_advertised_before_the_first_task_tool() {
    let server = Server::builder("later").advertise_tasks().build().unwrap();
    let app = app!(server);
    let (init, session) = mcp_tests::initialize(&app, "/mcp", "2025-11-25").await;
    let caps = &init.body["result"]["capabilities"];
    assert_eq!(caps["tools"], json!({"listChanged": true}));
    assert_eq!(
        caps["tasks"],
        json!({"list": {}, "cancel": {}, "requests": {"tools": {"call": {}}}})
    );
    let discover = modern(&app, "/mcp", "server/discover", None, json!({})).await;
    assert_eq!(
        discover.body["result"]["capabilities"]["extensions"],
        json!({"io.modelcontextprotocol/tasks": {}})
    );
    let listed = mcp_tests::legacy(&app, "/mcp", &session, "tasks/list", json!({})).await;
    assert_eq!(
        listed.body["result"]["tasks"],
        json!([]),
        "{:?}",
        listed.body
    );
    let unknown = json!({"taskId": "no-such-task"});
    let got = mcp_tests::legacy(&app, "/mcp", &session, "tasks/get", unknown).await;
    assert_eq!(got.body["error"]["code"], -32602, "{:?}", got.body);

    // A task tool added later runs as a task for the session that connected first.
    server
        .add_tool(shout().task(TaskSupport::Optional))
        .unwrap();
    let call = json!({"name": "shout", "arguments": {"text": "hi"}, "task": {"ttl": 60000}});
    let created = mcp_tests::legacy(&app, "/mcp", &session, "tools/call", call).await;
    let id = created.body["result"]["task"]["taskId"]
        .as_str()
        .unwrap()
        .to_owned();
    let result = json!({"taskId": id});
    let result = mcp_tests::legacy(&app, "/mcp", &session, "tasks/result", result).await;
    assert_eq!(
        result.body["result"]["content"][0]["text"], "HI",
        "{:?}",
        result.body
    );
}
