import { startServiceNowSimulator, type ServiceNowSimulator } from '../../../simulator';
import { type AnyRecord, anInstance, links, snGet, sysIdsOf, tableGet } from './helpers';

const sizes = { customer_account: 10, customer_contact: 30, incident: 1_234, task_time_worked: 0 };

describe('ServiceNow simulator: paging, keysets and windows', () => {
  let sim: ServiceNowSimulator;
  beforeAll(async () => {
    sim = await startServiceNowSimulator({ instances: [anInstance({ sizes })] });
  });
  afterAll(() => sim.stop());

  const incidents = () => [...sim.records('acme', 'incident')] as AnyRecord[];

  it('given a middle page, when listed, then Link has first, prev, next and last without spaces, all parameters kept and offset/limit last', async () => {
    const response = await snGet(
      sim,
      '/api/now/table/incident?sysparm_query=active%3Dtrue%5EORDERBYsys_id&sysparm_limit=100&sysparm_offset=200&sysparm_fields=sys_id',
    );
    const base = `${sim.instanceUrl}/api/now/table/incident?sysparm_query=active%3Dtrue%5EORDERBYsys_id&sysparm_fields=sys_id`;
    const total = Number(response.headers.get('x-total-count'));
    const last = Math.floor((total - 1) / 100) * 100;
    expect(response.headers.get('link')).toBe(
      `<${base}&sysparm_offset=0&sysparm_limit=100>;rel="first",` +
        `<${base}&sysparm_offset=100&sysparm_limit=100>;rel="prev",` +
        `<${base}&sysparm_offset=300&sysparm_limit=100>;rel="next",` +
        `<${base}&sysparm_offset=${last}&sysparm_limit=100>;rel="last"`,
    );
    expect(total).toBe(incidents().filter((record) => record.active === 'true').length);
    expect(response.json!.result).toHaveLength(100);
  });

  it('given the first and the last page, when listed, then prev (first page) and next (last page) are omitted', async () => {
    const first = await tableGet(sim, 'incident', { sysparm_limit: 500 });
    expect(Object.keys(links(first.headers.get('link')))).toEqual(['first', 'next', 'last']);
    expect(links(first.headers.get('link')).last).toContain('sysparm_offset=1000&sysparm_limit=500');
    const last = await tableGet(sim, 'incident', { sysparm_limit: 500, sysparm_offset: 1000 });
    expect(Object.keys(links(last.headers.get('link')))).toEqual(['first', 'prev', 'last']);
    expect(last.json!.result).toHaveLength(234);
    expect(last.headers.get('x-total-count')).toBe('1234');
  });

  it('given a single page, or sysparm_suppress_pagination_header, when listed, then there is no Link header', async () => {
    const single = await tableGet(sim, 'incident', { sysparm_limit: 2000 });
    expect(single.headers.get('link')).toBeNull();
    expect(single.json!.result).toHaveLength(1234);
    const suppressed = await tableGet(sim, 'incident', {
      sysparm_limit: 10,
      sysparm_suppress_pagination_header: 'true',
    });
    expect(suppressed.headers.get('link')).toBeNull();
    expect(suppressed.headers.get('x-total-count')).toBe('1234');
  });

  it('given sysparm_no_count=true, when listed, then X-Total-Count and rel="last" are absent but next still links on', async () => {
    const response = await tableGet(sim, 'incident', { sysparm_limit: 100, sysparm_no_count: 'true' });
    expect(response.headers.get('x-total-count')).toBeNull();
    expect(Object.keys(links(response.headers.get('link')))).toEqual(['first', 'next']);
  });

  it('given Link rel="next", when followed to the end, then every record comes exactly once in ORDERBY order', async () => {
    let url: string | undefined =
      `${sim.instanceUrl}/api/now/table/incident?sysparm_query=ORDERBYsys_id&sysparm_limit=300&sysparm_fields=sys_id`;
    const seen: string[] = [];
    let pages = 0;
    while (url) {
      const response = await snGet(sim, url);
      seen.push(...sysIdsOf(response.json!.result));
      url = links(response.headers.get('link')).next;
      pages++;
    }
    expect(pages).toBe(5);
    expect(seen).toEqual(sim.ids('acme', 'incident'));
  });

  it('given keyset pages sys_id>X^ORDERBYsys_id, when read to the end, then they return every sys_id once, ascending', async () => {
    const seen: string[] = [];
    let after = '';
    for (;;) {
      const response = await tableGet(sim, 'incident', {
        sysparm_query: `${after ? `sys_id>${after}^` : ''}ORDERBYsys_id`,
        sysparm_fields: 'sys_id',
        sysparm_limit: 200,
        sysparm_no_count: 'true',
      });
      const page = sysIdsOf(response.json!.result);
      if (page.length === 0) break;
      seen.push(...page);
      after = page[page.length - 1]!;
    }
    expect(seen).toEqual(sim.ids('acme', 'incident'));
  });

  it('given sys_id range chunks, when counted and listed, then hex ranges split the table evenly and exactly', async () => {
    const bounds = ['', '4', '8', 'c', ''];
    const chunks: string[][] = [];
    for (let i = 0; i < 4; i++) {
      const conditions = [
        bounds[i] ? `sys_id>=${bounds[i]}` : '',
        bounds[i + 1] ? `sys_id<${bounds[i + 1]}` : '',
      ]
        .filter(Boolean)
        .join('^');
      const response = await tableGet(sim, 'incident', {
        sysparm_query: `${conditions}^ORDERBYsys_id`,
        sysparm_fields: 'sys_id',
      });
      chunks.push(sysIdsOf(response.json!.result));
    }
    expect(chunks.flat()).toEqual(sim.ids('acme', 'incident'));
    for (const chunk of chunks) expect(Math.abs(chunk.length - 1234 / 4)).toBeLessThan(80);
  });

  it('given no ORDERBY, when listed, then records come in creation order (not sys_id order), so keysets need ORDERBYsys_id', async () => {
    const response = await tableGet(sim, 'incident', { sysparm_fields: 'number,sys_id', sysparm_limit: 50 });
    const page = response.json!.result as AnyRecord[];
    expect(page.map((record) => record.number)).toEqual(
      Array.from({ length: 50 }, (_, i) => `INC${String(10_001 + i).padStart(7, '0')}`),
    );
    expect(sysIdsOf(page)).not.toEqual([...sysIdsOf(page)].sort());
  });

  it('given a sys_updated_on window, when listed, then it holds exactly the records inside [from, to) ordered by time then sys_id', async () => {
    const from = '2024-03-01 00:00:00';
    const to = '2024-09-01 00:00:00';
    const response = await tableGet(sim, 'incident', {
      sysparm_query: `sys_updated_on>=${from}^sys_updated_on<${to}^ORDERBYsys_updated_on^ORDERBYsys_id`,
      sysparm_fields: 'sys_id,sys_updated_on',
    });
    const expected = incidents()
      .filter((record) => record.sys_updated_on >= from && record.sys_updated_on < to)
      .sort((a, b) => (a.sys_updated_on + a.sys_id < b.sys_updated_on + b.sys_id ? -1 : 1))
      .map((record) => ({ sys_id: record.sys_id, sys_updated_on: record.sys_updated_on }));
    expect(expected.length).toBeGreaterThan(50);
    expect(response.json!.result).toEqual(expected);
  });

  it('given v1 and v2, when the result is empty, then v1 answers 404 with the error envelope and v2 / unversioned 200 with []', async () => {
    const query = { sysparm_query: 'number=INC9999999' };
    const v1 = await tableGet(sim, 'incident', query, { version: 'v1' });
    expect(v1.status).toBe(404);
    expect(v1.json).toEqual({
      error: {
        message: 'No Record found',
        detail: "Record doesn't exist or ACL restricts the record retrieval",
      },
      status: 'failure',
    });
    for (const version of ['v2', undefined] as const) {
      const response = await tableGet(sim, 'incident', query, version ? { version } : {});
      expect(response.status).toBe(200);
      expect(response.text).toBe('{"result":[]}');
      expect(response.headers.get('x-total-count')).toBe('0');
    }
    const pastEnd = await tableGet(sim, 'incident', { sysparm_offset: 5000 }, { version: 'v1' });
    expect(pastEnd.status).toBe(404);
    const found = await tableGet(sim, 'incident', { sysparm_limit: 1 }, { version: 'v1' });
    expect(found.status).toBe(200);
  });

  it('given name=value pairs instead of sysparm_query, when listed, then they filter, and a choice may be named by its label', async () => {
    const byQuery = await tableGet(sim, 'incident', {
      sysparm_query: 'active=false^state=7',
      sysparm_fields: 'sys_id',
    });
    const byPairs = await tableGet(sim, 'incident', {
      active: 'false',
      state: 'Closed',
      sysparm_fields: 'sys_id',
    });
    expect(byPairs.json!.result).toEqual(byQuery.json!.result);
    expect(byQuery.json!.result.length).toBeGreaterThan(0);
  });

  it('given the Aggregate API, when counting, then the count is a string and min / max fields come back', async () => {
    const count = await snGet(sim, '/api/now/v1/stats/incident?sysparm_count=true');
    expect(count.status).toBe(200);
    expect(count.json).toEqual({ result: { stats: { count: '1234' } } });
    const window = await snGet(
      sim,
      `/api/now/stats/incident?sysparm_count=true&sysparm_query=${encodeURIComponent('sys_updated_on>=2025-01-01 00:00:00')}` +
        '&sysparm_min_fields=sys_updated_on,priority&sysparm_max_fields=sys_updated_on',
    );
    const inWindow = incidents().filter((record) => record.sys_updated_on >= '2025-01-01 00:00:00');
    const times = inWindow.map((record) => record.sys_updated_on).sort();
    expect(window.json).toEqual({
      result: {
        stats: {
          min: {
            sys_updated_on: times[0],
            priority: String(Math.min(...inWindow.map((record) => Number(record.priority)))),
          },
          max: { sys_updated_on: times[times.length - 1] },
          count: String(inWindow.length),
        },
      },
    });
    const none = await snGet(
      sim,
      '/api/now/v2/stats/incident?sysparm_count=true&sysparm_query=number%3Dnope',
    );
    expect(none.json).toEqual({ result: { stats: { count: '0' } } });
  });
});

describe('ServiceNow simulator: sys_updated_on ties and the limit cap', () => {
  let sim: ServiceNowSimulator;
  beforeAll(async () => {
    sim = await startServiceNowSimulator({
      instances: [anInstance({ sizes: { incident: 400 } })],
      maxLimit: 25,
    });
  });
  afterAll(() => sim.stop());

  it('given sysparm_limit above maxLimit or absent, when listed, then pages are cut to maxLimit and Link says so', async () => {
    for (const query of [{ sysparm_limit: 500 }, {}] as Record<string, number>[]) {
      const response = await tableGet(sim, 'incident', query);
      expect(response.json!.result).toHaveLength(25);
      expect(links(response.headers.get('link')).next).toContain('sysparm_offset=25&sysparm_limit=25');
    }
  });

  it('given 30 records in one second at a window edge, when the window is [T, T+1s), then all 30 and nothing from T+1s are in it', async () => {
    const ids = sim.ids('acme', 'incident');
    const tied = ids.filter((_, i) => i % 13 === 0).slice(0, 30);
    const next = ids.filter((_, i) => i % 13 === 1).slice(0, 5);
    sim.setUpdatedOn('acme', 'incident', tied, '2026-01-10 08:00:00');
    sim.setUpdatedOn('acme', 'incident', next, '2026-01-10T08:00:01Z');
    const count = await snGet(
      sim,
      `/api/now/stats/incident?sysparm_count=true&sysparm_query=${encodeURIComponent('sys_updated_on>=2026-01-10 08:00:00^sys_updated_on<2026-01-10 08:00:01')}`,
    );
    expect(count.json!.result.stats.count).toBe('30');
  });

  it('given a page boundary inside a tied second, when paging with sys_updated_on>T^NQsys_updated_on=T^sys_id>S, then nothing is skipped or repeated', async () => {
    const to = '2026-02-01 00:00:00';
    const seen: AnyRecord[] = [];
    let cursor: { time: string; sysId: string } | undefined;
    for (let page = 0; page < 100; page++) {
      const window = `sys_updated_on<${to}`;
      const sysparm_query = cursor
        ? `sys_updated_on>${cursor.time}^${window}^NQsys_updated_on=${cursor.time}^sys_id>${cursor.sysId}^${window}^ORDERBYsys_updated_on^ORDERBYsys_id`
        : `sys_updated_on>=2026-01-10 00:00:00^${window}^ORDERBYsys_updated_on^ORDERBYsys_id`;
      const response = await tableGet(sim, 'incident', {
        sysparm_query,
        sysparm_fields: 'sys_id,sys_updated_on',
        sysparm_limit: 10,
        sysparm_no_count: 'true',
      });
      const rows = response.json!.result as AnyRecord[];
      if (rows.length === 0) break;
      seen.push(...rows);
      const last = rows[rows.length - 1]!;
      cursor = { time: last.sys_updated_on, sysId: last.sys_id };
    }
    const expected = ([...sim.records('acme', 'incident')] as AnyRecord[])
      .filter((record) => record.sys_updated_on >= '2026-01-10 00:00:00')
      .map((record) => `${record.sys_updated_on} ${record.sys_id}`)
      .sort();
    expect(expected).toHaveLength(35);
    expect(seen.map((record) => `${record.sys_updated_on} ${record.sys_id}`)).toEqual(expected);
  });
});
