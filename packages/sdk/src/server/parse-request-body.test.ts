import { describe, expect, it } from 'vitest';
import { invokeRequestSchema } from '../contract';
import { parseInvokeRequest } from './parse-request-body';

describe('parseInvokeRequest', () => {
  it('takes a body of input alone as it is, and gives what the schema gives', () => {
    for (const text of ['{"input":{"text":"hello"}}', '{"input":null}', '{"input":[1,2]}', '{"input":"x"}']) {
      const body: unknown = JSON.parse(text);
      expect(parseInvokeRequest(body, 'invoke', 'echo')).toBe(body);
      expect(parseInvokeRequest(JSON.parse(text), 'invoke', 'echo')).toEqual(invokeRequestSchema.parse(JSON.parse(text)));
    }
  });

  it('sends every other body through the schema: optional fields kept, unknown keys stripped', () => {
    const body = { input: { text: 'a' }, version: '1.0.0', subject: 'user-1', metadata: { team: 'x' }, cache: { bypass: true }, extra: 1 };
    expect(parseInvokeRequest(body, 'invoke', 'echo')).toEqual({ input: { text: 'a' }, version: '1.0.0', subject: 'user-1', metadata: { team: 'x' }, cache: { bypass: true } });
    expect(parseInvokeRequest(JSON.parse('{"__proto__":{"polluted":true},"input":1}'), 'invoke', 'echo')).toEqual({ input: 1 });
  });

  it('refuses a wrong body with AGENTRY_INVALID_REQUEST naming the route, the agent and each wrong path', () => {
    const refusal = (body: unknown) => {
      try {
        parseInvokeRequest(body, 'stream', 'echo');
      } catch (error) {
        return error as { code: string; message: string; details: Array<{ path: string }> };
      }
      throw new Error('expected a refusal');
    };
    for (const body of [[1, 2], 'text', 7, null]) expect(refusal(body)).toMatchObject({ code: 'AGENTRY_INVALID_REQUEST', details: [{ path: '(root)' }] });
    const wrong = refusal({ input: {}, version: 'latest', metadata: { team: 7 } });
    expect(wrong.message).toContain('stream echo');
    expect(wrong.details.map((issue) => issue.path).sort()).toEqual(['metadata.team', 'version']);
  });
});
