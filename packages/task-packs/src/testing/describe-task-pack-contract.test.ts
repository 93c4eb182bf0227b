import { echoPack } from '../packs/echo';
import { summarizePack } from '../packs/summarize';
import { describeTaskPackContract } from './describe-task-pack-contract';

// The built-in packs hold to their contract: these register the suites a pack author gets.
describeTaskPackContract(echoPack, {
  fixtures: [
    { name: 'echoes text', input: { text: 'hello' }, output: { text: 'hello' } },
    { name: 'echoes empty text', input: { text: '' }, output: { text: '' } },
    { name: 'refuses a missing text', input: {}, error: 'AGENTRY_INVALID_INPUT' },
  ],
});

describeTaskPackContract(summarizePack, {
  fixtures: [
    {
      name: 'summarises three sentences into two',
      input: { text: 'Agentry runs agents. It meters every call. Budgets stop runaway costs.' },
    },
    { name: 'honours maxTokens', input: { text: 'One two three four five six seven eight.', maxTokens: 3 } },
  ],
});
