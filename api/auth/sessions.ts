/**
 * Sessions: a short-lived access token (a JWT the API verifies on every request, no store read) and an
 * opaque refresh token that is rotated on every use, with reuse detection (RFC 9700 §4.14.2):
 * https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2
 *
 * - Refresh tokens are 32 random bytes (base64url). Only their SHA-256 is stored, under `refresh#{hash}`,
 *   with the user, tenant, family (the session), whether it was used and when it expires.
 * - Every refresh marks the token used with a conditional write, then issues a new pair in the same family.
 *   Of two concurrent refreshes of one token exactly one wins the write.
 * - A token presented again after its use (or the loser of such a race) is treated as stolen: the whole
 *   family is revoked, so the thief's and the user's newer tokens all fail, and the event is logged.
 * - No grace window: a client that lost the response of a refresh, or two browser tabs refreshing at the same
 *   moment, end the session and must sign in again. The window would let a thief who replays within it keep a
 *   live branch of the session; the dashboard serialises its refreshes instead (one at a time, across tabs).
 * - A session lives at most `sessionSeconds` from its login, however often it is refreshed.
 * - Access tokens stay valid until they expire (15 minutes) after a logout or a reuse: checking a revocation
 *   list on every request would cost a store read per request (DynamoDB in AWS).
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Role } from '../contract';
import { ValidationError } from '../../shared/errors';
import { systemClock, type Clock, type Log, type StateStore } from '../../shared/ports';
import {
  InvalidRefreshTokenError,
  RefreshTokenExpiredError,
  RefreshTokenReusedError,
  SessionRevokedError,
} from './errors';
import type { User } from './users';

export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const REFRESH_TOKEN_SECONDS = 7 * 24 * 3600;
export const SESSION_SECONDS = 30 * 24 * 3600;

/** `iss` and `aud` of every access token; the verifier requires both. */
export const TOKEN_ISSUER = 'avesa';
export const TOKEN_AUDIENCE = 'avesa-api';

/** The claims of an access token. `sid` is the session (refresh family), so a logout can name it. */
export interface AccessTokenClaims {
  sub: string;
  tenantId: string;
  role: Role;
  email: string;
  sid: string;
  iss: typeof TOKEN_ISSUER;
  aud: typeof TOKEN_AUDIENCE;
  iat: number;
  exp: number;
}

/** The signed-in user as a login or refresh answers it. */
export interface SessionUser {
  id: string;
  email: string;
  role: Role;
  tenantId: string;
}

export interface SessionTokens {
  accessToken: string;
  /** Seconds the access token is valid for. */
  expiresIn: number;
  refreshToken: string;
  /** Seconds the refresh token is valid for (the cookie's Max-Age). */
  refreshExpiresIn: number;
  sessionId: string;
  user: SessionUser;
}

/** What the sessions need of the users: the current user of a session, to refresh it with its current role. */
export interface UserLookup {
  find(tenantId: string, email: string): Promise<User | undefined>;
}

export interface SessionServiceOptions {
  state: StateStore;
  users: UserLookup;
  /** The HS256 key (at least 32 bytes): resolveSigningKey. */
  signingKey: Buffer;
  log: Log;
  clock?: Clock;
  accessTokenSeconds?: number;
  refreshTokenSeconds?: number;
  sessionSeconds?: number;
}

interface RefreshTokenRecord {
  userId: string;
  tenantId: string;
  family: string;
  used: boolean;
  issuedAt: string;
  usedAt?: string;
  expiresAt: string;
}

type RevocationReason = 'logout' | 'reuse' | 'user-removed';

interface SessionRecord {
  userId: string;
  tenantId: string;
  email: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
  revokedReason?: RevocationReason;
}

export const REFRESH_PARTITION_PREFIX = 'refresh#';
export const SESSION_PARTITION_PREFIX = 'session#';
const TOKEN_SK = 'token';

const REFRESH_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The item key of a refresh token: its SHA-256, so the store never holds a usable token. */
function refreshKey(refreshToken: string): string {
  return `${REFRESH_PARTITION_PREFIX}${createHash('sha256').update(refreshToken).digest('hex')}`;
}

const sessionKey = (tenantId: string, family: string) =>
  [`${SESSION_PARTITION_PREFIX}${tenantId}`, `family#${family}`] as const;

const REVOCATION_TEXT: Record<RevocationReason, string> = {
  logout: 'signed out',
  reuse: 'a refresh token of it was used twice',
  'user-removed': 'the user was removed',
};

/** Logins, refreshes and logouts over a StateStore (DynamoDB in AWS, a log only the server writes locally). */
export class SessionService {
  readonly accessTokenSeconds: number;
  readonly refreshTokenSeconds: number;
  readonly sessionSeconds: number;
  private readonly state: StateStore;
  private readonly users: UserLookup;
  private readonly key: Buffer;
  private readonly log: Log;
  private readonly clock: Clock;

  constructor(options: SessionServiceOptions) {
    assertKeyLength(options.signingKey.length, 'the signing key');
    this.state = options.state;
    this.users = options.users;
    this.key = options.signingKey;
    this.log = options.log;
    this.clock = options.clock ?? systemClock;
    this.accessTokenSeconds = options.accessTokenSeconds ?? ACCESS_TOKEN_SECONDS;
    this.refreshTokenSeconds = options.refreshTokenSeconds ?? REFRESH_TOKEN_SECONDS;
    this.sessionSeconds = options.sessionSeconds ?? SESSION_SECONDS;
  }

  /** What a JWT verifier needs to accept exactly these access tokens (the plugin gives it to @fastify/jwt). */
  get verification(): { key: Buffer; algorithm: 'HS256'; issuer: string; audience: string } {
    return { key: this.key, algorithm: 'HS256', issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE };
  }

  /** A new session for a user whose password was checked: its first pair of tokens. */
  async start(user: User): Promise<SessionTokens> {
    const now = this.clock.now();
    const family = randomUUID();
    const session: SessionRecord = {
      userId: user.userId,
      tenantId: user.tenantId,
      email: user.email,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.sessionSeconds * 1000).toISOString(),
    };
    const [pk, sk] = sessionKey(user.tenantId, family);
    if (!(await this.state.putIfAbsent(pk, sk, session)))
      throw new Error(`session ${family} of tenant ${user.tenantId} exists already`);
    this.log.info('session started', { tenantId: user.tenantId, userId: user.userId, family });
    return this.issue(user, family, session, now);
  }

  /**
   * Trades a refresh token for a new pair. Throws a SessionError when it cannot: not a token, expired, used
   * before (the session is then revoked), or its session ended.
   */
  async refresh(refreshToken: string): Promise<SessionTokens> {
    if (!REFRESH_TOKEN_PATTERN.test(refreshToken)) throw new InvalidRefreshTokenError();
    const pk = refreshKey(refreshToken);
    const item = await this.state.get<RefreshTokenRecord>(pk, TOKEN_SK);
    if (!item) throw new InvalidRefreshTokenError();
    const token = item.value;
    const [sessionPk, sessionSk] = sessionKey(token.tenantId, token.family);
    const session = (await this.state.get<SessionRecord>(sessionPk, sessionSk))?.value;
    // A session missing beside its token was pruned after it ended: fail closed.
    if (!session) throw new SessionRevokedError('it expired');
    if (session.revokedReason) throw new SessionRevokedError(REVOCATION_TEXT[session.revokedReason]);
    if (token.used) {
      await this.reuseDetected(token, 'presented after its use');
      throw new RefreshTokenReusedError();
    }
    const now = this.clock.now();
    if (now.getTime() >= Date.parse(token.expiresAt)) throw new RefreshTokenExpiredError();
    const user = await this.users.find(token.tenantId, session.email);
    if (!user || user.userId !== token.userId) {
      await this.revokeFamily(token.tenantId, token.family, 'user-removed');
      throw new SessionRevokedError(REVOCATION_TEXT['user-removed']);
    }
    const used: RefreshTokenRecord = { ...token, used: true, usedAt: now.toISOString() };
    if (!(await this.state.putIfVersion(pk, TOKEN_SK, used, item.version))) {
      // Another refresh of this very token won the write: one of the two is not the user's.
      await this.reuseDetected(token, 'presented twice at once');
      throw new RefreshTokenReusedError();
    }
    return this.issue(user, token.family, session, now);
  }

  /** Ends the session of a refresh token (logout). False when the token is not one of ours. */
  async revoke(refreshToken: string): Promise<boolean> {
    if (!REFRESH_TOKEN_PATTERN.test(refreshToken)) return false;
    const token = (await this.state.get<RefreshTokenRecord>(refreshKey(refreshToken), TOKEN_SK))?.value;
    if (!token) return false;
    await this.revokeFamily(token.tenantId, token.family, 'logout');
    return true;
  }

  /** Ends a session by its id (an access token's `sid`), for a logout that only has the access token. */
  async revokeSession(tenantId: string, sessionId: string): Promise<boolean> {
    return this.revokeFamily(tenantId, sessionId, 'logout');
  }

  private async issue(user: User, family: string, session: SessionRecord, now: Date): Promise<SessionTokens> {
    const refreshToken = randomBytes(32).toString('base64url');
    const expiresAt = Math.min(
      now.getTime() + this.refreshTokenSeconds * 1000,
      Date.parse(session.expiresAt),
    );
    const record: RefreshTokenRecord = {
      userId: user.userId,
      tenantId: user.tenantId,
      family,
      used: false,
      issuedAt: now.toISOString(),
      expiresAt: new Date(expiresAt).toISOString(),
    };
    // 256 random bits do not collide; a refused write would mean a broken random source.
    if (!(await this.state.putIfAbsent(refreshKey(refreshToken), TOKEN_SK, record)))
      throw new Error('a freshly generated refresh token exists already');
    const iat = Math.floor(now.getTime() / 1000);
    const claims: AccessTokenClaims = {
      sub: user.userId,
      tenantId: user.tenantId,
      role: user.role,
      email: user.email,
      sid: family,
      iss: TOKEN_ISSUER,
      aud: TOKEN_AUDIENCE,
      iat,
      exp: iat + this.accessTokenSeconds,
    };
    return {
      accessToken: signHs256(claims, this.key),
      expiresIn: this.accessTokenSeconds,
      refreshToken,
      refreshExpiresIn: Math.max(0, Math.floor((expiresAt - now.getTime()) / 1000)),
      sessionId: family,
      user: { id: user.userId, email: user.email, role: user.role, tenantId: user.tenantId },
    };
  }

  private async reuseDetected(token: RefreshTokenRecord, how: string): Promise<void> {
    await this.revokeFamily(token.tenantId, token.family, 'reuse');
    this.log.warn('refresh token reuse: session revoked', {
      tenantId: token.tenantId,
      userId: token.userId,
      family: token.family,
      detail: `a used refresh token was ${how}`,
    });
  }

  /** Marks the session revoked (idempotent). False when there is no such session. */
  private async revokeFamily(tenantId: string, family: string, reason: RevocationReason): Promise<boolean> {
    const [pk, sk] = sessionKey(tenantId, family);
    for (;;) {
      const item = await this.state.get<SessionRecord>(pk, sk);
      if (!item) return false;
      if (item.value.revokedReason) return true;
      const revoked: SessionRecord = {
        ...item.value,
        revokedAt: this.clock.now().toISOString(),
        revokedReason: reason,
      };
      if (await this.state.putIfVersion(pk, sk, revoked, item.version)) {
        if (reason !== 'reuse')
          this.log.info('session revoked', { tenantId, userId: item.value.userId, family, reason });
        return true;
      }
    }
  }
}

/**
 * A compact JWS with HS256 (RFC 7515 §3.1, RFC 7518 §3.2): one HMAC. Verification, where the subtle checks
 * are (algorithm, expiry, audience), is fast-jwt's, through @fastify/jwt in the plugin.
 */
function signHs256(claims: AccessTokenClaims, key: Buffer): string {
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

export const JWT_SECRET_VARIABLE = 'AVESA_JWT_SECRET';
/** HS256 wants a key at least as long as its output (RFC 7518 §3.2). */
export const MIN_SIGNING_KEY_BYTES = 32;

/** Where a local state directory keeps the generated signing key. */
export function signingKeyPath(stateDir: string): string {
  return join(stateDir, 'api', 'jwt-secret');
}

export interface SigningKey {
  key: Buffer;
  /** `environment`: AVESA_JWT_SECRET; `generated`: created now in `path`; `state`: read from `path`. */
  origin: 'environment' | 'generated' | 'state';
  path?: string;
}

/**
 * The access tokens' signing key: AVESA_JWT_SECRET when set (at least 32 bytes), else the key generated once
 * into `{stateDir}/api/jwt-secret` (mode 0600) and read from there ever after, so tokens survive a restart.
 * Without either (a Lambda has no state directory) it refuses, naming the variable.
 */
export function resolveSigningKey(options: {
  env: Record<string, string | undefined>;
  stateDir?: string;
}): SigningKey {
  const secret = options.env[JWT_SECRET_VARIABLE];
  if (secret !== undefined) {
    const key = Buffer.from(secret, 'utf8');
    assertKeyLength(key.length, JWT_SECRET_VARIABLE);
    return { key, origin: 'environment' };
  }
  if (options.stateDir === undefined)
    throw new ValidationError(
      `${JWT_SECRET_VARIABLE} is not set: give the API a signing key of at least ${MIN_SIGNING_KEY_BYTES} bytes ` +
        '(e.g. `openssl rand -base64 48`)',
    );
  const path = signingKeyPath(options.stateDir);
  let origin: SigningKey['origin'] = 'state';
  if (!existsSync(path)) origin = createKeyFile(path) ? 'generated' : 'state';
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'utf8');
  assertKeyLength(key.length, path);
  return { key, origin, path };
}

/**
 * Writes a new key into a private temporary file and links it into place, which fails if the key exists: of
 * two processes starting at once, one key wins and both use it. False when another process's key won.
 */
function createKeyFile(path: string): boolean {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `${randomBytes(48).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
}

function assertKeyLength(bytes: number, what: string): void {
  if (bytes < MIN_SIGNING_KEY_BYTES)
    throw new ValidationError(
      `${what} is too short for HS256: ${bytes} bytes, at least ${MIN_SIGNING_KEY_BYTES} are needed ` +
        '(e.g. `openssl rand -base64 48`)',
    );
}
