import { parseArgs } from 'node:util';
import { AgentryError } from '../../contract';
import { createClient } from '../../client';
import type { CommandIo } from '../io';

export const invokeUsage = `Usage: agentry invoke <agent> --input '<json>' [--stream] [--url URL] [--key KEY] [--version X.Y.Z]

Calls an agent on an Agentry server and prints the result as JSON (with --stream, the text as it
arrives, then the result). Defaults: --url from AGENTRY_URL or http://127.0.0.1:8787, --key from AGENTRY_API_KEY.
`;

export async function runInvokeCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      input: { type: 'string' },
      stream: { type: 'boolean', default: false },
      url: { type: 'string' },
      key: { type: 'string' },
      version: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(invokeUsage);
    return 0;
  }
  const agent = positionals[0];
  if (agent === undefined) throw new AgentryError('AGENTRY_INVALID_OPTIONS', 'agentry invoke needs an agent id', { hint: invokeUsage.split('\n')[0]! });
  let input: unknown = {};
  if (values.input !== undefined) {
    try {
      input = JSON.parse(values.input);
    } catch (error) {
      throw new AgentryError('AGENTRY_INVALID_JSON', `--input is not JSON: ${(error as Error).message}`, {
        hint: `Quote the JSON for your shell, e.g. --input '{"text":"hello"}'.`,
      });
    }
  }
  const apiKey = values.key ?? io.env.AGENTRY_API_KEY;
  const client = createClient({
    baseUrl: values.url ?? io.env.AGENTRY_URL ?? 'http://127.0.0.1:8787',
    ...(apiKey === undefined ? {} : { apiKey }),
  });
  const options = values.version === undefined ? {} : { version: values.version };
  if (!values.stream) {
    const result = await client.invoke(agent, input, options);
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  }
  const stream = client.stream(agent, input, options);
  for await (const event of stream) {
    if (event.type === 'text-delta') io.stdout.write(event.text);
    else if (event.type === 'warning') io.stderr.write(`warning: ${event.message} (${event.code})\n`);
    else if (event.type === 'result') io.stdout.write(`\n${JSON.stringify(event.result, null, 2)}\n`);
  }
  return 0;
}
