import { describe, expect, it } from 'vitest';
import { runQuickstart } from '../../examples/quickstart/quickstart';

describe('the quickstart (npm run demo)', () => {
  it('shows an invoke, a stream and a job with a verified webhook, each with its usage', async () => {
    const lines: string[] = [];
    await runQuickstart((line) => lines.push(line));
    const text = lines.join('\n');
    expect(text).toContain('output: {"text":"Hello, Agentry!"}');
    expect(text).toMatch(/2\. stream summarize\n {3}text: {3}Agentry wraps every agent call/);
    expect(text).toMatch(/webhook job\.succeeded verified/);
    expect(lines.filter((line) => line.trim().startsWith('usage:'))).toHaveLength(3);
  });
});
