import { describe, it, expect } from 'vitest';
import { completionReferenceProbe, firstTemplateVariable, promptTarget, templateTarget } from './completion-reference.js';
import type { Exchange } from '../transport/http.js';
import type { SendSpec } from '../model/scenario.js';
import type { ProbeContext } from './types.js';

/**
 * A probe context that speaks only transport-neutral messages (as over stdio): `answer` gives the
 * messages each sent message gets back (`'broken'`: a transport error); `request` throws.
 */
function neutralContext(answer: (msg: SendSpec) => unknown[] | 'broken') {
  const sent: SendSpec[] = [];
  const ctx: ProbeContext = {
    params: {},
    protocolVersion: '2025-11-25',
    transport: 'stdio',
    request: () => Promise.reject(new Error('a probe that lists stdio must not send HTTP requests')),
    message: async (msg): Promise<Exchange> => {
      sent.push(msg);
      const a = answer(msg);
      const record = { seq: 0, step: 'find', startedAt: '', durationMs: 1, request: { method: 'POST', url: 'stdio:', headers: {} } };
      if (a === 'broken') return { record: { ...record, error: { kind: 'timeout', message: 'no answer' } }, messages: [], unparsedEvents: [] };
      return { record, messages: a, unparsedEvents: [] };
    },
    record: () => undefined,
    once: (_key, fn) => fn(),
      idle: (work) => work(),
  };
  return { ctx, sent };
}

describe('completion-reference probe', () => {
  it('takes the first prompt that has a named argument', () => {
    const result = { prompts: [{ name: 'plain' }, { name: 'args', arguments: [] }, { name: 'greet', arguments: [{ name: 'who' }, { name: 'x' }] }] };
    expect(promptTarget(result)).toEqual({ ref: { type: 'ref/prompt', name: 'greet' }, argument: 'who' });
  });

  it('finds nothing in malformed or empty prompt lists', () => {
    for (const r of [undefined, {}, { prompts: {} }, { prompts: [] }, { prompts: [null, 3, { name: 1, arguments: [{ name: 'a' }] }] }]) expect(promptTarget(r)).toBeUndefined();
  });

  it('reads the first variable of a URI template, whatever its operator', () => {
    expect(firstTemplateVariable('file:///{path}')).toBe('path');
    expect(firstTemplateVariable('file:///{+path}/x{?q,lang}')).toBe('path');
    expect(firstTemplateVariable('demo://x{?q,lang}')).toBe('q');
    expect(firstTemplateVariable('demo://fixed')).toBeUndefined();
  });

  it('takes the first resource template with a variable', () => {
    const result = { resourceTemplates: [{ uriTemplate: 'demo://fixed' }, { uriTemplate: 'demo://item/{id}' }] };
    expect(templateTarget(result)).toEqual({ ref: { type: 'ref/resource', uri: 'demo://item/{id}' }, argument: 'id' });
    expect(templateTarget({ resourceTemplates: 'x' })).toBeUndefined();
  });

  it('asks through transport-neutral messages only: prompts/list, then resources/templates/list', async () => {
    const { ctx, sent } = neutralContext((m) =>
      m.method === 'prompts/list'
        ? [{ jsonrpc: '2.0', id: 1, result: { prompts: [{ name: 'plain' }] } }]
        : [{ jsonrpc: '2.0', id: 2, result: { resourceTemplates: [{ uriTemplate: 'demo://item/{id}' }] } }],
    );
    expect(completionReferenceProbe.transports).toContain('stdio');
    const { output, error } = await completionReferenceProbe.run(ctx);
    expect(error).toBeUndefined();
    expect(sent.map((m) => m.method)).toEqual(['prompts/list', 'resources/templates/list']);
    expect(sent.every((m) => m.session === undefined && m.notification === undefined)).toBe(true);
    expect(output).toMatchObject({ ref: { type: 'ref/resource', uri: 'demo://item/{id}' }, argument: 'id' });
  });

  it('stops at the first prompt with an argument', async () => {
    const { ctx, sent } = neutralContext(() => [{ jsonrpc: '2.0', id: 1, result: { prompts: [{ name: 'greet', arguments: [{ name: 'who' }] }] } }]);
    const { output } = await completionReferenceProbe.run(ctx);
    expect(sent.map((m) => m.method)).toEqual(['prompts/list']);
    expect(output).toMatchObject({ ref: { type: 'ref/prompt', name: 'greet' }, argument: 'who' });
  });

  it('is an error only when every listing broke at the transport level', async () => {
    const broken = await completionReferenceProbe.run(neutralContext(() => 'broken').ctx);
    expect(broken.error?.kind).toBe('timeout');
    expect(broken.output.ref).toBeUndefined();
    const refused = await completionReferenceProbe.run(neutralContext(() => [{ jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'Method not found' } }]).ctx);
    expect(refused.error).toBeUndefined();
    expect(refused.output.ref).toBeUndefined();
  });
});
