import { defineTaskPack } from '@agentry/sdk';
import { z } from 'zod';

/** Returns its input text unchanged: the smallest pack, for smoke tests and latency floors. */
export const echoPack = defineTaskPack({
  id: 'echo',
  version: '1.0.0',
  description: 'Returns the text it is given.',
  input: z.object({ text: z.string().max(100_000) }),
  output: z.object({ text: z.string() }),
  handler: (input) => ({ text: input.text }),
});
