/**
 * The auth stores of a local state directory, laid out so `avesa users` and a running `avesa serve` never
 * append to the same log from two processes unguarded:
 *
 * - `STATE/api/users.log`: the users, a SharedLogStateStore. Any process writes it under its lock file
 *   (`users.log.lock`, held for the few milliseconds of one append); the server re-reads it whenever it
 *   changed, so a user added by the CLI can sign in at once.
 * - `STATE/api/sessions.log`: refresh tokens and sessions, a LocalStateStore written by the server alone. It
 *   holds `sessions.lock` (its pid) while it runs, so a second server on the same directory is refused.
 *   Expired items are pruned when it opens and every hour.
 * - `STATE/api/jwt-secret`: the generated signing key, unless AVESA_JWT_SECRET is set.
 *
 * None of these is the pipeline's `STATE/lock`, so `avesa serve` and `avesa run` share a state directory.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DurableLog } from '../../local/adapters/durableLog';
import { LocalStateStore } from '../../local/adapters/localStateStore';
import { processIsAlive, SharedLogStateStore } from '../../local/adapters/sharedLogStateStore';
import { systemClock, type Clock, type Log, type StateItem, type StateStore } from '../../shared/ports';
import { resolveSigningKey, SessionService, type SigningKey } from './sessions';
import type { AuthStores } from './types';
import { UserStore } from './users';

export { resolveSigningKey } from './sessions';
export type { AuthStores } from './types';

export interface LocalAuthStores extends AuthStores {
  /** Where the signing key came from, for the server's start-up message (never the key itself). */
  signingKey: Omit<SigningKey, 'key'>;
}

export const localUsersPath = (stateDir: string) => join(stateDir, 'api', 'users.log');
export const localSessionsPath = (stateDir: string) => join(stateDir, 'api', 'sessions.log');

/** The users of a state directory, safe to use while a server runs on it (the CLI's store). */
export function localUserStore(stateDir: string, clock: Clock = systemClock): UserStore {
  return new UserStore(new SharedLogStateStore(localUsersPath(stateDir)), clock);
}

export interface LocalAuthStoreOptions {
  /** Where AVESA_JWT_SECRET is read from (the server's configuration, not process.env directly). */
  env: Record<string, string | undefined>;
  log: Log;
  clock?: Clock;
}

const PRUNE_INTERVAL_MS = 3600_000;
/** Expired tokens stay a day, so a client presenting one still hears "expired" rather than "not valid". */
const PRUNE_AFTER_EXPIRY_MS = 24 * 3600_000;

/**
 * Everything the server's auth needs from a state directory: users, sessions (taking the directory's session
 * lock) and the signing key. Throws when another live process holds the sessions.
 */
export function openLocalAuthStores(stateDir: string, options: LocalAuthStoreOptions): LocalAuthStores {
  const clock = options.clock ?? systemClock;
  const { key, ...signingKey } = resolveSigningKey({ env: options.env, stateDir });
  const users = localUserStore(stateDir, clock);
  const lockPath = join(stateDir, 'api', 'sessions.lock');
  acquireOwnerLock(lockPath);
  let state: PrunedSessionLog;
  try {
    state = new PrunedSessionLog(localSessionsPath(stateDir), clock);
  } catch (error) {
    rmSync(lockPath, { force: true });
    throw error;
  }
  const timer = setInterval(() => state.prune(), PRUNE_INTERVAL_MS);
  timer.unref();
  const sessions = new SessionService({ state, users, signingKey: key, log: options.log, clock });
  return {
    users,
    sessions,
    signingKey,
    close: () => {
      clearInterval(timer);
      state.close();
      rmSync(lockPath, { force: true });
    },
  };
}

/**
 * The session log: a LocalStateStore that is replaced, at open and every hour, by one without the items
 * whose `expiresAt` passed a day ago. The swap is synchronous, and so is every operation of the store
 * underneath, so no request sees it half done.
 */
class PrunedSessionLog implements StateStore {
  private current: LocalStateStore;

  constructor(
    private readonly path: string,
    private readonly clock: Clock,
  ) {
    pruneExpired(path, clock.now().getTime() - PRUNE_AFTER_EXPIRY_MS);
    this.current = new LocalStateStore(path);
  }

  prune(): void {
    this.current.close();
    pruneExpired(this.path, this.clock.now().getTime() - PRUNE_AFTER_EXPIRY_MS);
    this.current = new LocalStateStore(this.path);
  }

  get<T>(pk: string, sk: string): Promise<StateItem<T> | undefined> {
    return this.current.get<T>(pk, sk);
  }
  putIfAbsent<T>(pk: string, sk: string, value: T): Promise<boolean> {
    return this.current.putIfAbsent(pk, sk, value);
  }
  putIfVersion<T>(pk: string, sk: string, value: T, expectedVersion: number): Promise<boolean> {
    return this.current.putIfVersion(pk, sk, value, expectedVersion);
  }
  query<T>(pk: string, skPrefix?: string): Promise<Array<StateItem<T> & { sk: string }>> {
    return this.current.query<T>(pk, skPrefix);
  }
  close(): void {
    this.current.close();
  }
}

/** Rewrites a LocalStateStore log with the latest version of each item, less those expired before `before`. */
function pruneExpired(path: string, before: number): void {
  const log = new DurableLog<{ pk: string; sk: string; value: unknown; version: number }>(path);
  const latest = new Map<string, { pk: string; sk: string; value: unknown; version: number }>();
  for (const entry of log.replay()) latest.set(`${entry.pk}\n${entry.sk}`, entry);
  log.compact(
    [...latest.values()].filter((entry) => {
      const expiresAt = (entry.value as { expiresAt?: unknown } | null)?.expiresAt;
      return typeof expiresAt !== 'string' || !(Date.parse(expiresAt) < before);
    }),
  );
  log.close();
}

/** Takes the sessions' lock (created exclusively); refused while a live process holds it, taken over from a dead one. */
function acquireOwnerLock(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (attempt > 0 || (Number.isInteger(pid) && processIsAlive(pid)))
      throw new Error(
        `the sessions of this state directory are in use by process ${Number.isInteger(pid) ? pid : 'unknown'} ` +
          `(${path}): one avesa serve per state directory; stop the other first`,
      );
    rmSync(path, { force: true });
  }
}
