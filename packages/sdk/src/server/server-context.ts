import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Runtime } from '../runtime';
import type { ServerMetrics } from './server-metrics';
import type { ResolvedServerOptions } from './server-options';
import type { StreamRegistry } from './stream-registry';
import type { UsageTally } from './usage-tally';

/** What every route handler of one server shares. */
export interface ServerContext {
  readonly runtime: Runtime;
  readonly options: ResolvedServerOptions;
  readonly streams: StreamRegistry;
  /** Undefined when metrics are off. */
  readonly metrics: ServerMetrics | undefined;
  /** Undefined when the server keeps no usage. */
  readonly usage: UsageTally | undefined;
}

/** One authenticated `/v1` request. */
export interface RequestContext {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly requestId: string;
  /** The tenant of the request's API key. */
  readonly tenant: string;
}
