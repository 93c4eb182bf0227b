import { defineTaskPack } from '@agentry/sdk';
import { z } from 'zod';

/** Summarises text with the context's model, streaming the summary as it is written. */
export const summarizePack = defineTaskPack({
  id: 'summarize',
  version: '1.0.0',
  description: 'Summarises a text in a few sentences, streaming the summary as it is written.',
  streaming: true,
  input: z.object({
    text: z.string().min(1).max(200_000),
    /** Upper bound on the summary's length in tokens. */
    maxTokens: z.number().int().positive().max(4_096).optional(),
  }),
  output: z.object({ summary: z.string() }),
  async *handler(input, context) {
    let summary = '';
    for await (const event of context.model.stream({
      system: 'Summarise the user text in at most two sentences. Keep facts, drop filler.',
      messages: [{ role: 'user', content: input.text }],
      ...(input.maxTokens === undefined ? {} : { maxTokens: input.maxTokens }),
      signal: context.signal,
    })) {
      // Providers throw failures from the iterator; only text matters here.
      if (event.type === 'text-delta') {
        summary += event.text;
        yield { type: 'text-delta', text: event.text };
      }
    }
    return { summary: summary.trim() };
  },
});
