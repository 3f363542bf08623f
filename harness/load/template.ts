/**
 * Load-time substitution of the scenario language, done by the loader before
 * any validation of the result:
 *
 * - `${name}` parameters: a macro's `params` (`use:` + `with:`, defaults from
 *   the macro file) and the bindings of a `foreach` block. They are replaced
 *   in every string and every mapping key of the macro's steps or of the
 *   block's templates. Plain substitution: no expressions, no code.
 * - load-time variables (`{{suiteVersion}}`): `{{name}}` references that are
 *   known when the suite is loaded, replaced in every step, so that the
 *   runner never sees them.
 *
 * Runtime variables (`{{protocolVersion}}`, captures, …) are left alone: a
 * parameter's value may contain them (e.g. the default `{{protocolVersion}}`),
 * and they are resolved per request by `interpolate`.
 */
import type { Document, Node as YamlNode } from 'yaml';
import { yaml } from './yaml-lazy.js';
import { SUITE_VERSION } from '../model/paths.js';

/** A parameter or binding name: `protocolVersion`, `family`, `cap_name`. */
export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const WHOLE = /^\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}$/;
const ANY = /\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g;

/** A location inside a JSON-like value: keys and array indexes from its root. */
export type ValuePath = Array<string | number>;

/** Thrown by {@link substituteParameters} for a `${name}` with no value, or a mapping key that would not be a string. */
export class ParameterError extends Error {
  constructor(
    /** The parameter named. */
    readonly parameter: string,
    /** Where in the substituted value (for a key: the path of that key). */
    readonly path: ValuePath,
    message: string,
    /** True when the problem is in a mapping key (error positions point at the key). */
    readonly inKey = false,
  ) {
    super(message);
    this.name = 'ParameterError';
  }
}

/**
 * Every `${name}` used in a JSON-like value (in strings and in mapping keys),
 * with the path of its first use.
 * @returns name → { path, inKey } in order of first use
 */
export function parameterReferences(value: unknown): Map<string, { path: ValuePath; inKey: boolean }> {
  const found = new Map<string, { path: ValuePath; inKey: boolean }>();
  const walk = (v: unknown, path: ValuePath): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(ANY)) if (!found.has(m[1]!)) found.set(m[1]!, { path, inKey: false });
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, [...path, i]));
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        for (const m of k.matchAll(ANY)) if (!found.has(m[1]!)) found.set(m[1]!, { path: [...path, k], inKey: true });
        walk(x, [...path, k]);
      }
    }
  };
  walk(value, []);
  return found;
}

function valueOf(name: string, bindings: Record<string, unknown>, path: ValuePath, inKey: boolean): unknown {
  if (!Object.hasOwn(bindings, name)) {
    const known = Object.keys(bindings);
    throw new ParameterError(name, path, `\${${name}} has no value (${known.length ? `known here: ${known.join(', ')}` : 'nothing is bound here'})`, inKey);
  }
  return bindings[name];
}

function substituteString(s: string, bindings: Record<string, unknown>, path: ValuePath, inKey: boolean): unknown {
  const whole = WHOLE.exec(s);
  if (whole) return structuredClone(valueOf(whole[1]!, bindings, path, inKey));
  return s.replace(ANY, (_, name: string) => {
    const v = valueOf(name, bindings, path, inKey);
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}

/**
 * Substitutes `${name}` parameters in a JSON-like value and returns a new
 * value (the input is not modified). A string that is exactly one `${x}`
 * becomes x's value with its type (an object, a number, …; a deep copy);
 * inside a longer string the value is inserted as text (a string as it is,
 * anything else as JSON). Mapping keys are substituted the same way and must
 * come out as strings.
 * @param bindings parameter values by name
 * @throws ParameterError for a name not in `bindings`, or a key whose value is not a string
 */
export function substituteParameters<T>(value: T, bindings: Record<string, unknown>): T {
  const walk = (v: unknown, path: ValuePath): unknown => {
    if (typeof v === 'string') return substituteString(v, bindings, path, false);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (v && typeof v === 'object') {
      const out: Array<[string, unknown]> = [];
      for (const [k, x] of Object.entries(v)) {
        const key = substituteString(k, bindings, [...path, k], true);
        if (typeof key !== 'string')
          throw new ParameterError(k, [...path, k], `the key "${k}" must become a string, but its value is ${JSON.stringify(key)}`, true);
        out.push([key, walk(x, [...path, k])]);
      }
      // fromEntries defines own properties, so a `__proto__` key stays data.
      return Object.fromEntries(out);
    }
    return v;
  };
  return walk(value, []) as T;
}

/**
 * Variables known when the suite is loaded, replaced in every step by the
 * loader: `suiteVersion`, this package's version (package.json, e.g. `0.1.0`),
 * which the suite sends as its `clientInfo.version`.
 */
export const LOAD_TIME_VARIABLES: Readonly<Record<string, string>> = Object.freeze({ suiteVersion: SUITE_VERSION });

const LOAD_TIME = new RegExp(`\\{\\{\\s*(${Object.keys(LOAD_TIME_VARIABLES).join('|')})\\s*\\}\\}`, 'g');

/**
 * Replaces the load-time variables ({@link LOAD_TIME_VARIABLES}) in every
 * string of a JSON-like value (values only, not keys); other `{{name}}`
 * references are left for the runner. Returns a new value.
 */
export function resolveLoadTimeVariables<T>(value: T): T {
  if (typeof value === 'string') return value.replace(LOAD_TIME, (_, name: string) => LOAD_TIME_VARIABLES[name]!) as T;
  if (Array.isArray(value)) return value.map((v) => resolveLoadTimeVariables(v)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveLoadTimeVariables(v)])) as T;
  return value;
}

/**
 * A copy of a YAML node with its `${name}` parameters substituted (see
 * {@link substituteParameters}), for `foreach` blocks: the copy keeps the
 * source ranges of the template, so that every later error about an
 * instance is located at the template line that produced it. A scalar that
 * is exactly one `${x}` is replaced by a node built from x's value, placed
 * at that scalar's range.
 * @param doc the document the node belongs to (builds the replacement nodes)
 * @throws ParameterError as substituteParameters (call that on the node's JS value first to locate it)
 */
export function instantiateNode<N extends YamlNode>(doc: Document, node: N, bindings: Record<string, unknown>): N {
  const copy = node.clone() as N;
  yaml().visit(copy, {
    Scalar(key, s) {
      if (typeof s.value !== 'string' || !s.value.includes('$')) return undefined;
      const v = substituteString(s.value, bindings, [], key === 'key');
      if (typeof v === 'string') {
        s.value = v;
        return undefined;
      }
      if (key === 'key') throw new ParameterError(s.value, [], `the key "${s.value}" must become a string, but its value is ${JSON.stringify(v)}`, true);
      const replacement = doc.createNode(v);
      if (s.range) replacement.range = s.range;
      return replacement;
    },
  });
  return copy;
}
