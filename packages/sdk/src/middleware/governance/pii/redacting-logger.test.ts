import { describe, expect, it } from 'vitest';
import type { TaskPackLogger } from '../../../core/task-pack';
import { redactingLogger } from './redacting-logger';

describe('redactingLogger', () => {
  it('redacts personal data in messages, fields and errors before they reach the logger', () => {
    const lines: unknown[][] = [];
    const sink: TaskPackLogger = {
      debug: (...args) => lines.push(['debug', ...args]),
      info: (...args) => lines.push(['info', ...args]),
      warn: (...args) => lines.push(['warn', ...args]),
      error: (...args) => lines.push(['error', ...args]),
    };
    const logger = redactingLogger(sink);
    logger.info('signup from ada@example.com');
    logger.warn('login', { ip: '203.0.113.9', attempts: 3, nested: { card: '4111 1111 1111 1111' } });
    logger.error('failed', { error: Object.assign(new Error('bad key sk-kg4ruqgJDOR9spWPG300bR0Cv7xHUoDQfvQgAjior0yOza4I'), { code: 'E1' }) });
    expect(lines).toEqual([
      ['info', 'signup from [REDACTED:email]'],
      ['warn', 'login', { ip: '[REDACTED:ipv4]', attempts: 3, nested: { card: '[REDACTED:card]' } }],
      ['error', 'failed', { error: { name: 'Error', message: 'bad key [REDACTED:api-key]', code: 'E1' } }],
    ]);
  });
});
