// @agentry/sdk/mcp — Agentry over the Model Context Protocol (Node only). Every export here is public API.
export { createMcpServer, type McpServerOptions, type McpRuntime } from './create-mcp-server';
export { serveMcpStdio, type ServeMcpStdioOptions, type McpServerHandle } from './serve-mcp-stdio';
export { createMcpHttpHandler, type McpHttpHandlerOptions, type McpHttpHandler, type McpHttpAuth } from './mcp-http-handler';
export { listenMcpHttp, type ListenMcpHttpOptions, type McpHttpServerHandle } from './listen-mcp-http';
export { defaultMcpTiers, type McpCaller } from './mcp-caller';
export { mcpProtocolVersions, latestMcpProtocolVersion, type McpProtocolVersion } from './mcp-protocol-versions';
export { createMcpToolProvider, type McpToolProvider, type McpToolProviderOptions, type McpServerConnection } from './mcp-tool-provider';
