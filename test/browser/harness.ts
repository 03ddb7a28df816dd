/**
 * What the browser suite runs against, made the way a user would: the dashboard built (`npm run build:web`,
 * skipped when current), a demo lake synced twice by `avesa run` (the second run is incremental, so tickets have
 * change history), users added with `avesa users add`, `avesa serve` on a free port, and Debian's Chromium
 * driven by playwright-core.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');
const AVESA = join(ROOT, 'bin', 'avesa.js');

/** Debian's package (apt-get install chromium); `npx playwright install` cannot download a browser here. */
export const CHROMIUM = '/usr/bin/chromium';

/** The flags this machine needs (env/machines/node.md): no sandbox as root, no background network calls. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const PASSWORD = 'browser-suite-password-1';

export interface Account {
  tenantId: string;
  email: string;
  role: 'viewer' | 'analyst' | 'admin';
}

export const ACCOUNTS = {
  admin: { tenantId: 'contoso-it', email: 'admin@contoso.test', role: 'admin' },
  analyst: { tenantId: 'contoso-it', email: 'analyst@contoso.test', role: 'analyst' },
  viewer: { tenantId: 'contoso-it', email: 'viewer@contoso.test', role: 'viewer' },
  otherTenant: { tenantId: 'fabrikam-tech', email: 'admin@fabrikam.test', role: 'admin' },
} as const satisfies Record<string, Account>;

export interface Harness {
  url: string;
  browser: Browser;
  /** A new browser profile at 1280×800 with animations reduced. */
  newContext(viewport?: { width: number; height: number }): Promise<BrowserContext>;
  stop(): Promise<void>;
}

/** Progress on stderr: a slow CI machine shows where the time went. */
function progress(message: string, since: number): void {
  process.stderr.write(`browser suite: ${message} (${((Date.now() - since) / 1000).toFixed(1)} s)\n`);
}

/** Runs the CLI as a user would; `input` is its standard input (closed at once without one). */
async function avesa(args: string[], input = ''): Promise<string> {
  const running = run(process.execPath, [AVESA, ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  running.child.stdin?.end(input);
  try {
    return (await running).stdout;
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`avesa ${args.join(' ')} failed: ${failure.message}\n${failure.stderr ?? ''}`);
  }
}

function serve(lake: string, state: string): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [AVESA, 'serve', '--lake', lake, '--state', state, '--port', '0', '--host', '127.0.0.1'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`avesa serve did not start in 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listening on (http:\/\/\S+)/.exec(output);
      if (listening) {
        clearTimeout(timer);
        done({ url: listening[1]!, process: child });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`avesa serve exited with ${String(code)}:\n${output}`));
    });
  });
}

export async function startHarness(): Promise<Harness> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium fonts-liberation (.ci/run does)`,
    );
  const started = Date.now();
  const work = join(ROOT, 'tmp', 'browser');
  rmSync(work, { recursive: true, force: true });
  const lake = join(work, 'lake');
  const state = join(work, 'state');
  mkdirSync(work, { recursive: true });

  const build = run(process.execPath, [join(ROOT, 'web', 'scripts', 'build.mjs'), '--if-stale'], {
    cwd: ROOT,
  });
  // The demo's incremental runs change 1% of its records when its first tenant (northwind-msp) was synced
  // before; the second run syncs only the tenants the suite uses.
  const demo = [
    '--lake',
    lake,
    '--state',
    state,
    '--json',
    '--tenant',
    'contoso-it',
    '--tenant',
    'fabrikam-tech',
  ];
  await avesa(['run', ...demo, '--tenant', 'northwind-msp']);
  progress('demo lake synced', started);
  await avesa(['run', ...demo]);
  progress('incremental sync done', started);
  await Promise.all(
    Object.values(ACCOUNTS).map((account) =>
      // The password on standard input, as `avesa users add` reads it from a pipe.
      avesa(
        [
          'users',
          'add',
          '--tenant',
          account.tenantId,
          '--email',
          account.email,
          '--role',
          account.role,
          '--state',
          state,
        ],
        `${PASSWORD}\n`,
      ),
    ),
  );
  progress('users added', started);
  await build;
  progress('dashboard built', started);
  const server = await serve(lake, state);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  progress(`serving ${server.url}, Chromium ${browser.version()}`, started);
  return {
    url: server.url,
    browser,
    newContext: (viewport = { width: 1280, height: 800 }) =>
      browser.newContext({ viewport, reducedMotion: 'reduce', locale: 'en-GB', timezoneId: 'UTC' }),
    stop: async () => {
      await browser.close().catch(() => undefined);
      server.process.kill('SIGTERM');
    },
  };
}

/** Where screenshots go: docs/screenshots/ when writing the docs (AVESA_WRITE_DOCS=1), else tmp/. */
export function screenshotDirectory(): string {
  const directory =
    process.env.AVESA_WRITE_DOCS === '1'
      ? join(ROOT, 'docs', 'screenshots')
      : join(ROOT, 'tmp', 'browser', 'screenshots');
  mkdirSync(directory, { recursive: true });
  return directory;
}

/** A screenshot as a person would see the page: pointer out of the way, nothing moving, fonts loaded. */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  await page.mouse.move(0, 0);
  await page.evaluate('document.fonts.ready.then(() => undefined)');
  await page.screenshot({
    path: join(screenshotDirectory(), `${name}.png`),
    animations: 'disabled',
    fullPage: options.fullPage ?? false,
  });
}
