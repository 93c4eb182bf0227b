/**
 * The error catalogue: every code Agentry can produce, with its HTTP status, whether a retry can
 * succeed, and a hint that tells the caller what to do. docs/errors.md is generated from this
 * object (`npm run generate`) and a test keeps the two equal.
 *
 * Codes are stable: a code is never renamed or reused; adding one is a minor change.
 */
export const errorCatalogue = {
  AGENTRY_INVALID_JSON: {
    status: 400,
    retryable: false,
    summary: 'The request body is not valid JSON.',
    hint: 'Send a JSON object body with Content-Type: application/json.',
  },
  AGENTRY_INVALID_INPUT: {
    status: 400,
    retryable: false,
    summary: "The input does not match the agent's input schema.",
    hint: 'Compare the input with the agent\'s inputSchema from GET /v1/agents; `details` lists each failing path.',
  },
  AGENTRY_INVALID_REQUEST: {
    status: 400,
    retryable: false,
    summary: 'The request is malformed (a header, parameter or option is wrong).',
    hint: 'Check the request against the agentry.v1 protocol in docs/protocol.md.',
  },
  AGENTRY_INVALID_OPTIONS: {
    status: 400,
    retryable: false,
    summary: 'A function was called with options that are missing or wrong.',
    hint: 'Check the options against the API reference; the message names the field.',
  },
  AGENTRY_UNAUTHORIZED: {
    status: 401,
    retryable: false,
    summary: 'The request carries no API key, or one the server does not know.',
    hint: 'Send `Authorization: Bearer <api key>` with a key issued for your tenant.',
  },
  AGENTRY_FORBIDDEN: {
    status: 403,
    retryable: false,
    summary: 'The caller is authenticated but may not do this.',
    hint: "Ask the operator to grant your tenant access to this agent or resource.",
  },
  AGENTRY_FORBIDDEN_TOOL: {
    status: 403,
    retryable: false,
    summary: "The tenant's tier does not allow this tool or agent.",
    hint: 'Use an agent your tier allows, or ask the operator to raise the tier.',
  },
  AGENTRY_CAPABILITY_DENIED: {
    status: 500,
    retryable: false,
    summary: "A task pack used a capability (tool, host, metric, model) its manifest does not declare.",
    hint: "Declare the capability in the pack's manifest, or stop using it.",
  },
  AGENTRY_AGENT_NOT_FOUND: {
    status: 404,
    retryable: false,
    summary: 'No agent with that id (and version) is hosted here.',
    hint: 'List the hosted agents with GET /v1/agents (or `client.agents()`).',
  },
  AGENTRY_JOB_NOT_FOUND: {
    status: 404,
    retryable: false,
    summary: 'No job with that id exists for this tenant.',
    hint: 'Jobs are kept for a limited time after they finish; check the id and the API key.',
  },
  AGENTRY_NOT_FOUND: {
    status: 404,
    retryable: false,
    summary: 'No such route.',
    hint: 'See docs/protocol.md for the routes of agentry.v1.',
  },
  AGENTRY_METHOD_NOT_ALLOWED: {
    status: 405,
    retryable: false,
    summary: 'The route exists but not for this HTTP method.',
    hint: 'Use the method the protocol names for this route.',
  },
  AGENTRY_IDEMPOTENCY_CONFLICT: {
    status: 409,
    retryable: false,
    summary: 'The Idempotency-Key was used before with a different request body or agent.',
    hint: 'Generate a new Idempotency-Key for each logical request; reuse one only to retry the same request.',
  },
  AGENTRY_IN_PROGRESS: {
    status: 409,
    retryable: true,
    summary: 'A request with the same Idempotency-Key is still running.',
    hint: 'Retry after a moment; the first request\'s result will be returned.',
  },
  AGENTRY_JOB_FINISHED: {
    status: 409,
    retryable: false,
    summary: 'The job already finished and cannot be cancelled.',
    hint: 'Read its result with GET /v1/jobs/{id}.',
  },
  AGENTRY_PAYLOAD_TOO_LARGE: {
    status: 413,
    retryable: false,
    summary: 'The request body is larger than the server accepts.',
    hint: 'Send a smaller input, or raise the server\'s `limits.maxBodyBytes`.',
  },
  AGENTRY_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    retryable: false,
    summary: 'The request body is not sent as application/json.',
    hint: 'Set `Content-Type: application/json`.',
  },
  AGENTRY_RATE_LIMITED: {
    status: 429,
    retryable: true,
    summary: 'Too many requests.',
    hint: 'Wait for the Retry-After header, then retry.',
  },
  AGENTRY_BUDGET_EXCEEDED: {
    status: 402,
    retryable: false,
    summary: "The tenant's cost budget for this period is spent.",
    hint: 'Raise the budget, wait for the next period, or use a cheaper agent or model.',
  },
  AGENTRY_STREAM_EXPIRED: {
    status: 410,
    retryable: false,
    summary: 'The stream to resume is no longer kept by the server.',
    hint: 'Start a new stream; finished streams are kept only for a short replay window.',
  },
  AGENTRY_CANCELLED: {
    status: 499,
    retryable: false,
    summary: 'The call was cancelled by the caller (AbortSignal or job cancel).',
    hint: 'Nothing to do: the cancellation was requested.',
  },
  AGENTRY_TIMEOUT: {
    status: 504,
    retryable: true,
    summary: 'The call did not finish within its deadline.',
    hint: 'Raise `timeout` (per attempt or total), or check the agent\'s latency.',
  },
  AGENTRY_STREAM_STALLED: {
    status: 504,
    retryable: true,
    summary: 'A stream sent no event within its first-event or idle deadline.',
    hint: 'Raise `stall.firstEventMs` / `stall.idleMs`, or check the agent or model behind it.',
  },
  AGENTRY_CONNECTION_FAILED: {
    status: 503,
    retryable: true,
    summary: 'The server could not be reached or the connection broke.',
    hint: 'Check `baseUrl` and that the server is running; the client retries this on its own.',
  },
  AGENTRY_UNAVAILABLE: {
    status: 503,
    retryable: true,
    summary: 'The server is starting, draining or overloaded.',
    hint: 'Retry after the Retry-After header.',
  },
  AGENTRY_STORE_UNAVAILABLE: {
    status: 503,
    retryable: true,
    summary: 'A store (such as Redis) behind the cache, budgets, jobs or logs cannot be reached or did not answer in time.',
    hint: 'Check that the store is running and reachable at the configured URL (e.g. REDIS_URL), then retry; Redis stores need Redis 7 or later.',
  },
  AGENTRY_SHUTTING_DOWN: {
    status: 503,
    retryable: true,
    summary: 'The server is shutting down and accepts no new work.',
    hint: 'Retry against another replica, or after the restart.',
  },
  AGENTRY_UPSTREAM_ERROR: {
    status: 502,
    retryable: true,
    summary: 'A model provider or upstream service failed.',
    hint: 'Retry later; `cause` and `providerRequestId` identify the failing call.',
  },
  AGENTRY_HANDLER_FAILED: {
    status: 500,
    retryable: false,
    summary: "The agent's handler threw an error that has no catalogue code.",
    hint: "Read the server log for this requestId; pack authors should throw AgentryError with a code.",
  },
  AGENTRY_INVALID_OUTPUT: {
    status: 500,
    retryable: false,
    summary: "The agent produced output that does not match its own output schema.",
    hint: "This is a bug in the task pack: fix the handler or its output schema.",
  },
  AGENTRY_PROTOCOL_ERROR: {
    status: 502,
    retryable: false,
    summary: 'The server answered with something the agentry.v1 protocol does not allow.',
    hint: 'Check that baseUrl points to an Agentry server of a compatible version.',
  },
  AGENTRY_WEBHOOK_INVALID: {
    status: 400,
    retryable: false,
    summary: 'A webhook failed verification: bad signature, missing header or timestamp outside tolerance.',
    hint: 'Verify with the raw body bytes and the whsec_ secret of this endpoint; check the clocks.',
  },
  AGENTRY_WEBHOOK_TARGET_REFUSED: {
    status: 400,
    retryable: false,
    summary: 'The webhook URL points to a private, loopback or link-local address, or is not http(s).',
    hint: 'Use a public https URL, or set `webhooks.allowPrivateTargets` on a trusted server.',
  },
  AGENTRY_VERIFY_BUNDLE_INVALID: {
    status: 422,
    retryable: false,
    summary: 'A release bundle is not a Sigstore bundle carrying an Agentry release statement (malformed, another payload, or the wrong kind of signer for the check asked).',
    hint: 'Pass the .sigstore.json that release:dry wrote next to the tarball; keyed bundles verify with --key, keyless ones with --identity.',
  },
  AGENTRY_VERIFY_SIGNATURE_INVALID: {
    status: 422,
    retryable: false,
    summary: 'The release bundle\'s signature does not verify: the statement was altered or signed with another key.',
    hint: 'Check that --key is the public key published with this release; do not trust the artifacts otherwise.',
  },
  AGENTRY_VERIFY_KEY_EXPIRED: {
    status: 422,
    retryable: false,
    summary: 'The public key given to verify a release is outside its stated validity (Not-Before / Not-After).',
    hint: 'Get the current release key; a key past Not-After must not be trusted for new verifications.',
  },
  AGENTRY_VERIFY_UNTRUSTED_SIGNER: {
    status: 422,
    retryable: false,
    summary: 'A keyless release bundle is validly signed, but by an identity or issuer other than the one required.',
    hint: 'Compare --identity and --issuer with the release workflow identity in docs/security.md.',
  },
  AGENTRY_VERIFY_DIGEST_MISMATCH: {
    status: 422,
    retryable: false,
    summary: 'The tarball\'s SHA-256 differs from the digest the release statement signs: the tarball was altered or is another one.',
    hint: 'Download the tarball again from the registry or release page; do not install this one.',
  },
  AGENTRY_VERIFY_SBOM_MISMATCH: {
    status: 422,
    retryable: false,
    summary: 'The SBOM\'s SHA-256 differs from the SBOM digest the release statement signs: it is another package\'s SBOM or was altered.',
    hint: 'Use the .cdx.json published with this tarball (same name stem).',
  },
  AGENTRY_UNSUPPORTED_NODE: {
    status: 500,
    retryable: false,
    summary: 'This Node.js version is not supported.',
    hint: 'Use Node.js 22.12 or later (22 or 24 LTS).',
  },
  AGENTRY_INTERNAL: {
    status: 500,
    retryable: false,
    summary: 'An unexpected error inside Agentry.',
    hint: 'Report it with the requestId; it is a bug.',
  },
} as const satisfies Record<string, ErrorDefinition>;

/** What the catalogue says of one error code. */
export interface ErrorDefinition {
  /** HTTP status the code maps to on the wire. */
  readonly status: number;
  /** Whether retrying the same request can succeed. */
  readonly retryable: boolean;
  /** One sentence on what happened. */
  readonly summary: string;
  /** What to do about it. */
  readonly hint: string;
}

/** Every stable error code of Agentry. */
export type ErrorCode = keyof typeof errorCatalogue;

/** The list of codes, for schemas and docs. */
export const errorCodes = Object.keys(errorCatalogue) as [ErrorCode, ...ErrorCode[]];

/** Narrows a string to a known catalogue code. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalogue, value);
}
