import { describe, expect, it } from 'vitest';
import { detectPii } from './detect-pii';

// Inputs shaped to make a backtracking regex re-scan a long run at every position. Detection
// runs on every input a tenant sends, so it must stay linear: a quadratic pattern would let one
// request stall the process for minutes. The bound is generous (linear detection takes tens of
// milliseconds here); it only catches a pattern that went quadratic, at 100x or more.
const n = 200_000;
const adversarial: Record<string, string> = {
  'a secret name then long runs of spaces': `token${' '.repeat(n)}:${' '.repeat(n)}x`,
  'Bearer then a long run of spaces': `Bearer${' '.repeat(n)}abc`,
  'private key headers without an end': '-----BEGIN RSA PRIVATE KEY-----\n'.repeat(n / 32),
  'repeated assignments': 'password='.repeat(n / 9),
  'spaced digits': '1 '.repeat(n / 2),
  'dashes after sk': 'sk-'.repeat(n / 3),
  'a long dotted local part': `${'a.'.repeat(n / 2)}@`,
};

describe('detectPii on adversarial input', () => {
  it.each(Object.entries(adversarial))('stays linear on %s', (_shape, text) => {
    const started = performance.now();
    detectPii(text);
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});
