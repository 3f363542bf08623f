import { describe, it, expect } from 'vitest';
import { firstTemplateVariable, promptTarget, templateTarget } from './completion-reference.js';

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
});
