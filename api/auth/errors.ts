/**
 * The auth module's failures, each a named class (shared/errors.ts): none is retryable as it stands.
 * The HTTP layer maps them: a SessionError is a 401 whose message is the error's, a UserExistsError a
 * conflict for the operator.
 */
import { PipelineError } from '../../shared/errors';

/** `avesa users add` of an email the tenant already has. */
export class UserExistsError extends PipelineError {
  readonly retryable = false;
  readonly code = 'UserExists';
  constructor(
    readonly tenantId: string,
    readonly email: string,
  ) {
    super(
      `tenant ${tenantId} already has a user ${email}: remove it first (avesa users remove --tenant ${tenantId} --email ${email}) to replace it`,
    );
  }
}

/** A refresh token (or the session it belongs to) that cannot be used: the caller must sign in again. */
export abstract class SessionError extends PipelineError {
  readonly retryable = false;
}

/** Not a token this server issued (or one pruned long after it expired). */
export class InvalidRefreshTokenError extends SessionError {
  readonly code = 'InvalidRefreshToken';
  constructor() {
    super('the refresh token is not valid: sign in again');
  }
}

export class RefreshTokenExpiredError extends SessionError {
  readonly code = 'RefreshTokenExpired';
  constructor() {
    super('the refresh token has expired: sign in again');
  }
}

/**
 * A refresh token presented after it was used (or by the loser of two concurrent refreshes): a sign that it
 * was copied, so the whole session (every token of its family) is revoked.
 */
export class RefreshTokenReusedError extends SessionError {
  readonly code = 'RefreshTokenReused';
  constructor() {
    super('the refresh token was already used: the session is revoked, sign in again');
  }
}

/** The session was ended: logout, reuse of one of its tokens, or its user was removed. */
export class SessionRevokedError extends SessionError {
  readonly code = 'SessionRevoked';
  constructor(reason: string) {
    super(`the session has ended (${reason}): sign in again`);
  }
}
