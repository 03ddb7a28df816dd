/**
 * Sessions (reference §B.4): `POST /services/oauth2/token` with the client_credentials grant issues an opaque
 * access token `<orgId>!<random>`; it expires after the org's session lifetime on the simulator's clock, or at once
 * with `expireSessions`; an expired or unknown token answers 401 INVALID_SESSION_ID.
 */
import { randomBytes } from 'node:crypto';

interface Session {
  org: string;
  expiresAtMs: number;
  revoked: boolean;
}

/** The Bearer token of an Authorization header (jsforce also sends `OAuth <token>`). */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header ? /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(header.trim()) : null;
  return match ? (match[1] as string) : undefined;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  issue(org: string, orgId: string, lifetimeSeconds: number, nowMs: number): string {
    const token = `${orgId.slice(0, 15)}!${randomBytes(72).toString('base64url')}`;
    this.sessions.set(token, { org, expiresAtMs: nowMs + lifetimeSeconds * 1000, revoked: false });
    return token;
  }

  /** The org a token was issued for, valid or not. */
  orgOf(token: string): string | undefined {
    return this.sessions.get(token)?.org;
  }

  isValid(token: string, nowMs: number): boolean {
    const session = this.sessions.get(token);
    return session !== undefined && !session.revoked && nowMs < session.expiresAtMs;
  }

  expire(org?: string): void {
    const key = org?.toLowerCase();
    for (const session of this.sessions.values()) {
      if (key === undefined || session.org.toLowerCase() === key) session.revoked = true;
    }
  }
}
