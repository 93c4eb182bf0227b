import { afterEach, describe, expect, it } from 'vitest';
import { isAgentryError, type AgentryError } from '../contract';
import { createModelFromSpec } from './model-from-spec';

function refusal(run: () => unknown): AgentryError {
  try {
    run();
  } catch (error) {
    if (isAgentryError(error)) return error;
    throw error;
  }
  throw new Error('expected an AgentryError');
}

describe('createModelFromSpec', () => {
  const saved = process.env.OPENAI_API_KEY;
  afterEach(() => {
    if (saved === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = saved;
  });

  it('builds openai:<model> with the key from env', () => {
    const model = createModelFromSpec('openai:gpt-4o-mini', { env: { OPENAI_API_KEY: 'sk-env' } });
    expect(model).toMatchObject({ provider: 'openai', modelId: 'gpt-4o-mini', specificationVersion: 'v1' });
    expect(model.embed).toBeTypeOf('function');
  });

  it('builds anthropic:<model> with the key from env', () => {
    const model = createModelFromSpec('anthropic:claude-sonnet-4-5', { env: { ANTHROPIC_API_KEY: 'sk-ant-env' } });
    expect(model).toMatchObject({ provider: 'anthropic', modelId: 'claude-sonnet-4-5' });
  });

  it('builds openai-compatible:<model> from OPENAI_BASE_URL, keeping colons of the model id, no key needed', () => {
    const model = createModelFromSpec('openai-compatible:llama3.1:8b', { env: { OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' } });
    expect(model).toMatchObject({ provider: 'openai-compatible', modelId: 'llama3.1:8b' });
  });

  it('takes an explicit base URL and provider name for openai-compatible', () => {
    const model = createModelFromSpec('openai-compatible:qwen', { env: {}, baseUrl: 'http://127.0.0.1:8000/v1', name: 'vllm' });
    expect(model.provider).toBe('vllm');
  });

  it('builds the local model for `local`', () => {
    expect(createModelFromSpec('local', { env: {} })).toMatchObject({ provider: 'local' });
  });

  it.each([
    ['openai:gpt-4o', 'OPENAI_API_KEY'],
    ['anthropic:claude-haiku-4-5', 'ANTHROPIC_API_KEY'],
    ['openai-compatible:llama3', 'OPENAI_BASE_URL'],
  ])('refuses %s with AGENTRY_INVALID_OPTIONS naming %s when it is missing', (spec, variable) => {
    const error = refusal(() => createModelFromSpec(spec, { env: {} }));
    expect(error.code).toBe('AGENTRY_INVALID_OPTIONS');
    expect(error.message).toContain(variable);
  });

  it('reads keys only from the env passed in, never from process.env', () => {
    process.env.OPENAI_API_KEY = 'sk-process-env';
    expect(refusal(() => createModelFromSpec('openai:gpt-4o', { env: {} })).message).toContain('OPENAI_API_KEY');
  });

  it('refuses unknown providers and missing model names', () => {
    expect(refusal(() => createModelFromSpec('gemini:pro', { env: {} })).message).toMatch(/unknown model provider/);
    expect(refusal(() => createModelFromSpec('openai:', { env: { OPENAI_API_KEY: 'k' } })).message).toMatch(/no model/);
  });

  it('never puts a key or a base URL in an error', () => {
    const error = refusal(() => createModelFromSpec('openai:gpt-4o', { env: { OPENAI_API_KEY: 'sk-secret-123', OPENAI_BASE_URL: 'not a url sk-secret-123' } }));
    expect(error.code).toBe('AGENTRY_INVALID_OPTIONS');
    expect(JSON.stringify({ message: error.message, hint: error.hint, cause: String(error.cause) })).not.toContain('sk-secret-123');
  });
});
