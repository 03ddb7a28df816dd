import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { authPlugin, LOGIN_FAILED, type AuthPluginOptions } from '../../api/auth/plugin';
import { SessionService } from '../../api/auth/sessions';
import { ManualClock } from '../support/fakes';
import { aNewUser, anAuthWorld, PASSWORD } from '../support/authFixtures';

const MINUTE = 60_000;

/**
 * The auth plugin in an app composed the way the API's is: zod compilers, @fastify/rate-limit with
 * `global: false`, trustProxy, a request log; plus probe routes behind the decorators.
 */
async function anApi(
  options: { clock?: ManualClock; loginRateLimit?: AuthPluginOptions['loginRateLimit'] } = {},
) {
  // @fastify/jwt checks expiry against the real clock: tokens are issued "now" unless a test says otherwise.
  const clock = options.clock ?? new ManualClock(Date.now());
  const world = anAuthWorld({ clock });
  const analyst = await world.users.add(aNewUser({ email: 'ana@acme.test', role: 'analyst' }));
  await world.users.add(aNewUser({ email: 'vic@acme.test', role: 'viewer' }));
  await world.users.add(aNewUser({ email: 'ada@acme.test', role: 'admin' }));
  const requestLog: string[] = [];
  const app = Fastify({
    trustProxy: true,
    logger: { level: 'info', stream: { write: (line: string) => void requestLog.push(line) } },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(rateLimit, { global: false });
  await app.register(authPlugin, {
    users: world.users,
    sessions: world.sessions,
    log: world.log,
    ...(options.loginRateLimit ? { loginRateLimit: options.loginRateLimit } : {}),
  });
  app.get('/probe/principal', { preHandler: app.authenticate }, async (request) => request.principal);
  app.get('/probe/admin', { preHandler: app.requireRole('admin') }, async () => ({ ok: true }));
  app.get('/probe/analyst', { preHandler: [app.authenticate, app.requireRole('analyst')] }, async () => ({
    ok: true,
  }));
  await app.ready();
  return { app, ...world, analyst, requestLog };
}

type Api = Awaited<ReturnType<typeof anApi>>;

const login = (app: FastifyInstance, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/auth/login', payload: body, headers });

async function signIn(api: Api, email = 'ana@acme.test') {
  const response = await login(api.app, { tenantId: 'acme', email, password: PASSWORD });
  expect(response.statusCode).toBe(200);
  return response.json<{ accessToken: string; refreshToken: string; expiresIn: number }>();
}

const me = (app: FastifyInstance, authorization?: string) =>
  app.inject({ method: 'GET', url: '/auth/me', headers: authorization ? { authorization } : {} });

const refresh = (app: FastifyInstance, refreshToken: string) =>
  app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken } });

function refreshCookie(response: LightMyRequestResponse) {
  return response.cookies.find((cookie) => cookie.name === 'avesa_refresh');
}

describe('POST /auth/login', () => {
  let api: Api;
  beforeEach(async () => (api = await anApi()));
  afterEach(() => api.app.close());

  it('given the right password, then it answers a token pair, the user, and the refresh token as a strict HttpOnly cookie', async () => {
    const response = await login(api.app, { tenantId: 'acme', email: 'ANA@acme.test', password: PASSWORD });

    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual({
      accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      refreshToken: expect.stringMatching(/^[\w-]{43}$/),
      expiresIn: 900,
      user: { id: api.analyst.userId, email: 'ana@acme.test', role: 'analyst', tenantId: 'acme' },
    });
    expect(refreshCookie(response)).toEqual({
      name: 'avesa_refresh',
      value: body.refreshToken,
      path: '/auth',
      httpOnly: true,
      sameSite: 'Strict',
      maxAge: 7 * 24 * 3600,
    });
  });

  it('given a request that came over https (behind a proxy), then the refresh cookie is Secure', async () => {
    const response = await login(
      api.app,
      { tenantId: 'acme', email: 'ana@acme.test', password: PASSWORD },
      { 'x-forwarded-proto': 'https' },
    );

    expect(refreshCookie(response)?.secure).toBe(true);
  });

  it('given an unknown tenant, an unknown email or a wrong password, then the 401 answers are identical', async () => {
    const answers = await Promise.all([
      login(api.app, { tenantId: 'globex', email: 'ana@acme.test', password: PASSWORD }),
      login(api.app, { tenantId: 'acme', email: 'nobody@acme.test', password: PASSWORD }),
      login(api.app, { tenantId: 'acme', email: 'ana@acme.test', password: 'not the password at all' }),
    ]);

    for (const answer of answers) {
      expect(answer.statusCode).toBe(401);
      expect(answer.body).toBe(JSON.stringify(LOGIN_FAILED));
      expect(refreshCookie(answer)).toBeUndefined();
    }
    expect(new Set(answers.map((answer) => answer.headers['content-type']))).toEqual(
      new Set(['application/json; charset=utf-8']),
    );
    expect(api.log.entries.filter((entry) => entry.message === 'login failed')).toHaveLength(3);
  });

  it('given a body without a password or with a malformed tenant id, then it is a 400 naming the field', async () => {
    const noPassword = await login(api.app, { tenantId: 'acme', email: 'ana@acme.test' });
    const badTenant = await login(api.app, { tenantId: 'ACME!', email: 'ana@acme.test', password: PASSWORD });

    expect(noPassword.statusCode).toBe(400);
    expect(noPassword.json().message).toMatch(/password/);
    expect(badTenant.statusCode).toBe(400);
    expect(badTenant.json().message).toMatch(/tenantId/);
  });

  it('given 5 attempts on one account within a minute, then the 6th is a 429 with Retry-After, other accounts unaffected', async () => {
    // Prepare
    const wrong = { tenantId: 'acme', email: 'ana@acme.test', password: 'a wrong password!' };
    for (let attempt = 0; attempt < 5; attempt++)
      expect(
        (await login(api.app, { ...wrong, email: attempt % 2 ? 'ANA@acme.test' : wrong.email })).statusCode,
      ).toBe(401);

    // Act
    const limited = await login(api.app, { ...wrong, password: PASSWORD });
    const otherAccount = await login(api.app, {
      tenantId: 'acme',
      email: 'vic@acme.test',
      password: PASSWORD,
    });

    // Assess
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().message).toMatch(
      /^too many sign-in attempts for this account: try again in \d+ (seconds?|minute)$/,
    );
    expect(otherAccount.statusCode).toBe(200);
    expect(api.log.entries).toContainEqual({
      level: 'warn',
      message: 'login rate limit reached',
      attributes: { tenantId: 'acme', email: 'ana@acme.test' },
    });
  });
});

describe('POST /auth/refresh', () => {
  let api: Api;
  beforeEach(async () => (api = await anApi()));
  afterEach(() => api.app.close());

  it('given a refresh token in the body, then the pair is rotated and the new access token works', async () => {
    const first = await signIn(api);

    const response = await refresh(api.app, first.refreshToken);

    expect(response.statusCode).toBe(200);
    const next = response.json();
    expect(next.refreshToken).not.toBe(first.refreshToken);
    expect(refreshCookie(response)?.value).toBe(next.refreshToken);
    expect((await me(api.app, `Bearer ${next.accessToken}`)).statusCode).toBe(200);
  });

  it('given only the avesa_refresh cookie (a browser), then it refreshes from the cookie', async () => {
    const first = await signIn(api);

    const response = await api.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      cookies: { avesa_refresh: first.refreshToken },
    });

    expect(response.statusCode).toBe(200);
    expect(response.json().user.email).toBe('ana@acme.test');
  });

  it('given a refresh token used once already, then its reuse is a 401 and every token of the session then fails', async () => {
    // Prepare
    const first = await signIn(api);
    const second = (await refresh(api.app, first.refreshToken)).json();

    // Act
    const reuse = await refresh(api.app, first.refreshToken);

    // Assess
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json()).toEqual({
      error: 'unauthorized',
      message: 'the refresh token was already used: the session is revoked, sign in again',
    });
    const afterReuse = await api.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      cookies: { avesa_refresh: second.refreshToken },
    });
    expect(afterReuse.statusCode).toBe(401);
    expect(afterReuse.json().message).toBe(
      'the session has ended (a refresh token of it was used twice): sign in again',
    );
    // The dead cookie is cleared; a bad token in the body leaves the cookie alone
    expect(refreshCookie(afterReuse)).toMatchObject({ value: '', path: '/auth' });
    expect(refreshCookie(reuse)).toBeUndefined();
    expect(api.log.entries.some((entry) => entry.message === 'refresh token reuse: session revoked')).toBe(
      true,
    );
  });

  it('given no refresh token at all, then it is a 401 saying how to send one', async () => {
    const response = await api.app.inject({ method: 'POST', url: '/auth/refresh' });

    expect(response.statusCode).toBe(401);
    expect(response.json().message).toBe(
      'no refresh token: send {"refreshToken": "..."} or the avesa_refresh cookie',
    );
  });
});

describe('POST /auth/logout', () => {
  let api: Api;
  beforeEach(async () => (api = await anApi()));
  afterEach(() => api.app.close());

  it('given a refresh token, then the session ends: 204, the cookie cleared, its tokens refused', async () => {
    const tokens = await signIn(api);

    const response = await api.app.inject({
      method: 'POST',
      url: '/auth/logout',
      payload: { refreshToken: tokens.refreshToken },
    });

    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(refreshCookie(response)).toMatchObject({ value: '', path: '/auth' });
    const after = await refresh(api.app, tokens.refreshToken);
    expect(after.statusCode).toBe(401);
    expect(after.json().message).toBe('the session has ended (signed out): sign in again');
  });

  it('given only the Bearer access token, then the session it belongs to ends', async () => {
    const tokens = await signIn(api);

    const response = await api.app.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });

    expect(response.statusCode).toBe(204);
    expect((await refresh(api.app, tokens.refreshToken)).statusCode).toBe(401);
  });

  it('given neither token, then it is a 400 saying what to send', async () => {
    const response = await api.app.inject({ method: 'POST', url: '/auth/logout' });

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/^nothing to sign out/);
  });
});

describe('GET /auth/me and the authenticate hook', () => {
  let api: Api;
  beforeEach(async () => (api = await anApi()));
  afterEach(() => api.app.close());

  it('given a valid access token, then it answers the user from the verified token', async () => {
    const tokens = await signIn(api);

    const response = await me(api.app, `Bearer ${tokens.accessToken}`);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      user: { id: api.analyst.userId, email: 'ana@acme.test', role: 'analyst', tenantId: 'acme' },
      sessionId: expect.any(String),
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('given a valid access token, then request.principal carries user, tenant, email, role and session', async () => {
    const tokens = await signIn(api);

    const response = await api.app.inject({
      method: 'GET',
      url: '/probe/principal?tenantId=globex',
      headers: { authorization: `Bearer ${tokens.accessToken}`, 'x-tenant-id': 'globex' },
    });

    expect(response.json()).toEqual({
      userId: api.analyst.userId,
      tenantId: 'acme',
      email: 'ana@acme.test',
      role: 'analyst',
      sessionId: expect.any(String),
    });
  });

  it.each([
    [
      'no Authorization header',
      undefined,
      'missing access token: send "Authorization: Bearer <accessToken>"',
    ],
    ['a Basic header', 'Basic YW5hOnB3', 'the Authorization header must be "Bearer <accessToken>"'],
    ['a token that is not a JWT', 'Bearer not-a-jwt', 'the access token is not valid'],
  ])('given %s, then it is a 401 saying so', async (_label, authorization, message) => {
    const response = await me(api.app, authorization);

    expect(response.statusCode).toBe(401);
    expect(response.json().error).toBe('unauthorized');
    expect(response.json().message).toContain(message);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="avesa"/);
  });

  it('given an access token signed with another key, then it is a 401 (not valid)', async () => {
    // Prepare: the same user and stores, another signing key
    const forger = new SessionService({
      state: api.sessionState,
      users: api.users,
      signingKey: Buffer.from('another-key-of-at-least-32-bytes-long!!'),
      log: api.log,
      clock: api.clock,
    });
    const forged = await forger.start((await api.users.find('acme', 'ana@acme.test'))!);

    // Act
    const response = await me(api.app, `Bearer ${forged.accessToken}`);

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.json().message).toBe(
      'the access token is not valid (not signed by this server, or malformed)',
    );
  });

  it('given an access token whose claims were altered (another tenant), then its signature no longer holds: 401', async () => {
    const tokens = await signIn(api);
    const [header, payload, signature] = tokens.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const altered = Buffer.from(JSON.stringify({ ...claims, tenantId: 'globex' })).toString('base64url');

    const response = await me(api.app, `Bearer ${header}.${altered}.${signature}`);

    expect(response.statusCode).toBe(401);
  });

  it('given an unsigned token (alg none), then it is a 401', async () => {
    const tokens = await signIn(api);
    const [, payload] = tokens.accessToken.split('.');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');

    const response = await me(api.app, `Bearer ${none}.${payload}.`);

    expect(response.statusCode).toBe(401);
  });

  it('given an access token issued 16 minutes ago, then it is a 401 saying it expired and how to renew it', async () => {
    // Prepare: a session started on a clock 16 minutes behind
    const past = new ManualClock(Date.now() - 16 * MINUTE);
    const expiredApi = await anApi({ clock: past });
    const tokens = await signIn(expiredApi);

    // Act
    const response = await me(expiredApi.app, `Bearer ${tokens.accessToken}`);

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.json().message).toBe(
      'the access token has expired: get a new one from POST /auth/refresh',
    );
    await expiredApi.app.close();
  });
});

describe('requireRole', () => {
  let api: Api;
  beforeEach(async () => (api = await anApi()));
  afterEach(() => api.app.close());

  const get = async (url: string, email?: string) =>
    api.app.inject({
      method: 'GET',
      url,
      headers: email ? { authorization: `Bearer ${(await signIn(api, email)).accessToken}` } : {},
    });

  it('given a viewer, when a route needs admin, then it is a 403 naming the role', async () => {
    const response = await get('/probe/admin', 'vic@acme.test');

    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({
      error: 'forbidden',
      message: 'this needs the admin role; you are a viewer',
    });
  });

  it('given a viewer, when a route needs analyst, then the message names the roles that would do', async () => {
    const response = await get('/probe/analyst', 'vic@acme.test');

    expect(response.statusCode).toBe(403);
    expect(response.json().message).toBe('this needs the analyst role (or admin); you are a viewer');
  });

  it('given an analyst and an admin, when a route needs analyst, then both pass (roles are ordered)', async () => {
    expect((await get('/probe/analyst', 'ana@acme.test')).statusCode).toBe(200);
    expect((await get('/probe/analyst', 'ada@acme.test')).statusCode).toBe(200);
    expect((await get('/probe/admin', 'ada@acme.test')).statusCode).toBe(200);
  });

  it('given no token, when a route needs a role, then it is a 401 (requireRole authenticates on its own)', async () => {
    const response = await get('/probe/admin');

    expect(response.statusCode).toBe(401);
  });
});

describe('logs', () => {
  it('given a whole session (failed and good logins, refresh, reuse, logout), then no log line holds a password, token or hash', async () => {
    // Prepare
    const api = await anApi();
    const secrets: string[] = [PASSWORD, 'a wrong password!'];

    // Act
    await login(api.app, { tenantId: 'acme', email: 'ana@acme.test', password: 'a wrong password!' });
    const first = await signIn(api);
    const second = (await refresh(api.app, first.refreshToken)).json();
    await refresh(api.app, first.refreshToken);
    const third = await signIn(api, 'vic@acme.test');
    await me(api.app, `Bearer ${third.accessToken}`);
    await api.app.inject({
      method: 'POST',
      url: '/auth/logout',
      cookies: { avesa_refresh: third.refreshToken },
    });
    secrets.push(first.refreshToken, first.accessToken, second.refreshToken, second.accessToken);
    secrets.push(third.refreshToken, third.accessToken);
    for (const email of ['ana@acme.test', 'vic@acme.test'])
      secrets.push((await api.users.find('acme', email))!.passwordHash);
    await api.app.close();

    // Assess
    const logged = [api.log.text(), ...api.requestLog].join('\n');
    expect(api.log.entries.length).toBeGreaterThan(3);
    expect(api.requestLog.length).toBeGreaterThan(3);
    for (const secret of secrets) expect(logged).not.toContain(secret);
    expect(logged).not.toMatch(/argon2id|eyJhbGci/);
  });
});
