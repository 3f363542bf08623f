/**
 * report.html in a real browser: Debian's chromium (`/usr/bin/chromium`,
 * installed by `.ci/run`), driven by playwright-core. Never skipped: without
 * the browser the test fails and says how to install it.
 *
 * 1. The bundled reference: the page's counts and result statements equal
 *    results.json (statements by the one statement function), a filter click
 *    hides the passing checks, print media hides the filters and opens the
 *    transcripts, and page.pdf() gives a PDF. A screenshot goes to
 *    docs/report-screenshot.png with UPDATE_SCREENSHOT=1 (else a temp dir).
 * 2. The markup fixture (fixtures/markup-server.ts): its payloads reach the
 *    page as text, and nothing executes (no dialog), nothing is injected (no
 *    payload element, no event-handler attribute, no javascript: link) and
 *    nothing loads (the only request is the file itself).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../harness/model/paths.js';
import type { RunResults, Verdict } from '../harness/model/results.js';
import { resultStatements } from '../harness/model/statement.js';
import { runCli } from '../fixtures/cli-process.js';
import { MARKUP_PAYLOADS, MARKUP_SERVER_NAME, startMarkupServer, type MarkupServer } from '../fixtures/markup-server.js';
import { VERDICT_ORDER } from './common.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let browser: Browser;
let work: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the report's browser test needs Debian's chromium (apt-get install -y chromium; .ci/run installs it)`);
  }
  work = mkdtempSync(join(tmpdir(), 'mcp-html-browser-'));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

afterAll(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** What a page did while it was open. */
interface Watched {
  page: Page;
  dialogs: string[];
  requests: string[];
  console: string[];
}

/** Opens a report from disk, recording every dialog (dismissed), request and console message. */
async function open(file: string): Promise<Watched> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const w: Watched = { page, dialogs: [], requests: [], console: [] };
  page.on('dialog', (d) => {
    w.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => w.requests.push(r.url()));
  page.on('console', (m) => w.console.push(`${m.type()}: ${m.text()}`));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return w;
}

/** Runs the CLI into a fresh folder under `work`; returns the folder and its results. */
async function run(name: string, args: string[]): Promise<{ dir: string; results: RunResults }> {
  const dir = join(work, name);
  const r = await runCli([...args, '--out', dir]);
  expect(existsSync(join(dir, 'report.html')), `${name}: exit ${r.code}\n${r.stderr}`).toBe(true);
  return { dir, results: JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunResults };
}

describe('report.html in chromium', () => {
  it('the reference report shows the counts and statements of results.json, filters, prints, and runs only its own script', async () => {
    const { dir, results } = await run('reference', []);
    const w = await open(join(dir, 'report.html'));
    const { page } = w;
    try {
      // Counts and statements, as the browser renders them.
      for (const v of VERDICT_ORDER) expect(await page.locator(`[data-count="${v}"]`).textContent(), v).toBe(String(results.summary[v as Verdict]));
      const shown = await page.locator('li.statement strong').allTextContents();
      expect(shown).toEqual(resultStatements(results).map((s) => s.text));
      expect(shown).toEqual(['Conformant at MUST level for 2025-11-25']);
      const sections = page.locator('section.check');
      const total = results.checks.filter((c) => c.reason !== 'version-not-supported-by-server').length;
      expect(await sections.count()).toBe(total);

      // The script ran: the filters are visible. Unchecking "pass" hides every passing check and nothing else.
      await expect.poll(() => page.locator('#filters').isVisible()).toBe(true);
      const passing = results.checks.filter((c) => c.verdict === 'pass').length;
      expect(passing).toBeGreaterThan(0);
      expect(await page.locator('section.check:visible').count()).toBe(total);
      await page.locator('#filters input[data-filter="verdict"][value="pass"]').click();
      expect(await page.locator('section.check[data-verdict="pass"]:visible').count()).toBe(0);
      expect(await page.locator('section.check:visible').count()).toBe(total - passing);
      expect(await page.locator('#shown-count').textContent()).toBe(String(total - passing));
      await page.locator('#filters input[data-filter="verdict"][value="pass"]').click();
      expect(await page.locator('section.check:visible').count()).toBe(total);

      // Print media: no filters, every transcript open (its <pre> laid out), nothing cut by a scroll box.
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('#filters').isVisible()).toBe(false);
      const closedPre = page.locator('section.check details:not([open]) > pre').first();
      expect(await closedPre.isVisible()).toBe(true);
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.length).toBeGreaterThan(50_000);
      await page.emulateMedia({ media: 'screen' });
      expect(await closedPre.isVisible()).toBe(false);

      // Self-contained: the file was the only request, no dialog, no CSP complaint about its own script or style.
      expect(w.requests).toEqual([pathToFileURL(join(dir, 'report.html')).href]);
      expect(w.dialogs).toEqual([]);
      expect(w.console.filter((m) => /Content Security Policy/i.test(m))).toEqual([]);

      const shot = process.env.UPDATE_SCREENSHOT === '1' ? join(PACKAGE_ROOT, 'docs', 'report-screenshot.png') : join(work, 'report-screenshot.png');
      writeFileSync(shot, await page.screenshot({ fullPage: false }));
    } finally {
      await page.close();
    }
  });

  it('the markup fixture: its payloads are shown as text, and nothing executes, is injected or loads', async () => {
    let server: MarkupServer | undefined;
    try {
      server = await startMarkupServer();
      const scenarios = ['lifecycle.initialize.result', 'lifecycle.capabilities.unknown-method', 'lifecycle.ping', 'http.session.get-stream'];
      const { dir, results } = await run('markup', ['--url', server.url, ...scenarios.flatMap((s) => ['--scenario', s])]);
      expect(server.requests()).toBeGreaterThan(5);
      const file = join(dir, 'report.html');
      const html = readFileSync(file, 'utf8');
      const w = await open(file);
      const { page } = w;
      try {
        // Give event handlers a chance: focus and hover every element a payload could have become, then print media.
        await page.mouse.move(200, 200);
        await page.keyboard.press('Tab');
        await page.emulateMedia({ media: 'print' });
        await page.emulateMedia({ media: 'screen' });

        // Nothing ran, was injected or loaded: no dialog, no request but the file, no element or attribute of theirs.
        expect(w.dialogs).toEqual([]);
        expect(w.requests).toEqual([pathToFileURL(file).href]);
        const found = await page.evaluate(() => {
          // Runs in the page (the project compiles without the DOM library: the little it uses, typed here).
          interface El { tagName: string; attributes: ArrayLike<{ name: string }>; getAttribute(n: string): string | null }
          const document = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<El> } }).document;
          return {
            injected: document.querySelectorAll('.xss-injected, img, iframe, svg, object, embed, link, base, form, input:not([data-filter])').length,
            scripts: document.querySelectorAll('script').length,
            styles: document.querySelectorAll('style').length,
            metas: Array.from(document.querySelectorAll('meta[http-equiv]')).map((m) => m.getAttribute('http-equiv')),
            handlers: Array.from(document.querySelectorAll('*')).flatMap((e) => Array.from(e.attributes).filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName}.${a.name}`)),
            jsLinks: Array.from(document.querySelectorAll('a[href]')).filter((a) => !/^(#|https?:)/i.test(a.getAttribute('href') ?? '')).length,
            detailsOpen: document.querySelectorAll('details[open]').length,
          };
        });
        expect(found).toEqual({ injected: 0, scripts: 1, styles: 1, metas: ['Content-Security-Policy'], handlers: [], jsLinks: 0, detailsOpen: 0 });
        const text = await page.locator('body').textContent();
        // ... though the payloads reached the page as text (serverInfo in the header, header values, the error message in a transcript, SSE data).
        expect(await page.locator('dt:text-is("Server") + dd').textContent()).toBe(`${MARKUP_SERVER_NAME} ${MARKUP_PAYLOADS.jsUrl}`);
        expect(text).toContain(`x-markup-img: ${MARKUP_PAYLOADS.img}`);
        expect(text).toContain(`x-markup-details: ${MARKUP_PAYLOADS.details}`);
        expect(text).toContain(`x-markup-attr: ${MARKUP_PAYLOADS.attrSingle}`);
        expect(text).toContain(JSON.stringify(MARKUP_PAYLOADS.iframe).slice(1, -1)); // inside JSON bodies: the error message and the SSE data
        expect(text).toContain('notifications/message');
        expect(results.target.serverInfo?.name).toBe(MARKUP_SERVER_NAME);

        expect(html.match(/<script/gi)).toHaveLength(1);
        const csp = w.console.filter((m) => /Content Security Policy/i.test(m));
        if (csp.length) console.log(`CSP reports on the markup report (not a failure):\n${csp.join('\n')}`);
      } finally {
        await page.close();
      }
    } finally {
      await server?.close();
    }
  });
});
