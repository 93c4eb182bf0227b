import { z } from 'zod';
import { AgentryError, metricNameSchema, telemetryEventNameSchema, type TelemetryManifest } from '../contract';
import { capabilityDenied, type TaskPackCapabilityKind } from './task-pack-capability-denied';
import { rejectUnknownKeys } from './task-pack-capabilities';
import { zodToJsonSchema } from './task-pack-json-schema';

/** A metric a pack promises to record. */
export interface TaskPackMetricDefinition {
  /** `counter` only goes up (values are increments); `histogram` records observations. */
  kind: 'counter' | 'histogram';
  /** Unit of the values, e.g. `ms`, `bytes`, `tokens`. */
  unit?: string;
  description?: string;
}

/** The telemetry contract: the events (with the zod schema of their data) and metrics a pack promises. */
export interface TaskPackTelemetryDefinition {
  /** Event name to the schema of its data. @default {} */
  events?: Record<string, z.ZodType>;
  /** Metric name to its kind and unit. @default {} */
  metrics?: Record<string, TaskPackMetricDefinition>;
}

/** The telemetry contract after {@link defineTaskPack} checked it. */
export interface ResolvedTaskPackTelemetry {
  readonly events: Readonly<Record<string, z.ZodType>>;
  readonly metrics: Readonly<Record<string, Readonly<TaskPackMetricDefinition>>>;
}

/** `ctx.telemetry`: emits only what the manifest declares. */
export interface TaskPackTelemetry {
  /**
   * Emits a declared event; `data` must match its schema.
   * @throws AgentryError `AGENTRY_CAPABILITY_DENIED` for an undeclared event, `AGENTRY_INVALID_OUTPUT` for data that does not match.
   */
  emit(event: string, data?: unknown): void;
  /**
   * Records a value of a declared metric (an increment for counters, an observation for histograms).
   * @throws AgentryError `AGENTRY_CAPABILITY_DENIED` for an undeclared metric, `AGENTRY_INVALID_OUTPUT` for a bad value.
   */
  metric(name: string, value: number, labels?: Record<string, string>): void;
}

/** Fields every telemetry record carries. */
export interface TaskPackRecordBase {
  /** `id@version` of the pack. */
  pack: string;
  invocationId: string;
  requestId: string;
  tenant: string;
  /** Epoch milliseconds. */
  at: number;
}

/** What a host learns about a running pack: its telemetry, its tool calls and every refused capability. */
export type TaskPackTelemetryRecord = TaskPackRecordBase &
  (
    | { type: 'event'; name: string; data: unknown }
    | { type: 'metric'; name: string; kind: 'counter' | 'histogram'; unit: string | undefined; value: number; labels: Record<string, string> }
    | { type: 'tool-call'; name: string; durationMs: number; ok: boolean; errorCode?: string }
    | { type: 'capability-denied'; capability: TaskPackCapabilityKind; name: string; message: string }
  );

/** Receives a pack's telemetry records; must not throw (errors are swallowed so telemetry never fails a call). */
export type TaskPackTelemetrySink = (record: TaskPackTelemetryRecord) => void;

type Fail = (field: string, problem: string) => AgentryError;

/** Checks and normalises `telemetry`; `fail` builds the coded error naming the field. */
export function resolveTelemetry(
  definition: TaskPackTelemetryDefinition | undefined,
  fail: Fail,
): { telemetry: ResolvedTaskPackTelemetry; manifest: TelemetryManifest } {
  if (definition === undefined) return { telemetry: { events: {}, metrics: {} }, manifest: { events: {}, metrics: {} } };
  if (typeof definition !== 'object' || definition === null) throw fail('telemetry', 'must be an object');
  rejectUnknownKeys(definition, ['events', 'metrics'], 'telemetry', fail);
  const events: Record<string, z.ZodType> = {};
  const manifest: TelemetryManifest = { events: {}, metrics: {} };
  for (const [name, schema] of Object.entries(definition.events ?? {})) {
    const field = `telemetry.events.${name}`;
    const checked = telemetryEventNameSchema.safeParse(name);
    if (!checked.success) throw fail(field, checked.error.issues[0]?.message ?? 'invalid name');
    if (!(schema instanceof z.ZodType)) throw fail(field, 'must be a zod schema of the event data');
    try {
      manifest.events[name] = { schema: zodToJsonSchema(schema, 'output') };
    } catch (error) {
      throw fail(field, `cannot be expressed as JSON Schema (${(error as Error).message})`);
    }
    if (schema.description !== undefined) manifest.events[name] = { description: schema.description, ...manifest.events[name]! };
    events[name] = schema;
  }
  const metrics: Record<string, TaskPackMetricDefinition> = {};
  for (const [name, metric] of Object.entries(definition.metrics ?? {})) {
    const field = `telemetry.metrics.${name}`;
    const checked = metricNameSchema.safeParse(name);
    if (!checked.success) throw fail(field, checked.error.issues[0]?.message ?? 'invalid name');
    if (typeof metric !== 'object' || metric === null) throw fail(field, 'must be { kind, unit? }');
    rejectUnknownKeys(metric, ['kind', 'unit', 'description'], field, fail);
    if (metric.kind !== 'counter' && metric.kind !== 'histogram') throw fail(`${field}.kind`, 'must be "counter" or "histogram"');
    if (metric.unit !== undefined && (typeof metric.unit !== 'string' || metric.unit === '')) throw fail(`${field}.unit`, 'must be a unit name');
    metrics[name] = Object.freeze({ ...metric });
    manifest.metrics[name] = {
      kind: metric.kind,
      ...(metric.unit === undefined ? {} : { unit: metric.unit }),
      ...(metric.description === undefined ? {} : { description: metric.description }),
    };
  }
  return { telemetry: { events: Object.freeze(events), metrics: Object.freeze(metrics) }, manifest };
}

/** Builds `ctx.telemetry` for one invocation. */
export function createPackTelemetry(
  telemetry: ResolvedTaskPackTelemetry,
  base: () => TaskPackRecordBase,
  record: TaskPackTelemetrySink,
  deny: (capability: 'event' | 'metric', name: string, fix: string) => AgentryError,
): TaskPackTelemetry {
  return {
    emit(event, data) {
      const schema = Object.hasOwn(telemetry.events, event) ? telemetry.events[event] : undefined;
      if (schema === undefined) throw deny('event', event, `declare "${event}" under telemetry.events, or stop emitting it`);
      const parsed = schema.safeParse(data);
      if (!parsed.success) {
        const { pack } = base();
        throw new AgentryError('AGENTRY_INVALID_OUTPUT', `task pack ${pack} emitted event "${event}" with data that does not match its declared schema`, {
          details: parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message })),
          hint: `Fix the data, or the schema of telemetry.events["${event}"].`,
        });
      }
      record({ ...base(), type: 'event', name: event, data: parsed.data });
    },
    metric(name, value, labels = {}) {
      const metric = Object.hasOwn(telemetry.metrics, name) ? telemetry.metrics[name] : undefined;
      if (metric === undefined) throw deny('metric', name, `declare "${name}" under telemetry.metrics, or stop recording it`);
      if (typeof value !== 'number' || !Number.isFinite(value) || (metric.kind === 'counter' && value < 0)) {
        const { pack } = base();
        throw new AgentryError(
          'AGENTRY_INVALID_OUTPUT',
          `task pack ${pack} recorded ${String(value)} for ${metric.kind} "${name}": ${metric.kind === 'counter' ? 'counters take finite increments >= 0' : 'values must be finite numbers'}`,
        );
      }
      record({ ...base(), type: 'metric', name, kind: metric.kind, unit: metric.unit, value, labels: { ...labels } });
    },
  };
}
