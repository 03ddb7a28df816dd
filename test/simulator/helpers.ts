import type { SimulatedTenant, Simulator } from '../../simulator';

/** Records are JSON of many shapes; tests read them loosely. */
export type AnyRecord = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A small tenant; override any field. */
export function aTenant(overrides: Partial<SimulatedTenant> = {}): SimulatedTenant {
  return {
    companyId: 'acme',
    publicKey: 'acme-public',
    privateKey: 'acme-private',
    clientId: 'client-acme',
    sizes: { companies: 20, contacts: 40, tickets: 120, time_entries: 200 },
    requestsPerMinute: 100_000,
    ...overrides,
  };
}

export function basicAuth(tenant: Pick<SimulatedTenant, 'companyId' | 'publicKey' | 'privateKey'>): string {
  return `Basic ${Buffer.from(`${tenant.companyId}+${tenant.publicKey}:${tenant.privateKey}`).toString('base64')}`;
}

export interface CwResponse {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** GETs `pathOrUrl` (relative to baseUrl, or absolute) as `tenant`, with its credentials unless told otherwise. */
export async function cwGet(
  sim: Simulator,
  pathOrUrl: string,
  options: { tenant?: SimulatedTenant; headers?: Record<string, string>; auth?: boolean } = {},
): Promise<CwResponse> {
  const tenant = options.tenant ?? aTenant();
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${sim.baseUrl}${pathOrUrl}`;
  const headers: Record<string, string> =
    options.auth === false ? {} : { Authorization: basicAuth(tenant), clientId: tenant.clientId };
  const response = await fetch(url, { headers: { ...headers, ...options.headers } });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export function idsOf(records: readonly unknown[]): number[] {
  return records.map((record) => (record as { id: number }).id);
}

/** `lastUpdated` of a record as an instant. */
export function lastUpdatedMs(record: unknown): number {
  return Date.parse((record as { _info: { lastUpdated: string } })._info.lastUpdated);
}

/** The URL of rel="…" in a Link header. */
export function linkTo(link: string | null, rel: string): string | undefined {
  const part = (link ?? '').split(', ').find((entry) => entry.endsWith(`; rel="${rel}"`));
  return part ? /^<([^>]*)>/.exec(part)?.[1] : undefined;
}
