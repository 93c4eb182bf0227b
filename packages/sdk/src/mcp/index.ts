// @agentry/sdk/mcp — the Model Context Protocol bridge (Node only).
export * from '../transports/mcp';
