//! The surface every benchmark contender serves: `add`, 100 more tools (`tool_000` to
//! `tool_099`) and the resource `config://app`, as this framework's server `bench`.

use mcp_core::{resource, tool, Json, Server};

/// The benchmark server, built (every list and schema prepared).
pub fn server() -> Server {
    Server::builder("bench")
        .version("1.0.0")
        .max_sessions(100_000)
        .collect()
        .build()
        .expect("the benchmark server builds")
}

/// Add two integers.
#[tool(server = "bench")]
pub fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// The application's configuration.
#[resource(server = "bench", uri = "config://app", mime_type = "application/json")]
pub fn config() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "debug": true }))
}

/// Echo `x` (tool_000).
#[tool(server = "bench")]
pub fn tool_000(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_001).
#[tool(server = "bench")]
pub fn tool_001(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_002).
#[tool(server = "bench")]
pub fn tool_002(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_003).
#[tool(server = "bench")]
pub fn tool_003(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_004).
#[tool(server = "bench")]
pub fn tool_004(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_005).
#[tool(server = "bench")]
pub fn tool_005(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_006).
#[tool(server = "bench")]
pub fn tool_006(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_007).
#[tool(server = "bench")]
pub fn tool_007(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_008).
#[tool(server = "bench")]
pub fn tool_008(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_009).
#[tool(server = "bench")]
pub fn tool_009(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_010).
#[tool(server = "bench")]
pub fn tool_010(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_011).
#[tool(server = "bench")]
pub fn tool_011(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_012).
#[tool(server = "bench")]
pub fn tool_012(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_013).
#[tool(server = "bench")]
pub fn tool_013(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_014).
#[tool(server = "bench")]
pub fn tool_014(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_015).
#[tool(server = "bench")]
pub fn tool_015(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_016).
#[tool(server = "bench")]
pub fn tool_016(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_017).
#[tool(server = "bench")]
pub fn tool_017(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_018).
#[tool(server = "bench")]
pub fn tool_018(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_019).
#[tool(server = "bench")]
pub fn tool_019(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_020).
#[tool(server = "bench")]
pub fn tool_020(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_021).
#[tool(server = "bench")]
pub fn tool_021(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_022).
#[tool(server = "bench")]
pub fn tool_022(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_023).
#[tool(server = "bench")]
pub fn tool_023(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_024).
#[tool(server = "bench")]
pub fn tool_024(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_025).
#[tool(server = "bench")]
pub fn tool_025(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_026).
#[tool(server = "bench")]
pub fn tool_026(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_027).
#[tool(server = "bench")]
pub fn tool_027(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_028).
#[tool(server = "bench")]
pub fn tool_028(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_029).
#[tool(server = "bench")]
pub fn tool_029(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_030).
#[tool(server = "bench")]
pub fn tool_030(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_031).
#[tool(server = "bench")]
pub fn tool_031(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_032).
#[tool(server = "bench")]
pub fn tool_032(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_033).
#[tool(server = "bench")]
pub fn tool_033(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_034).
#[tool(server = "bench")]
pub fn tool_034(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_035).
#[tool(server = "bench")]
pub fn tool_035(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_036).
#[tool(server = "bench")]
pub fn tool_036(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_037).
#[tool(server = "bench")]
pub fn tool_037(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_038).
#[tool(server = "bench")]
pub fn tool_038(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_039).
#[tool(server = "bench")]
pub fn tool_039(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_040).
#[tool(server = "bench")]
pub fn tool_040(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_041).
#[tool(server = "bench")]
pub fn tool_041(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_042).
#[tool(server = "bench")]
pub fn tool_042(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_043).
#[tool(server = "bench")]
pub fn tool_043(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_044).
#[tool(server = "bench")]
pub fn tool_044(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_045).
#[tool(server = "bench")]
pub fn tool_045(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_046).
#[tool(server = "bench")]
pub fn tool_046(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_047).
#[tool(server = "bench")]
pub fn tool_047(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_048).
#[tool(server = "bench")]
pub fn tool_048(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_049).
#[tool(server = "bench")]
pub fn tool_049(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_050).
#[tool(server = "bench")]
pub fn tool_050(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_051).
#[tool(server = "bench")]
pub fn tool_051(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_052).
#[tool(server = "bench")]
pub fn tool_052(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_053).
#[tool(server = "bench")]
pub fn tool_053(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_054).
#[tool(server = "bench")]
pub fn tool_054(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_055).
#[tool(server = "bench")]
pub fn tool_055(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_056).
#[tool(server = "bench")]
pub fn tool_056(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_057).
#[tool(server = "bench")]
pub fn tool_057(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_058).
#[tool(server = "bench")]
pub fn tool_058(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_059).
#[tool(server = "bench")]
pub fn tool_059(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_060).
#[tool(server = "bench")]
pub fn tool_060(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_061).
#[tool(server = "bench")]
pub fn tool_061(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_062).
#[tool(server = "bench")]
pub fn tool_062(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_063).
#[tool(server = "bench")]
pub fn tool_063(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_064).
#[tool(server = "bench")]
pub fn tool_064(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_065).
#[tool(server = "bench")]
pub fn tool_065(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_066).
#[tool(server = "bench")]
pub fn tool_066(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_067).
#[tool(server = "bench")]
pub fn tool_067(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_068).
#[tool(server = "bench")]
pub fn tool_068(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_069).
#[tool(server = "bench")]
pub fn tool_069(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_070).
#[tool(server = "bench")]
pub fn tool_070(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_071).
#[tool(server = "bench")]
pub fn tool_071(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_072).
#[tool(server = "bench")]
pub fn tool_072(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_073).
#[tool(server = "bench")]
pub fn tool_073(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_074).
#[tool(server = "bench")]
pub fn tool_074(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_075).
#[tool(server = "bench")]
pub fn tool_075(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_076).
#[tool(server = "bench")]
pub fn tool_076(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_077).
#[tool(server = "bench")]
pub fn tool_077(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_078).
#[tool(server = "bench")]
pub fn tool_078(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_079).
#[tool(server = "bench")]
pub fn tool_079(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_080).
#[tool(server = "bench")]
pub fn tool_080(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_081).
#[tool(server = "bench")]
pub fn tool_081(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_082).
#[tool(server = "bench")]
pub fn tool_082(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_083).
#[tool(server = "bench")]
pub fn tool_083(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_084).
#[tool(server = "bench")]
pub fn tool_084(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_085).
#[tool(server = "bench")]
pub fn tool_085(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_086).
#[tool(server = "bench")]
pub fn tool_086(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_087).
#[tool(server = "bench")]
pub fn tool_087(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_088).
#[tool(server = "bench")]
pub fn tool_088(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_089).
#[tool(server = "bench")]
pub fn tool_089(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_090).
#[tool(server = "bench")]
pub fn tool_090(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_091).
#[tool(server = "bench")]
pub fn tool_091(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_092).
#[tool(server = "bench")]
pub fn tool_092(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_093).
#[tool(server = "bench")]
pub fn tool_093(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_094).
#[tool(server = "bench")]
pub fn tool_094(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_095).
#[tool(server = "bench")]
pub fn tool_095(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_096).
#[tool(server = "bench")]
pub fn tool_096(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_097).
#[tool(server = "bench")]
pub fn tool_097(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_098).
#[tool(server = "bench")]
pub fn tool_098(x: i64) -> i64 {
    x
}

/// Echo `x` (tool_099).
#[tool(server = "bench")]
pub fn tool_099(x: i64) -> i64 {
    x
}
