import { AgentryError, type ModelProvider } from '../contract';
import { createAnthropicProvider } from './anthropic-provider';
import { createLocalModel, type LocalModelOptions } from './local-model';
import { createOpenAICompatibleProvider } from './openai-compatible-provider';
import type { HttpProviderOptions } from './provider-settings';

/** Options of {@link createModelFromSpec}. */
export interface ModelFromSpecOptions extends Omit<HttpProviderOptions, 'model'> {
  /**
   * The environment to read keys and base URLs from (`OPENAI_API_KEY`, `OPENAI_BASE_URL`,
   * `ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`). Passed in, never read from `process.env` here,
   * so only the CLI and the server's config loader touch the environment.
   */
  env: Readonly<Record<string, string | undefined>>;
  /** Base URL, over the one in `env`. Required for `openai-compatible:` when `OPENAI_BASE_URL` is unset. */
  baseUrl?: string;
  /** Provider name of an `openai-compatible:` model, used in the price table. @default 'openai-compatible' */
  name?: string;
  /** Model `embed` uses. @default 'text-embedding-3-small' for `openai:`, the model itself for `openai-compatible:` */
  embeddingModel?: string;
  /** Options of the `local` model. */
  local?: LocalModelOptions;
}

const accepted = '`openai:<model>`, `anthropic:<model>`, `openai-compatible:<model>` or `local`';

/**
 * Builds a provider from a config string: `openai:gpt-4o-mini`, `anthropic:claude-sonnet-4-5`,
 * `openai-compatible:llama3.1:8b` (base URL from `baseUrl` or `OPENAI_BASE_URL`; key from
 * `OPENAI_API_KEY` when set) or `local` (the deterministic offline model). Keys are read only
 * from `options.env` and never appear in errors.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` for an unknown form or a missing key or base URL, naming the variable.
 * @example
 * const model = createModelFromSpec(flags.model ?? 'local', { env: process.env });
 */
export function createModelFromSpec(spec: string, options: ModelFromSpecOptions): ModelProvider {
  const where = `createModelFromSpec(${JSON.stringify(spec)})`;
  const env = options.env ?? {};
  const colon = typeof spec === 'string' ? spec.indexOf(':') : -1;
  const kind = colon === -1 ? spec : spec.slice(0, colon);
  // Everything after the first colon is the model: Ollama ids have colons of their own (`llama3.1:8b`).
  const model = colon === -1 ? '' : spec.slice(colon + 1).trim();
  const http = {
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    ...(options.stall === undefined ? {} : { stall: options.stall }),
  };
  if (kind === 'local') return createLocalModel(options.local);
  if (kind !== 'openai' && kind !== 'anthropic' && kind !== 'openai-compatible') {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `${where}: unknown model provider; use ${accepted}`);
  }
  if (model === '') throw new AgentryError('AGENTRY_INVALID_OPTIONS', `${where}: no model named after \`${kind}:\``, { hint: `Use ${accepted}.` });

  if (kind === 'anthropic') {
    const baseUrl = options.baseUrl ?? nonEmpty(env.ANTHROPIC_BASE_URL);
    return createAnthropicProvider({
      apiKey: requireVariable(env, 'ANTHROPIC_API_KEY', where),
      model,
      ...(baseUrl === undefined ? {} : { baseUrl }),
      ...http,
    });
  }
  const baseUrl = options.baseUrl ?? nonEmpty(env.OPENAI_BASE_URL);
  if (kind === 'openai') {
    return createOpenAICompatibleProvider({
      apiKey: requireVariable(env, 'OPENAI_API_KEY', where),
      model,
      name: 'openai',
      // OpenAI's reasoning models accept only this field; its gateways accept it too.
      maxTokensField: 'max_completion_tokens',
      // Chat models cannot embed; the small embedding model is OpenAI's cheapest general one.
      embeddingModel: options.embeddingModel ?? 'text-embedding-3-small',
      ...(baseUrl === undefined ? {} : { baseUrl }),
      ...http,
    });
  }
  if (baseUrl === undefined) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `${where}: no base URL; set OPENAI_BASE_URL or pass \`baseUrl\``, {
      hint: 'An OpenAI-compatible server needs its URL with the version path, e.g. http://127.0.0.1:11434/v1 for Ollama.',
    });
  }
  const apiKey = nonEmpty(env.OPENAI_API_KEY);
  return createOpenAICompatibleProvider({
    model,
    baseUrl,
    name: options.name ?? 'openai-compatible',
    ...(apiKey === undefined ? {} : { apiKey }),
    ...(options.embeddingModel === undefined ? {} : { embeddingModel: options.embeddingModel }),
    ...http,
  });
}

function requireVariable(env: Readonly<Record<string, string | undefined>>, name: string, where: string): string {
  const value = nonEmpty(env[name]);
  if (value === undefined) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `${where}: ${name} is not set`, {
      hint: `Set ${name} in the environment, or use \`local\` to run on the deterministic local model.`,
    });
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
