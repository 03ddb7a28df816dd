import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localUserStore } from '../../api/auth/localStores';
import { ensureDemoUsers } from '../../local/demoUsers';
import { DEMO_TENANTS } from '../../local/demo';
import { main } from '../../local/cli/main';
import { writeContractLake, type ContractLake } from '../api/contractLake';
import { recordingIo } from './support';

const BIN = join(__dirname, '..', '..', 'bin', 'avesa.js');
let lake: ContractLake;
let state: string;

beforeAll(async () => {
  lake = await writeContractLake();
});
afterAll(async () => lake?.remove());
beforeEach(async () => {
  state = await mkdtemp(join(tmpdir(), 'avesa-serve-state-'));
});
afterEach(async () => rm(state, { recursive: true, force: true }));

describe('avesa serve', () => {
  it('prints where it listens, serves a user added while it runs, and stops cleanly on SIGINT', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--port', '0', '--lake', lake.lakeDir, '--state', state],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AVESA_JWT_SECRET: undefined } },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (!/listening on (http:\/\/\S+)/.test(output) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
    expect(url).toBeDefined();
    try {
      expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
      // Added by another process (as `avesa users add` would be) after the server started.
      await localUserStore(state).add({
        tenantId: 'alpha-msp',
        email: 'ada@alpha.test',
        role: 'admin',
        password: 'a long enough password',
      });
      const login = await fetch(`${url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          tenantId: 'alpha-msp',
          email: 'ada@alpha.test',
          password: 'a long enough password',
        }),
      });
      expect(login.status).toBe(200);
      const { accessToken } = (await login.json()) as { accessToken: string };
      const tickets = await fetch(`${url}/api/tickets?limit=1`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(((await tickets.json()) as { total: number }).total).toBeGreaterThan(0);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('stopped');
  });

  it('refuses a bad port and a web directory without a build, naming them', async () => {
    const bad = recordingIo();
    expect(await main(['serve', '--port', 'eighty', '--state', state, '--lake', lake.lakeDir], bad.io)).toBe(
      2,
    );
    expect(bad.all()).toContain('--port must be an integer');
    const noWeb = recordingIo();
    expect(await main(['serve', '--web', state, '--state', state, '--lake', lake.lakeDir], noWeb.io)).toBe(2);
    expect(noWeb.all()).toContain('no index.html');
  });
});

describe('the demo users', () => {
  it('are made once per state directory, an admin per demo tenant, and keep their passwords', async () => {
    const first = await ensureDemoUsers(state);
    expect(first.filter((login) => login.role === 'admin').map((login) => login.tenantId)).toEqual(
      DEMO_TENANTS.map((tenant) => tenant.id),
    );
    const again = await ensureDemoUsers(state);
    expect(again).toEqual(first);
    const users = localUserStore(state);
    expect((await users.list(first[0]!.tenantId)).map((user) => user.email)).toEqual([first[0]!.email]);
  });
});
