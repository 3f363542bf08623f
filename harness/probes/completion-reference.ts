/**
 * Probe `completion-reference`: finds something the target can complete, so
 * that `completion/complete` can be sent with a reference the server knows.
 *
 * Spec: MCP 2025-03-26+ server/utilities/completion — a CompleteRequest names
 * a `ref/prompt` (a prompt by name) or a `ref/resource` (a resource template
 * URI) and one of its arguments.
 *
 * Sends `prompts/list` and takes the first prompt with an argument; when
 * there is none, sends `resources/templates/list` and takes the first
 * template with a `{variable}`. Only first pages are read. Errors and
 * malformed answers just mean "nothing found" (the capability checks judge
 * those lists themselves).
 *
 * Output: `ref` (a PromptReference or ResourceTemplateReference object) and
 * `argument` (the argument or variable name), both absent when nothing was
 * found; `summary`. No parameters.
 *
 * Transport-neutral: it only exchanges JSON-RPC messages in the run's
 * session (`ProbeContext.message`), so it runs over Streamable HTTP and stdio.
 */
import type { Exchange } from '../transport/http.js';
import type { Probe, ProbeOutput } from './types.js';

/** A completion target: the CompleteRequest `ref` and the name of the argument to complete. */
export interface CompletionTarget {
  ref: { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string };
  argument: string;
}

/** The `result` of the first JSON-RPC success response in an exchange, if any. */
function resultOf(ex: Exchange): Record<string, unknown> | undefined {
  for (const m of ex.messages) {
    if (m && typeof m === 'object' && 'result' in m) {
      const r = (m as { result: unknown }).result;
      if (r && typeof r === 'object' && !Array.isArray(r)) return r as Record<string, unknown>;
    }
  }
  return undefined;
}

/** The first prompt of a `prompts/list` result that has a named argument. */
export function promptTarget(result: Record<string, unknown> | undefined): CompletionTarget | undefined {
  const prompts = result?.prompts;
  if (!Array.isArray(prompts)) return undefined;
  for (const p of prompts) {
    const name = (p as { name?: unknown })?.name;
    const args = (p as { arguments?: unknown })?.arguments;
    const arg = Array.isArray(args) ? (args[0] as { name?: unknown } | undefined)?.name : undefined;
    if (typeof name === 'string' && typeof arg === 'string') return { ref: { type: 'ref/prompt', name }, argument: arg };
  }
  return undefined;
}

/** The first variable name of an RFC 6570 URI template (`{+path}` → `path`, `{?q,lang}` → `q`). */
export function firstTemplateVariable(template: string): string | undefined {
  const m = /\{[+#./;?&]?([A-Za-z0-9_%.]+)/.exec(template);
  return m?.[1];
}

/** The first template of a `resources/templates/list` result that has a variable. */
export function templateTarget(result: Record<string, unknown> | undefined): CompletionTarget | undefined {
  const templates = result?.resourceTemplates;
  if (!Array.isArray(templates)) return undefined;
  for (const t of templates) {
    const uri = (t as { uriTemplate?: unknown })?.uriTemplate;
    const variable = typeof uri === 'string' ? firstTemplateVariable(uri) : undefined;
    if (typeof uri === 'string' && variable) return { ref: { type: 'ref/resource', uri }, argument: variable };
  }
  return undefined;
}

export const completionReferenceProbe: Probe = {
  description: 'Finds a prompt argument or resource-template variable the target can complete (prompts/list, then resources/templates/list)',
  transports: ['streamable-http', 'stdio'],
  async run(ctx) {
    const prompts = await ctx.message({ method: 'prompts/list', params: {} });
    let target = promptTarget(resultOf(prompts));
    let templates: Exchange | undefined;
    if (!target) {
      templates = await ctx.message({ method: 'resources/templates/list', params: {} });
      target = templateTarget(resultOf(templates));
    }
    const output: ProbeOutput = target
      ? { ...target, summary: `completion target: ${JSON.stringify(target.ref)}, argument ${JSON.stringify(target.argument)}` }
      : { summary: 'no prompt with an argument in prompts/list and no resource template with a variable in resources/templates/list' };
    const exchanges = [prompts, ...(templates ? [templates] : [])];
    if (exchanges.every((e) => e.record.error))
      return { output, error: { kind: 'timeout', message: 'every listing request failed at the transport level' } };
    return { output };
  },
};
