import { createHash } from 'node:crypto';
import { CONNECTWISE_ENDPOINTS, type ConnectWiseTable } from '../../sources/connectwise/endpoints';
import { startSimulator, type SimulatedTenant, type Simulator } from '../../simulator';
import { aTenant, basicAuth, cwGet } from './helpers';

/**
 * Golden bytes: the simulator's answers are the fixtures of the whole suite and of the fault matrix, so a speed-up
 * must not change a single byte. Each case hashes one response body (and its Link header, without the port); the
 * expected hashes were recorded from the simulator before its serialisation was optimised. The ticket and
 * time-entry hashes were recorded again when tickets gained their SLA and agreement fields and time entries took
 * their ticket's agreement (issue 11): every other member and every timestamp stayed as it was.
 */
const q = encodeURIComponent;
const T = CONNECTWISE_ENDPOINTS;
const FORWARD = { 'pagination-type': 'forward-only' };
const NOW = Date.parse('2026-01-02T03:04:05Z');

const full = aTenant({
  sizes: { companies: 60, contacts: 150, tickets: 2_500, time_entries: 2_500 },
});
/** No companies or contacts: references go to the virtual company pool. */
const solo = aTenant({
  companyId: 'solo',
  publicKey: 'solo-public',
  privateKey: 'solo-private',
  clientId: 'client-solo',
  sizes: { tickets: 1_500, time_entries: 300 },
});

const sha = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

interface GoldenRequest {
  name: string;
  path: string;
  tenant?: SimulatedTenant;
  headers?: Record<string, string>;
}

function requestsFor(tenant: SimulatedTenant, ids: Record<ConnectWiseTable, number[]>): GoldenRequest[] {
  const out: GoldenRequest[] = [];
  const tables = Object.keys(T) as ConnectWiseTable[];
  const window = 'lastUpdated >= [2024-03-01T00:00:00Z] AND lastUpdated < [2025-03-01T00:00:00Z]';
  for (const table of tables) {
    const tableIds = ids[table];
    if (tableIds.length === 0) continue;
    const middle = tableIds[Math.floor(tableIds.length / 2)] as number;
    const nearEnd = tableIds[Math.max(0, tableIds.length - 700)] as number;
    const base = `${tenant.companyId} ${table}`;
    const add = (name: string, path: string, headers?: Record<string, string>) =>
      out.push({ name: `${base} ${name}`, path, tenant, ...(headers ? { headers } : {}) });
    add('forward first', `${T[table]}?pageSize=1000`, FORWARD);
    add('forward middle', `${T[table]}?pageSize=1000&pageId=${middle}`, FORWARD);
    add('forward last', `${T[table]}?pageSize=1000&pageId=${nearEnd}`, FORWARD);
    add('forward window', `${T[table]}?pageSize=1000&conditions=${q(window)}`, FORWARD);
    add(
      'forward window middle',
      `${T[table]}?pageSize=500&pageId=${middle}&conditions=${q(window)}`,
      FORWARD,
    );
    add('forward fields=id', `${T[table]}?pageSize=1000&fields=id`, FORWARD);
    add(
      'forward fields',
      `${T[table]}?pageSize=200&fields=${q('id,_info/lastUpdated,company/name')}`,
      FORWARD,
    );
    add('navigable default', `${T[table]}`);
    add('navigable page 3', `${T[table]}?pageSize=100&page=3`);
    add('navigable past end', `${T[table]}?pageSize=1000&page=99`);
    add('count', `${T[table]}/count`);
    add('count window', `${T[table]}/count?conditions=${q(window)}`);
    for (const direction of ['asc', 'desc']) {
      add(`bound ${direction}`, `${T[table]}?orderBy=${q(`id ${direction}`)}&pageSize=1&fields=id`);
      add(
        `bound ${direction} window`,
        `${T[table]}?orderBy=${q(`id ${direction}`)}&pageSize=1&fields=id&conditions=${q(window)}`,
      );
      add(
        `bound ${direction} id range`,
        `${T[table]}?orderBy=${q(`id ${direction}`)}&pageSize=1&conditions=${q(`id >= ${middle} AND id < ${nearEnd} AND lastUpdated > [2023-06-01T00:00:00Z]`)}`,
      );
      add(
        `bound ${direction} empty`,
        `${T[table]}?orderBy=${q(`id ${direction}`)}&pageSize=1&conditions=${q('lastUpdated > [2030-01-01T00:00:00Z]')}`,
      );
      add(`bound ${direction} page 2`, `${T[table]}?orderBy=${q(`id ${direction}`)}&pageSize=3&page=2`);
    }
    add('one', `${T[table]}/${middle}`);
    add('one fields', `${T[table]}/${middle}?fields=id,_info`);
  }
  const add = (name: string, path: string, headers?: Record<string, string>) =>
    out.push({ name: `${tenant.companyId} ${name}`, path, tenant, ...(headers ? { headers } : {}) });
  add(
    'tickets residual',
    `${T.tickets}?pageSize=1000&conditions=${q('closedFlag = true AND id > 1000')}`,
    FORWARD,
  );
  add(
    'tickets like',
    `${T.tickets}?pageSize=50&conditions=${q('company/name like "Þ%" OR summary contains "VPN"')}`,
  );
  add('tickets orderBy summary', `${T.tickets}?pageSize=50&page=2&orderBy=${q('summary desc, id asc')}`);
  add('tickets orderBy company', `${T.tickets}?pageSize=50&orderBy=${q('company/name asc')}`);
  add(
    'tickets custom',
    `${T.tickets}/count?customFieldConditions=${q('caption="Story Points" AND value > 5')}`,
  );
  add(
    'contacts child',
    `${T.contacts}?childConditions=${q('communicationItems/communicationType = "Email"')}`,
  );
  add(
    'time entries bound desc',
    `${T.time_entries}?orderBy=${q('id desc')}&pageSize=1&conditions=${q('chargeToType = "ServiceTicket"')}`,
  );
  return out;
}

async function hashAll(sim: Simulator, requests: GoldenRequest[]): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  const origin = new URL(sim.baseUrl).origin;
  for (const request of requests) {
    const response = await cwGet(sim, request.path, {
      ...(request.tenant ? { tenant: request.tenant } : {}),
      ...(request.headers ? { headers: request.headers } : {}),
    });
    const link = (response.headers.get('link') ?? '').split(origin).join('ORIGIN');
    hashes[request.name] = `${response.status} ${sha(response.text).slice(0, 24)} ${sha(link).slice(0, 12)}`;
  }
  return hashes;
}

async function searchHash(sim: Simulator, tenant: SimulatedTenant): Promise<string> {
  const response = await fetch(`${sim.baseUrl}${T.tickets}/search?pageSize=40&page=2`, {
    method: 'POST',
    headers: {
      Authorization: basicAuth(tenant),
      clientId: tenant.clientId,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ conditions: 'closedFlag = false', orderBy: 'id desc' }),
  });
  return `${response.status} ${sha(await response.text()).slice(0, 24)}`;
}

function recordsHash(sim: Simulator, tenant: SimulatedTenant): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const table of Object.keys(T) as ConnectWiseTable[]) {
    hashes[`${tenant.companyId} ${table} records()`] = sha(
      JSON.stringify(sim.records(tenant.companyId, table)),
    ).slice(0, 24);
  }
  return hashes;
}

async function snapshotAll(sim: Simulator): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const tenant of [full, solo]) {
    const ids = Object.fromEntries(
      (Object.keys(T) as ConnectWiseTable[]).map((table) => [table, sim.ids(tenant.companyId, table)]),
    ) as Record<ConnectWiseTable, number[]>;
    Object.assign(hashes, await hashAll(sim, requestsFor(tenant, ids)), recordsHash(sim, tenant));
    hashes[`${tenant.companyId} search`] = await searchHash(sim, tenant);
  }
  return hashes;
}

describe('simulator golden bytes', () => {
  let sim: Simulator;
  let clock = NOW;
  beforeAll(async () => {
    sim = await startSimulator({ tenants: [full, solo], now: () => new Date(clock) });
  });
  afterAll(() => sim.stop());

  it('given seeded tenants, when every kind of request is answered before and after changes, then the bytes match the recorded hashes', async () => {
    const before = await snapshotAll(sim);
    for (const table of Object.keys(T) as ConnectWiseTable[]) {
      for (const tenant of [full, solo]) {
        if (sim.ids(tenant.companyId, table).length === 0) continue;
        sim.mutate(tenant.companyId, table, 40);
        clock += 61_000;
        sim.addRecords(tenant.companyId, table, 30);
        clock += 61_000;
        sim.mutate(tenant.companyId, table, 10);
        const ids = sim.ids(tenant.companyId, table);
        sim.setLastUpdated(tenant.companyId, table, ids.slice(3, 6), '2024-05-05T05:05:05Z');
      }
    }
    const after = await snapshotAll(sim);
    const actual = { before, after };
    if (process.env.GOLDEN_PRINT) console.log(JSON.stringify(actual, null, 2));
    expect(actual).toEqual(GOLDEN);
  });
});

// prettier-ignore
const GOLDEN: unknown = {
  "before": {
    "acme companies forward first": "200 422deebb1d79846316db10df e3b0c44298fc",
    "acme companies forward middle": "200 e84ec991596c0f09ef699d3f e3b0c44298fc",
    "acme companies forward last": "200 29f1fa2db1d75986d93298a1 e3b0c44298fc",
    "acme companies forward window": "200 6807a53106f73003cd46789b e3b0c44298fc",
    "acme companies forward window middle": "200 434596ec1cc0b06cad66e235 e3b0c44298fc",
    "acme companies forward fields=id": "200 d8c6c8c9cd204f185673b4ba e3b0c44298fc",
    "acme companies forward fields": "200 3c0f00a10590be57604baabb e3b0c44298fc",
    "acme companies navigable default": "200 2472a0568dbd51da19053678 f51f92a712bc",
    "acme companies navigable page 3": "200 4f53cda18c2baa0c0354bb5f 7b07111b6a5e",
    "acme companies navigable past end": "200 4f53cda18c2baa0c0354bb5f 6af2322c0923",
    "acme companies count": "200 9319d2debaf0697094c89ea6 e3b0c44298fc",
    "acme companies count window": "200 84f619c76731e5454a16ea71 e3b0c44298fc",
    "acme companies bound asc": "200 4b57fb4482bcf9886d3fdcc1 6d716c94d57f",
    "acme companies bound asc window": "200 594b66cc267e36280c502439 f7e83d743ea7",
    "acme companies bound asc id range": "200 4f53cda18c2baa0c0354bb5f ec3b26263bb0",
    "acme companies bound asc empty": "200 4f53cda18c2baa0c0354bb5f 8d9a5cf811e7",
    "acme companies bound asc page 2": "200 75b2b75c1eaee2ccd12e40a7 5336572e211d",
    "acme companies bound desc": "200 b4c8f57df8c0fb0ac6ee378d e6b0961f892f",
    "acme companies bound desc window": "200 71aa6fc01238b2f086bf98fc 3497f76ef6f3",
    "acme companies bound desc id range": "200 4f53cda18c2baa0c0354bb5f f52238ec0f26",
    "acme companies bound desc empty": "200 4f53cda18c2baa0c0354bb5f 121f95336ab7",
    "acme companies bound desc page 2": "200 2457c9f1735fc3e929625ffe 303a02f41b3b",
    "acme companies one": "200 deaa04aad4f267629a7e78a3 e3b0c44298fc",
    "acme companies one fields": "200 e1e7a3d7ea00c6bdde112439 e3b0c44298fc",
    "acme contacts forward first": "200 f2176b4ed343fbde56e37657 e3b0c44298fc",
    "acme contacts forward middle": "200 01b4be38055baf4bce020962 e3b0c44298fc",
    "acme contacts forward last": "200 ae4fdf84952454014668aba6 e3b0c44298fc",
    "acme contacts forward window": "200 3270330e2ff1dcb4f91b9b91 e3b0c44298fc",
    "acme contacts forward window middle": "200 859ae099388a34c946b0cbf4 e3b0c44298fc",
    "acme contacts forward fields=id": "200 b4d1c4ebcd5af38b6f61edaf e3b0c44298fc",
    "acme contacts forward fields": "200 46ab5185ad4d55f12ae835b5 e3b0c44298fc",
    "acme contacts navigable default": "200 602723575fdb2549214b74fa 0b2d40b8a06c",
    "acme contacts navigable page 3": "200 4f53cda18c2baa0c0354bb5f 12f5d53f853e",
    "acme contacts navigable past end": "200 4f53cda18c2baa0c0354bb5f b34a43099e62",
    "acme contacts count": "200 3b4c3542368d8d5a56cf4d14 e3b0c44298fc",
    "acme contacts count window": "200 e103489b933f7a7fd968ae20 e3b0c44298fc",
    "acme contacts bound asc": "200 742b5bd721593df864b23c7e d3f87308be84",
    "acme contacts bound asc window": "200 742b5bd721593df864b23c7e f71f4882fd3d",
    "acme contacts bound asc id range": "200 4f53cda18c2baa0c0354bb5f 52f84a1d90ed",
    "acme contacts bound asc empty": "200 4f53cda18c2baa0c0354bb5f 1101e6393cf7",
    "acme contacts bound asc page 2": "200 1b8bca869076b6fe46d23578 27e93309da62",
    "acme contacts bound desc": "200 3173cb8a067abe47a4d473fe 9e401aea4fdf",
    "acme contacts bound desc window": "200 9ba0d074ce8caad89786771c bdb2a7b8bc33",
    "acme contacts bound desc id range": "200 4f53cda18c2baa0c0354bb5f fb85efa897c0",
    "acme contacts bound desc empty": "200 4f53cda18c2baa0c0354bb5f fdf829af28c0",
    "acme contacts bound desc page 2": "200 00c28f2ab7cc13e7450cbc3f 54dc39981b24",
    "acme contacts one": "200 c867cf725782e488477e5f4a e3b0c44298fc",
    "acme contacts one fields": "200 ec41864b3f6f9434c195921d e3b0c44298fc",
    "acme tickets forward first": "200 49d26ae81a2208365ae03bf6 73a478d625b0",
    "acme tickets forward middle": "200 ecda93a1a92db1b21209028f 544edc156d2c",
    "acme tickets forward last": "200 af14a24a3b23c6cc1c194ae8 e3b0c44298fc",
    "acme tickets forward window": "200 2b0c6ae1e6fe4cea8e7a40df e3b0c44298fc",
    "acme tickets forward window middle": "200 6efeb461c7545197480f8f42 e3b0c44298fc",
    "acme tickets forward fields=id": "200 121e49f14e19e95041bcef62 9cd0f29fff9b",
    "acme tickets forward fields": "200 40fa1d99ce6f5ece17d8a79e 265ea35522f9",
    "acme tickets navigable default": "200 648c9166e4b9204dfd779e04 ae8a3fe67d46",
    "acme tickets navigable page 3": "200 32bea6f5dbcba312675e5418 39fa18621c3c",
    "acme tickets navigable past end": "200 4f53cda18c2baa0c0354bb5f 1e53ddea4b08",
    "acme tickets count": "200 d05df56c885d3552b2ed3356 e3b0c44298fc",
    "acme tickets count window": "200 cede50fd330cbaa105fa86c2 e3b0c44298fc",
    "acme tickets bound asc": "200 f8418790e3b327a5d832d59c 37432b787179",
    "acme tickets bound asc window": "200 f8418790e3b327a5d832d59c 136bd9cc4b03",
    "acme tickets bound asc id range": "200 51d9c6e55393a4816a548371 bec8fa1499c0",
    "acme tickets bound asc empty": "200 4f53cda18c2baa0c0354bb5f ad9be8755466",
    "acme tickets bound asc page 2": "200 201fc62560b8bbcaa4111feb 40dbee5a7f85",
    "acme tickets bound desc": "200 b95759b80a56b26b9b2727d7 c7ebdef49fd1",
    "acme tickets bound desc window": "200 253756dc7a1a1bb8375e6595 2468fe010391",
    "acme tickets bound desc id range": "200 4d82ddf75994b0d7bc8c24a6 ac5198a454bd",
    "acme tickets bound desc empty": "200 4f53cda18c2baa0c0354bb5f df7cbf337884",
    "acme tickets bound desc page 2": "200 866799f3f5c477033acadd30 a13ea28a1d36",
    "acme tickets one": "200 ce64ec4e3257415abc30d33c e3b0c44298fc",
    "acme tickets one fields": "200 a77254c3dfaaeb08a8c8c3fc e3b0c44298fc",
    "acme time_entries forward first": "200 06253119efec1fe9ccdf7481 cc908dba6273",
    "acme time_entries forward middle": "200 150b12aa4eb1f1df4a98aae2 51bec51bc761",
    "acme time_entries forward last": "200 03a111435cb0efc4e447cf9d e3b0c44298fc",
    "acme time_entries forward window": "200 0124fa0191e27043af015ac3 e3b0c44298fc",
    "acme time_entries forward window middle": "200 91a6389d1d56b47beebe0821 e3b0c44298fc",
    "acme time_entries forward fields=id": "200 ab812548f3dcb9a9eb86b49f 8db9f27c6e24",
    "acme time_entries forward fields": "200 05599e224a28f1811ab2dc2b 5c499086f9a9",
    "acme time_entries navigable default": "200 7c45957ac5910fe077475b95 45700bcae4cb",
    "acme time_entries navigable page 3": "200 8245c918ae3cc9fcda91b508 79ed643950f6",
    "acme time_entries navigable past end": "200 4f53cda18c2baa0c0354bb5f 0f722b76f1a8",
    "acme time_entries count": "200 d05df56c885d3552b2ed3356 e3b0c44298fc",
    "acme time_entries count window": "200 29e7240901fe27f761d40be0 e3b0c44298fc",
    "acme time_entries bound asc": "200 0283ac430191c11cff1c9b61 9860ee734d5c",
    "acme time_entries bound asc window": "200 0960a503a47cf047731a3b0d 88d180d1d680",
    "acme time_entries bound asc id range": "200 b7bfdaa4d840e0cc4a7e8dc4 2114e997e3f9",
    "acme time_entries bound asc empty": "200 4f53cda18c2baa0c0354bb5f df5f2dafb286",
    "acme time_entries bound asc page 2": "200 b34ade8bd38c48fdd19d3141 b732c945b9f0",
    "acme time_entries bound desc": "200 415e1e9d602b45af66ca25ff 0346b07b6fe4",
    "acme time_entries bound desc window": "200 cc86c21605232fd90be2e1c1 925dbe3c3c3e",
    "acme time_entries bound desc id range": "200 800d609e8f616a70e7fe05ad f8b87e35a479",
    "acme time_entries bound desc empty": "200 4f53cda18c2baa0c0354bb5f 5b0dad0c4d77",
    "acme time_entries bound desc page 2": "200 31c3b961cf887ef7da056b5b 8cfcfadfdc70",
    "acme time_entries one": "200 4729505142547c8880485517 e3b0c44298fc",
    "acme time_entries one fields": "200 48c9ae7109d535aa866cd86a e3b0c44298fc",
    "acme tickets residual": "200 6640c4285cb6b3af322a2c5b 09f647ce0080",
    "acme tickets like": "200 e33922965bb424c657ed0792 c1f174f060b8",
    "acme tickets orderBy summary": "200 929f0c2ebdc03db3bc606236 5b94a5ca809c",
    "acme tickets orderBy company": "200 62224b50db0f9e105a1aacfc 2b2b8750573d",
    "acme tickets custom": "200 ca4e9ecc11d834bcb61134ad e3b0c44298fc",
    "acme contacts child": "200 602723575fdb2549214b74fa 693fd3b5d408",
    "acme time entries bound desc": "200 73e18e5adcc0506ac54e56d4 769592bf430f",
    "acme companies records()": "422deebb1d79846316db10df",
    "acme contacts records()": "f2176b4ed343fbde56e37657",
    "acme tickets records()": "03da5da26e5de4c307fe7392",
    "acme time_entries records()": "6528cedc30ec743e5ff20a81",
    "acme search": "200 93f53fa65b1345f2fb22dd61",
    "solo tickets forward first": "200 ecdffd4cc0b15cee4f615786 f2cc932e7b6c",
    "solo tickets forward middle": "200 1af07941e7d29d2d5c5c9874 e3b0c44298fc",
    "solo tickets forward last": "200 b9ead0d1c6e16f44be3f8949 e3b0c44298fc",
    "solo tickets forward window": "200 b8da6aada18f010beaeab346 e3b0c44298fc",
    "solo tickets forward window middle": "200 8930172d062dfd19c83dce1e e3b0c44298fc",
    "solo tickets forward fields=id": "200 5e820b50bb9658d1759838da 21e4b1d64c68",
    "solo tickets forward fields": "200 29d2cf8a23fc678f69183016 4187668eb1af",
    "solo tickets navigable default": "200 0c69cfb3e6b6ac1a7883deba 272c75e3c020",
    "solo tickets navigable page 3": "200 8b4fa11e0e0cda384de50a09 2ccb57a43c38",
    "solo tickets navigable past end": "200 4f53cda18c2baa0c0354bb5f e25d991f0882",
    "solo tickets count": "200 77e0e8dcdae73b99481f780d e3b0c44298fc",
    "solo tickets count window": "200 a47272e5ee92aaa24c4d4115 e3b0c44298fc",
    "solo tickets bound asc": "200 312a219b9956f2ad169dc7c3 b8484397f023",
    "solo tickets bound asc window": "200 ce2643df835b1a9de9fdf801 852492b0fe1b",
    "solo tickets bound asc id range": "200 200c19e4b4856d93300f8e44 20ebfbad5f03",
    "solo tickets bound asc empty": "200 4f53cda18c2baa0c0354bb5f ad9be8755466",
    "solo tickets bound asc page 2": "200 f7bd3345db7f32b8593fa67a 463e803c401c",
    "solo tickets bound desc": "200 70b66719d0651481a491af07 29077cc7708c",
    "solo tickets bound desc window": "200 b50ed4fdc002e91c6e460b88 89630801b166",
    "solo tickets bound desc id range": "200 d8bc6f410a9d54098e5839b7 def0b3fd7143",
    "solo tickets bound desc empty": "200 4f53cda18c2baa0c0354bb5f df7cbf337884",
    "solo tickets bound desc page 2": "200 c1c645b4071fa52175e7002e 95dff3e40dcd",
    "solo tickets one": "200 2236862d6e2dfd32ce27f6f5 e3b0c44298fc",
    "solo tickets one fields": "200 527db7d2f12242adb25cbba4 e3b0c44298fc",
    "solo time_entries forward first": "200 6e9312e719fb937d87c8dca4 e3b0c44298fc",
    "solo time_entries forward middle": "200 b69ba75b614ece25bce475d2 e3b0c44298fc",
    "solo time_entries forward last": "200 f3624d9c03cf53fef26fbd17 e3b0c44298fc",
    "solo time_entries forward window": "200 44eb10a6d571cee09abc9ed5 e3b0c44298fc",
    "solo time_entries forward window middle": "200 764cf8c044d3378afea0d266 e3b0c44298fc",
    "solo time_entries forward fields=id": "200 62e8fdb4f3740a7a680d33d7 e3b0c44298fc",
    "solo time_entries forward fields": "200 a392a55976047b9a4ab4f6f1 11d7d11b1e34",
    "solo time_entries navigable default": "200 37e70c78b45b7b0ff02465b4 1c422f44d01a",
    "solo time_entries navigable page 3": "200 98875a6b93383e23adf8e51e 209e7dd4ef98",
    "solo time_entries navigable past end": "200 4f53cda18c2baa0c0354bb5f 04659568d08e",
    "solo time_entries count": "200 f26845d445766e4a00209ecd e3b0c44298fc",
    "solo time_entries count window": "200 d3b5405983fd64bc5294375d e3b0c44298fc",
    "solo time_entries bound asc": "200 9105781731c579c399cb8046 22551afb3be2",
    "solo time_entries bound asc window": "200 760432adb07d5d30b30197fd 1c4b771cc6ce",
    "solo time_entries bound asc id range": "200 4f53cda18c2baa0c0354bb5f e4bb9d5b8c53",
    "solo time_entries bound asc empty": "200 4f53cda18c2baa0c0354bb5f df5f2dafb286",
    "solo time_entries bound asc page 2": "200 5232a6e5af9a6dbe4cb395b7 ab890bd03c82",
    "solo time_entries bound desc": "200 f4571dc2bec35a9dcc776222 1f0d7a1ef646",
    "solo time_entries bound desc window": "200 85503b1be448202fd32246aa 959984b8e994",
    "solo time_entries bound desc id range": "200 4f53cda18c2baa0c0354bb5f d57194954401",
    "solo time_entries bound desc empty": "200 4f53cda18c2baa0c0354bb5f 5b0dad0c4d77",
    "solo time_entries bound desc page 2": "200 8ff54f7919522a463e05b8aa 7a0f1becd24d",
    "solo time_entries one": "200 ca07927836ad3ed171354ab1 e3b0c44298fc",
    "solo time_entries one fields": "200 c52fbcd46d26ad27998fe8c4 e3b0c44298fc",
    "solo tickets residual": "200 7e80fe946df1cfb44d1654e7 e3b0c44298fc",
    "solo tickets like": "200 77437ece79ff1cbbfc254d39 c1f174f060b8",
    "solo tickets orderBy summary": "200 489ba997f08bb3a564f922bd d503172c1aa9",
    "solo tickets orderBy company": "200 9f4af278689b7f9f12fc5300 986a31245f7c",
    "solo tickets custom": "200 7d332ece9e5802bb61468bbc e3b0c44298fc",
    "solo contacts child": "200 4f53cda18c2baa0c0354bb5f 5efbcc0317db",
    "solo time entries bound desc": "200 e6acb7d25eab4bb7b8be48e3 0d46a138532a",
    "solo companies records()": "4f53cda18c2baa0c0354bb5f",
    "solo contacts records()": "4f53cda18c2baa0c0354bb5f",
    "solo tickets records()": "b38b7f0aad6d46063e8246e9",
    "solo time_entries records()": "6e9312e719fb937d87c8dca4",
    "solo search": "200 040d2cf46a456796ce3274e1"
  },
  "after": {
    "acme companies forward first": "200 d24394b2a5c092cbbd595f3e e3b0c44298fc",
    "acme companies forward middle": "200 a711e86fd614cfd7967b88a6 e3b0c44298fc",
    "acme companies forward last": "200 a0fb458a302feee9c2fe9a86 e3b0c44298fc",
    "acme companies forward window": "200 980d2b06f3bf185bc653324b e3b0c44298fc",
    "acme companies forward window middle": "200 4f53cda18c2baa0c0354bb5f e3b0c44298fc",
    "acme companies forward fields=id": "200 34e7d196367b82b36b46b9f9 e3b0c44298fc",
    "acme companies forward fields": "200 468e5986c003b2dd86141a03 e3b0c44298fc",
    "acme companies navigable default": "200 cb6b3ee5b591de9ddff4b435 5c29b0d98e1c",
    "acme companies navigable page 3": "200 4f53cda18c2baa0c0354bb5f 7b07111b6a5e",
    "acme companies navigable past end": "200 4f53cda18c2baa0c0354bb5f 6af2322c0923",
    "acme companies count": "200 88a73aea295f48b0689ebab9 e3b0c44298fc",
    "acme companies count window": "200 77225c1b889e1a23d33f5e77 e3b0c44298fc",
    "acme companies bound asc": "200 4b57fb4482bcf9886d3fdcc1 a30f525b252c",
    "acme companies bound asc window": "200 418bebdf7d2f2bd0ea0e8d1b 2ac88af55e73",
    "acme companies bound asc id range": "200 4f53cda18c2baa0c0354bb5f ca211c7485ee",
    "acme companies bound asc empty": "200 4f53cda18c2baa0c0354bb5f 8d9a5cf811e7",
    "acme companies bound asc page 2": "200 c6c7dc37cda14669f4bc8b11 2a2aa2f129f8",
    "acme companies bound desc": "200 02c0162be04fe42fa79af917 67f6cbb9805f",
    "acme companies bound desc window": "200 8d33645f4ec78ff64cb94f48 f84eaa51d21d",
    "acme companies bound desc id range": "200 4f53cda18c2baa0c0354bb5f 354433b0df5b",
    "acme companies bound desc empty": "200 4f53cda18c2baa0c0354bb5f 121f95336ab7",
    "acme companies bound desc page 2": "200 5f97b4e862354f8eba861617 3020d3ec927a",
    "acme companies one": "200 c6f825a3ef08da9bd82c3d46 e3b0c44298fc",
    "acme companies one fields": "200 9a3b586d80a4cadf3f127da6 e3b0c44298fc",
    "acme contacts forward first": "200 b834a4a82da8dc65976dbf40 e3b0c44298fc",
    "acme contacts forward middle": "200 56e6ac3cf186aa1cab94227a e3b0c44298fc",
    "acme contacts forward last": "200 28168e4840f9e859aafeebf4 e3b0c44298fc",
    "acme contacts forward window": "200 2882ec0ed4031f0c4ec60f3a e3b0c44298fc",
    "acme contacts forward window middle": "200 2775626051e330df39274646 e3b0c44298fc",
    "acme contacts forward fields=id": "200 8527953f7a97622b095dbb79 e3b0c44298fc",
    "acme contacts forward fields": "200 d1d18bed6c1ced20823b11ae e3b0c44298fc",
    "acme contacts navigable default": "200 a58202642a86e2ba9c0d7032 48a1c1bace6c",
    "acme contacts navigable page 3": "200 4f53cda18c2baa0c0354bb5f 12f5d53f853e",
    "acme contacts navigable past end": "200 4f53cda18c2baa0c0354bb5f b34a43099e62",
    "acme contacts count": "200 89c2101d81fa6862e972c641 e3b0c44298fc",
    "acme contacts count window": "200 514aa02b33f0f3bd55a67201 e3b0c44298fc",
    "acme contacts bound asc": "200 742b5bd721593df864b23c7e 784fb9b8e8af",
    "acme contacts bound asc window": "200 742b5bd721593df864b23c7e f3f94163dcb2",
    "acme contacts bound asc id range": "200 4f53cda18c2baa0c0354bb5f b2c403e2d621",
    "acme contacts bound asc empty": "200 4f53cda18c2baa0c0354bb5f 1101e6393cf7",
    "acme contacts bound asc page 2": "200 f554896087fe50c3f3c50c36 97db5e341c25",
    "acme contacts bound desc": "200 5fac2ee9765aa9816a2eb1ec bdd0d5969089",
    "acme contacts bound desc window": "200 9ba0d074ce8caad89786771c 2481a472ad92",
    "acme contacts bound desc id range": "200 4f53cda18c2baa0c0354bb5f 8adb3426de66",
    "acme contacts bound desc empty": "200 4f53cda18c2baa0c0354bb5f fdf829af28c0",
    "acme contacts bound desc page 2": "200 6ba39506f4c46790782ce7b1 4f27fdbdb86c",
    "acme contacts one": "200 bca7789493194a493ef79ff8 e3b0c44298fc",
    "acme contacts one fields": "200 0244983897af29ea9bc61b76 e3b0c44298fc",
    "acme tickets forward first": "200 3de9f40263258af66873c53b 73a478d625b0",
    "acme tickets forward middle": "200 5fa3b4571dcd2440825aabe8 f72b97970653",
    "acme tickets forward last": "200 66c4e8ecf344e646e527d72b e3b0c44298fc",
    "acme tickets forward window": "200 833203ceef9a0b38a3838df9 e3b0c44298fc",
    "acme tickets forward window middle": "200 03a8eeac11be15fde12cfdea e3b0c44298fc",
    "acme tickets forward fields=id": "200 121e49f14e19e95041bcef62 9cd0f29fff9b",
    "acme tickets forward fields": "200 1257fa9bb309d3cd6be5c2bf 265ea35522f9",
    "acme tickets navigable default": "200 aeae83c5d268282a97892ccc b584c2c0c967",
    "acme tickets navigable page 3": "200 020b13e9989b271aaeaa3037 26ebd16011ad",
    "acme tickets navigable past end": "200 4f53cda18c2baa0c0354bb5f 1e53ddea4b08",
    "acme tickets count": "200 36ca092c7e17d4678c9af930 e3b0c44298fc",
    "acme tickets count window": "200 9704b6ff9fed726492fefd96 e3b0c44298fc",
    "acme tickets bound asc": "200 f8418790e3b327a5d832d59c fd68727d64f1",
    "acme tickets bound asc window": "200 f8418790e3b327a5d832d59c 6cd096789744",
    "acme tickets bound asc id range": "200 6cfe25c020506acc4d4c6292 721a70a093f1",
    "acme tickets bound asc empty": "200 4f53cda18c2baa0c0354bb5f ad9be8755466",
    "acme tickets bound asc page 2": "200 a61190931047cfd09137212d b63182e31e04",
    "acme tickets bound desc": "200 fb05150e0e0e433492af8231 c0963afde357",
    "acme tickets bound desc window": "200 253756dc7a1a1bb8375e6595 9fff7bb09780",
    "acme tickets bound desc id range": "200 680d682cc5128f562b1d1167 85689d034cf1",
    "acme tickets bound desc empty": "200 4f53cda18c2baa0c0354bb5f df7cbf337884",
    "acme tickets bound desc page 2": "200 e23ebb2ab699db199437a66f ec2bd8f4224f",
    "acme tickets one": "200 5f858ee3e783d0e4e8c6c1a3 e3b0c44298fc",
    "acme tickets one fields": "200 9887b90517ea50606f9d30fc e3b0c44298fc",
    "acme time_entries forward first": "200 9cadd142054c2c861915fbe0 cc908dba6273",
    "acme time_entries forward middle": "200 186c62b7dd3afc2c618232df 7eb9ec7ab6f2",
    "acme time_entries forward last": "200 cc43afd5017df8760e75f49f e3b0c44298fc",
    "acme time_entries forward window": "200 618298269a142fa4a0585ab3 e3b0c44298fc",
    "acme time_entries forward window middle": "200 a55ce07e252c049e4cdc93e7 e3b0c44298fc",
    "acme time_entries forward fields=id": "200 ab812548f3dcb9a9eb86b49f 8db9f27c6e24",
    "acme time_entries forward fields": "200 2dd514d718f2e9ba3c9260d6 5c499086f9a9",
    "acme time_entries navigable default": "200 2de7a19cbcb0ca49b0a10b52 85462a5fe740",
    "acme time_entries navigable page 3": "200 e0b0449d822e88705c1abd26 52bec63d8e08",
    "acme time_entries navigable past end": "200 4f53cda18c2baa0c0354bb5f 0f722b76f1a8",
    "acme time_entries count": "200 36ca092c7e17d4678c9af930 e3b0c44298fc",
    "acme time_entries count window": "200 e5fc55499a889a2ad624669b e3b0c44298fc",
    "acme time_entries bound asc": "200 0283ac430191c11cff1c9b61 30cafc107516",
    "acme time_entries bound asc window": "200 745b762f4c375d3798806310 9ec36b0f03ab",
    "acme time_entries bound asc id range": "200 974ed2700b1cbe16c61a83ac 0eba5890556c",
    "acme time_entries bound asc empty": "200 4f53cda18c2baa0c0354bb5f df5f2dafb286",
    "acme time_entries bound asc page 2": "200 d1359bdfa10dc32ca74d5940 88dbf61e3408",
    "acme time_entries bound desc": "200 21e5fca3ab77fde86b3af5ed 7d4d97c71073",
    "acme time_entries bound desc window": "200 cc86c21605232fd90be2e1c1 8113fcad6c32",
    "acme time_entries bound desc id range": "200 aa0e736a02b0c0da4c5c3db9 af3f8936f478",
    "acme time_entries bound desc empty": "200 4f53cda18c2baa0c0354bb5f 5b0dad0c4d77",
    "acme time_entries bound desc page 2": "200 042347ad73cc048373b1c3e3 b7417bbd5556",
    "acme time_entries one": "200 d708283f7d1aedfa579ccca1 e3b0c44298fc",
    "acme time_entries one fields": "200 827e8174f6dae87ce5e55ac6 e3b0c44298fc",
    "acme tickets residual": "200 f17f21813907dabe895c72d9 3eab4c0cce3a",
    "acme tickets like": "200 7917f4ca4355c848e1997c38 c1f174f060b8",
    "acme tickets orderBy summary": "200 60e9cc97bef6b67b041b69cd ccfb8505d606",
    "acme tickets orderBy company": "200 14612b031586cc0bb610b3f5 8844a4e10d13",
    "acme tickets custom": "200 7151abb24727bdb30045a05d e3b0c44298fc",
    "acme contacts child": "200 a58202642a86e2ba9c0d7032 775dd1d35913",
    "acme time entries bound desc": "200 49e4f3224cbf69d6ff08a2ba bf5b11dc630f",
    "acme companies records()": "d24394b2a5c092cbbd595f3e",
    "acme contacts records()": "b834a4a82da8dc65976dbf40",
    "acme tickets records()": "a8665b5b96c27157b0bef40c",
    "acme time_entries records()": "7b91dabfa6c7c843c563073e",
    "acme search": "200 4d2c1253320ebef61eed1f99",
    "solo tickets forward first": "200 21e18fe8ca3fa271bcde6739 f2cc932e7b6c",
    "solo tickets forward middle": "200 d3f9495dd321e9cb7db193b6 e3b0c44298fc",
    "solo tickets forward last": "200 269129bf2bd03ec342df2287 e3b0c44298fc",
    "solo tickets forward window": "200 7f2d8afb8255d4a1ca74409e e3b0c44298fc",
    "solo tickets forward window middle": "200 b71b2c9535ad00b50c85b759 e3b0c44298fc",
    "solo tickets forward fields=id": "200 5e820b50bb9658d1759838da 21e4b1d64c68",
    "solo tickets forward fields": "200 f285872b645e79d39ea5c88f 4187668eb1af",
    "solo tickets navigable default": "200 f3a4cb7075018eb1c4391e10 f5a5f20ddbd4",
    "solo tickets navigable page 3": "200 f010407620f8fe7797f1fcff 0095efb7ebbd",
    "solo tickets navigable past end": "200 4f53cda18c2baa0c0354bb5f e25d991f0882",
    "solo tickets count": "200 78592bd99eaf9fb5aaa9de38 e3b0c44298fc",
    "solo tickets count window": "200 2a1b5c97b49a64d5d5107ba3 e3b0c44298fc",
    "solo tickets bound asc": "200 312a219b9956f2ad169dc7c3 60c88225266a",
    "solo tickets bound asc window": "200 05d448a721b5ffb8d65cef0f 7c654e5c4f11",
    "solo tickets bound asc id range": "200 d874d75047576a767c64786b f28a15930382",
    "solo tickets bound asc empty": "200 4f53cda18c2baa0c0354bb5f ad9be8755466",
    "solo tickets bound asc page 2": "200 2d9725d564d06accd33b50eb 1cba75698808",
    "solo tickets bound desc": "200 a9959a23409dc9ed6d0cbdc0 da25d9ba9b6b",
    "solo tickets bound desc window": "200 b50ed4fdc002e91c6e460b88 36a73386d263",
    "solo tickets bound desc id range": "200 f9bdccb887fb916a07bc5219 c9f7c6c67625",
    "solo tickets bound desc empty": "200 4f53cda18c2baa0c0354bb5f df7cbf337884",
    "solo tickets bound desc page 2": "200 fdec99d473c423688e58f10e eed036779f51",
    "solo tickets one": "200 518dd014ffd6a77cabc7f682 e3b0c44298fc",
    "solo tickets one fields": "200 507c345317c37e9b7a3a999d e3b0c44298fc",
    "solo time_entries forward first": "200 96a91760ef6fbfff6ed954e9 e3b0c44298fc",
    "solo time_entries forward middle": "200 a5e2da17f5ed7039e23c602f e3b0c44298fc",
    "solo time_entries forward last": "200 293c60ea96cf3a09ab108554 e3b0c44298fc",
    "solo time_entries forward window": "200 0372de41bdf2def316ecec23 e3b0c44298fc",
    "solo time_entries forward window middle": "200 d69304f32ed877e8b4c3cae3 e3b0c44298fc",
    "solo time_entries forward fields=id": "200 30f20f01c4fad12416e85c84 e3b0c44298fc",
    "solo time_entries forward fields": "200 0d5acea00d8a6def1592f5dd 11d7d11b1e34",
    "solo time_entries navigable default": "200 8bcfe1626f0d2ad94050531c 50eb8bcacf43",
    "solo time_entries navigable page 3": "200 c311bd00d66295df64e51164 4cb15b497b2e",
    "solo time_entries navigable past end": "200 4f53cda18c2baa0c0354bb5f 04659568d08e",
    "solo time_entries count": "200 7673cd5fb13bd74e117af35d e3b0c44298fc",
    "solo time_entries count window": "200 609946be7102a497ce9ddfbd e3b0c44298fc",
    "solo time_entries bound asc": "200 9105781731c579c399cb8046 e4f538a1537d",
    "solo time_entries bound asc window": "200 7be638ea40c6b8ff44774015 3b4fc7b24195",
    "solo time_entries bound asc id range": "200 4f53cda18c2baa0c0354bb5f 22c6a05184df",
    "solo time_entries bound asc empty": "200 4f53cda18c2baa0c0354bb5f df5f2dafb286",
    "solo time_entries bound asc page 2": "200 0ac5f9f1367b9e6075172fb9 48db0ca92195",
    "solo time_entries bound desc": "200 03408698fd203d238a65119e 987dd027a6c4",
    "solo time_entries bound desc window": "200 230d0c630fa5a84f72119a56 eae7b03b4772",
    "solo time_entries bound desc id range": "200 4f53cda18c2baa0c0354bb5f 12e5fdc70398",
    "solo time_entries bound desc empty": "200 4f53cda18c2baa0c0354bb5f 5b0dad0c4d77",
    "solo time_entries bound desc page 2": "200 df935316a1193b68717800b8 8cb7df4f4cf1",
    "solo time_entries one": "200 fa34f16f20b1bb663f85fbb9 e3b0c44298fc",
    "solo time_entries one fields": "200 642516828d8ef42dd47c7854 e3b0c44298fc",
    "solo tickets residual": "200 396e0717dd234874efff95e0 e3b0c44298fc",
    "solo tickets like": "200 48ab63deda92f1e53e943c73 c1f174f060b8",
    "solo tickets orderBy summary": "200 4004ea9f00b1558d240da512 b6f9e185a4d9",
    "solo tickets orderBy company": "200 e35a86c7c503a1975b026979 0905be008aa8",
    "solo tickets custom": "200 05ae54c33982b646454c96e5 e3b0c44298fc",
    "solo contacts child": "200 4f53cda18c2baa0c0354bb5f 5efbcc0317db",
    "solo time entries bound desc": "200 932b9ba2af15b02e870b8ead 773155b19617",
    "solo companies records()": "4f53cda18c2baa0c0354bb5f",
    "solo contacts records()": "4f53cda18c2baa0c0354bb5f",
    "solo tickets records()": "59d29ab525c3aa9c94e13ffd",
    "solo time_entries records()": "96a91760ef6fbfff6ed954e9",
    "solo search": "200 00b4609bed4564ece728800c"
  }
};
