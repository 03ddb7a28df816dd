import type { SalesforceSimulator, SimulatedOrg } from '../../../simulator';

/** Records are JSON of many shapes; tests read them loosely. */
export type AnyRecord = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A small org; override any field. */
export function anOrg(overrides: Partial<SimulatedOrg> = {}): SimulatedOrg {
  return {
    name: 'acme',
    clientId: 'acme-client',
    clientSecret: 'acme-secret',
    sizes: { Account: 15, Contact: 40, Case: 1_234, WorkOrder: 60, TimeSheetEntry: 90 },
    ...overrides,
  };
}

/** A clock the test moves by hand. */
export function aClock(iso = '2026-01-02T03:04:05Z'): { now: () => Date; advance(seconds: number): void } {
  let current = Date.parse(iso);
  return { now: () => new Date(current), advance: (seconds) => (current += seconds * 1000) };
}

/** POSTs a form to the token endpoint. */
export async function tokenRequest(
  sim: SalesforceSimulator,
  form: Record<string, string>,
): Promise<{ status: number; json: AnyRecord }> {
  const response = await fetch(`${sim.instanceUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, json: (await response.json()) as AnyRecord };
}

/** A session for an org via client credentials. */
export async function login(sim: SalesforceSimulator, org: SimulatedOrg = anOrg()): Promise<string> {
  const { json } = await tokenRequest(sim, {
    grant_type: 'client_credentials',
    client_id: org.clientId,
    client_secret: org.clientSecret,
  });
  return json.access_token as string;
}

export interface SfResponse {
  status: number;
  headers: Headers;
  text: string;
  json: AnyRecord | undefined;
}

export async function sfGet(
  sim: SalesforceSimulator,
  pathOrUrl: string,
  token: string | undefined,
  headers: Record<string, string> = {},
): Promise<SfResponse> {
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${sim.instanceUrl}${pathOrUrl}`;
  const response = await fetch(url, {
    headers: { ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }), ...headers },
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

/** `GET /services/data/v62.0/{query|queryAll}?q=…`. */
export function soql(
  sim: SalesforceSimulator,
  token: string,
  query: string,
  options: { all?: boolean; batchSize?: number } = {},
): Promise<SfResponse> {
  const resource = options.all ? 'queryAll' : 'query';
  return sfGet(
    sim,
    `/services/data/v62.0/${resource}?q=${encodeURIComponent(query)}`,
    token,
    options.batchSize === undefined ? {} : { 'Sforce-Query-Options': `batchSize=${options.batchSize}` },
  );
}

/** Follows nextRecordsUrl to the end; returns every record and the batch sizes seen. */
export async function queryAllPages(
  sim: SalesforceSimulator,
  token: string,
  query: string,
  options: { all?: boolean; batchSize?: number } = {},
): Promise<{ records: AnyRecord[]; batches: number[]; urls: string[] }> {
  let response = await soql(sim, token, query, options);
  const records: AnyRecord[] = [];
  const batches: number[] = [];
  const urls: string[] = [];
  for (;;) {
    const body = response.json!;
    records.push(...(body.records as AnyRecord[]));
    batches.push(body.records.length);
    if (body.done) return { records, batches, urls };
    urls.push(body.nextRecordsUrl as string);
    response = await sfGet(sim, body.nextRecordsUrl as string, token);
  }
}

export function idsOf(records: readonly unknown[]): string[] {
  return records.map((record) => (record as { Id: string }).Id);
}

/** Polls (without a fixed sleep) until `condition` holds. */
export async function eventually(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 4000; attempt++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('condition not met');
}
