import { describe, expect, it } from 'vitest';
import { isAgentryError } from '../contract';
import { baseModelId, createPriceTable, defaultPriceTable, findPrice, parsePriceTable } from './price-table';

function invalid(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isAgentryError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected AGENTRY_INVALID_OPTIONS');
}

describe('the default price table', () => {
  it('is valid, versioned and dated', () => {
    expect(parsePriceTable(defaultPriceTable)).toEqual(defaultPriceTable);
    expect(defaultPriceTable.version).toMatch(/\S/);
    expect(defaultPriceTable.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it.each([
    ['openai', ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'o3-mini', 'text-embedding-3-small']],
    ['anthropic', ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1', 'claude-opus-4-5']],
  ])('lists the common %s models', (provider, models) => {
    for (const model of models) expect(findPrice(defaultPriceTable, provider, model), model).toBeDefined();
  });

  it('cannot be changed in place', () => {
    expect(() => {
      (defaultPriceTable.providers.openai!['gpt-4o'] as { input: number }).input = 0;
    }).toThrow();
  });
});

describe('findPrice', () => {
  it('finds dated snapshots and aliases by their base id', () => {
    expect(findPrice(defaultPriceTable, 'openai', 'gpt-4o-mini-2024-07-18')).toBe(defaultPriceTable.providers.openai!['gpt-4o-mini']);
    expect(findPrice(defaultPriceTable, 'anthropic', 'claude-sonnet-4-5-20250929')).toBe(defaultPriceTable.providers.anthropic!['claude-sonnet-4-5']);
    expect(baseModelId('claude-3-5-haiku-latest')).toBe('claude-3-5-haiku');
  });

  it('finds a model served through another provider name (a gateway, a fallback chain)', () => {
    expect(findPrice(defaultPriceTable, 'litellm', 'claude-haiku-4-5')).toBe(defaultPriceTable.providers.anthropic!['claude-haiku-4-5']);
  });

  it('does not mistake prototype keys for models', () => {
    expect(findPrice(defaultPriceTable, 'openai', 'constructor')).toBeUndefined();
    expect(findPrice(defaultPriceTable, 'constructor', 'toString')).toBeUndefined();
  });
});

describe('createPriceTable', () => {
  it('merges user overrides into the defaults, keeping the fields they leave out', () => {
    const table = createPriceTable({ version: 'acme-1', providers: { openai: { 'gpt-4o': { input: 2, asOf: '2025-12-01' } } } });
    expect(table.version).toBe('acme-1');
    expect(table.providers.openai!['gpt-4o']).toEqual({ input: 2, cachedInput: 1.25, output: 10, asOf: '2025-12-01' });
    expect(table.providers.anthropic).toEqual(defaultPriceTable.providers.anthropic);
  });

  it('adds new providers and models', () => {
    const table = createPriceTable({ providers: { 'openai-compatible': { 'llama3.1:8b': { input: 0.05, output: 0.1, asOf: '2025-12-01' } } } });
    expect(findPrice(table, 'openai-compatible', 'llama3.1:8b')).toMatchObject({ input: 0.05 });
    expect(table.version).toBe(`${defaultPriceTable.version}+custom`);
  });

  it('refuses a new model without its prices, naming the missing field', () => {
    const error = invalid(() => createPriceTable({ providers: { openai: { 'gpt-9': { input: 1 } } } }));
    expect(error).toMatchObject({ code: 'AGENTRY_INVALID_OPTIONS' });
    expect(error.message).toContain('providers.openai.gpt-9.output');
  });
});

describe('parsePriceTable', () => {
  it.each([
    [{ ...defaultPriceTable, date: 'yesterday' }, '`date`'],
    [{ ...defaultPriceTable, providers: { openai: { 'gpt-4o': { input: -1, output: 1, asOf: '2025-01-01' } } } }, 'providers.openai.gpt-4o.input'],
    [{ ...defaultPriceTable, providers: { openai: { 'gpt-4o': { input: '2.5', output: 1, asOf: '2025-01-01' } } } }, 'providers.openai.gpt-4o.input'],
    [{ ...defaultPriceTable, providers: { openai: { 'gpt-4o': { input: 1, output: 1, asOf: '2025-01-01', cachedinput: 1 } } } }, 'providers.openai.gpt-4o'],
    [{ providers: {} }, '`version`'],
  ])('refuses a malformed table with AGENTRY_INVALID_OPTIONS naming the bad field (%#)', (table, field) => {
    const error = invalid(() => parsePriceTable(table));
    expect(error.code).toBe('AGENTRY_INVALID_OPTIONS');
    expect(error.message).toContain(field);
  });
});
