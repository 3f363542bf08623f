/**
 * Building the HTTP request of an `http` step (or of a probe's request), and
 * redacting the run's extra headers (`--header`) in what is recorded.
 *
 * Spec: MCP 2025-03-26 .. 2025-11-25, basic/transports#sending-messages-to-the-server
 * (POST with Accept application/json and text/event-stream) and
 * #session-management / #protocol-version-header (Mcp-Session-Id, and
 * MCP-Protocol-Version from 2025-06-18, on every request after initialize).
 */
import type { HttpRequestSpec } from '../model/scenario.js';
import { interpolate } from '../model/interpolate.js';
import { VERSION_HEADER_SINCE } from '../model/versions.js';
import { statelessHeaders, withStatelessMeta } from './stateless.js';

/** What a `--header` value is replaced with in transcripts. */
export const REDACTED = '(redacted: --header)';

/** Replaces, in a recorded request, the values of the run's extra headers (`--header`) that went out unchanged, by {@link REDACTED}. */
export function redactExtraHeaders(recorded: Record<string, string>, extra: Record<string, string> | undefined): void {
  if (!extra) return;
  for (const [name, value] of Object.entries(extra))
    for (const k of Object.keys(recorded)) if (k.toLowerCase() === name.toLowerCase() && recorded[k] === value) recorded[k] = REDACTED;
}


function setHeader(h: Record<string, string>, name: string, value: string | null): void {
  for (const k of Object.keys(h)) if (k.toLowerCase() === name.toLowerCase()) delete h[k];
  if (value !== null) h[name] = value;
}


/**
 * Builds the request of an `http` step (or a probe's request): presets (the
 * `stateless` preset also puts the per-request `_meta` into the JSON-RPC
 * params, at `vars.protocolVersion`), then the run's extra headers (`--header`, on every request whatever the preset),
 * then the step's headers, then the body.
 * @param extraHeaders headers added to every request (names as given)
 * @returns the request and the JSON-RPC id to wait for (undefined for notifications and raw bodies)
 */
export function buildRequest(
  spec: HttpRequestSpec,
  url: string,
  vars: Record<string, unknown>,
  nextId: () => number,
  extraHeaders: Record<string, string> = {},
): { method: string; url: string; headers: Record<string, string>; body?: string; awaitId?: string | number | null } {
  const method = spec.method ?? 'POST';
  const preset = spec.preset ?? 'session';
  const headers: Record<string, string> = {};
  const hasBody = spec.jsonrpc !== undefined || spec.json !== undefined || spec.body !== undefined;
  if (preset !== 'none') {
    if (method === 'POST' || hasBody) {
      headers['Content-Type'] = 'application/json';
      headers['Accept'] = 'application/json, text/event-stream';
    } else if (method === 'GET') {
      headers['Accept'] = 'text/event-stream';
    }
  }
  if (preset === 'session') {
    if (typeof vars.sessionId === 'string' && vars.sessionId !== '') headers['Mcp-Session-Id'] = vars.sessionId;
    const nv = vars.negotiatedVersion;
    if (typeof nv === 'string' && nv >= VERSION_HEADER_SINCE) headers['MCP-Protocol-Version'] = nv;
  }
  // The stateless form (2026-07-28): the per-request _meta in the params, and the request-metadata headers mirroring them.
  const stateless = preset === 'stateless' && spec.jsonrpc !== undefined;
  const version = typeof vars.protocolVersion === 'string' ? vars.protocolVersion : '';
  const params = spec.jsonrpc
    ? stateless
      ? withStatelessMeta(interpolate(spec.jsonrpc.params, vars), version, spec.jsonrpc.meta === undefined ? undefined : interpolate(spec.jsonrpc.meta, vars))
      : spec.jsonrpc.params !== undefined
        ? interpolate(spec.jsonrpc.params, vars)
        : undefined
    : undefined;
  if (stateless) Object.assign(headers, statelessHeaders(spec.jsonrpc!.method, params, version));
  for (const [k, v] of Object.entries(extraHeaders)) setHeader(headers, k, v);
  for (const [k, v] of Object.entries(interpolate(spec.headers ?? {}, vars))) setHeader(headers, k, v === null ? null : String(v));
  let body: string | undefined;
  let awaitId: string | number | null | undefined;
  if (spec.jsonrpc) {
    const j = spec.jsonrpc;
    const msg: Record<string, unknown> = { jsonrpc: '2.0' };
    if (!j.notification) {
      awaitId = 'id' in j ? (j.id as string | number | null) : nextId();
      msg.id = awaitId;
    }
    msg.method = j.method;
    if (params !== undefined) msg.params = params;
    body = JSON.stringify(msg);
  } else if (spec.json !== undefined) {
    body = JSON.stringify(interpolate(spec.json, vars));
  } else if (spec.body !== undefined) {
    body = interpolate(spec.body, vars);
  }
  return { method, url, headers, ...(body !== undefined ? { body } : {}), ...(awaitId !== undefined ? { awaitId } : {}) };
}
