"""Benchmark contender: the official Python MCP SDK (mcp 2.3.0) over Streamable HTTP.

One endpoint, http://127.0.0.1:$PORT/mcp, serves both protocol eras with
application/json responses (json_response=True):
- 2026-07-28: the SDK routes requests whose MCP-Protocol-Version header names a
  non-handshake version to its stateless single-exchange handler.
- 2025-11-25: `initialize` opens a session (Mcp-Session-Id). With
  LEGACY_SESSIONS=0 the legacy era is served statelessly instead
  (stateless_http=True: no session id, a fresh transport per request).

Run: PORT=8080 python server.py   (one uvicorn worker, one event loop)
"""

import os

import uvicorn
from mcp.server.mcpserver import MCPServer

mcp = MCPServer("python-sdk-bench-server", version="0.1.0", log_level="WARNING")


@mcp.tool(description="Add two integers", structured_output=False)
def add(a: int, b: int) -> str:
    return str(a + b)


def echo(x: int) -> str:
    return str(x)


for i in range(100):
    mcp.add_tool(echo, name=f"tool_{i:03}", description=f"Echo tool number {i}: returns x", structured_output=False)


@mcp.resource("config://app", name="config", mime_type="application/json")
def config() -> str:
    return '{"debug":true}'


if __name__ == "__main__":
    app = mcp.streamable_http_app(
        json_response=True,
        stateless_http=os.environ.get("LEGACY_SESSIONS", "1") == "0",
        host="127.0.0.1",
    )
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(os.environ.get("PORT", "8080")),
        workers=1,
        loop="uvloop",
        http="httptools",
        log_level="warning",
        access_log=False,
    )
