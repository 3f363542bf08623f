/**
 * Runs one scenario at one protocol version and decides its checks. The
 * runner speaks to the target only through a `ScenarioTransport`
 * (`transport.ts`; Streamable HTTP by default), so its step semantics can be
 * tested against a fake one.
 *
 * Per step, in order: send (or run the probe) → if the exchange broke and no
 * outcome names `transportError`, every pending check is `error` and the
 * scenario stops → captures → `applies-when` (else pending checks are
 * `not-applicable`) → `expect` → `outcomes` (first match) → `require` (else
 * pending checks are `blocked`). A check still pending at the end is an
 * `error` (`not-decided`): a scenario bug, never a pass.
 */
import type { Agent } from 'undici';
import type { CheckResult, ExchangeRecord, Level, ScenarioRun, ScenarioStatus, Verdict } from '../model/results.js';
import type { CheckDecl, HttpRequestSpec, Matcher, Outcome, Scenario, Step } from '../model/scenario.js';
import type { Exchange, ExchangeLimits, ExchangeWatch } from '../transport/http.js';
import { answeredIds, strayResponse, subjectOf } from '../transport/subject.js';
import { interpolate, UnknownVariableError } from '../model/interpolate.js';
import { describeMatcher, describeObservation, describeStray, matches, resolvePointer, type Observation } from './match.js';
import { badVerdictFor, capVerdict } from '../model/verdict-policy.js';
import { inRange, STATELESS_SINCE } from '../model/versions.js';
import { PROBES } from '../probes/index.js';
import { unsupportedSentence, type RevisionSupport } from './discovery.js';
import { streamableHttpTransport } from '../transport/streamable-http.js';
import type { ScenarioTransport, Sent } from '../transport/transport.js';
import type { TransportKind } from '../model/scenario.js';
import { sleep } from '../util/sleep.js';
import { ENGINE_REASON } from '../model/reason-codes.js';
import { watchedMs } from './estimate.js';

export { buildRequest, REDACTED, redactExtraHeaders } from '../transport/request.js';

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
  /**
   * Runs `work` while the scenario run only watches or waits (a GET stream
   * read to the end of its window, a pause, a shared sample another run is
   * taking), giving its scheduler place up meanwhile (see `Slot.idle` in
   * scheduler.ts). Absent: `work` runs as is.
   */
  idle?: <W>(work: () => Promise<W>) => Promise<W>;
  /** The transport of each scenario run (default: Streamable HTTP to `url` through `agent`); tests pass fakes. */
  transport?: TransportFactory;
  /**
   * Set when discovery got no answer to any initialize (the target accepts
   * connections, or starts, but never answers): nothing is sent; `check`
   * (fully qualified) takes `error` with `kind` as its reason, every other
   * check that would have been judged is `blocked` (`target-not-answering`),
   * each with `observed`. One root cause instead of a hundred timeouts.
   */
  unanswered?: { check: string; kind: string; observed: string };
  /**
   * The run's watch on the target going away mid-run (a started process that
   * exited, a port that refuses connections). When it is gone, nothing more
   * is sent: one check of the whole run (the first to meet it) is `error`
   * (`target-gone`, with the exit code and the end of stderr), every other
   * pending check `blocked` (`target-gone`, naming that check). Absent: a
   * broken connection is an `error` of its step as usual.
   */
  liveness?: TargetLiveness;
  /** The target's era from discovery (`session-era`, `stateless-era`, `dual-era`, `unknown`): the variable `era` of the run. */
  era?: string;
  /**
   * Set when the era is unknown (a discovery probe had no usable answer):
   * checks at 2026-07-28 and later take `error` (`era-unknown`) with this
   * text as observed, and nothing is sent for them (never a guess from silence).
   */
  eraUnknown?: string;
}

/** What the runner asks about the target's life (see `RunnerContext.liveness`); made by the run (`suite.ts`). */
export interface TargetLiveness {
  /** Without waiting: words for why the target is gone when that is already known, else undefined. */
  known(): string | undefined;
  /** After a broken exchange: words for why the target is gone, or undefined when it is still up. Never rejects. */
  check(): Promise<string | undefined>;
  /** Claims the root cause for `check` (`<check id>@<version>`): the first caller's key is returned to every caller. */
  claim(check: string): string;
}

/** Makes the transport of one scenario run. */
export type TransportFactory = (scenario: Scenario, ctx: RunnerContext) => ScenarioTransport;

/** Streamable HTTP to `ctx.url` through `ctx.agent`. */
const defaultTransport: TransportFactory = (scenario, ctx) =>
  streamableHttpTransport({
    agent: ctx.agent,
    url: ctx.url,
    limits: ctx.limits,
    ...(ctx.headers ? { headers: ctx.headers } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    holdsGetStream: scenario.holds?.includes('get-stream') === true,
    protocolVersion: ctx.protocolVersion,
  });

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
  return typeof signal.reason === 'string' ? signal.reason : ENGINE_REASON.runInterrupted;
}

/** Spec URL for a page/anchor at a revision. */
export function specUrl(spec: string, version: string): string {
  return `https://modelcontextprotocol.io/specification/${version}/${spec}`;
}

/** Level of a check at a version, after `escalate`. */
export function levelAt(c: CheckDecl, version: string): Level {
  return c.escalate && version >= c.escalate.from ? c.escalate.level : c.level;
}


function collectMatchers(step: Step, ladder: Outcome[]): Matcher[] {
  return [...Object.values(step.expect ?? {}), ...ladder.flatMap((o) => (o.when ? [o.when] : []))];
}

function mentionsTransportError(m: Matcher): boolean {
  return m.transportError !== undefined || (m.all ?? []).some(mentionsTransportError) || (m.any ?? []).some(mentionsTransportError);
}

/** The not-applicable reason of something written for `kinds` only, run over another transport. */
function elsewhereReason(kinds: readonly TransportKind[]): string {
  return kinds.includes('streamable-http') ? ENGINE_REASON.transportHttpOnly : ENGINE_REASON.transportStdioOnly;
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
  const vars: Record<string, unknown> = { protocolVersion: version, url: ctx.url, origin: target.origin, port, ...(ctx.era ? { era: ctx.era } : {}) };
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
    const reason = err instanceof UnknownVariableError ? ENGINE_REASON.unknownVariable : ENGINE_REASON.harnessError;
    decideRest('error', { reason, observed: `step ${step.id}: ${(err as Error).message}` });
    status = 'error';
  };

  // Applicability before any traffic.
  if (!inRange(version, scenario.versions)) {
    decideRest('not-applicable', { reason: ENGINE_REASON.versionOutOfRange });
    status = 'not-applicable';
  }
  for (const st of states.values())
    if (st.verdict === undefined && !inRange(version, st.decl.versions)) decide(st, 'not-applicable', { reason: ENGINE_REASON.versionOutOfRange });
  // A server that speaks only 2026-07-28 (era detection) has no session era at all: no session-era rule applies to it,
  // version negotiation's included (its initialize answer is judged by stateless.eras).
  if (pending().length && ctx.era === 'stateless-era' && version < STATELESS_SINCE) {
    decideRest('not-applicable', {
      reason: ENGINE_REASON.versionNotSupportedByServer,
      expected: `a server that negotiates ${version}`,
      observed: `era detection: the server speaks only 2026-07-28 (server/discover answered, no initialize negotiated a revision), so the rules of ${version} do not apply`,
    });
    status = 'not-applicable';
  }
  if (pending().length && ctx.revision?.support === 'not-supported' && !scenario.runsAtUnsupportedVersions) {
    decideRest('not-applicable', {
      reason: ENGINE_REASON.versionNotSupportedByServer,
      expected: `a server that negotiates ${version}`,
      observed: unsupportedSentence(ctx.revision),
    });
    status = 'not-applicable';
  }

  const transport = (ctx.transport ?? defaultTransport)(scenario, ctx);
  // A scenario written for other transports sends nothing over this one.
  const kinds = scenario.transports ?? ['streamable-http'];
  if (pending().length && !kinds.includes(transport.kind)) {
    decideRest('not-applicable', {
      reason: elsewhereReason(kinds),
      observed: `the scenario applies to ${kinds.join(', ')}; this run speaks ${transport.kind}`,
    });
    status = 'not-applicable';
  }
  for (const st of pending())
    if (st.decl.transports && !st.decl.transports.includes(transport.kind))
      decide(st, 'not-applicable', {
        reason: elsewhereReason(st.decl.transports),
        observed: `the check applies to ${st.decl.transports.join(', ')}; this run speaks ${transport.kind}`,
      });
  if (pending().length && ctx.unanswered) {
    const u = ctx.unanswered;
    for (const st of pending())
      if (`${scenario.id}/${st.decl.id}` === u.check) decide(st, 'error', { reason: u.kind, observed: u.observed });
    decideRest('blocked', { reason: ENGINE_REASON.targetNotAnswering, expected: 'an answer to initialize before any scenario', observed: u.observed });
    status = 'error';
  }
  if (pending().length && ctx.eraUnknown !== undefined && version >= STATELESS_SINCE) {
    decideRest('error', { reason: ENGINE_REASON.eraUnknown, expected: `an answer to server/discover that tells whether the server serves ${version}`, observed: ctx.eraUnknown });
    status = 'error';
  }
  /** The target is gone (`words`): the run's first such check (of `own`, else of the pending) is error, the rest blocked; nothing more is sent. */
  const targetGone = (words: string, own: CheckState[]) => {
    const first = (own.length ? own : pending())[0];
    const holder = first && ctx.liveness ? ctx.liveness.claim(`${scenario.id}/${first.decl.id}@${version}`) : undefined;
    if (first && holder === `${scenario.id}/${first.decl.id}@${version}`) decide(first, 'error', { reason: ENGINE_REASON.targetGone, expected: 'a target that stays up for the whole run', observed: words });
    decideRest('blocked', { reason: ENGINE_REASON.targetGone, expected: 'a target that stays up for the whole run', observed: `${words} (the root cause is the error on ${holder ?? 'another check'})` });
    status = 'error';
  };
  const goneAtStart = ctx.signal?.aborted ? undefined : ctx.liveness?.known();
  if (pending().length && goneAtStart !== undefined) targetGone(goneAtStart, []);
  const keep = (rec: ExchangeRecord) => {
    // Numbered when it ends: a probe's concurrent exchanges still get distinct, ordered seqs.
    rec.seq = transcript.length;
    transcript.push(rec);
  };
  // Ids of this run's requests not answered yet: a response carrying one of them is interleaving, not a wrong id (BASE-004).
  const inFlight = new Set<unknown>();
  const track = (sent: Sent): Sent => {
    for (const id of answeredIds(sent.ex)) inFlight.delete(id);
    if (sent.awaitId !== undefined && !answeredIds(sent.ex).includes(sent.awaitId)) inFlight.add(sent.awaitId);
    return sent;
  };
  const recorded = (record: boolean) => (sent: Sent): Sent => {
    if (record) keep(sent.ex.record);
    return sent;
  };
  const send = (spec: HttpRequestSpec, stepId: string, record: boolean, watch?: ExchangeWatch): Promise<Sent> =>
    transport.http(spec, { stepId, vars, nextId, ...(watch ? { watch } : {}), ...(record ? { keep: (ex: Exchange) => keep(ex.record) } : {}) }).then(recorded(record));

  const idle = ctx.idle ?? (<W>(work: () => Promise<W>) => work());
  for (const step of scenario.steps) {
    if (pending().length === 0) break;
    if (ctx.signal?.aborted) {
      decideRest('skipped', { reason: interruptReason(ctx.signal) });
      status = 'interrupted';
      break;
    }
    // A step written for other transports is skipped: it sends and judges nothing.
    if (step.transports && !step.transports.includes(transport.kind)) continue;
    // A step without http/send/probe asserts on the previous step's observation.
    const sends = step.http !== undefined || step.send !== undefined || step.probe !== undefined || step.stdio !== undefined;
    const obs: Observation = sends ? { captures: vars } : { ...lastObs, captures: vars };
    try {
      if (step.wait !== undefined) {
        const ms = Number(interpolate(step.wait, vars));
        if (!Number.isFinite(ms) || ms < 0 || ms > MAX_WAIT_MS) throw new Error(`wait of ${String(ms)} ms is outside 0..${MAX_WAIT_MS}`);
        await idle(() => sleep(ms, ctx.signal));
      } else if (step.stdio) {
        if (!transport.control) throw new Error(`a stdio step cannot run over ${transport.kind}`);
        const c = step.stdio;
        const { ex } = await transport
          .control({ action: c.do, ...(c.signal ? { signal: c.signal } : {}), waitMs: c.within }, { stepId: step.id, vars, nextId })
          .then(recorded(true));
        obs.record = ex.record;
        obs.messages = ex.messages;
      } else if (step.http || step.send) {
        const exchange = (): Promise<Sent> =>
          step.http
            ? send(step.http, step.id, true)
            : transport
                .message(step.send!, { stepId: step.id, vars, nextId, keep: (x: Exchange) => keep(x.record), ...(step.window !== undefined ? { windowMs: step.window } : {}) })
                .then(recorded(true));
        // A step that only watches a window (a GET stream kept open) gives its place up while it watches.
        const { ex, awaitId, session } = watchedMs(step, transport.kind) > 0 ? await idle(exchange) : await exchange();
        obs.record = ex.record;
        obs.messages = ex.messages;
        obs.subject = subjectOf(ex, awaitId);
        const stray = strayResponse(ex, awaitId, inFlight);
        if (stray) obs.stray = stray;
        track({ ex, ...(awaitId !== undefined ? { awaitId } : {}) });
        if (session !== undefined) obs.session = session;
        const info = resolvePointer(obs.subject, '/result/serverInfo');
        const method = step.http?.jsonrpc?.method ?? step.send?.method;
        if (!serverInfo && info && typeof info === 'object' && method === 'initialize') serverInfo = info as Record<string, unknown>;
      } else if (step.probe) {
        const probe = PROBES[step.probe]!;
        let unrecorded = 0;
        const shared = ctx.shared ?? new Map<string, Promise<unknown>>();
        // A probe retries what fails (refusals, broken connections): once the target is gone it is stopped, not left to retry.
        const probeStop = new AbortController();
        const onRunAbort = () => probeStop.abort(ctx.signal?.reason);
        if (ctx.signal?.aborted) onRunAbort();
        ctx.signal?.addEventListener('abort', onRunAbort, { once: true });
        let probeGone: string | undefined;
        const watchGone = async (ex: Exchange): Promise<Exchange> => {
          if (ex.record.error?.kind === 'connection' && ctx.liveness && probeGone === undefined) {
            const words = await ctx.liveness.check();
            if (words !== undefined && probeGone === undefined) {
              probeGone = `${ex.record.error.message}; ${words}`;
              probeStop.abort(ENGINE_REASON.targetGone);
            }
          }
          return ex;
        };
        const res = await probe.run({
          params: interpolate(step.with ?? {}, vars),
          protocolVersion: version,
          ...(ctx.initializeLatencyMs !== undefined ? { initializeLatencyMs: ctx.initializeLatencyMs } : {}),
          signal: probeStop.signal,
          request: async (spec, opts) => {
            const record = opts?.transcript !== false;
            if (!record) unrecorded++;
            return watchGone(track(await send(spec, step.id, record, opts?.watch)).ex);
          },
          transport: transport.kind,
          message: async (msg, opts) => {
            const record = opts?.transcript !== false;
            if (!record) unrecorded++;
            const sent = await transport.message(msg, {
              stepId: step.id,
              vars: opts?.session ? { ...vars, sessionId: opts.session.sessionId, negotiatedVersion: opts.session.negotiatedVersion } : vars,
              nextId,
              ...(record ? { keep: (x: Exchange) => keep(x.record) } : {}),
              ...(opts?.windowMs !== undefined ? { windowMs: opts.windowMs } : {}),
            });
            if (record) keep(sent.ex.record);
            return watchGone(track(sent).ex);
          },
          record: (rec, note) => keep({ ...structuredClone(rec), step: step.id, ...(note ? { note: rec.note ? `${rec.note}; ${note}` : note } : {}) }),
          // The run that takes a shared sample works; the others only wait for it.
          once: <T>(key: string, fn: () => Promise<T>): Promise<T> => {
            if (!shared.has(key)) {
              shared.set(key, fn());
              return shared.get(key) as Promise<T>;
            }
            return idle(() => shared.get(key) as Promise<T>);
          },
          idle,
        }).finally(() => ctx.signal?.removeEventListener('abort', onRunAbort));
        obs.subject = res.output;
        if (unrecorded && transcript.length) {
          const last = transcript[transcript.length - 1]!;
          last.note = `${last.note ? `${last.note}; ` : ''}probe ${step.probe} sent ${unrecorded} further exchanges not kept in the transcript`;
        }
        const goneInProbe = ctx.signal?.aborted ? undefined : (probeGone ?? (res.error ? await ctx.liveness?.check() : undefined));
        if (goneInProbe !== undefined) {
          targetGone(`step ${step.id}: ${probeGone ? '' : `${res.error!.message}; `}${goneInProbe}`, []);
          break;
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
      // The ladder over this transport: rungs narrowed to another one neither decide nor explain anything here.
      const ladder = (step.outcomes ?? []).filter((o) => !o.transports || o.transports.includes(transport.kind));
      const brokeAt = sends ? obs.record?.error : undefined;
      // A connection that broke because the target went away says nothing about this step: it is the run's root cause.
      const gone = brokeAt?.kind === 'connection' && ctx.liveness ? await ctx.liveness.check() : undefined;
      if (gone !== undefined && !ctx.signal?.aborted) {
        const mine = new Set([...Object.keys(step.expect ?? {}), ...ladder.flatMap((o) => Object.keys(o.record))]);
        targetGone(`step ${step.id}: ${brokeAt!.kind}: ${brokeAt!.message}; ${gone}`, pending().filter((st) => mine.has(st.decl.id)));
        break;
      }
      if (brokeAt) {
        const explicit = ladder.find((o) => o.when && mentionsTransportError(o.when) && matches(o.when, obs));
        if (!explicit && brokeAt.kind === 'exited') {
          // The server process died: what this step judges is an error (with the exit and stderr), the rest cannot be judged.
          const observed = `step ${step.id}: ${brokeAt.message}`;
          const mine = new Set([...Object.keys(step.expect ?? {}), ...ladder.flatMap((o) => Object.keys(o.record))]);
          const own = pending().filter((st) => mine.has(st.decl.id));
          for (const st of own.length ? own : pending()) decide(st, 'error', { reason: brokeAt.kind, observed });
          decideRest('blocked', { reason: brokeAt.kind, expected: `step ${step.id} answered`, observed });
          status = 'error';
          break;
        }
        if (!explicit) {
          decideRest('error', { reason: brokeAt.kind, observed: `step ${step.id}: ${brokeAt.kind}: ${brokeAt.message}` });
          status = 'error';
          break;
        }
      }

      for (const [name, spec] of Object.entries(step.capture ?? {})) {
        if ('header' in spec) vars[name] = obs.record?.response?.headers[spec.header.toLowerCase()];
        else if ('pointer' in spec) vars[name] = resolvePointer(obs.subject, spec.pointer);
        else if ('session' in spec) vars[name] = obs.session;
        else vars[name] = obs.record?.response?.status;
      }

      const aw = step['applies-when'];
      if (aw && !matches(interpolate(aw.that, vars), obs)) {
        decideRest('not-applicable', { reason: aw.reason, expected: describeMatcher(aw.that), observed: describeObservation(obs, [aw.that]) });
        status = 'not-applicable';
        break;
      }

      const undecided = pending();
      const looked = collectMatchers(step, ladder).map((m) => interpolate(m, vars));
      for (const [slug, m] of Object.entries(step.expect ?? {})) {
        const st = states.get(slug)!;
        const mi = interpolate(m, vars);
        const ok = matches(mi, obs);
        decide(st, ok ? 'pass' : badVerdictFor(st.level), { expected: describeMatcher(mi), observed: describeObservation(obs, [mi]) });
      }

      const rung = step.outcomes ? ladder.find((o) => o.otherwise || (o.when && matches(interpolate(o.when, vars), obs))) : undefined;
      if (rung) applyRung(rung, ladder, states, decide, obs, looked, vars);
      // The answer carried another request's id (one not in flight): whatever this step found missing or wrong in it,
      // the cause is that broken id, a MUST (BASE-004) — so its non-passing verdicts are fail, naming both ids.
      if (obs.stray) {
        const said = describeStray(obs.stray);
        for (const st of undecided)
          if (st.verdict === 'fail' || st.verdict === 'warn' || st.verdict === 'info') {
            st.verdict = capVerdict('fail', st.level);
            st.expected = `a JSON-RPC response with the request's id ${JSON.stringify(obs.stray.awaitId)} (BASE-004)`;
            st.observed = st.observed?.includes(said) ? st.observed : `${said}${st.observed ? `; ${st.observed}` : ''}`;
          }
      }
      if (rung?.end) {
        decideRest(rung.end.remaining ?? 'not-applicable', { reason: rung.end.reason });
        status = 'ended-early';
        break;
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
  decideRest('error', { reason: ENGINE_REASON.notDecided, observed: 'no step decided this check (scenario bug)' });
  // End what the run left open (its sessions), after every verdict; never judged, never in the transcript.
  if (!ctx.signal?.aborted) await transport.close(vars);

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
    if (!['url', 'origin', 'port', 'protocolVersion', 'era', ...Object.keys(DEFAULT_RUN_OPTIONS), 'sessionTtlMs'].includes(k) && v !== undefined) captures[k] = v;
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
