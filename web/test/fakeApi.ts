/** A fake of the API's HTTP answers for the session and client tests: routes by method and path. */
export interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };
type Route = (call: Call) => Answer | Promise<Answer>;

export function fakeFetch(routes: Record<string, Route>) {
  const calls: Call[] = [];
  const fetch = async (input: string, init: RequestInit = {}): Promise<Response> => {
    const method = init.method ?? 'GET';
    const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>));
    const call: Call = {
      method,
      url: input,
      headers,
      ...(typeof init.body === 'string' ? { body: init.body } : {}),
    };
    calls.push(call);
    const path = input.split('?')[0]!;
    const route = routes[`${method} ${path}`];
    if (!route)
      return jsonResponse({ status: 404, body: { error: 'not_found', message: `no route ${path}` } });
    return jsonResponse(await route(call));
  };
  return { fetch, calls };
}

function jsonResponse(answer: Answer): Response {
  const body = answer.body === undefined ? null : JSON.stringify(answer.body);
  return {
    ok: answer.status >= 200 && answer.status < 300,
    status: answer.status,
    statusText: String(answer.status),
    headers: { get: (name: string) => answer.headers?.[name.toLowerCase()] ?? null },
    json: async () => (body === null ? null : JSON.parse(body)),
  } as unknown as Response;
}

export const user = (role: 'viewer' | 'analyst' | 'admin' = 'admin') => ({
  id: 'user-1',
  email: `${role}@contoso.test`,
  role,
  tenantId: 'contoso-it',
});

export const tokens = (accessToken: string, role: 'viewer' | 'analyst' | 'admin' = 'admin') => ({
  status: 200,
  body: { accessToken, refreshToken: `refresh-of-${accessToken}`, expiresIn: 900, user: user(role) },
});
