import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InvalidRefreshTokenError,
  RefreshTokenExpiredError,
  RefreshTokenReusedError,
  SessionRevokedError,
} from '../../api/auth/errors';
import { resolveSigningKey, SessionService, signingKeyPath } from '../../api/auth/sessions';
import { LocalStateStore } from '../../local/adapters/localStateStore';
import { ValidationError } from '../../shared/errors';
import type { StateItem, StateStore } from '../../shared/ports';
import { ManualClock } from '../support/fakes';
import { aNewUser, anAuthWorld, SIGNING_KEY } from '../support/authFixtures';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function claimsOf(accessToken: string): Record<string, unknown> {
  const [header, payload] = accessToken.split('.');
  return {
    header: JSON.parse(Buffer.from(header!, 'base64url').toString()),
    ...JSON.parse(Buffer.from(payload!, 'base64url').toString()),
  };
}

/** A signed-in user: its world and its first pair of tokens. */
async function aSignedInUser(clock = new ManualClock()) {
  const world = anAuthWorld({ clock });
  await world.users.add(aNewUser());
  const user = (await world.users.find('acme', 'ana@acme.test'))!;
  const tokens = await world.sessions.start(user);
  return { ...world, user, tokens };
}

/** A StateStore whose every operation yields to the event loop first, so concurrent callers interleave. */
class InterleavingStore implements StateStore {
  constructor(private readonly inner: StateStore) {}
  private yield = () => new Promise((resolve) => setImmediate(resolve));
  async get<T>(pk: string, sk: string): Promise<StateItem<T> | undefined> {
    await this.yield();
    return this.inner.get<T>(pk, sk);
  }
  async putIfAbsent<T>(pk: string, sk: string, value: T): Promise<boolean> {
    await this.yield();
    return this.inner.putIfAbsent(pk, sk, value);
  }
  async putIfVersion<T>(pk: string, sk: string, value: T, expectedVersion: number): Promise<boolean> {
    await this.yield();
    return this.inner.putIfVersion(pk, sk, value, expectedVersion);
  }
  async query<T>(pk: string, skPrefix?: string): Promise<Array<StateItem<T> & { sk: string }>> {
    await this.yield();
    return this.inner.query<T>(pk, skPrefix);
  }
}

describe('SessionService', () => {
  describe('start', () => {
    it('given a user, when a session starts, then the access token is an HS256 JWT of 15 minutes with its claims', async () => {
      const { tokens, user, clock } = await aSignedInUser();

      const claims = claimsOf(tokens.accessToken);

      const iat = Math.floor(clock.now().getTime() / 1000);
      expect(claims).toEqual({
        header: { alg: 'HS256', typ: 'JWT' },
        sub: user.userId,
        tenantId: 'acme',
        role: 'analyst',
        email: 'ana@acme.test',
        sid: tokens.sessionId,
        iss: 'avesa',
        aud: 'avesa-api',
        iat,
        exp: iat + 900,
      });
      expect(tokens.expiresIn).toBe(900);
      expect(tokens.user).toEqual({
        id: user.userId,
        email: 'ana@acme.test',
        role: 'analyst',
        tenantId: 'acme',
      });
    });

    it('given a session, then its refresh token is 32 random bytes stored only as its SHA-256', async () => {
      const { tokens, sessionState } = await aSignedInUser();

      expect(Buffer.from(tokens.refreshToken, 'base64url')).toHaveLength(32);
      const hash = createHash('sha256').update(tokens.refreshToken).digest('hex');
      const stored = await sessionState.get(`refresh#${hash}`, 'token');
      expect(stored?.value).toEqual({
        userId: tokens.user.id,
        tenantId: 'acme',
        family: tokens.sessionId,
        used: false,
        issuedAt: '2026-01-15T10:00:00.000Z',
        expiresAt: '2026-01-22T10:00:00.000Z',
      });
      expect(JSON.stringify(stored)).not.toContain(tokens.refreshToken);
    });
  });

  describe('refresh', () => {
    it('given a refresh token, when it is used, then a new pair comes back and the old token is spent', async () => {
      const clock = new ManualClock();
      const { sessions, tokens } = await aSignedInUser(clock);
      clock.advance(10 * MINUTE);

      const next = await sessions.refresh(tokens.refreshToken);

      expect(next.refreshToken).not.toBe(tokens.refreshToken);
      expect(next.sessionId).toBe(tokens.sessionId);
      expect(claimsOf(next.accessToken)).toMatchObject({
        sub: tokens.user.id,
        tenantId: 'acme',
        exp: (claimsOf(tokens.accessToken).exp as number) + 600,
      });
      const third = await sessions.refresh(next.refreshToken);
      expect(third.sessionId).toBe(tokens.sessionId);
    });

    it('given a rotated token, when the old one is presented again, then the whole family is revoked and the reuse logged', async () => {
      // Prepare
      const { sessions, tokens, log, user } = await aSignedInUser();
      const next = await sessions.refresh(tokens.refreshToken);

      // Act
      const replay = sessions.refresh(tokens.refreshToken);

      // Assess: the replay fails, and so does the newest token of the family
      await expect(replay).rejects.toThrow(RefreshTokenReusedError);
      await expect(sessions.refresh(next.refreshToken)).rejects.toThrow(SessionRevokedError);
      await expect(sessions.refresh(next.refreshToken)).rejects.toThrow(
        'a refresh token of it was used twice',
      );
      const warning = log.entries.find((entry) => entry.level === 'warn');
      expect(warning).toEqual({
        level: 'warn',
        message: 'refresh token reuse: session revoked',
        attributes: {
          tenantId: 'acme',
          userId: user.userId,
          family: tokens.sessionId,
          detail: 'a used refresh token was presented after its use',
        },
      });
      expect(log.text()).not.toContain(tokens.refreshToken);
      expect(log.text()).not.toContain(next.refreshToken);
    });

    it('given another session of the same user, when one family is revoked, then the other still refreshes', async () => {
      const { sessions, tokens, user } = await aSignedInUser();
      const other = await sessions.start(user);
      await sessions.refresh(tokens.refreshToken);
      await expect(sessions.refresh(tokens.refreshToken)).rejects.toThrow(RefreshTokenReusedError);

      const refreshed = await sessions.refresh(other.refreshToken);

      expect(refreshed.sessionId).toBe(other.sessionId);
    });

    it('given two concurrent refreshes of one token, then exactly one wins and the family is revoked', async () => {
      // Prepare: a store that makes both refreshes read the token before either writes
      const clock = new ManualClock();
      const world = anAuthWorld({ clock, sessionState: new InterleavingStore(new LocalStateStore()) });
      await world.users.add(aNewUser());
      const tokens = await world.sessions.start((await world.users.find('acme', 'ana@acme.test'))!);

      // Act
      const results = await Promise.allSettled([
        world.sessions.refresh(tokens.refreshToken),
        world.sessions.refresh(tokens.refreshToken),
      ]);

      // Assess
      const won = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      const lost = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
      expect(won).toHaveLength(1);
      expect(lost).toEqual([expect.any(RefreshTokenReusedError)]);
      await expect(world.sessions.refresh(won[0]!.refreshToken)).rejects.toThrow(SessionRevokedError);
      expect(world.log.entries.find((entry) => entry.level === 'warn')?.attributes?.detail).toBe(
        'a used refresh token was presented twice at once',
      );
    });

    it('given ten concurrent refreshes of one token, then exactly one wins', async () => {
      const world = anAuthWorld({ sessionState: new InterleavingStore(new LocalStateStore()) });
      await world.users.add(aNewUser());
      const tokens = await world.sessions.start((await world.users.find('acme', 'ana@acme.test'))!);

      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => world.sessions.refresh(tokens.refreshToken)),
      );

      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    });

    it('given an injected clock, when 7 days pass since the token was issued, then it has expired', async () => {
      const clock = new ManualClock();
      const { sessions, tokens } = await aSignedInUser(clock);
      clock.advance(7 * DAY - 1000);
      const justInTime = await sessions.refresh(tokens.refreshToken);

      clock.advance(7 * DAY);

      await expect(sessions.refresh(justInTime.refreshToken)).rejects.toThrow(RefreshTokenExpiredError);
    });

    it('given a session refreshed every 6 days, then it ends 30 days after its login all the same', async () => {
      const clock = new ManualClock();
      const { sessions, tokens } = await aSignedInUser(clock);
      let current = tokens;
      for (let day = 6; day < 30; day += 6) {
        clock.advance(6 * DAY);
        current = await sessions.refresh(current.refreshToken);
      }
      expect(current.refreshExpiresIn).toBe(6 * 24 * 3600);

      clock.advance(6 * DAY);

      await expect(sessions.refresh(current.refreshToken)).rejects.toThrow(RefreshTokenExpiredError);
    });

    it.each([
      ['not a token at all', 'abc'],
      ['well formed but never issued', 'A'.repeat(43)],
    ])('given a refresh token %s, when used, then it is refused as not valid', async (_label, token) => {
      const { sessions } = await aSignedInUser();

      await expect(sessions.refresh(token)).rejects.toThrow(InvalidRefreshTokenError);
    });

    it('given a removed user, when its session refreshes, then it is refused and the session revoked', async () => {
      const { sessions, users, tokens } = await aSignedInUser();
      await users.remove('acme', 'ana@acme.test');
      await users.add(aNewUser());

      await expect(sessions.refresh(tokens.refreshToken)).rejects.toThrow('the user was removed');
      await expect(sessions.refresh(tokens.refreshToken)).rejects.toThrow(SessionRevokedError);
    });
  });

  describe('logout', () => {
    it('given a session, when it is revoked by its refresh token, then no token of it refreshes any more', async () => {
      const { sessions, tokens } = await aSignedInUser();
      const next = await sessions.refresh(tokens.refreshToken);

      expect(await sessions.revoke(tokens.refreshToken)).toBe(true);

      await expect(sessions.refresh(next.refreshToken)).rejects.toThrow('the session has ended (signed out)');
    });

    it('given a session, when it is revoked by its id, then its refresh token is refused', async () => {
      const { sessions, tokens } = await aSignedInUser();

      expect(await sessions.revokeSession('acme', tokens.sessionId)).toBe(true);

      await expect(sessions.refresh(tokens.refreshToken)).rejects.toThrow(SessionRevokedError);
      expect(await sessions.revokeSession('globex', tokens.sessionId)).toBe(false);
      expect(await sessions.revoke('B'.repeat(43))).toBe(false);
    });
  });
});

describe('resolveSigningKey', () => {
  let stateDir: string;
  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'avesa-key-'));
  });
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  it('given AVESA_JWT_SECRET of 32 bytes or more, then it is the key and nothing is written', () => {
    const secret = 'x'.repeat(32);

    const resolved = resolveSigningKey({ env: { AVESA_JWT_SECRET: secret }, stateDir });

    expect(resolved).toEqual({ key: Buffer.from(secret), origin: 'environment' });
    expect(() => statSync(signingKeyPath(stateDir))).toThrow();
  });

  it.each([
    ['empty', ''],
    ['of 31 bytes', 'x'.repeat(31)],
  ])('given AVESA_JWT_SECRET %s, then it is refused naming the variable', (_label, secret) => {
    expect(() => resolveSigningKey({ env: { AVESA_JWT_SECRET: secret }, stateDir })).toThrow(ValidationError);
    expect(() => resolveSigningKey({ env: { AVESA_JWT_SECRET: secret }, stateDir })).toThrow(
      /^AVESA_JWT_SECRET is too short for HS256: \d+ bytes, at least 32/,
    );
  });

  it('given no secret, then a key is generated once into STATE/api/jwt-secret (mode 0600) and reused', () => {
    const first = resolveSigningKey({ env: {}, stateDir });
    const second = resolveSigningKey({ env: {}, stateDir });

    expect(first.origin).toBe('generated');
    expect(second).toEqual({ ...first, origin: 'state' });
    expect(first.key.length).toBeGreaterThanOrEqual(32);
    expect(first.path).toBe(join(stateDir, 'api', 'jwt-secret'));
    expect(statSync(first.path!).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.path!, 'utf8').trim()).toBe(first.key.toString());
  });

  it('given a key file too short (truncated), then it is refused naming the file', () => {
    mkdirSync(join(stateDir, 'api'));
    writeFileSync(signingKeyPath(stateDir), 'short\n');

    expect(() => resolveSigningKey({ env: {}, stateDir })).toThrow(
      `${signingKeyPath(stateDir)} is too short`,
    );
  });

  it('given neither a secret nor a state directory (a Lambda), then it is refused naming AVESA_JWT_SECRET', () => {
    expect(() => resolveSigningKey({ env: {} })).toThrow(/^AVESA_JWT_SECRET is not set/);
  });

  it('given a signing key shorter than 32 bytes, then a SessionService refuses it', () => {
    const { users, log } = anAuthWorld();
    const withKey = (signingKey: Buffer) => () =>
      new SessionService({ state: new LocalStateStore(), users, signingKey, log });

    expect(withKey(SIGNING_KEY)).not.toThrow();
    expect(withKey(SIGNING_KEY.subarray(0, 31))).toThrow('the signing key is too short for HS256: 31 bytes');
  });
});
