import { toAgentryError } from '../contract';

/** One or two readable lines for a failed command: message, code and hint; never a stack. */
export function formatCliError(error: unknown): string {
  const agentryError = toAgentryError(error);
  const lines = [`agentry: ${agentryError.message} (${agentryError.code})`, `  hint: ${agentryError.hint}`];
  if (Array.isArray(agentryError.details)) {
    for (const detail of agentryError.details.slice(0, 10) as Array<{ path?: string; message?: string }>) {
      lines.push(`  - ${detail.path ?? ''}: ${detail.message ?? JSON.stringify(detail)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
