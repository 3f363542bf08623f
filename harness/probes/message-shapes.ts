/**
 * Probe `message-shapes`: opens a session, sends a handful of ordinary
 * requests and notifications (ping, tools/list, an unknown method, and the
 * target contract's `conformance_emit_notifications` when `tools/list`
 * lists it), and checks every JSON-RPC message the server sent back against
 * the base protocol's shape rules.
 *
 * Spec: MCP 2025-03-26 .. 2025-11-25, basic/index#messages — every message
 * is JSON-RPC 2.0 (`jsonrpc: "2.0"`); a response has exactly one of
 * `result` and `error`; an error has an integer `code` and a string
 * `message`; notifications carry no `id`; basic/transports — messages are
 * UTF-8. The shape rules are the JSON Schema `schemas/messages/jsonrpc.schema.json`
 * (one `$defs` entry per rule), applied with Ajv.
 *
 * Transport-neutral: it talks only through `ProbeContext.message`. Its
 * `initialize` goes outside any session (Streamable HTTP: a POST without
 * session headers; stdio: a process of its own) and everything after it in
 * the session that initialize opened (`ProbeSession`: over Streamable HTTP
 * the answer's `Mcp-Session-Id` and the negotiated `MCP-Protocol-Version`;
 * over stdio the same process). The session is ended with the scenario run's
 * others when the run closes (a DELETE, not judged; over stdio the process
 * is stopped). Over stdio every message on the stdout lines read during the
 * probe's exchanges is checked, each line once.
 *
 * One cause, one verdict: a body on a 2xx answer to a POSTed notification
 * is itself the violation of HTTP-POST-004 / LIFE-INIT-005 / BASE-007 (an
 * accepted notification gets 202 with no body), which
 * `lifecycle.initialize.initialized-notification` judges. Such a body is not
 * a message the server sent, so it is neither shape-checked nor counted as a
 * message here: it is counted in `acceptedNotificationBodies` and named in
 * the summary instead. A 4xx answer's body (an error for a refused
 * notification) is shape-checked as usual. stdio has no such answer: a
 * message written for a notification is a message like any other here.
 *
 * UTF-8 is judged here from the HTTP answer bodies only (`invalidUtf8`);
 * over stdio it stays 0, since the framing scenario
 * (`transports.stdio.framing/stdout-is-utf8`) judges every stdout line of
 * the process.
 *
 * Parameters: none. Output: `sessionOpened` (initialize got an InitializeResult,
 * over Streamable HTTP on an HTTP 200), `messages` (count seen), `exchanges`,
 * `acceptedNotificationBodies` (2xx answers to notifications that carried a
 * body, not judged here), and per rule the violations found (`notJsonRpc`,
 * `resultAndError`, `badError`, `notificationWithId`, `invalidUtf8`: counts)
 * with `samples` of offenders.
 */
import type { Probe, ProbeOutput, ProbeSession } from './types.js';
import type { Exchange } from '../transport/http.js';
import { subjectOf } from '../transport/subject.js';
import { SUITE_CLIENT_INFO } from './params.js';
import { satisfiesMessageSchema } from '../model/message-schemas.js';

/**
 * The probe's rules, in output order: the schema rule (`schemas/messages/jsonrpc.schema.json`)
 * and the output counter a violation adds to. Two rules count as `notJsonRpc`.
 */
const RULES: ReadonlyArray<readonly [ref: string, counter: string]> = [
  ['jsonrpc#/$defs/message', 'notJsonRpc'],
  ['jsonrpc#/$defs/request-id', 'notJsonRpc'],
  ['jsonrpc#/$defs/result-xor-error', 'resultAndError'],
  ['jsonrpc#/$defs/error-object', 'badError'],
  ['jsonrpc#/$defs/notification-without-id', 'notificationWithId'],
];

/**
 * Violations of the base-protocol shape rules by one parsed JSON message
 * (counter names as in the probe output, one entry per broken rule; a value
 * that is not a JSON object breaks only the first rule).
 */
export function shapeViolations(m: unknown): string[] {
  return RULES.filter(([ref]) => !satisfiesMessageSchema(ref, m)).map(([, counter]) => counter);
}

export const messageShapesProbe: Probe = {
  description: 'Sends ordinary requests in a session and checks every JSON-RPC message received against the base protocol shape rules',
  transports: ['streamable-http', 'stdio'],
  async run(ctx) {
    const exchanges: Exchange[] = [];
    /** Exchanges that sent a notification (over Streamable HTTP, their accepted answers are judged elsewhere). */
    const notificationPosts = new Set<Exchange>();
    // Outside any session: over Streamable HTTP a POST without session headers, over stdio a process of its own.
    const init = await ctx.message({
      id: 1,
      method: 'initialize',
      params: { protocolVersion: ctx.protocolVersion, capabilities: {}, clientInfo: { ...SUITE_CLIENT_INFO } },
    });
    exchanges.push(init);
    // The session opens only on a real InitializeResult: the response with the request's id (in a JSON or SSE
    // answer, and over Streamable HTTP on an HTTP 200; stdio has no status).
    const initResult = (subjectOf(init, 1) as { result?: { protocolVersion?: unknown } } | undefined)?.result;
    const sessionOpened = (ctx.transport !== 'streamable-http' || init.record.response?.status === 200) && initResult !== undefined;
    const negotiated = initResult?.protocolVersion;
    // What follows goes in the session this initialize opened (Streamable HTTP: its Mcp-Session-Id and the
    // negotiated MCP-Protocol-Version; stdio: the same process).
    const session: ProbeSession = {};
    const sessionId = init.record.response?.headers['mcp-session-id'];
    if (sessionId) session.sessionId = sessionId;
    if (typeof negotiated === 'string') session.negotiatedVersion = negotiated;
    const send = async (msg: { method: string; params?: unknown; notification?: boolean }) => {
      const ex = await ctx.message(msg, { session });
      exchanges.push(ex);
      if (msg.notification) notificationPosts.add(ex);
      return ex;
    };
    if (sessionOpened) {
      await send({ method: 'notifications/initialized', notification: true });
      await send({ method: 'ping' });
      const list = await send({ method: 'tools/list' });
      await send({ method: 'nonexistent/method' });
      const tools = (list.messages.find((m) => !!m && typeof m === 'object' && 'result' in m) as { result?: { tools?: Array<{ name?: unknown }> } } | undefined)
        ?.result?.tools;
      if (Array.isArray(tools) && tools.some((t) => t?.name === 'conformance_emit_notifications'))
        await send({ method: 'tools/call', params: { name: 'conformance_emit_notifications', arguments: {} } });
      // The session is ended with the run's others when the scenario run closes (Streamable HTTP: a DELETE, not
      // judged; stdio: the process is stopped).
    }
    const counts: Record<string, number> = { notJsonRpc: 0, resultAndError: 0, badError: 0, notificationWithId: 0, invalidUtf8: 0 };
    const samples: string[] = [];
    let messages = 0;
    const acceptedBodies: string[] = [];
    for (const ex of exchanges) {
      const res = ex.record.response;
      if (notificationPosts.has(ex) && res && res.status >= 200 && res.status < 300) {
        // Owned by the 202-with-an-empty-body check: not a message, not counted twice.
        if (res.bytes > 0) acceptedBodies.push(`HTTP ${res.status} to ${ex.record.request.body?.slice(0, 60) ?? ex.record.request.method}`);
        continue;
      }
      if (ex.record.response?.invalidUtf8) {
        counts.invalidUtf8!++;
        if (samples.length < 4) samples.push(`a body that is not UTF-8 (answer to ${ex.record.request.body?.slice(0, 60) ?? ex.record.request.method})`);
      }
      for (const m of ex.messages) {
        messages++;
        for (const v of shapeViolations(m)) {
          counts[v]!++;
          if (samples.length < 4) samples.push(`${v}: ${JSON.stringify(m).slice(0, 160)}`);
        }
      }
    }
    const output: ProbeOutput = {
      sessionOpened,
      exchanges: exchanges.length,
      messages,
      acceptedNotificationBodies: acceptedBodies.length,
      ...counts,
      samples,
      summary:
        `${messages} JSON-RPC messages in ${exchanges.length} answers: ` +
        Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ') +
        (samples.length ? `; e.g. ${samples.join(' | ')}` : '') +
        (acceptedBodies.length
          ? `; not judged here: ${acceptedBodies.length === 1 ? 'a body' : `${acceptedBodies.length} bodies`} on a 2xx answer to a notification (${acceptedBodies.join(' | ')}), which lifecycle.initialize.initialized-notification judges`
          : ''),
    };
    if (init.record.error) return { output, error: { kind: init.record.error.kind, message: init.record.error.message } };
    return { output };
  },
};
