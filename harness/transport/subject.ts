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


/** A response that answers no request in flight, and the id of the request it came back to. */
export interface StrayResponse {
  /** The id the response carries (`undefined` when it carries none). */
  got: unknown;
  /** The id of the request the exchange sent. */
  awaitId: string | number | null;
}

/**
 * The JSON-RPC response of `ex` that answers no request in flight, when the
 * exchange holds no answer to its own request (`awaitId`): a result or an
 * error whose id is neither the request's nor that of another request still
 * open (`inFlight`: the ids of the scenario run's earlier requests not yet
 * answered; an answer to one of them is legitimate interleaving). An error
 * with a null or absent id (parse errors, rejected requests) is an answer,
 * never stray. Undefined when there is nothing to wait for, when the answer
 * is there, or when every response answers a request in flight.
 *
 * Spec: JSON-RPC 2.0 §5 and MCP basic/index#responses (catalog BASE-004): a
 * response carries the same id as the request it answers.
 */
export function strayResponse(ex: Exchange, awaitId: string | number | null | undefined, inFlight: ReadonlySet<unknown>): StrayResponse | undefined {
  if (awaitId === undefined) return undefined;
  const responses = ex.messages.filter(isResponseMessage);
  if (responses.some((m) => m.id === awaitId || ('error' in m && (m.id === null || m.id === undefined)))) return undefined;
  const stray = responses.find((m) => !inFlight.has(m.id));
  return stray ? { got: stray.id, awaitId } : undefined;
}

/** The ids of the requests `ex` answers (the ids its JSON-RPC responses carry). */
export function answeredIds(ex: Exchange): unknown[] {
  return ex.messages.filter(isResponseMessage).map((m) => m.id);
}

function isResponseMessage(x: unknown): x is Record<string, unknown> {
  return !!x && typeof x === 'object' && !Array.isArray(x) && !('method' in x) && ('result' in x || 'error' in x);
}
