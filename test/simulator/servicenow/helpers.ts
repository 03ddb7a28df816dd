import type { ServiceNowSimulator, SimulatedInstance } from '../../../simulator';

/** Records are JSON of many shapes; tests read them loosely. */
export type AnyRecord = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A small instance; override any field. */
export function anInstance(overrides: Partial<SimulatedInstance> = {}): SimulatedInstance {
  return {
    name: 'acme',
    username: 'acme.integration',
    password: 'acme-secret',
    clientId: 'acme-client',
    clientSecret: 'acme-client-secret',
    sizes: {
      customer_account: 12,
      customer_contact: 40,
      incident: 250,
      task_time_worked: 300,
      sn_customerservice_case: 30,
      sys_user_group: 5,
      sys_user: 20,
    },
    ...overrides,
  };
}

export function basicAuth(instance: Pick<SimulatedInstance, 'username' | 'password'>): string {
  return `Basic ${Buffer.from(`${instance.username}:${instance.password}`).toString('base64')}`;
}

/** A clock the test moves by hand. */
export function aClock(iso = '2026-01-02T03:04:05Z'): { now: () => Date; advance(seconds: number): void } {
  let current = Date.parse(iso);
  return { now: () => new Date(current), advance: (seconds) => (current += seconds * 1000) };
}

export interface SnResponse {
  status: number;
  headers: Headers;
  text: string;
  json: AnyRecord | undefined;
}

/**
 * GETs `pathOrUrl` (relative to instanceUrl, or absolute) with the instance's Basic credentials, or with the given
 * Authorization header (`null` = none).
 */
export async function snGet(
  sim: ServiceNowSimulator,
  pathOrUrl: string,
  options: { instance?: SimulatedInstance; authorization?: string | null; method?: string } = {},
): Promise<SnResponse> {
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${sim.instanceUrl}${pathOrUrl}`;
  const authorization =
    options.authorization === undefined ? basicAuth(options.instance ?? anInstance()) : options.authorization;
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers: {
      Accept: 'application/json',
      ...(authorization === null ? {} : { Authorization: authorization }),
    },
  });
  const text = await response.text();
  let json: AnyRecord | undefined;
  try {
    json = JSON.parse(text) as AnyRecord;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** `GET /api/now/table/{table}?{query}` as the default instance. */
export function tableGet(
  sim: ServiceNowSimulator,
  table: string,
  query: Record<string, string | number> = {},
  options: { version?: 'v1' | 'v2'; instance?: SimulatedInstance; authorization?: string | null } = {},
): Promise<SnResponse> {
  const search = new URLSearchParams(
    Object.entries(query).map(([key, value]): [string, string] => [key, String(value)]),
  );
  const prefix = options.version ? `/api/now/${options.version}/table` : '/api/now/table';
  return snGet(sim, `${prefix}/${table}${search.size > 0 ? `?${search}` : ''}`, options);
}

/** POSTs a form to /oauth_token.do. */
export async function tokenRequest(
  sim: ServiceNowSimulator,
  form: Record<string, string>,
): Promise<{ status: number; json: AnyRecord }> {
  const response = await fetch(`${sim.instanceUrl}/oauth_token.do`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, json: (await response.json()) as AnyRecord };
}

/** The `Link` header as rel → URL. */
export function links(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(',<')) {
    const match = /^<?([^>]*)>;rel="([a-z]+)"$/.exec(part);
    if (match) out[match[2] as string] = match[1] as string;
  }
  return out;
}

export function sysIdsOf(records: readonly unknown[]): string[] {
  return records.map((record) => (record as { sys_id: string }).sys_id);
}

/** Polls (without a fixed sleep) until `condition` holds; gives up after ~20 s of polling (a busy machine). */
export async function eventually(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 4000; attempt++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('condition not met');
}
