import { z } from 'zod';
import { AgentryError } from '../contract';

const usdPerMillion = z.number().nonnegative().finite();
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD');

/** Prices of one model in US dollars per million tokens. */
export const priceEntrySchema = z.strictObject({
  /** Uncached prompt tokens. */
  input: usdPerMillion,
  /** Generated tokens, reasoning and thinking tokens included. */
  output: usdPerMillion,
  /** Prompt tokens read from the provider's cache. @default the input price */
  cachedInput: usdPerMillion.optional(),
  /** Prompt tokens written to the provider's cache (Anthropic's 5-minute write). @default the input price */
  cacheWrite: usdPerMillion.optional(),
  /** The day these prices were read from the provider's pricing page. */
  asOf: isoDate,
});
/** Prices of one model. */
export type PriceEntry = z.infer<typeof priceEntrySchema>;

/** A versioned, dated table of model prices: `providers[provider][modelId]`. */
export const priceTableSchema = z.strictObject({
  /** Changes whenever an entry changes, so a usage record can say which prices it was costed with. */
  version: z.string().min(1),
  /** The day of the newest entry. */
  date: isoDate,
  providers: z.record(z.string().min(1), z.record(z.string().min(1), priceEntrySchema)),
});
/** A validated price table. */
export type PriceTable = z.infer<typeof priceTableSchema>;

/** User changes to a table: new models, or some fields of known ones; `version`/`date` name the result. */
export interface PriceTableOverrides {
  version?: string;
  date?: string;
  providers?: Record<string, Record<string, Partial<PriceEntry>>>;
}

const openAIAsOf = '2025-10-01';
const anthropicAsOf = '2025-11-24';

/**
 * Prices of common models, from https://openai.com/api/pricing and
 * https://docs.anthropic.com/en/docs/about-claude/pricing on the `asOf` dates. Providers change
 * prices: check them, and override what differs for your contract with {@link createPriceTable}.
 * Not modelled: Anthropic's 1-hour cache writes (2× input; priced here as 5-minute writes, 1.25×),
 * long-context surcharges, batch and flex discounts.
 */
export const defaultPriceTable: PriceTable = deepFreeze({
  version: '2025.11.24',
  date: anthropicAsOf,
  providers: {
    openai: {
      'gpt-5': { input: 1.25, cachedInput: 0.125, output: 10, asOf: openAIAsOf },
      'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2, asOf: openAIAsOf },
      'gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4, asOf: openAIAsOf },
      'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8, asOf: openAIAsOf },
      'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6, asOf: openAIAsOf },
      'gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4, asOf: openAIAsOf },
      'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10, asOf: openAIAsOf },
      'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6, asOf: openAIAsOf },
      o3: { input: 2, cachedInput: 0.5, output: 8, asOf: openAIAsOf },
      'o3-mini': { input: 1.1, cachedInput: 0.55, output: 4.4, asOf: openAIAsOf },
      'o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4, asOf: openAIAsOf },
      'text-embedding-3-small': { input: 0.02, output: 0, asOf: openAIAsOf },
      'text-embedding-3-large': { input: 0.13, output: 0, asOf: openAIAsOf },
      'text-embedding-ada-002': { input: 0.1, output: 0, asOf: openAIAsOf },
    },
    anthropic: {
      'claude-opus-4-5': { input: 5, output: 25, cacheWrite: 6.25, cachedInput: 0.5, asOf: anthropicAsOf },
      'claude-opus-4-1': { input: 15, output: 75, cacheWrite: 18.75, cachedInput: 1.5, asOf: anthropicAsOf },
      'claude-opus-4': { input: 15, output: 75, cacheWrite: 18.75, cachedInput: 1.5, asOf: anthropicAsOf },
      'claude-sonnet-4-5': { input: 3, output: 15, cacheWrite: 3.75, cachedInput: 0.3, asOf: anthropicAsOf },
      'claude-sonnet-4': { input: 3, output: 15, cacheWrite: 3.75, cachedInput: 0.3, asOf: anthropicAsOf },
      'claude-3-7-sonnet': { input: 3, output: 15, cacheWrite: 3.75, cachedInput: 0.3, asOf: anthropicAsOf },
      'claude-haiku-4-5': { input: 1, output: 5, cacheWrite: 1.25, cachedInput: 0.1, asOf: anthropicAsOf },
      'claude-3-5-haiku': { input: 0.8, output: 4, cacheWrite: 1, cachedInput: 0.08, asOf: anthropicAsOf },
      'claude-3-haiku': { input: 0.25, output: 1.25, cacheWrite: 0.3, cachedInput: 0.03, asOf: anthropicAsOf },
    },
    // Listed so the local model counts as known and free rather than as an unknown model.
    local: { 'local-extractive-1': { input: 0, output: 0, asOf: '2025-01-01' } },
  },
});

/**
 * Checks a price table (for example one read from a JSON file).
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` naming the first bad field, e.g. `providers.openai.gpt-4o.input`.
 */
export function parsePriceTable(value: unknown): PriceTable {
  const parsed = priceTableSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.') || '(root)';
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `price table: \`${path}\` ${issue.message}`, {
      details: parsed.error.issues.map((entry) => ({ path: entry.path.map(String).join('.'), message: entry.message })),
      hint: 'Each entry needs input and output prices in USD per million tokens and an asOf date (YYYY-MM-DD); cachedInput and cacheWrite are optional.',
    });
  }
  return parsed.data;
}

/**
 * The default table with the user's overrides merged in: a known model keeps the fields the
 * override leaves out, a new model must give input, output and asOf. The result is validated.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` naming the bad field.
 * @example
 * const table = createPriceTable({
 *   version: 'acme-2025-12', providers: { openai: { 'gpt-4o': { input: 2, asOf: '2025-12-01' } } },
 * });
 */
export function createPriceTable(overrides: PriceTableOverrides = {}, base: PriceTable = defaultPriceTable): PriceTable {
  // Maps, not objects: a key such as `__proto__` from a parsed JSON file must stay a plain key.
  const providers = new Map<string, Map<string, unknown>>();
  for (const [provider, models] of Object.entries(base.providers)) providers.set(provider, new Map(Object.entries(models)));
  for (const [provider, models] of Object.entries(overrides.providers ?? {})) {
    const target = providers.get(provider) ?? new Map<string, unknown>();
    providers.set(provider, target);
    for (const [modelId, entry] of Object.entries(models ?? {})) {
      target.set(modelId, { ...(target.get(modelId) as object | undefined), ...entry });
    }
  }
  return parsePriceTable({
    version: overrides.version ?? (overrides.providers ? `${base.version}+custom` : base.version),
    date: overrides.date ?? base.date,
    providers: Object.fromEntries([...providers].map(([provider, models]) => [provider, Object.fromEntries(models)])),
  });
}

/**
 * Finds the prices of a model: by exact id, then without a date or `-latest` suffix
 * (`gpt-4o-mini-2024-07-18` → `gpt-4o-mini`, `claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`);
 * under the named provider first, then under the only provider that lists the id (a gateway or a
 * fallback chain serving a known model).
 */
export function findPrice(table: PriceTable, provider: string, modelId: string): PriceEntry | undefined {
  const candidates = [modelId, baseModelId(modelId)];
  const models = own(table.providers, provider);
  for (const candidate of candidates) {
    const entry = models && own(models, candidate);
    if (entry) return entry;
  }
  for (const candidate of candidates) {
    const owners = Object.values(table.providers).filter((entries) => Object.hasOwn(entries, candidate));
    if (owners.length === 1) return owners[0]![candidate];
  }
  return undefined;
}

/** Reads a key of a record parsed from user input without reaching its prototype (`constructor`, `__proto__`). */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Strips a snapshot date or alias suffix from a model id. */
export function baseModelId(modelId: string): string {
  return modelId.replace(/(?:-\d{4}-\d{2}-\d{2}|-\d{8}|@\d{8}|-latest)$/, '');
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
