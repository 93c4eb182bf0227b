/**
 * The MCP protocol versions Agentry's MCP bridge speaks, newest first. The server negotiates
 * from this list in `initialize` and refuses other `MCP-Protocol-Version` headers over HTTP;
 * compat-matrix.json and its test read it, so this is the one place support is stated.
 * Every entry is also supported by the installed @modelcontextprotocol/sdk (a test checks it).
 */
export const mcpProtocolVersions = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'] as const;

/** One of {@link mcpProtocolVersions}. */
export type McpProtocolVersion = (typeof mcpProtocolVersions)[number];

/** The version offered to clients that ask for one we do not speak. */
export const latestMcpProtocolVersion: McpProtocolVersion = mcpProtocolVersions[0];

/** Picks the version to answer `initialize` with: the client's when we speak it, else our latest. */
export function negotiateMcpProtocolVersion(requested: string | undefined): McpProtocolVersion {
  return (mcpProtocolVersions as readonly string[]).includes(requested ?? '') ? (requested as McpProtocolVersion) : latestMcpProtocolVersion;
}
