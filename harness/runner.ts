/**
 * Runs one scenario at one protocol version against a Streamable HTTP
 * endpoint and decides its checks.
 *
 * Per step, in order: send (or run the probe) → if the exchange broke and no
 * outcome names `transportError`, every pending check is `error` and the
 * scenario stops → captures → `applies-when` (else pending checks are
 * `not-applicable`) → `expect` → `outcomes` (first match) → `require` (else
 * pending checks are `blocked`). A check still pending at the end is an
 * `error` (`not-decided`): a scenario bug, never a pass.
 */
import type { Agent } from 'undici';
import type { CheckResult, ExchangeRecord, Level, ScenarioRun, ScenarioStatus, Verdict } from './model.js';
import type { CheckDecl, HttpRequestSpec, Matcher, Outcome, Scenario, Step } from './scenario-types.js';
import { exchange, type Exchange, type ExchangeLimits, type ExchangeWatch, type ReadMode } from './http.js';
import { subjectOf } from './subject.js';
import { interpolate, UnknownVariableError } from './interpolate.js';
import { describeMatcher, describeObservation, matches, resolvePointer, type Observation } from './match.js';
import { badVerdictFor, capVerdict } from './loader.js';
import { inRange, VERSION_HEADER_SINCE } from './versions.js';
import { PROBES } from './probes/index.js';
import { unsupportedSentence, type RevisionSupport } from './discovery.js';
import { sleep } from './sleep.js';

/** What a scenario run needs from the run around it. */
export interface RunnerContext {
  agent: Agent;
  /** MCP endpoint URL. */
  url: string;
  limits: ExchangeLimits;
  protocolVersion: string;
  /** Aborted when the run is interrupted (SIGINT, run deadline); a string reason becomes the reason code. */
  signal?: AbortSignal;
  /** Run options scenarios may read as variables (see OPTION_VARIABLES); undefined values stay absent. */
  options?: RunOptionVariables;
  /** Headers added to every request (`--header`, e.g. credentials); their values are redacted in transcripts. */
  headers?: Record<string, string>;
  /**
   * What discovery learnt about `protocolVersion`: when the server does not
   * negotiate it, the scenario's checks are `not-applicable`
   * (`version-not-supported-by-server`) and nothing is sent, unless the
   * scenario `runsAtUnsupportedVersions` (version negotiation).
   */
  revision?: RevisionSupport;
  /** Median `initialize` latency measured by discovery, in ms (probes size their load from it). */
  initializeLatencyMs?: number;
  /**
   * Run-wide memo shared by every scenario run of one run: a probe that
   * samples the server once per run (the session-ID sample) keeps its
   * promise here under a key of its choosing.
   */
  shared?: Map<string, Promise<unknown>>;
}

/** What a `--header` value is replaced with in transcripts. */
export const REDACTED = '(redacted: --header)';

/** Replaces, in a recorded request, the values of the run's extra headers (`--header`) that went out unchanged, by {@link REDACTED}. */
export function redactExtraHeaders(recorded: Record<string, string>, extra: Record<string, string> | undefined): void {
  if (!extra) return;
  for (const [name, value] of Object.entries(extra))
    for (const k of Object.keys(recorded)) if (k.toLowerCase() === name.toLowerCase() && recorded[k] === value) recorded[k] = REDACTED;
}

/** Values of the run options scenarios read (`--session-ttl`, `--session-samples`, `--check-host`). */
export interface RunOptionVariables {
  /** Idle time (ms) after which the target expires a session; absent = the expiry scenario is not-applicable. */
  sessionTtlMs?: number;
  /** Sessions the session-ID probe opens (default 256). */
  sessionSamples?: number;
  /** Whether to judge Host header validation (default false). */
  checkHost?: boolean;
}

/** Defaults of the run option variables. */
export const DEFAULT_RUN_OPTIONS: Required<Omit<RunOptionVariables, 'sessionTtlMs'>> = { sessionSamples: 256, checkHost: false };

/** Waits (ms) before sending a GET again that got 409 right after the scenario's previous GET stream ended (about 1.5 s in all). */
const GET_RELEASE_BACKOFF_MS = [25, 50, 100, 200, 400, 800];

/** Deadline (ms) of each DELETE that ends a scenario's leftover sessions. */
const CLEANUP_TIMEOUT_MS = 2_000;

/**
 * The sessions one scenario run was issued (`Mcp-Session-Id` on an answer)
 * and the ones it ended or tried to end itself (a DELETE carrying the ID).
 * A DELETE answered 405 means the server lets no client end sessions.
 */
class SessionLedger {
  private issued = new Set<string>();
  private ended = new Set<string>();
  private deleteRefused = false;
  /** Notes what one finished exchange issued or ended. */
  observe(rec: ExchangeRecord): void {
    const sent = Object.entries(rec.request.headers).find(([k]) => k.toLowerCase() === 'mcp-session-id')?.[1];
    if (rec.request.method === 'DELETE' && sent !== undefined) {
      this.ended.add(sent);
      if (rec.response?.status === 405) this.deleteRefused = true;
    }
    const got = rec.response?.headers['mcp-session-id'];
    if (got && rec.response!.status >= 200 && rec.response!.status < 300 && got !== sent) this.issued.add(got);
  }
  /** Issued sessions not yet ended, unless the server refuses DELETE. */
  unended(): string[] {
    return this.deleteRefused ? [] : [...this.issued].filter((id) => !this.ended.has(id));
  }
}

/** Longest `wait` step (ms). */
const MAX_WAIT_MS = 600_000;


/** Everything one scenario run produced. */
export interface ScenarioOutcome {
  run: ScenarioRun;
  checks: CheckResult[];
  /** `serverInfo` of the first InitializeResult seen, if any. */
  serverInfo?: Record<string, unknown>;
}

interface CheckState {
  decl: CheckDecl;
  level: Level;
  verdict?: Verdict;
  reason?: string;
  expected?: string;
  observed?: string;
  seqs: number[];
}

/** Reason code of an interruption: the abort reason when it is a string (e.g. `run-timeout`), else `run-interrupted`. */
function interruptReason(signal: AbortSignal): string {
  return typeof signal.reason === 'string' ? signal.reason : 'run-interrupted';
}

/** Spec URL for a page/anchor at a revision. */
export function specUrl(spec: string, version: string): string {
  return `https://modelcontextprotocol.io/specification/${version}/${spec}`;
}

/** Level of a check at a version, after `escalate`. */
export function levelAt(c: CheckDecl, version: string): Level {
  return c.escalate && version >= c.escalate.from ? c.escalate.level : c.level;
}

function setHeader(h: Record<string, string>, name: string, value: string | null): void {
  for (const k of Object.keys(h)) if (k.toLowerCase() === name.toLowerCase()) delete h[k];
  if (value !== null) h[name] = value;
}

/**
 * Builds the request of an `http` step (or a probe's request): presets, then
 * the run's extra headers (`--header`, on every request whatever the preset),
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
    if (j.params !== undefined) msg.params = interpolate(j.params, vars);
    body = JSON.stringify(msg);
  } else if (spec.json !== undefined) {
    body = JSON.stringify(interpolate(spec.json, vars));
  } else if (spec.body !== undefined) {
    body = interpolate(spec.body, vars);
  }
  return { method, url, headers, ...(body !== undefined ? { body } : {}), ...(awaitId !== undefined ? { awaitId } : {}) };
}

function collectMatchers(step: Step): Matcher[] {
  return [
    ...Object.values(step.expect ?? {}),
    ...(step.outcomes ?? []).flatMap((o) => (o.when ? [o.when] : [])),
  ];
}

function mentionsTransportError(m: Matcher): boolean {
  return m.transportError !== undefined || (m.all ?? []).some(mentionsTransportError) || (m.any ?? []).some(mentionsTransportError);
}

function safeInterpolate(s: string | undefined, vars: Record<string, unknown>): string | undefined {
  if (s === undefined) return undefined;
  try {
    return interpolate(s, vars);
  } catch {
    return s;
  }
}

/**
 * Runs `scenario` at `ctx.protocolVersion`. Never throws for target
 * misbehaviour; harness faults inside a step become `error` verdicts.
 */
export async function runScenario(scenario: Scenario, ctx: RunnerContext): Promise<ScenarioOutcome> {
  const version = ctx.protocolVersion;
  const key = `${scenario.id}@${version}`;
  const started = Date.now();
  const transcript: ExchangeRecord[] = [];
  const states = new Map<string, CheckState>();
  for (const c of scenario.checks) states.set(c.id, { decl: c, level: levelAt(c, version), seqs: [] });
  const target = new URL(ctx.url);
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  const vars: Record<string, unknown> = { protocolVersion: version, url: ctx.url, origin: target.origin, port };
  for (const [k, v] of Object.entries({ ...DEFAULT_RUN_OPTIONS, ...ctx.options })) if (v !== undefined) vars[k] = v;
  let serverInfo: Record<string, unknown> | undefined;
  let jsonRpcId = 0;
  const nextId = () => ++jsonRpcId;
  let status: ScenarioStatus = 'completed';
  let lastObs: Observation = { captures: vars };

  const pending = () => [...states.values()].filter((s) => s.verdict === undefined);
  const decide = (st: CheckState, verdict: Verdict, extra: { reason?: string; expected?: string; observed?: string }) => {
    if (st.verdict !== undefined) return;
    st.verdict = capVerdict(verdict, st.level);
    if (extra.reason) st.reason = extra.reason;
    if (extra.expected) st.expected = extra.expected;
    if (extra.observed) st.observed = extra.observed;
    st.seqs = transcript.map((r) => r.seq);
  };
  const decideRest = (verdict: Verdict, extra: { reason?: string; expected?: string; observed?: string }) =>
    pending().forEach((st) => decide(st, verdict, extra));
  /** A harness fault in a step (unknown variable, bug): every pending check is `error`, never a verdict on the target. */
  const harnessFault = (step: Step, err: unknown) => {
    const reason = err instanceof UnknownVariableError ? 'unknown-variable' : 'harness-error';
    decideRest('error', { reason, observed: `step ${step.id}: ${(err as Error).message}` });
    status = 'error';
  };

  // Applicability before any traffic.
  if (!inRange(version, scenario.versions)) {
    decideRest('not-applicable', { reason: 'version-out-of-range' });
    status = 'not-applicable';
  }
  for (const st of states.values())
    if (st.verdict === undefined && !inRange(version, st.decl.versions)) decide(st, 'not-applicable', { reason: 'version-out-of-range' });
  if (pending().length && ctx.revision?.support === 'not-supported' && !scenario.runsAtUnsupportedVersions) {
    decideRest('not-applicable', {
      reason: 'version-not-supported-by-server',
      expected: `a server that negotiates ${version}`,
      observed: unsupportedSentence(ctx.revision),
    });
    status = 'not-applicable';
  }

  const sessions = new SessionLedger();
  let getsInFlight = 0;
  const holdsGetStream = scenario.holds?.includes('get-stream') === true;
  const keep = (rec: ExchangeRecord) => {
    // Numbered when it ends: a probe's concurrent exchanges still get distinct, ordered seqs.
    rec.seq = transcript.length;
    transcript.push(rec);
  };
  const send = async (
    spec: HttpRequestSpec,
    stepId: string,
    record: boolean,
    watch?: ExchangeWatch,
  ): Promise<{ ex: Exchange; awaitId?: string | number | null }> => {
    const req = buildRequest(spec, ctx.url, vars, nextId, ctx.headers);
    const read: ReadMode = spec.windowMs !== undefined ? { kind: 'window', windowMs: spec.windowMs } : { kind: 'response', awaitId: req.awaitId };
    const isGet = req.method === 'GET';
    // A GET sent while this run holds the server's GET stream (`holds: [get-stream]`: no other scenario
    // has one open) and has no other GET open itself: a 409 to it can only mean the server is still
    // releasing a stream that just closed (this scenario's or the previous holder's).
    const reopens = isGet && getsInFlight === 0 && holdsGetStream;
    if (isGet) getsInFlight++;
    let ex: Exchange;
    try {
      // A server that allows one GET stream may answer 409 for a moment after the previous one closed:
      // wait (bounded) until it has let the first go, so that moment never decides a verdict. A 409 that
      // will be retried is hidden from the step's watch (a probe reacting to it would stop too early).
      const delays = reopens ? [...GET_RELEASE_BACKOFF_MS] : [];
      for (;;) {
        const retryOn409 = delays.length > 0 && !ctx.signal?.aborted;
        let hidden = false;
        const w: ExchangeWatch | undefined =
          watch && retryOn409
            ? {
                ...watch,
                onHead: (status, headers) => {
                  if (status === 409) hidden = true;
                  else watch.onHead?.(status, headers);
                },
                onMessage: (m) => {
                  if (!hidden) watch.onMessage?.(m);
                },
              }
            : watch;
        ex = await exchange(ctx.agent, req, read, ctx.limits, -1, stepId, ctx.signal, w);
        if (!retryOn409 || ex.record.response?.status !== 409) break;
        const delayMs = delays.shift()!;
        ex.record.note = `${ex.record.note ? `${ex.record.note}; ` : ''}409 while no other GET of the run was open (the server may still be releasing a stream that just closed): sent again after ${delayMs} ms (not judged)`;
        redactExtraHeaders(ex.record.request.headers, ctx.headers);
        if (record) keep(ex.record);
        await sleep(delayMs, ctx.signal);
      }
    } finally {
      if (isGet) getsInFlight--;
    }
    sessions.observe(ex.record);
    redactExtraHeaders(ex.record.request.headers, ctx.headers);
    if (record) keep(ex.record);
    return { ex, awaitId: req.awaitId };
  };

  for (const step of scenario.steps) {
    if (pending().length === 0) break;
    if (ctx.signal?.aborted) {
      decideRest('skipped', { reason: interruptReason(ctx.signal) });
      status = 'interrupted';
      break;
    }
    // A step without http/probe asserts on the previous step's observation.
    const obs: Observation = step.http || step.probe ? { captures: vars } : { ...lastObs, captures: vars };
    try {
      if (step.wait !== undefined) {
        const ms = Number(interpolate(step.wait, vars));
        if (!Number.isFinite(ms) || ms < 0 || ms > MAX_WAIT_MS) throw new Error(`wait of ${String(ms)} ms is outside 0..${MAX_WAIT_MS}`);
        await sleep(ms, ctx.signal);
      } else if (step.http) {
        const { ex, awaitId } = await send(step.http, step.id, true);
        obs.record = ex.record;
        obs.messages = ex.messages;
        obs.subject = subjectOf(ex, awaitId);
        const info = resolvePointer(obs.subject, '/result/serverInfo');
        if (!serverInfo && info && typeof info === 'object' && step.http.jsonrpc?.method === 'initialize') serverInfo = info as Record<string, unknown>;
      } else if (step.probe) {
        const probe = PROBES[step.probe]!;
        let unrecorded = 0;
        const shared = ctx.shared ?? new Map<string, Promise<unknown>>();
        const res = await probe.run({
          params: interpolate(step.with ?? {}, vars),
          protocolVersion: version,
          ...(ctx.initializeLatencyMs !== undefined ? { initializeLatencyMs: ctx.initializeLatencyMs } : {}),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          request: async (spec, opts) => {
            const record = opts?.transcript !== false;
            if (!record) unrecorded++;
            return (await send(spec, step.id, record, opts?.watch)).ex;
          },
          record: (rec, note) => keep({ ...structuredClone(rec), step: step.id, ...(note ? { note: rec.note ? `${rec.note}; ${note}` : note } : {}) }),
          once: <T>(key: string, fn: () => Promise<T>): Promise<T> => {
            if (!shared.has(key)) shared.set(key, fn());
            return shared.get(key) as Promise<T>;
          },
        });
        obs.subject = res.output;
        if (unrecorded && transcript.length) {
          const last = transcript[transcript.length - 1]!;
          last.note = `${last.note ? `${last.note}; ` : ''}probe ${step.probe} sent ${unrecorded} further exchanges not kept in the transcript`;
        }
        if (res.error) {
          decideRest('error', { reason: res.error.kind, observed: `${res.error.message}. ${res.output.summary}` });
          status = 'error';
          break;
        }
      }
    } catch (err) {
      harnessFault(step, err);
      break;
    }

    // A broken exchange decides nothing about conformance unless a rung asks for it.
    if (ctx.signal?.aborted) {
      // What this step saw was cut short by the interruption: decide nothing from it.
      decideRest('skipped', { reason: interruptReason(ctx.signal) });
      status = 'interrupted';
      break;
    }
    lastObs = obs;
    // Judging may also meet harness faults (a variable captured as absent, a bad pattern): those are errors, never verdicts.
    try {
      const brokeAt = step.http || step.probe ? obs.record?.error : undefined;
      if (brokeAt) {
        const explicit = (step.outcomes ?? []).find((o) => o.when && mentionsTransportError(o.when) && matches(o.when, obs));
        if (!explicit) {
          decideRest('error', { reason: brokeAt.kind, observed: `step ${step.id}: ${brokeAt.kind}: ${brokeAt.message}` });
          status = 'error';
          break;
        }
      }

      for (const [name, spec] of Object.entries(step.capture ?? {})) {
        if ('header' in spec) vars[name] = obs.record?.response?.headers[spec.header.toLowerCase()];
        else if ('pointer' in spec) vars[name] = resolvePointer(obs.subject, spec.pointer);
        else vars[name] = obs.record?.response?.status;
      }

      const aw = step['applies-when'];
      if (aw && !matches(interpolate(aw.that, vars), obs)) {
        decideRest('not-applicable', { reason: aw.reason, expected: describeMatcher(aw.that), observed: describeObservation(obs, [aw.that]) });
        status = 'not-applicable';
        break;
      }

      const looked = collectMatchers(step).map((m) => interpolate(m, vars));
      for (const [slug, m] of Object.entries(step.expect ?? {})) {
        const st = states.get(slug)!;
        const mi = interpolate(m, vars);
        const ok = matches(mi, obs);
        decide(st, ok ? 'pass' : badVerdictFor(st.level), { expected: describeMatcher(mi), observed: describeObservation(obs, [mi]) });
      }

      if (step.outcomes) {
        const rung = step.outcomes.find((o) => o.otherwise || (o.when && matches(interpolate(o.when, vars), obs)));
        if (rung) applyRung(rung, step.outcomes, states, decide, obs, looked, vars);
        if (rung?.end) {
          decideRest(rung.end.remaining ?? 'not-applicable', { reason: rung.end.reason });
          status = 'ended-early';
          break;
        }
      }

      const rq = step.require;
      if (rq && !matches(interpolate(rq.that, vars), obs)) {
        decideRest('blocked', {
          reason: rq.reason,
          expected: `step ${step.id}: ${describeMatcher(rq.that)}`,
          observed: describeObservation(obs, [rq.that]),
        });
        status = 'ended-early';
        break;
      }
    } catch (err) {
      harnessFault(step, err);
      break;
    }
  }
  decideRest('error', { reason: 'not-decided', observed: 'no step decided this check (scenario bug)' });
  // End the sessions this run opened and did not end itself, so that they hold nothing on the server
  // (a server may cap live sessions). After every verdict; never judged, never in the transcript.
  if (!ctx.signal?.aborted) {
    const open = sessions.unended();
    if (open.length) {
      const nv = typeof vars.negotiatedVersion === 'string' ? vars.negotiatedVersion : version;
      const headers: Record<string, string> = nv >= VERSION_HEADER_SINCE ? { 'MCP-Protocol-Version': nv } : {};
      const limits = { ...ctx.limits, timeoutMs: Math.min(ctx.limits.timeoutMs, CLEANUP_TIMEOUT_MS) };
      await Promise.all(
        open.map((id) =>
          exchange(ctx.agent, buildRequest({ method: 'DELETE', preset: 'none', headers: { ...headers, 'Mcp-Session-Id': id } }, ctx.url, {}, nextId, ctx.headers), { kind: 'response' }, limits, -1, 'cleanup', ctx.signal),
        ),
      );
    }
  }

  const checks: CheckResult[] = scenario.checks.map((c) => {
    const st = states.get(c.id)!;
    const r: CheckResult = {
      id: `${scenario.id}/${c.id}`,
      scenario: scenario.id,
      protocolVersion: version,
      title: c.title,
      level: st.level,
      requirements: c.requirements,
      spec: c.spec,
      specUrl: specUrl(c.spec, version),
      verdict: st.verdict!,
      transcript: { scenarioRun: key, seqs: st.seqs },
    };
    if (st.reason) r.reason = st.reason;
    if (st.expected) r.expected = st.expected;
    if (st.observed) r.observed = st.observed;
    return r;
  });
  const captures: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars))
    if (!['url', 'origin', 'port', 'protocolVersion', ...Object.keys(DEFAULT_RUN_OPTIONS), 'sessionTtlMs'].includes(k) && v !== undefined) captures[k] = v;
  const run: ScenarioRun = {
    key,
    id: scenario.id,
    title: scenario.title,
    file: scenario.file,
    protocolVersion: version,
    status,
    durationMs: Date.now() - started,
    captures,
    transcript,
    checks: checks.map((c) => c.id),
  };
  return { run, checks, ...(serverInfo ? { serverInfo } : {}) };
}

function applyRung(
  rung: Outcome,
  ladder: Outcome[],
  states: Map<string, CheckState>,
  decide: (st: CheckState, v: Verdict, extra: { reason?: string; expected?: string; observed?: string }) => void,
  obs: Observation,
  looked: Matcher[],
  vars: Record<string, unknown>,
): void {
  for (const [slug, verdict] of Object.entries(rung.record)) {
    const st = states.get(slug)!;
    // "Expected" is what the passing rungs for this check ask for.
    const good = ladder.filter((o) => o.when && o.record[slug] === 'pass').map((o) => describeMatcher(interpolate(o.when!, vars)));
    const expected = safeInterpolate(rung.expected, vars) ?? (good.length ? good.join('; or ') : undefined);
    const observed = safeInterpolate(rung.observed, vars) ?? describeObservation(obs, looked);
    decide(st, verdict, {
      ...(rung.reason ? { reason: rung.reason } : {}),
      ...(expected ? { expected } : {}),
      observed,
    });
  }
}
