import type { Role } from '../contract';
import type { SessionService } from './sessions';
import type { UserStore } from './users';

/** The caller of a request, from its verified access token: the only source of its tenant. */
export interface Principal {
  userId: string;
  tenantId: string;
  email: string;
  role: Role;
  /** The session (refresh family) the access token belongs to. */
  sessionId: string;
}

/** What the auth plugin needs from a composition root (openLocalAuthStores, openAwsAuthStores). */
export interface AuthStores {
  users: UserStore;
  sessions: SessionService;
  /** Releases the local session log and its lock; nothing for DynamoDB. */
  close(): void;
}
