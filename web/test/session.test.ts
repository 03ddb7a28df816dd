import { ApiClient } from '../src/api/client';
import { NotFoundError, SessionEndedError } from '../src/api/errors';
import { SessionStore } from '../src/api/session';
import { fakeFetch, tokens } from './fakeApi';

const inTab = <T>(run: () => Promise<T>) => run();
const stores: SessionStore[] = [];
const store = (fetch: ReturnType<typeof fakeFetch>['fetch']) => {
  const session = new SessionStore({ fetch, withLock: inTab, channel: null });
  stores.push(session);
  return session;
};

afterEach(() => {
  for (const session of stores.splice(0)) session.dispose();
  jest.useRealTimers();
});

describe('the session', () => {
  it('given the right credentials, when logging in, then the access token is kept in memory with the user', async () => {
    const api = fakeFetch({ 'POST /auth/login': () => tokens('access-1') });
    const session = store(api.fetch);

    await session.login({ tenantId: 'contoso-it', email: 'admin@contoso.test', password: 'pw' });

    expect(session.accessToken()).toBe('access-1');
    expect(session.getState()).toMatchObject({
      status: 'signed-in',
      session: { user: { tenantId: 'contoso-it' } },
    });
    expect(JSON.parse(api.calls[0]!.body!)).toEqual({
      tenantId: 'contoso-it',
      email: 'admin@contoso.test',
      password: 'pw',
    });
  });

  it("given a login, then the tenant's name is fetched once for the header", async () => {
    const api = fakeFetch({
      'POST /auth/login': () => tokens('access-1'),
      'POST /auth/refresh': () => tokens('access-2'),
      'GET /api/tenant': () => ({ status: 200, body: { id: 'contoso-it', name: 'Contoso IT' } }),
    });
    const session = store(api.fetch);

    await session.login({ tenantId: 'contoso-it', email: 'admin@contoso.test', password: 'pw' });
    await session.refresh();

    expect(session.getState()).toMatchObject({ session: { user: { tenantName: 'Contoso IT' } } });
    expect(api.calls.filter((call) => call.url === '/api/tenant')).toHaveLength(1);
  });

  it('given a wrong password, when logging in, then the 401 is thrown and nobody is signed in', async () => {
    const api = fakeFetch({
      'POST /auth/login': () => ({
        status: 401,
        body: { error: 'unauthorized', message: 'wrong tenant, email or password' },
      }),
    });
    const session = store(api.fetch);

    await expect(session.login({ tenantId: 't', email: 'e@x.test', password: 'bad' })).rejects.toMatchObject({
      status: 401,
    });
    expect(session.getState().status).toBe('unknown');
  });

  it('given a page load, when several requests need a token at once, then the cookie is spent only once', async () => {
    let refreshes = 0;
    const api = fakeFetch({
      'POST /auth/refresh': () => tokens(`access-${++refreshes}`),
    });
    const session = store(api.fetch);

    const [first, second] = await Promise.all([session.refresh(), session.refresh()]);

    expect(refreshes).toBe(1);
    expect(first?.accessToken).toBe('access-1');
    expect(second).toBe(first);
  });

  it('given a token refused after another request already renewed it, then no second refresh is spent', async () => {
    let refreshes = 0;
    const api = fakeFetch({ 'POST /auth/refresh': () => tokens(`access-${++refreshes}`) });
    const session = store(api.fetch);
    await session.refresh();

    const current = await session.refresh('access-0');

    expect(refreshes).toBe(1);
    expect(current?.accessToken).toBe('access-1');
  });

  it('given no refresh cookie, when the page loads, then the session is signed out', async () => {
    const api = fakeFetch({ 'POST /auth/refresh': () => ({ status: 401, body: { error: 'unauthorized' } }) });
    const session = store(api.fetch);

    expect(await session.refresh()).toBeNull();
    expect(session.getState()).toEqual({ status: 'signed-out' });
  });

  it('given a session, when its access token nears expiry, then it is renewed silently', async () => {
    jest.useFakeTimers();
    let refreshes = 0;
    const api = fakeFetch({
      'POST /auth/login': () => tokens('access-0'),
      'POST /auth/refresh': () => tokens(`access-${++refreshes}`),
    });
    const session = store(api.fetch);
    await session.login({ tenantId: 't', email: 'e@x.test', password: 'pw' });

    await jest.advanceTimersByTimeAsync(900_000 - 60_000);

    expect(refreshes).toBe(1);
    expect(session.accessToken()).toBe('access-1');
  });

  it('given a session, when logging out, then the API is told and the token is forgotten', async () => {
    const api = fakeFetch({
      'POST /auth/login': () => tokens('access-0'),
      'POST /auth/logout': () => ({ status: 204 }),
    });
    const session = store(api.fetch);
    await session.login({ tenantId: 't', email: 'e@x.test', password: 'pw' });

    await session.logout();

    expect(api.calls.at(-1)).toMatchObject({ method: 'POST', url: '/auth/logout' });
    expect(session.getState()).toEqual({ status: 'signed-out', reason: 'logged-out' });
    expect(session.accessToken()).toBeUndefined();
  });
});

describe('the API client', () => {
  it('given an expired access token, when reading, then it renews once and retries', async () => {
    const api = fakeFetch({
      'POST /auth/login': () => tokens('old'),
      'POST /auth/refresh': () => tokens('new'),
      'GET /api/tickets': (call) =>
        call.headers.authorization === 'Bearer new'
          ? { status: 200, body: { data: [], total: 0, limit: 25, offset: 0 } }
          : { status: 401, body: { error: 'unauthorized', message: 'the access token has expired' } },
    });
    const session = store(api.fetch);
    await session.login({ tenantId: 't', email: 'e@x.test', password: 'pw' });
    const client = new ApiClient(session, api.fetch);

    const page = await client.get('/api/tickets', { limit: 25, search: undefined });

    expect(page).toEqual({ data: [], total: 0, limit: 25, offset: 0 });
    const calls = api.calls.filter((call) => call.url !== '/api/tenant');
    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual([
      'POST /auth/login',
      'GET /api/tickets?limit=25',
      'POST /auth/refresh',
      'GET /api/tickets?limit=25',
    ]);
  });

  it('given a session that cannot be renewed, when reading, then the session ends', async () => {
    const api = fakeFetch({
      'POST /auth/login': () => tokens('old'),
      'POST /auth/refresh': () => ({ status: 401, body: { error: 'unauthorized' } }),
      'GET /api/tickets': () => ({ status: 401, body: { error: 'unauthorized' } }),
    });
    const session = store(api.fetch);
    await session.login({ tenantId: 't', email: 'e@x.test', password: 'pw' });

    await expect(new ApiClient(session, api.fetch).get('/api/tickets')).rejects.toBeInstanceOf(
      SessionEndedError,
    );
    expect(session.getState()).toEqual({ status: 'signed-out', reason: 'expired' });
  });

  it("given another tenant's id, when reading it, then the 404 is a NotFoundError with the API's words", async () => {
    const api = fakeFetch({
      'POST /auth/login': () => tokens('token'),
      'GET /api/tickets/connectwise:1': () => ({
        status: 404,
        body: { error: 'not_found', message: 'no ticket connectwise:1 in your tenant' },
      }),
    });
    const session = store(api.fetch);
    await session.login({ tenantId: 't', email: 'e@x.test', password: 'pw' });

    const read = new ApiClient(session, api.fetch).get('/api/tickets/connectwise:1');

    await expect(read).rejects.toBeInstanceOf(NotFoundError);
    await expect(read).rejects.toThrow('no ticket connectwise:1 in your tenant');
  });
});
