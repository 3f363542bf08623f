/**
 * The three parts of undici the harness uses — the `Agent` connection pool,
 * the `request` API and the error classes — loaded from their own modules
 * instead of undici's index. The index also loads fetch, WebSocket,
 * EventSource, cookies, caches, interceptors and mocks (and, through them,
 * Node's bundled copy of undici), which costs about 40 ms of every run's
 * start-up on a 2-core machine and is never used.
 *
 * undici publishes no `exports` map, so these module paths can be required;
 * `undici-core.test.ts` proves they are the very class, function and error
 * classes the index exports, so an undici release that moves them fails the
 * tests instead of the runs.
 */
import { createRequire } from 'node:module';
import type { Agent as UndiciAgent, Dispatcher, errors as UndiciErrors } from 'undici';

const load = createRequire(import.meta.url);

/** undici's `Agent` (`undici/lib/dispatcher/agent.js`), the class `import { Agent } from 'undici'` gives. */
export const Agent = load('undici/lib/dispatcher/agent.js') as typeof UndiciAgent;
/** The type of an {@link Agent} instance. */
export type Agent = UndiciAgent;

/** undici's error classes (`undici/lib/core/errors.js`), the object `import { errors } from 'undici'` gives. */
export const errors = load('undici/lib/core/errors.js') as typeof UndiciErrors;

const api = load('undici/lib/api/index.js') as {
  request(this: Dispatcher, opts: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
};
const util = load('undici/lib/core/util.js') as { parseURL(url: string): URL };

/** Options of {@link request}: undici's, with the dispatcher to send through required. */
export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  method: Dispatcher.HttpMethod;
  dispatcher: Dispatcher;
};

/**
 * undici's `request(url, opts)` on `opts.dispatcher`: the URL is checked and
 * split into origin and path by undici's own parser, as the index's
 * `request` does.
 * @throws undici's `InvalidArgumentError` for a URL that is not http(s)
 */
export function request(url: string, opts: RequestOptions): Promise<Dispatcher.ResponseData> {
  const u = util.parseURL(url);
  const { dispatcher, ...rest } = opts;
  return api.request.call(dispatcher, { ...rest, origin: u.origin, path: u.search ? `${u.pathname}${u.search}` : u.pathname });
}
