import { SessionService } from '../../api/auth/sessions';
import { UserStore, type NewUser } from '../../api/auth/users';
import { LocalStateStore } from '../../local/adapters/localStateStore';
import type { Clock, Log, StateStore } from '../../shared/ports';
import { ManualClock } from './fakes';

/** Every call of the Log port, for assertions (and for checking that no secret was logged). */
export class RecordingLog implements Log {
  readonly entries: Array<{ level: string; message: string; attributes?: Record<string, unknown> }> = [];
  debug(message: string, attributes?: Record<string, unknown>): void {
    this.entries.push({ level: 'debug', message, ...(attributes ? { attributes } : {}) });
  }
  info(message: string, attributes?: Record<string, unknown>): void {
    this.entries.push({ level: 'info', message, ...(attributes ? { attributes } : {}) });
  }
  warn(message: string, attributes?: Record<string, unknown>): void {
    this.entries.push({ level: 'warn', message, ...(attributes ? { attributes } : {}) });
  }
  error(message: string, attributes?: Record<string, unknown>): void {
    this.entries.push({ level: 'error', message, ...(attributes ? { attributes } : {}) });
  }
  text(): string {
    return JSON.stringify(this.entries);
  }
}

export const SIGNING_KEY = Buffer.from('test-signing-key-0123456789abcdef-not-secret', 'utf8');
export const PASSWORD = 'correct horse battery staple';

export function aNewUser(overrides: Partial<NewUser> = {}): NewUser {
  return { tenantId: 'acme', email: 'ana@acme.test', role: 'analyst', password: PASSWORD, ...overrides };
}

/** Users and sessions over in-memory stores, with a manual clock. */
export function anAuthWorld(options: { clock?: Clock; sessionState?: StateStore } = {}) {
  const clock = options.clock ?? new ManualClock();
  const log = new RecordingLog();
  const userState = new LocalStateStore();
  const sessionState = options.sessionState ?? new LocalStateStore();
  const users = new UserStore(userState, clock);
  const sessions = new SessionService({ state: sessionState, users, signingKey: SIGNING_KEY, log, clock });
  return { clock, log, users, sessions, userState, sessionState };
}
