/** Which JSON-RPC message of an exchange answers the request (shared by the runner and the probes). */
import { mediaType, type Exchange } from './http.js';

/**
 * The message matchers look at: the JSON-RPC response whose id equals the
 * request's. A response with another id is never taken for it (BASE-004); an
 * error with a null or absent id (parse errors, rejected requests) is. A 2xx
 * body that is neither `application/json` nor SSE is never taken as the
 * answer to a request, whatever it contains. For notifications and raw
 * bodies, the parsed JSON body.
 */
export function subjectOf(ex: Exchange, awaitId: string | number | null | undefined): unknown {
  // A 2xx answer to a request MUST be application/json or text/event-stream
  // (basic/transports#sending-messages-to-the-server); a client does not read
  // any other body as JSON-RPC, so neither does the harness.
  const res = ex.record.response;
  if (awaitId !== undefined && res && res.status >= 200 && res.status < 300 && !res.sse && ex.json !== undefined) {
    const mt = mediaType(res.headers['content-type']);
    if (mt !== 'application/json') {
      ex.record.note = `${ex.record.note ? `${ex.record.note}; ` : ''}Content-Type ${mt || '(none)'} is neither application/json nor text/event-stream: the body is not taken as the JSON-RPC response`;
      return undefined;
    }
  }
  const isResponse = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x) && ('result' in x || 'error' in x);
  const responses = ex.messages.filter(isResponse);
  if (awaitId !== undefined) {
    const exact = responses.find((m) => m.id === awaitId);
    if (exact) return exact;
    const idless = responses.find((m) => 'error' in m && (m.id === null || m.id === undefined));
    if (idless) return idless;
    const other = responses[0];
    if (other) {
      ex.record.note = `${ex.record.note ? `${ex.record.note}; ` : ''}response id ${JSON.stringify(other.id)} does not match request id ${JSON.stringify(awaitId)}`;
      return undefined;
    }
    return Array.isArray(ex.json) ? ex.json : undefined;
  }
  if (ex.json !== undefined) return ex.json;
  return responses.length === 1 ? responses[0] : undefined;
}

