/**
 * `{{name}}` substitution of captured values into scenario data. Plain
 * substitution only: no expressions, no code.
 */
import { randomUUID } from 'node:crypto';

const WHOLE = /^\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}$/;
const ANY = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g;

/**
 * Run options a scenario may read (set from the CLI; absent when not given):
 * `sessionTtlMs` (`--session-ttl`, ms), `sessionSamples` (`--session-samples`,
 * default 256), `checkHost` (`--check-host`, default false).
 */
export const OPTION_VARIABLES = ['sessionTtlMs', 'sessionSamples', 'checkHost'] as const;

/**
 * Names always available: `uuid` yields a fresh random UUID at each use;
 * `url` is the MCP endpoint, `origin` its origin (`http://127.0.0.1:3000`),
 * `port` its port as a string (the scheme's default when the URL names none);
 * `era` the target's era from discovery (`session-era`, `stateless-era`,
 * `dual-era`, `unknown`; absent when discovery did not run);
 * the run options are listed in OPTION_VARIABLES.
 */
export const BUILTIN_VARIABLES = ['uuid', 'protocolVersion', 'url', 'origin', 'port', 'era', ...OPTION_VARIABLES] as const;

/** Thrown when a `{{name}}` names nothing captured; the runner turns it into an `error` verdict. */
export class UnknownVariableError extends Error {
  constructor(readonly variable: string) {
    super(`unknown variable {{${variable}}}: nothing captured it`);
  }
}

function lookup(name: string, vars: Record<string, unknown>): unknown {
  if (name === 'uuid') return randomUUID();
  if (!Object.hasOwn(vars, name) || vars[name] === undefined) throw new UnknownVariableError(name);
  return vars[name];
}

/**
 * Substitutes variables in any JSON-like value. A string that is exactly one
 * `{{x}}` takes x's value with its type (number, object...); inside a longer
 * string the value is stringified.
 * @throws UnknownVariableError for a name not in `vars` (and not built in).
 */
export function interpolate<T>(value: T, vars: Record<string, unknown>): T {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return lookup(whole[1]!, vars) as T;
    return value.replace(ANY, (_, n: string) => {
      const v = lookup(n, vars);
      return typeof v === 'string' ? v : JSON.stringify(v);
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, vars)) as T;
  if (value && typeof value === 'object') {
    // fromEntries defines own properties, so a `__proto__` key stays data.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, vars)])) as T;
  }
  return value;
}

/** Every variable name referenced in a JSON-like value (for load-time lint). */
export function referencedVariables(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(ANY)) into.add(m[1]!);
  } else if (Array.isArray(value)) {
    value.forEach((v) => referencedVariables(v, into));
  } else if (value && typeof value === 'object') {
    Object.values(value).forEach((v) => referencedVariables(v, into));
  }
  return into;
}
