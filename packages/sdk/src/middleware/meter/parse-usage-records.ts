import { usageRecordSchema, type UsageRecord } from '../../contract/usage-event';

/** A line that is not a valid usage record. */
export interface MalformedUsageLine {
  /** 1-based line number. */
  line: number;
  /** What is wrong, naming the first bad field. */
  message: string;
}

/**
 * Parses JSON Lines of usage records. Blank lines are skipped; a bad line is reported (with its
 * number and first bad field) and skipped, so one torn line never hides a month of usage.
 */
export function parseUsageRecords(text: string): { records: UsageRecord[]; malformed: MalformedUsageLine[] } {
  const records: UsageRecord[] = [];
  const malformed: MalformedUsageLine[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      malformed.push({ line: index + 1, message: `not JSON (${(error as Error).message})` });
      continue;
    }
    const parsed = usageRecordSchema.safeParse(value);
    if (parsed.success) records.push(parsed.data);
    else {
      const issue = parsed.error.issues[0];
      malformed.push({ line: index + 1, message: `\`${issue?.path.join('.') || '(root)'}\` ${issue?.message ?? 'is invalid'}` });
    }
  }
  return { records, malformed };
}
