import { CONNECTWISE_API_VERSION, CONNECTWISE_ENDPOINTS } from '../../sources/connectwise/endpoints';
import { startSimulator, type SimulatedTenant, type Simulator } from '../../simulator';
import { type AnyRecord, aTenant, basicAuth, cwGet, idsOf, lastUpdatedMs, linkTo } from './helpers';

const TICKETS = CONNECTWISE_ENDPOINTS.tickets;
const CONTACTS = CONNECTWISE_ENDPOINTS.contacts;
const q = encodeURIComponent;

function expectCommonHeaders(headers: Headers): void {
  expect(headers.get('api-current-version')).toBe(CONNECTWISE_API_VERSION);
  expect(headers.get('x-cw-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  expect(headers.get('cache-control')).toBe('no-cache');
  expect(headers.get('pragma')).toBe('no-cache');
  expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
}

describe('simulator HTTP: authentication and discovery', () => {
  const tenant = aTenant();
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ tenants: [tenant] });
  });
  afterAll(() => sim.stop());

  it('given valid credentials and clientId, when listing, then 200 with the ConnectWise headers', async () => {
    const response = await cwGet(sim, TICKETS);
    expect(response.status).toBe(200);
    expectCommonHeaders(response.headers);
    expect(response.json).toHaveLength(25);
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong private key', { Authorization: basicAuth({ ...tenant, privateKey: 'nope' }) }],
    ['an unknown company', { Authorization: basicAuth({ ...tenant, companyId: 'other' }) }],
    ['a malformed header', { Authorization: 'Basic !!!' }],
  ])('given %s, when listing, then 401 Unauthorized with the error envelope', async (_, headers) => {
    const response = await cwGet(sim, TICKETS, {
      auth: false,
      headers: { clientId: tenant.clientId, ...headers },
    });
    expect(response.status).toBe(401);
    expectCommonHeaders(response.headers);
    expect(response.json).toEqual({ code: 'Unauthorized', message: expect.any(String), errors: null });
  });

  it('given a missing clientId header, when listing, then 403', async () => {
    const response = await cwGet(sim, TICKETS, {
      auth: false,
      headers: { Authorization: basicAuth(tenant) },
    });
    expect(response.status).toBe(403);
    expect(response.json).toMatchObject({ code: 'Forbidden', errors: null });
  });

  it('given the clientId header in another case, when listing, then it is accepted', async () => {
    const response = await cwGet(sim, `${TICKETS}?pageSize=1`, {
      auth: false,
      headers: { Authorization: basicAuth(tenant), CLIENTID: tenant.clientId },
    });
    expect(response.status).toBe(200);
  });

  it('given the companyinfo endpoint, when called without credentials, then it names the codebase; unknown companies get null', async () => {
    const origin = new URL(sim.baseUrl).origin;
    const known = await cwGet(sim, `${origin}/login/companyinfo/ACME`, { auth: false });
    expect(known.status).toBe(200);
    expect(known.json).toMatchObject({ Codebase: 'v4_6_release/', CompanyID: 'acme', IsCloud: 'False' });
    const unknown = await cwGet(sim, `${origin}/login/companyinfo/nobody`, { auth: false });
    expect(unknown.status).toBe(200);
    expect(unknown.text).toBe('null');
  });

  it('given /system/info, when called, then it returns the Info schema', async () => {
    const response = await cwGet(sim, '/system/info', { auth: false });
    expect(response.json).toMatchObject({ version: expect.stringMatching(/^v2025\./), isCloud: false });
  });

  it('given an unknown API path or a wrong method, when called, then 404 / 405 with the error envelope', async () => {
    expect((await cwGet(sim, '/service/boards')).status).toBe(404);
    const post = await fetch(`${sim.baseUrl}${TICKETS}`, {
      method: 'POST',
      headers: { Authorization: basicAuth(tenant), clientId: tenant.clientId },
      body: '{}',
    });
    expect(post.status).toBe(405);
    expect(await post.json()).toMatchObject({ code: 'NotSupported', errors: null });
  });
});

describe('simulator HTTP: auth quirks', () => {
  it('given cloudAuthQuirk, when credentials are wrong, then 404 instead of 401', async () => {
    const sim = await startSimulator({ tenants: [aTenant()], cloudAuthQuirk: true });
    try {
      const response = await cwGet(sim, TICKETS, { tenant: aTenant({ privateKey: 'wrong' }) });
      expect(response.status).toBe(404);
      expect(response.json).toMatchObject({ code: 'NotFound', errors: null });
      expect((await cwGet(sim, TICKETS)).status).toBe(200);
    } finally {
      await sim.stop();
    }
  });

  it('given requireClientId false, when the header is missing, then the request succeeds', async () => {
    const sim = await startSimulator({ tenants: [aTenant()], requireClientId: false });
    try {
      const response = await cwGet(sim, TICKETS, {
        auth: false,
        headers: { Authorization: basicAuth(aTenant()) },
      });
      expect(response.status).toBe(200);
    } finally {
      await sim.stop();
    }
  });
});

describe('simulator HTTP: lists, counts, single records', () => {
  const tenant = aTenant({ sizes: { companies: 30, contacts: 90, tickets: 1_234, time_entries: 300 } });
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ tenants: [tenant] });
  });
  afterAll(() => sim.stop());
  const get = (path: string, headers: Record<string, string> = {}) => cwGet(sim, path, { tenant, headers });
  const tickets = () => sim.records('acme', 'tickets') as readonly AnyRecord[];

  it('given conditions, when /count and the list are requested, then the count equals the list length and the ground truth', async () => {
    const conditions =
      'lastUpdated > [2024-06-01T00:00:00Z] AND closedFlag = false OR board/name = "Þjónustuborð"';
    const count = await get(`${TICKETS}/count?conditions=${q(conditions)}`);
    const list = await get(`${TICKETS}?pageSize=1000&conditions=${q(conditions)}`);
    const list2 = await get(`${TICKETS}?pageSize=1000&page=2&conditions=${q(conditions)}`);
    const expected = tickets().filter(
      (t) =>
        (lastUpdatedMs(t) > Date.parse('2024-06-01T00:00:00Z') && t.closedFlag === false) ||
        t.board.name === 'Þjónustuborð',
    );
    expect(count.json).toEqual({ count: expected.length });
    expect(idsOf([...(list.json as AnyRecord[]), ...(list2.json as AnyRecord[])])).toEqual(idsOf(expected));
    expect(expected.length).toBeGreaterThan(0);
  });

  it('given axios-style + for spaces, when conditions are decoded, then they work', async () => {
    const response = await get(`${TICKETS}/count?conditions=lastUpdated+%3E+%5B2024-01-01T00:00:00Z%5D`);
    const expected = tickets().filter((t) => lastUpdatedMs(t) > Date.parse('2024-01-01T00:00:00Z')).length;
    expect(response.json).toEqual({ count: expected });
  });

  it('given an id range and a lastUpdated window as a fetcher sends them, when listed, then exactly the matching records come back', async () => {
    const ids = idsOf(tickets());
    const [low, high] = [ids[100] as number, ids[900] as number];
    const conditions = `id >= ${low} AND id < ${high} AND lastUpdated >= [2024-01-01T00:00:00.000000] AND lastUpdated < [2025-01-01T00:00:00+00:00]`;
    const response = await get(`${TICKETS}?pageSize=1000&conditions=${q(conditions)}`);
    const expected = tickets().filter(
      (t) =>
        t.id >= low &&
        t.id < high &&
        lastUpdatedMs(t) >= Date.parse('2024-01-01T00:00:00Z') &&
        lastUpdatedMs(t) < Date.parse('2025-01-01T00:00:00Z'),
    );
    expect(idsOf(response.json as AnyRecord[])).toEqual(idsOf(expected));
  });

  it('given invalid conditions, when listed or counted, then 400 InvalidObject with the ConnectWise message', async () => {
    for (const path of [
      `${TICKETS}?conditions=${q('closedFlag = 1')}`,
      `${TICKETS}/count?conditions=${q('summary = hi')}`,
    ]) {
      const response = await get(path);
      expect(response.status).toBe(400);
      expectCommonHeaders(response.headers);
      expect(response.json).toEqual({
        code: 'InvalidObject',
        message: expect.stringMatching(/^Expected /),
        errors: null,
      });
    }
    const response = await get(`${TICKETS}?conditions=${q('closedFlag = 1')}`);
    expect((response.json as AnyRecord).message).toMatch(
      /^Expected a boolean value, not a numeric\. String values should be enclosed/,
    );
  });

  it('given no pageSize, then 25 records; given pageSize above 1000, then silently 1000', async () => {
    expect(await get(TICKETS).then((r) => (r.json as unknown[]).length)).toBe(25);
    expect(await get(`${TICKETS}?pageSize=5000`).then((r) => (r.json as unknown[]).length)).toBe(1000);
    expect((await get(`${TICKETS}?pageSize=abc`)).status).toBe(400);
  });

  it('given a navigable first page, when the Link header is read, then it is exactly next and last with page= last', async () => {
    const response = await get(`${TICKETS}?pageSize=100&conditions=${q('id > 0')}`);
    const url = `${sim.baseUrl}${TICKETS}?pageSize=100&conditions=${q('id > 0')}`;
    expect(response.headers.get('link')).toBe(`<${url}&page=2>; rel="next", <${url}&page=13>; rel="last"`);
  });

  it('given a middle page, when the Link header is read, then it has first, prev, next and last', async () => {
    const response = await get(`${TICKETS}?page=3&pageSize=100&orderBy=id%20asc`);
    const url = `${sim.baseUrl}${TICKETS}?pageSize=100&orderBy=id%20asc`;
    expect(response.headers.get('link')).toBe(
      `<${url}&page=1>; rel="first", <${url}&page=2>; rel="prev", <${url}&page=4>; rel="next", <${url}&page=13>; rel="last"`,
    );
  });

  it('given navigable paging, when next links are followed to the end, then every id comes exactly once and past the end is []', async () => {
    const seen: number[] = [];
    let url: string | undefined = `${sim.baseUrl}${TICKETS}?pageSize=100&fields=id`;
    let pages = 0;
    while (url) {
      const response = await cwGet(sim, url, { tenant });
      seen.push(...idsOf(response.json as AnyRecord[]));
      url = linkTo(response.headers.get('link'), 'next');
      pages++;
    }
    expect(pages).toBe(13);
    expect(seen).toEqual(idsOf(tickets()));
    const past = await get(`${TICKETS}?pageSize=100&page=14`);
    expect(past.status).toBe(200);
    expect(past.json).toEqual([]);
  });

  it('given orderBy, when listed, then records come in that order (ties by id) and a bad orderBy is 400', async () => {
    const response = await get(`${TICKETS}?pageSize=1000&orderBy=${q('lastUpdated desc, company/name asc')}`);
    const records = response.json as AnyRecord[];
    for (let i = 1; i < records.length; i++) {
      const [a, b] = [records[i - 1] as AnyRecord, records[i] as AnyRecord];
      expect(a._info.lastUpdated >= b._info.lastUpdated).toBe(true);
    }
    const byName = (await get(`${TICKETS}?pageSize=1000&orderBy=${q('company/name asc')}`))
      .json as AnyRecord[];
    const names = byName.map((t) => (t.company.name as string).toLowerCase());
    expect(names).toEqual([...names].sort());
    expect((await get(`${TICKETS}?orderBy=${q('summary sideways')}`)).status).toBe(400);
  });

  it('given fields, when listed, then only those fields come back and _info only when listed', async () => {
    const plain = (await get(`${TICKETS}?pageSize=3&fields=id,summary,company/name`)).json as AnyRecord[];
    expect(plain.map((r) => Object.keys(r).sort())).toEqual([
      ['company', 'id', 'summary'],
      ['company', 'id', 'summary'],
      ['company', 'id', 'summary'],
    ]);
    expect(plain[0]?.company).toEqual({ name: tickets()[0]?.company.name });
    const withInfo = (await get(`${TICKETS}?pageSize=1&fields=id,_info`)).json as AnyRecord[];
    expect(withInfo[0]).toEqual({ id: tickets()[0]?.id, _info: tickets()[0]?._info });
  });

  it('given a record id, when GET {path}/{id}, then that record; an unknown id is 404 NotFound', async () => {
    const record = tickets()[7] as AnyRecord;
    const one = await get(`${TICKETS}/${record.id}`);
    expect(one.status).toBe(200);
    expect(one.json).toEqual(record);
    const projected = await get(`${TICKETS}/${record.id}?fields=summary`);
    expect(projected.json).toEqual({ summary: record.summary });
    const missing = await get(`${TICKETS}/1`);
    expect(missing.status).toBe(404);
    expectCommonHeaders(missing.headers);
    expect(missing.json).toEqual({ code: 'NotFound', message: expect.stringContaining('1'), errors: null });
  });

  it('given childConditions, when listed, then one communication item must satisfy all of them', async () => {
    const contacts = sim.records('acme', 'contacts') as readonly AnyRecord[];
    const phone = contacts[0]?.communicationItems[0].value as string;
    const perChild = await get(
      `${CONTACTS}/count?childConditions=${q(`communicationItems/communicationType = "Email" AND communicationItems/value = "${phone}"`)}`,
    );
    expect(perChild.json).toEqual({ count: 0 });
    const emails = await get(
      `${CONTACTS}?pageSize=1000&childconditions=${q('communicationItems/value like "%@%" AND communicationItems/communicationType="Email"')}`,
    );
    expect((emails.json as unknown[]).length).toBe(contacts.length);
  });

  it('given customFieldConditions, when counted, then records with that custom field set are counted', async () => {
    const response = await get(
      `${CONTACTS}/count?customFieldConditions=${q('caption="TomNumber" AND value != null')}`,
    );
    const contacts = sim.records('acme', 'contacts') as readonly AnyRecord[];
    const expected = contacts.filter((c) =>
      c.customFields.some((f: AnyRecord) => f.caption === 'TomNumber' && 'value' in f),
    );
    expect(response.json).toEqual({ count: expected.length });
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(contacts.length);
  });

  it('given POST /service/tickets/search, when called with conditions in the body, then it answers like the GET list', async () => {
    const body = JSON.stringify({ conditions: 'closedFlag = false', orderBy: 'id desc' });
    const response = await fetch(`${sim.baseUrl}${TICKETS}/search?pageSize=1000`, {
      method: 'POST',
      headers: {
        Authorization: basicAuth(tenant),
        clientId: tenant.clientId,
        'Content-Type': 'application/json',
      },
      body,
    });
    const expected = tickets()
      .filter((t) => t.closedFlag === false)
      .map((t) => t.id)
      .reverse();
    expect(response.status).toBe(200);
    expect(idsOf((await response.json()) as AnyRecord[])).toEqual(expected);
  });
});

describe('simulator HTTP: forward-only paging', () => {
  const tenant = aTenant({ sizes: { companies: 10, tickets: 1_000, time_entries: 250 } });
  const forwardOnly = { 'pagination-type': 'forward-only' };
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ tenants: [tenant] });
  });
  afterAll(() => sim.stop());

  async function followForwardOnly(start: string, tenantConfig: SimulatedTenant = tenant) {
    const seen: number[] = [];
    const links: (string | null)[] = [];
    let url: string | undefined = start;
    while (url) {
      const response = await cwGet(sim, url, { tenant: tenantConfig, headers: forwardOnly });
      expect(response.status).toBe(200);
      seen.push(...idsOf(response.json as AnyRecord[]));
      const link = response.headers.get('link');
      links.push(link);
      url = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
    }
    return { seen, links };
  }

  it('given a filtered forward-only run, when Link is followed until empty, then every matching id comes once in order and the final Link is empty', async () => {
    const conditions = 'lastUpdated >= [2024-01-01T00:00:00Z]';
    const { seen, links } = await followForwardOnly(
      `${sim.baseUrl}${TICKETS}?pageSize=100&conditions=${q(conditions)}&page=7`,
    );
    const expected = (sim.records('acme', 'tickets') as readonly AnyRecord[]).filter(
      (t) => lastUpdatedMs(t) >= Date.parse('2024-01-01T00:00:00Z'),
    );
    expect(seen).toEqual(idsOf(expected));
    expect(links[links.length - 1]).toBe('');
    expect(links.slice(0, -1).every((link) => /pageId=\d+>; rel="next"$/.test(link ?? ''))).toBe(true);
    expect(links[0]).toContain(`conditions=${q(conditions)}`);
  });

  it('given a table that divides into full pages, when followed, then the last full page links to an empty page with an empty Link', async () => {
    const { seen, links } = await followForwardOnly(
      `${sim.baseUrl}${CONNECTWISE_ENDPOINTS.time_entries}?pageSize=50`,
    );
    expect(seen).toEqual(idsOf(sim.records('acme', 'time_entries')));
    expect(links).toHaveLength(6);
    expect(links[4]).toMatch(/pageId=\d+>; rel="next"$/);
    expect(links[5]).toBe('');
  });

  it('given the first page, when the next link is read, then pageId is the last id of the page', async () => {
    const response = await cwGet(sim, `${TICKETS}?pageSize=10`, { tenant, headers: forwardOnly });
    const ids = idsOf(response.json as AnyRecord[]);
    expect(response.headers.get('link')).toBe(
      `<${sim.baseUrl}${TICKETS}?pageSize=10&pageId=${ids[9]}>; rel="next"`,
    );
    const next = await cwGet(sim, `${TICKETS}?pageSize=10&pageId=${ids[9]}`, {
      tenant,
      headers: forwardOnly,
    });
    expect(idsOf(next.json as AnyRecord[])).toEqual(idsOf(sim.records('acme', 'tickets')).slice(10, 20));
  });

  it('given orderBy with forward-only, when listed, then 400', async () => {
    const response = await cwGet(sim, `${TICKETS}?orderBy=${q('id desc')}`, { tenant, headers: forwardOnly });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ code: 'InvalidObject' });
  });

  it('given records added during a run by an onRequest hook, when the run continues, then the new records are returned too', async () => {
    let added: number[] = [];
    sim.onRequest((request) => {
      if (added.length === 0 && request.records > 0) added = sim.addRecords('acme', 'tickets', 3);
    });
    try {
      const { seen } = await followForwardOnly(`${sim.baseUrl}${TICKETS}?pageSize=400`);
      expect(added).toHaveLength(3);
      expect(seen.slice(-3)).toEqual(added);
      expect(seen).toEqual(idsOf(sim.records('acme', 'tickets')));
    } finally {
      sim.onRequest(undefined);
    }
  });
});

describe('simulator HTTP: changes and the request log', () => {
  let clock = new Date('2026-03-01T10:00:00Z');
  const tenant = aTenant();
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      tenants: [tenant, aTenant({ companyId: 'beta' })],
      now: () => clock,
      latency: { baseMs: 60, jitterMs: 0, perRecordMs: 0 },
    });
  });
  afterAll(() => sim.stop());

  it('given mutate(), when querying lastUpdated > [before], then exactly the mutated records appear', async () => {
    const before = '2026-03-01T09:59:59Z';
    expect((await cwGet(sim, `${TICKETS}/count?conditions=${q(`lastUpdated > [${before}]`)}`)).json).toEqual({
      count: 0,
    });
    clock = new Date('2026-03-01T10:00:00Z');
    const ids = sim.mutate('acme', 'tickets', 4);
    const response = await cwGet(sim, `${TICKETS}?conditions=${q(`lastUpdated > [${before}]`)}`);
    expect(idsOf(response.json as AnyRecord[])).toEqual(ids);
    expect((response.json as AnyRecord[]).every((r) => r._info.lastUpdated === '2026-03-01T10:00:00Z')).toBe(
      true,
    );
  });

  it('given requests, when the log is read, then method, path, query, status and record counts are recorded per tenant', async () => {
    sim.resetRequests();
    await cwGet(sim, `${TICKETS}?pageSize=5&conditions=${q('id > 0')}`);
    await cwGet(sim, `${TICKETS}/count`);
    await cwGet(sim, TICKETS, { tenant: aTenant({ privateKey: 'bad' }) });
    const log = sim.requests('acme');
    expect(log).toHaveLength(3);
    expect(log[0]).toMatchObject({
      companyId: 'acme',
      method: 'GET',
      path: `/v4_6_release/apis/3.0${TICKETS}`,
      query: { pageSize: '5', conditions: 'id > 0' },
      status: 200,
      records: 5,
    });
    expect(log[0]!.endedAt - log[0]!.startedAt).toBeGreaterThanOrEqual(55);
    expect(log[1]).toMatchObject({ path: `/v4_6_release/apis/3.0${TICKETS}/count`, records: 0, status: 200 });
    expect(log[2]).toMatchObject({ status: 401 });
    expect(sim.requests('beta')).toHaveLength(0);
    expect(sim.requests()).toHaveLength(3);
    sim.resetRequests();
    expect(sim.requests()).toHaveLength(0);
  });

  it('given parallel requests, when they overlap, then maxConcurrent and maxRequestsInAnyMinute count them per tenant', async () => {
    sim.resetRequests();
    await Promise.all(Array.from({ length: 5 }, () => cwGet(sim, `${TICKETS}?pageSize=1`)));
    await cwGet(sim, `${TICKETS}?pageSize=1`);
    await cwGet(sim, `${TICKETS}?pageSize=1`, { tenant: aTenant({ companyId: 'beta' }) });
    expect(sim.maxConcurrent('acme')).toBe(5);
    expect(sim.maxConcurrent('beta')).toBe(1);
    expect(sim.maxRequestsInAnyMinute('acme')).toBe(6);
    expect(sim.maxRequestsInAnyMinute('beta')).toBe(1);
  });
});
