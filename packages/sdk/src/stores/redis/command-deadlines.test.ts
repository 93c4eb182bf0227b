import { describe, expect, it } from 'vitest';
import { createCommandDeadlines } from './command-deadlines';

describe('createCommandDeadlines', () => {
  it('fails a command not answered by its deadline, and passes answers and errors through untouched', async () => {
    const deadlines = createCommandDeadlines(20);
    try {
      const never = new Promise<string>(() => {});
      await expect(deadlines.watch(never)).rejects.toThrow('Command timed out');
      await expect(deadlines.watch(Promise.resolve('OK'))).resolves.toBe('OK');
      const refused = new Error('WRONGTYPE');
      await expect(deadlines.watch(Promise.reject(refused))).rejects.toBe(refused);
      // An answer arriving after the deadline changes nothing: the command already failed.
      let answer!: (value: string) => void;
      const late = deadlines.watch(new Promise<string>((resolve) => (answer = resolve)));
      await expect(late).rejects.toThrow('Command timed out');
      answer('too late');
      await expect(late).rejects.toThrow('Command timed out');
    } finally {
      deadlines.close();
    }
  });

  it('keeps timing commands out after a quiet spell stopped its timer', async () => {
    const deadlines = createCommandDeadlines(20);
    try {
      await deadlines.watch(Promise.resolve(1));
      await new Promise((resolve) => setTimeout(resolve, 60));
      await expect(deadlines.watch(new Promise(() => {}))).rejects.toThrow('Command timed out');
    } finally {
      deadlines.close();
    }
  });
});
