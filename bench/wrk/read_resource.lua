-- resources/read of config://app in the stateless revision.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = "2026-07-28"
wrk.headers["Mcp-Method"] = "resources/read"
wrk.headers["Mcp-Name"] = "config://app"
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"config://app","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
