/**
 * The API's authentication (DESIGN §12): POST /auth/login, /auth/refresh, /auth/logout and GET /auth/me, and
 * the decorators the data routes run behind: `app.authenticate` (a preHandler that verifies the Bearer token
 * and sets `request.principal`) and `app.requireRole(role)`.
 *
 * The app registers, before this plugin: the zod validator and serializer compilers, and @fastify/rate-limit
 * with `global: false` (the login route brings its own limit). This plugin registers @fastify/jwt (verifying
 * the access tokens SessionService signs) and @fastify/cookie (the refresh cookie).
 */
import fastifyCookie from '@fastify/cookie';
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLES, type Role } from '../contract';
import type { Log } from '../../shared/ports';
import { SessionError } from './errors';
import { verifyPassword, warmUpPasswordVerification } from './passwords';
import {
  accessClaimsSchema,
  errorResponseSchema,
  loginBodySchema,
  meResponseSchema,
  refreshBodySchema,
  sessionResponseSchema,
  type LoginBody,
} from './schemas';
import type { SessionService, SessionTokens } from './sessions';
import type { Principal } from './types';
import { normalizeEmail, type UserStore } from './users';

export type { Principal } from './types';

/**
 * A preHandler: lets the request through, or answers 401 or 403 itself and returns the reply, which is how an
 * async hook tells Fastify to go no further. (The reply is thenable: awaiting the hook yields nothing either
 * way, so a caller checks `reply.sent`.)
 */
export type AuthHook = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; set by `authenticate`, undefined before it (and on routes without it). */
    principal?: Principal;
  }
  interface FastifyInstance {
    /** Verifies `Authorization: Bearer <access token>` and sets `request.principal`; 401 otherwise. */
    authenticate: AuthHook;
    /** Lets through callers with at least this role (viewer < analyst < admin); 403 naming it otherwise. */
    requireRole: (role: Role) => AuthHook;
  }
}

export interface AuthPluginOptions {
  users: UserStore;
  sessions: SessionService;
  log: Log;
  /** Login attempts per account (tenant and email) and window; default 5 a minute. */
  loginRateLimit?: { max: number; timeWindowMs: number };
}

/** The HttpOnly cookie that carries the refresh token for browsers. */
export const REFRESH_COOKIE = 'avesa_refresh';
const COOKIE_PATH = '/auth';

/** One answer for an unknown tenant, an unknown email and a wrong password alike. */
export const LOGIN_FAILED = { error: 'unauthorized', message: 'wrong tenant, email or password' } as const;

const unauthorized = (reply: FastifyReply, message: string, tokenError = true) =>
  reply
    .code(401)
    .header(
      'www-authenticate',
      tokenError ? 'Bearer realm="avesa", error="invalid_token"' : 'Bearer realm="avesa"',
    )
    .send({ error: 'unauthorized', message });

async function auth(app: FastifyInstance, options: AuthPluginOptions): Promise<void> {
  const { users, sessions, log } = options;
  const verification = sessions.verification;
  await app.register(fastifyJwt, {
    // Only verification: SessionService signs (with the claims and lifetimes the verifier requires).
    secret: verification.key,
    verify: {
      algorithms: [verification.algorithm],
      allowedIss: verification.issuer,
      allowedAud: verification.audience,
      requiredClaims: ['exp', 'sub'],
    },
  });
  if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie);
  await warmUpPasswordVerification();

  app.decorateRequest('principal', undefined);

  const authenticate: AuthHook = async (request, reply) => {
    const header = request.headers.authorization;
    if (header === undefined || header === '')
      return unauthorized(
        reply,
        'missing access token: send "Authorization: Bearer <accessToken>" (POST /auth/login gives one)',
        false,
      );
    if (!/^Bearer \S+$/i.test(header))
      return unauthorized(reply, 'the Authorization header must be "Bearer <accessToken>"');
    let claims: unknown;
    try {
      claims = await request.jwtVerify();
    } catch (error) {
      const expired = (error as { code?: unknown }).code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED';
      return unauthorized(
        reply,
        expired
          ? 'the access token has expired: get a new one from POST /auth/refresh'
          : 'the access token is not valid (not signed by this server, or malformed)',
      );
    }
    const parsed = accessClaimsSchema.safeParse(claims);
    if (!parsed.success) return unauthorized(reply, 'the access token is not valid (unexpected claims)');
    request.principal = {
      userId: parsed.data.sub,
      tenantId: parsed.data.tenantId,
      email: parsed.data.email,
      role: parsed.data.role,
      sessionId: parsed.data.sid,
    };
    return undefined;
  };

  const requireRole = (role: Role): AuthHook => {
    const needed = ROLES.indexOf(role);
    if (needed < 0) throw new Error(`requireRole: unknown role ${JSON.stringify(role)}`);
    return async (request, reply) => {
      if (!request.principal) {
        await authenticate(request, reply);
        if (reply.sent) return reply;
      }
      const principal = request.principal!;
      if (ROLES.indexOf(principal.role) >= needed) return undefined;
      const higher = ROLES.slice(needed + 1);
      return reply.code(403).send({
        error: 'forbidden',
        message:
          `this needs the ${role} role${higher.length > 0 ? ` (or ${higher.join(' or ')})` : ''}; ` +
          `you are ${/^[aeiou]/.test(principal.role) ? 'an' : 'a'} ${principal.role}`,
      });
    };
  };

  app.decorate('authenticate', authenticate);
  app.decorate('requireRole', requireRole);

  const setRefreshCookie = (request: FastifyRequest, reply: FastifyReply, tokens: SessionTokens) =>
    reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, {
      httpOnly: true,
      sameSite: 'strict',
      path: COOKIE_PATH,
      // Behind a proxy that terminates TLS, the app's trustProxy makes X-Forwarded-Proto count.
      secure: request.protocol === 'https',
      maxAge: tokens.refreshExpiresIn,
    });
  const clearRefreshCookie = (request: FastifyRequest, reply: FastifyReply) =>
    reply.clearCookie(REFRESH_COOKIE, {
      httpOnly: true,
      sameSite: 'strict',
      path: COOKIE_PATH,
      secure: request.protocol === 'https',
    });
  const sessionBody = (tokens: SessionTokens) => ({
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresIn: tokens.expiresIn,
    user: tokens.user,
  });

  const routes = app.withTypeProvider<ZodTypeProvider>();
  const loginLimit = options.loginRateLimit ?? { max: 5, timeWindowMs: 60_000 };
  const accountOf = (request: FastifyRequest) => {
    const body = request.body as LoginBody;
    return { tenantId: body.tenantId, email: normalizeEmail(body.email) };
  };

  routes.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'sign in: a pair of tokens (the refresh token also as an HttpOnly cookie)',
        security: [],
        body: loginBodySchema,
        response: {
          200: sessionResponseSchema,
          400: errorResponseSchema,
          401: errorResponseSchema,
          429: errorResponseSchema,
        },
      },
      config: {
        rateLimit: {
          max: loginLimit.max,
          timeWindow: loginLimit.timeWindowMs,
          // After validation, so the key is the account the body names (the default hook runs before parsing).
          hook: 'preHandler',
          keyGenerator: (request) => {
            const { tenantId, email } = accountOf(request);
            return `login:${tenantId}:${email}`;
          },
          onExceeded: (request) => log.warn('login rate limit reached', accountOf(request)),
          errorResponseBuilder: (_request, context) =>
            Object.assign(
              new Error(`too many sign-in attempts for this account: try again in ${context.after}`),
              { statusCode: 429, code: 'rate_limited' },
            ),
        },
      },
    },
    async (request, reply) => {
      const { tenantId, email, password } = request.body;
      const user = await users.find(tenantId, email);
      // Always one argon2 verification, against a dummy hash when there is no such user (passwords.ts).
      const valid = await verifyPassword(user?.passwordHash, password);
      if (!user || !valid) {
        log.info('login failed', {
          tenantId,
          email: normalizeEmail(email),
          reason: user ? 'wrong password' : 'no such user',
        });
        return reply.code(401).send(LOGIN_FAILED);
      }
      const tokens = await sessions.start(user);
      setRefreshCookie(request, reply, tokens);
      return sessionBody(tokens);
    },
  );

  routes.post(
    '/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        summary: 'trade the refresh token for a new pair (single use: a reused token ends the session)',
        security: [],
        body: refreshBodySchema,
        response: { 200: sessionResponseSchema, 400: errorResponseSchema, 401: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const fromBody = request.body?.refreshToken;
      const token = fromBody ?? request.cookies[REFRESH_COOKIE];
      if (!token)
        return unauthorized(
          reply,
          `no refresh token: send {"refreshToken": "..."} or the ${REFRESH_COOKIE} cookie`,
          false,
        );
      let tokens: SessionTokens;
      try {
        tokens = await sessions.refresh(token);
      } catch (error) {
        if (!(error instanceof SessionError)) throw error;
        // A dead cookie is dropped; a bad token in the body says nothing about the cookie.
        if (fromBody === undefined) clearRefreshCookie(request, reply);
        return unauthorized(reply, error.message);
      }
      setRefreshCookie(request, reply, tokens);
      return sessionBody(tokens);
    },
  );

  routes.post(
    '/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'end the session of a refresh token (body or cookie), or else of the Bearer access token',
        security: [],
        body: refreshBodySchema,
        response: {
          204: z.null().describe('signed out'),
          400: errorResponseSchema,
          401: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const token = request.body?.refreshToken ?? request.cookies[REFRESH_COOKIE];
      if (token) {
        // An unknown or already ended session is signed out all the same.
        await sessions.revoke(token);
      } else if (request.headers.authorization) {
        await authenticate(request, reply);
        if (reply.sent) return reply;
        await sessions.revokeSession(request.principal!.tenantId, request.principal!.sessionId);
      } else {
        return reply.code(400).send({
          error: 'bad_request',
          message: `nothing to sign out: send the refresh token (body or ${REFRESH_COOKIE} cookie) or the Bearer access token`,
        });
      }
      clearRefreshCookie(request, reply);
      return reply.code(204).send(null);
    },
  );

  routes.get(
    '/auth/me',
    {
      preHandler: authenticate,
      schema: {
        tags: ['auth'],
        summary: 'the signed-in user, from the verified access token',
        response: { 200: meResponseSchema, 401: errorResponseSchema },
      },
    },
    async (request) => {
      const principal = request.principal!;
      const { exp } = request.user as { exp: number };
      return {
        user: {
          id: principal.userId,
          email: principal.email,
          role: principal.role,
          tenantId: principal.tenantId,
        },
        sessionId: principal.sessionId,
        expiresAt: new Date(exp * 1000).toISOString(),
      };
    },
  );
}

/** The auth plugin; fastify-plugin, so `authenticate`, `requireRole` and `request.principal` reach the app. */
export const authPlugin = fp(auth, {
  name: 'avesa-auth',
  fastify: '5.x',
  dependencies: ['@fastify/rate-limit'],
});
