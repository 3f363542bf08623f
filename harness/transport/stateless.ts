/**
 * The request form of the stateless era (MCP 2026-07-28): no `initialize`,
 * no session; every request carries its protocol version, client
 * capabilities and client information in `params._meta`, and over Streamable
 * HTTP the headers `MCP-Protocol-Version`, `Mcp-Method` and (for the methods
 * that name something) `Mcp-Name`.
 *
 * Spec: MCP 2026-07-28 basic/index#meta (per-request protocol fields),
 * basic/transports/streamable-http#standard-request-headers,
 * #value-encoding (the `=?base64?…?=` form).
 */
import type { MetaSpec } from '../model/scenario.js';
import { STATELESS_SINCE } from '../model/versions.js';
import { SUITE_VERSION } from '../model/paths.js';

/** `_meta` key of the request's protocol version (2026-07-28 basic/index#meta). */
export const META_PROTOCOL_VERSION = 'io.modelcontextprotocol/protocolVersion';
/** `_meta` key of the client capabilities declared for this request. */
export const META_CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';
/** `_meta` key of the client's name and version. */
export const META_CLIENT_INFO = 'io.modelcontextprotocol/clientInfo';
/** `_meta` key of the server's name and version in a result. */
export const META_SERVER_INFO = 'io.modelcontextprotocol/serverInfo';

/** The short names a scenario's `meta:` uses, and the `_meta` keys they stand for. */
const META_KEYS: Record<string, string> = {
  protocolVersion: META_PROTOCOL_VERSION,
  clientCapabilities: META_CLIENT_CAPABILITIES,
  clientInfo: META_CLIENT_INFO,
};

/** The harness's client information (what `clientInfo` says in every stateless request). */
export const STATELESS_CLIENT_INFO: Readonly<{ name: string; version: string }> = Object.freeze({ name: 'mcp-session-conformance', version: SUITE_VERSION });

/** Methods whose request names something in a header (`Mcp-Name`): the params field it mirrors. */
const NAMED: Record<string, string> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

/** True when messages at `version` take the stateless form by default (2026-07-28 and later). */
export function isStatelessVersion(version: unknown): boolean {
  return typeof version === 'string' && version >= STATELESS_SINCE;
}

/**
 * Returns `params` with the per-request `_meta` of the stateless era merged
 * in: protocol version `version`, client capabilities `{}` (the harness
 * answers no server→client interaction), client information. `meta`
 * overrides each (by short name; `null` leaves it out), `'none'` sends no
 * `_meta` at all. A `_meta` the step wrote itself is kept, its keys winning.
 * @param params the request's params (an object or absent)
 * @returns the params to send (a new object)
 */
export function withStatelessMeta(params: unknown, version: string, meta?: MetaSpec): Record<string, unknown> {
  const p: Record<string, unknown> = params && typeof params === 'object' && !Array.isArray(params) ? { ...(params as Record<string, unknown>) } : {};
  if (meta === 'none') return p;
  const m: Record<string, unknown> = {
    [META_PROTOCOL_VERSION]: version,
    [META_CLIENT_CAPABILITIES]: {},
    [META_CLIENT_INFO]: { ...STATELESS_CLIENT_INFO },
  };
  for (const [short, value] of Object.entries(meta ?? {})) {
    const key = META_KEYS[short] ?? short;
    if (value === null) delete m[key];
    else m[key] = value;
  }
  const own = p._meta && typeof p._meta === 'object' ? (p._meta as Record<string, unknown>) : {};
  p._meta = { ...m, ...own };
  return p;
}

/**
 * A header value as 2026-07-28 #value-encoding wants it: as is when it is
 * visible ASCII (spaces inside allowed), else `=?base64?<UTF-8 base64>?=`.
 */
export function headerValue(v: string): string {
  return /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(v) ? v : `=?base64?${Buffer.from(v, 'utf8').toString('base64')}?=`;
}

/**
 * The request-metadata headers of a stateless request over Streamable HTTP:
 * `MCP-Protocol-Version` (the `_meta` version sent, else `version`),
 * `Mcp-Method`, and `Mcp-Name` for `tools/call`, `prompts/get` (params
 * `name`) and `resources/read` (params `uri`).
 */
export function statelessHeaders(method: string | undefined, params: unknown, version: string): Record<string, string> {
  const p = (params && typeof params === 'object' ? params : {}) as Record<string, unknown>;
  const metaVersion = (p._meta as Record<string, unknown> | undefined)?.[META_PROTOCOL_VERSION];
  const h: Record<string, string> = { 'MCP-Protocol-Version': typeof metaVersion === 'string' ? metaVersion : version };
  if (method !== undefined) h['Mcp-Method'] = headerValue(method);
  const field = method !== undefined ? NAMED[method] : undefined;
  if (field && typeof p[field] === 'string') h['Mcp-Name'] = headerValue(p[field] as string);
  return h;
}

/** True when a `send` message goes in the stateless form: its `form`, else by the version under test (`vars.protocolVersion`). */
export function isStatelessMessage(msg: { form?: 'session-era' | 'stateless' }, vars: Record<string, unknown>): boolean {
  return (msg.form ?? (isStatelessVersion(vars.protocolVersion) ? 'stateless' : 'session-era')) === 'stateless';
}
