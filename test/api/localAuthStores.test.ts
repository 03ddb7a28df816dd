import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidRefreshTokenError } from '../../api/auth/errors';
import { localSessionsPath, openLocalAuthStores } from '../../api/auth/localStores';
import { ManualClock } from '../support/fakes';
import { aNewUser, RecordingLog } from '../support/authFixtures';

const DAY = 24 * 3600_000;

describe('openLocalAuthStores', () => {
  let stateDir: string;
  beforeEach(() => (stateDir = mkdtempSync(join(tmpdir(), 'avesa-auth-stores-'))));
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  const open = (clock = new ManualClock(), env: Record<string, string> = {}) =>
    openLocalAuthStores(stateDir, { env, log: new RecordingLog(), clock });

  async function aSession(stores: ReturnType<typeof open>) {
    await stores.users.add(aNewUser());
    return stores.sessions.start((await stores.users.find('acme', 'ana@acme.test'))!);
  }

  it('given a session, when the server restarts on the same directory, then the refresh token and the key carry on', async () => {
    // Prepare
    const before = open();
    const tokens = await aSession(before);
    before.close();

    // Act
    const after = open();
    const refreshed = await after.sessions.refresh(tokens.refreshToken);

    // Assess: same session, and the access token signed with the same key (same signature for the same claims)
    expect(refreshed.sessionId).toBe(tokens.sessionId);
    expect(after.signingKey).toEqual({ origin: 'state', path: join(stateDir, 'api', 'jwt-secret') });
    expect(after.sessions.verification.key.equals(before.sessions.verification.key)).toBe(true);
    after.close();
  });

  it('given AVESA_JWT_SECRET, then it signs and no key file is written', () => {
    const stores = open(new ManualClock(), { AVESA_JWT_SECRET: 'k'.repeat(40) });

    expect(stores.signingKey).toEqual({ origin: 'environment' });
    expect(() => readFileSync(join(stateDir, 'api', 'jwt-secret'))).toThrow();
    stores.close();
  });

  it('given sessions that expired more than a day ago, when the server opens, then they are pruned from the log', async () => {
    // Prepare: one session, then 32 days later (a day past its 30-day limit and more) another
    const clock = new ManualClock();
    const first = open(clock);
    const old = await aSession(first);
    first.close();
    clock.advance(32 * DAY);
    const second = open(clock);
    const fresh = await second.sessions.start((await second.users.find('acme', 'ana@acme.test'))!);
    second.close();

    // Act
    const third = open(clock);

    // Assess
    await expect(third.sessions.refresh(old.refreshToken)).rejects.toThrow(InvalidRefreshTokenError);
    expect((await third.sessions.refresh(fresh.refreshToken)).sessionId).toBe(fresh.sessionId);
    expect(readFileSync(localSessionsPath(stateDir), 'utf8')).not.toContain(old.sessionId);
    third.close();
  });

  it('given a sessions lock left by a process that died, then the server takes it over', () => {
    open().close();
    writeFileSync(join(stateDir, 'api', 'sessions.lock'), String(4_194_305));

    const stores = open();

    expect(readFileSync(join(stateDir, 'api', 'sessions.lock'), 'utf8')).toBe(String(process.pid));
    stores.close();
  });
});
