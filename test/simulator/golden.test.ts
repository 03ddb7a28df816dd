import { createHash } from 'node:crypto';
import { CONNECTWISE_ENDPOINTS, type ConnectWiseTable } from '../../sources/connectwise/endpoints';
import { startSimulator, type SimulatedTenant, type Simulator } from '../../simulator';
import { aTenant, basicAuth, cwGet } from './helpers';

/**
 * Golden bytes: the simulator's answers are the fixtures of the whole suite and of the fault matrix, so a speed-up
 * must not change a single byte. Each case hashes one response body (and its Link header, without the port); the
 * expected hashes were recorded from the simulator before its serialisation was optimised.
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
    "acme tickets forward first": "200 a4761e3c283ba40eb046bb50 73a478d625b0",
    "acme tickets forward middle": "200 6f34e86b640b6d0b4b4370b7 544edc156d2c",
    "acme tickets forward last": "200 150324ddd4ffcb51e1bbf3dd e3b0c44298fc",
    "acme tickets forward window": "200 d0759d5941a60f2560e12ae1 e3b0c44298fc",
    "acme tickets forward window middle": "200 e180c3775fc075272da088e7 e3b0c44298fc",
    "acme tickets forward fields=id": "200 121e49f14e19e95041bcef62 9cd0f29fff9b",
    "acme tickets forward fields": "200 40fa1d99ce6f5ece17d8a79e 265ea35522f9",
    "acme tickets navigable default": "200 9aaf9c906290ce0521f5b853 ae8a3fe67d46",
    "acme tickets navigable page 3": "200 39428ec485458a3b8a95c25a 39fa18621c3c",
    "acme tickets navigable past end": "200 4f53cda18c2baa0c0354bb5f 1e53ddea4b08",
    "acme tickets count": "200 d05df56c885d3552b2ed3356 e3b0c44298fc",
    "acme tickets count window": "200 cede50fd330cbaa105fa86c2 e3b0c44298fc",
    "acme tickets bound asc": "200 f8418790e3b327a5d832d59c 37432b787179",
    "acme tickets bound asc window": "200 f8418790e3b327a5d832d59c 136bd9cc4b03",
    "acme tickets bound asc id range": "200 717036b1259c60eac52c937f bec8fa1499c0",
    "acme tickets bound asc empty": "200 4f53cda18c2baa0c0354bb5f ad9be8755466",
    "acme tickets bound asc page 2": "200 0998cf1544c09a2b21bef64b 40dbee5a7f85",
    "acme tickets bound desc": "200 b95759b80a56b26b9b2727d7 c7ebdef49fd1",
    "acme tickets bound desc window": "200 253756dc7a1a1bb8375e6595 2468fe010391",
    "acme tickets bound desc id range": "200 9d9afb2404a8f1454642f25f ac5198a454bd",
    "acme tickets bound desc empty": "200 4f53cda18c2baa0c0354bb5f df7cbf337884",
    "acme tickets bound desc page 2": "200 3fd15a2318179d8adbedde1d a13ea28a1d36",
    "acme tickets one": "200 1f6d8f0685f8c2e4dabc94c8 e3b0c44298fc",
    "acme tickets one fields": "200 a77254c3dfaaeb08a8c8c3fc e3b0c44298fc",
    "acme time_entries forward first": "200 a6171c3cfa434296f6d0d008 cc908dba6273",
    "acme time_entries forward middle": "200 0d73ca67f5ff7df76f175151 51bec51bc761",
    "acme time_entries forward last": "200 fad8240997ce80d90dd6eccc e3b0c44298fc",
    "acme time_entries forward window": "200 31076c7e120d8496ba36d06e e3b0c44298fc",
    "acme time_entries forward window middle": "200 ee165748f2dcfdefeda3bbf9 e3b0c44298fc",
    "acme time_entries forward fields=id": "200 ab812548f3dcb9a9eb86b49f 8db9f27c6e24",
    "acme time_entries forward fields": "200 05599e224a28f1811ab2dc2b 5c499086f9a9",
    "acme time_entries navigable default": "200 c5b9a6adafda31666c87a7f3 45700bcae4cb",
    "acme time_entries navigable page 3": "200 6582c34a0fee11b52af9d3ef 79ed643950f6",
    "acme time_entries navigable past end": "200 4f53cda18c2baa0c0354bb5f 0f722b76f1a8",
    "acme time_entries count": "200 d05df56c885d3552b2ed3356 e3b0c44298fc",
    "acme time_entries count window": "200 29e7240901fe27f761d40be0 e3b0c44298fc",
    "acme time_entries bound asc": "200 0283ac430191c11cff1c9b61 9860ee734d5c",
    "acme time_entries bound asc window": "200 0960a503a47cf047731a3b0d 88d180d1d680",
    "acme time_entries bound asc id range": "200 8802eb13a09f3fc1a885960f 2114e997e3f9",
    "acme time_entries bound asc empty": "200 4f53cda18c2baa0c0354bb5f df5f2dafb286",
    "acme time_entries bound asc page 2": "200 632a6ab363700fd7e53f88db b732c945b9f0",
    "acme time_entries bound desc": "200 415e1e9d602b45af66ca25ff 0346b07b6fe4",
    "acme time_entries bound desc window": "200 cc86c21605232fd90be2e1c1 925dbe3c3c3e",
    "acme time_entries bound desc id range": "200 e009145695760a3dd952e50b f8b87e35a479",
    "acme time_entries bound desc empty": "200 4f53cda18c2baa0c0354bb5f 5b0dad0c4d77",
    "acme time_entries bound desc page 2": "200 2bc135f823c95077a1c7b137 8cfcfadfdc70",
    "acme time_entries one": "200 0664421849022f9000a410ea e3b0c44298fc",
    "acme time_entries one fields": "200 48c9ae7109d535aa866cd86a e3b0c44298fc",
    "acme tickets residual": "200 e330991b9a8fd6292c87a019 09f647ce0080",
    "acme tickets like": "200 e57ca776b26ae18e591b557c c1f174f060b8",
    "acme tickets orderBy summary": "200 629373aae58537544466d42f 5b94a5ca809c",
    "acme tickets orderBy company": "200 b414e04caca05f63fc0f64a7 2b2b8750573d",
    "acme tickets custom": "200 ca4e9ecc11d834bcb61134ad e3b0c44298fc",
    "acme contacts child": "200 602723575fdb2549214b74fa 693fd3b5d408",
    "acme time entries bound desc": "200 86a20668d4a44f0cef0b0f90 769592bf430f",
    "acme companies records()": "422deebb1d79846316db10df",
    "acme contacts records()": "f2176b4ed343fbde56e37657",
    "acme tickets records()": "da44e7cadfef786c1b533020",
    "acme time_entries records()": "d3d2097616e05af2592371d4",
    "acme search": "200 84fc9bf922d2ca30c13a7197",
    "solo tickets forward first": "200 7febdb7cd2951117e5c027b5 f2cc932e7b6c",
    "solo tickets forward middle": "200 0b7742806a64ec53d7297d31 e3b0c44298fc",
    "solo tickets forward last": "200 0d30ed824fd0c52dab874f6b e3b0c44298fc",
    "solo tickets forward window": "200 5defba95c0fa5ebdadad530f e3b0c44298fc",
    "solo tickets forward window middle": "200 5db75869d199ad900244af5f e3b0c44298fc",
    "solo tickets forward fields=id": "200 5e820b50bb9658d1759838da 21e4b1d64c68",
    "solo tickets forward fields": "200 29d2cf8a23fc678f69183016 4187668eb1af",
    "solo tickets navigable default": "200 695632f04307ae962a7a57f8 272c75e3c020",
    "solo tickets navigable page 3": "200 d317277e10c6b0987103330f 2ccb57a43c38",
    "solo tickets navigable past end": "200 4f53cda18c2baa0c0354bb5f e25d991f0882",
    "solo tickets count": "200 77e0e8dcdae73b99481f780d e3b0c44298fc",
    "solo tickets count window": "200 a47272e5ee92aaa24c4d4115 e3b0c44298fc",
    "solo tickets bound asc": "200 312a219b9956f2ad169dc7c3 b8484397f023",
    "solo tickets bound asc window": "200 ce2643df835b1a9de9fdf801 852492b0fe1b",
    "solo tickets bound asc id range": "200 16676dd8886a370e532945af 20ebfbad5f03",
    "solo tickets bound asc empty": "200 4f53cda18c2baa0c0354bb5f ad9be8755466",
    "solo tickets bound asc page 2": "200 74ee40fd298bc2a4d57e917e 463e803c401c",
    "solo tickets bound desc": "200 70b66719d0651481a491af07 29077cc7708c",
    "solo tickets bound desc window": "200 b50ed4fdc002e91c6e460b88 89630801b166",
    "solo tickets bound desc id range": "200 cb9ff052794dead36f695bc3 def0b3fd7143",
    "solo tickets bound desc empty": "200 4f53cda18c2baa0c0354bb5f df7cbf337884",
    "solo tickets bound desc page 2": "200 1111cf51903405425a6b7cf2 95dff3e40dcd",
    "solo tickets one": "200 bf5597c4c6198f68ea0bcb7e e3b0c44298fc",
    "solo tickets one fields": "200 527db7d2f12242adb25cbba4 e3b0c44298fc",
    "solo time_entries forward first": "200 c1341d8a7a087c3f162c4e33 e3b0c44298fc",
    "solo time_entries forward middle": "200 4d39108c322cb3f2bbd0c846 e3b0c44298fc",
    "solo time_entries forward last": "200 56da4169cf54e4f58c9e2f7c e3b0c44298fc",
    "solo time_entries forward window": "200 d591a126bad20157a2310838 e3b0c44298fc",
    "solo time_entries forward window middle": "200 2e38155bdf5e6c93c6917e18 e3b0c44298fc",
    "solo time_entries forward fields=id": "200 62e8fdb4f3740a7a680d33d7 e3b0c44298fc",
    "solo time_entries forward fields": "200 a392a55976047b9a4ab4f6f1 11d7d11b1e34",
    "solo time_entries navigable default": "200 641e4866d01e32bccd0f49a7 1c422f44d01a",
    "solo time_entries navigable page 3": "200 8191ab01f0f3acd9a07256f0 209e7dd4ef98",
    "solo time_entries navigable past end": "200 4f53cda18c2baa0c0354bb5f 04659568d08e",
    "solo time_entries count": "200 f26845d445766e4a00209ecd e3b0c44298fc",
    "solo time_entries count window": "200 d3b5405983fd64bc5294375d e3b0c44298fc",
    "solo time_entries bound asc": "200 9105781731c579c399cb8046 22551afb3be2",
    "solo time_entries bound asc window": "200 760432adb07d5d30b30197fd 1c4b771cc6ce",
    "solo time_entries bound asc id range": "200 4f53cda18c2baa0c0354bb5f e4bb9d5b8c53",
    "solo time_entries bound asc empty": "200 4f53cda18c2baa0c0354bb5f df5f2dafb286",
    "solo time_entries bound asc page 2": "200 295b05c8519c2caa927b3d38 ab890bd03c82",
    "solo time_entries bound desc": "200 f4571dc2bec35a9dcc776222 1f0d7a1ef646",
    "solo time_entries bound desc window": "200 85503b1be448202fd32246aa 959984b8e994",
    "solo time_entries bound desc id range": "200 4f53cda18c2baa0c0354bb5f d57194954401",
    "solo time_entries bound desc empty": "200 4f53cda18c2baa0c0354bb5f 5b0dad0c4d77",
    "solo time_entries bound desc page 2": "200 b558f22ced5b4ea82988563d 7a0f1becd24d",
    "solo time_entries one": "200 ca07927836ad3ed171354ab1 e3b0c44298fc",
    "solo time_entries one fields": "200 c52fbcd46d26ad27998fe8c4 e3b0c44298fc",
    "solo tickets residual": "200 8b6dc9018ef848371018624d e3b0c44298fc",
    "solo tickets like": "200 ae33d8820bdccb619a71fb90 c1f174f060b8",
    "solo tickets orderBy summary": "200 ce4dbc2422051a5236ab5871 d503172c1aa9",
    "solo tickets orderBy company": "200 5fa9c7906d7bcbff5d7a439d 986a31245f7c",
    "solo tickets custom": "200 7d332ece9e5802bb61468bbc e3b0c44298fc",
    "solo contacts child": "200 4f53cda18c2baa0c0354bb5f 5efbcc0317db",
    "solo time entries bound desc": "200 c26b5e79af6d67048c8cddff 0d46a138532a",
    "solo companies records()": "4f53cda18c2baa0c0354bb5f",
    "solo contacts records()": "4f53cda18c2baa0c0354bb5f",
    "solo tickets records()": "d49fcc261c9defb7565fd830",
    "solo time_entries records()": "c1341d8a7a087c3f162c4e33",
    "solo search": "200 cb03f9acb57929403c143e5d"
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
    "acme tickets forward first": "200 881e5b407d0cd15478e54477 73a478d625b0",
    "acme tickets forward middle": "200 96a61483bf02a3059270b516 f72b97970653",
    "acme tickets forward last": "200 b776954e01818b71a8d2d1b7 e3b0c44298fc",
    "acme tickets forward window": "200 7d210ffc3e43da93852489f4 e3b0c44298fc",
    "acme tickets forward window middle": "200 b69bba0c8c496c4d4a383444 e3b0c44298fc",
    "acme tickets forward fields=id": "200 121e49f14e19e95041bcef62 9cd0f29fff9b",
    "acme tickets forward fields": "200 1257fa9bb309d3cd6be5c2bf 265ea35522f9",
    "acme tickets navigable default": "200 4d6c9859c63885716bcbd54e b584c2c0c967",
    "acme tickets navigable page 3": "200 7a47cdff02f4726acfb0499b 26ebd16011ad",
    "acme tickets navigable past end": "200 4f53cda18c2baa0c0354bb5f 1e53ddea4b08",
    "acme tickets count": "200 36ca092c7e17d4678c9af930 e3b0c44298fc",
    "acme tickets count window": "200 9704b6ff9fed726492fefd96 e3b0c44298fc",
    "acme tickets bound asc": "200 f8418790e3b327a5d832d59c fd68727d64f1",
    "acme tickets bound asc window": "200 f8418790e3b327a5d832d59c 6cd096789744",
    "acme tickets bound asc id range": "200 4423d3b7fd97f80dbf3d99a4 721a70a093f1",
    "acme tickets bound asc empty": "200 4f53cda18c2baa0c0354bb5f ad9be8755466",
    "acme tickets bound asc page 2": "200 3b759542588a5405da83ce9b b63182e31e04",
    "acme tickets bound desc": "200 fb05150e0e0e433492af8231 c0963afde357",
    "acme tickets bound desc window": "200 253756dc7a1a1bb8375e6595 9fff7bb09780",
    "acme tickets bound desc id range": "200 f68cdfad29a6db633c43848f 85689d034cf1",
    "acme tickets bound desc empty": "200 4f53cda18c2baa0c0354bb5f df7cbf337884",
    "acme tickets bound desc page 2": "200 8606ba3d54e84d7ec41063c4 ec2bd8f4224f",
    "acme tickets one": "200 d6f2cc4976d1530266c6d7e2 e3b0c44298fc",
    "acme tickets one fields": "200 9887b90517ea50606f9d30fc e3b0c44298fc",
    "acme time_entries forward first": "200 06bbd1ee65dcce1b92f30c9e cc908dba6273",
    "acme time_entries forward middle": "200 b5d999d8feda6f04e0331da3 7eb9ec7ab6f2",
    "acme time_entries forward last": "200 2229b5fe2e1eeeec868c5f31 e3b0c44298fc",
    "acme time_entries forward window": "200 bed7827bcb88b020cac58701 e3b0c44298fc",
    "acme time_entries forward window middle": "200 98afd5d1e0d1d5687289c552 e3b0c44298fc",
    "acme time_entries forward fields=id": "200 ab812548f3dcb9a9eb86b49f 8db9f27c6e24",
    "acme time_entries forward fields": "200 2dd514d718f2e9ba3c9260d6 5c499086f9a9",
    "acme time_entries navigable default": "200 b6c9e1f7380c8a75d37dd3ad 85462a5fe740",
    "acme time_entries navigable page 3": "200 38c0ca9ca0fa7da726f4b941 52bec63d8e08",
    "acme time_entries navigable past end": "200 4f53cda18c2baa0c0354bb5f 0f722b76f1a8",
    "acme time_entries count": "200 36ca092c7e17d4678c9af930 e3b0c44298fc",
    "acme time_entries count window": "200 e5fc55499a889a2ad624669b e3b0c44298fc",
    "acme time_entries bound asc": "200 0283ac430191c11cff1c9b61 30cafc107516",
    "acme time_entries bound asc window": "200 745b762f4c375d3798806310 9ec36b0f03ab",
    "acme time_entries bound asc id range": "200 974ed2700b1cbe16c61a83ac 0eba5890556c",
    "acme time_entries bound asc empty": "200 4f53cda18c2baa0c0354bb5f df5f2dafb286",
    "acme time_entries bound asc page 2": "200 1ad0da38a80956282c5c6c5e 88dbf61e3408",
    "acme time_entries bound desc": "200 21e5fca3ab77fde86b3af5ed 7d4d97c71073",
    "acme time_entries bound desc window": "200 cc86c21605232fd90be2e1c1 8113fcad6c32",
    "acme time_entries bound desc id range": "200 c2abe13818ac1dff1db553d1 af3f8936f478",
    "acme time_entries bound desc empty": "200 4f53cda18c2baa0c0354bb5f 5b0dad0c4d77",
    "acme time_entries bound desc page 2": "200 005bb0961a88f2764b04edcc b7417bbd5556",
    "acme time_entries one": "200 d708283f7d1aedfa579ccca1 e3b0c44298fc",
    "acme time_entries one fields": "200 827e8174f6dae87ce5e55ac6 e3b0c44298fc",
    "acme tickets residual": "200 816bc5f047314314245a4584 3eab4c0cce3a",
    "acme tickets like": "200 03e19cadc450f5cbeeafceea c1f174f060b8",
    "acme tickets orderBy summary": "200 aadd8f9cb57d089143b8ae0b ccfb8505d606",
    "acme tickets orderBy company": "200 41432e27f6f3e7fe6dcce4c7 8844a4e10d13",
    "acme tickets custom": "200 7151abb24727bdb30045a05d e3b0c44298fc",
    "acme contacts child": "200 a58202642a86e2ba9c0d7032 775dd1d35913",
    "acme time entries bound desc": "200 49e4f3224cbf69d6ff08a2ba bf5b11dc630f",
    "acme companies records()": "d24394b2a5c092cbbd595f3e",
    "acme contacts records()": "b834a4a82da8dc65976dbf40",
    "acme tickets records()": "6e6d0459366c012c1620942b",
    "acme time_entries records()": "14b9bde5afa9f6df1277fc54",
    "acme search": "200 a4e8c566497ac7217d9332e9",
    "solo tickets forward first": "200 529ba0180c8e3f5e1c834433 f2cc932e7b6c",
    "solo tickets forward middle": "200 545cee1b9f0252633ee273a2 e3b0c44298fc",
    "solo tickets forward last": "200 26b75565300df804bd7fbe8a e3b0c44298fc",
    "solo tickets forward window": "200 cec166b0c48b44b977a3d43f e3b0c44298fc",
    "solo tickets forward window middle": "200 87cea49ed62c8a4cfe462a2d e3b0c44298fc",
    "solo tickets forward fields=id": "200 5e820b50bb9658d1759838da 21e4b1d64c68",
    "solo tickets forward fields": "200 f285872b645e79d39ea5c88f 4187668eb1af",
    "solo tickets navigable default": "200 3d20674992046363cac30307 f5a5f20ddbd4",
    "solo tickets navigable page 3": "200 ce45ad2fb18d944cfb900166 0095efb7ebbd",
    "solo tickets navigable past end": "200 4f53cda18c2baa0c0354bb5f e25d991f0882",
    "solo tickets count": "200 78592bd99eaf9fb5aaa9de38 e3b0c44298fc",
    "solo tickets count window": "200 2a1b5c97b49a64d5d5107ba3 e3b0c44298fc",
    "solo tickets bound asc": "200 312a219b9956f2ad169dc7c3 60c88225266a",
    "solo tickets bound asc window": "200 05d448a721b5ffb8d65cef0f 7c654e5c4f11",
    "solo tickets bound asc id range": "200 24046d48e7d9e127bb1e8a58 f28a15930382",
    "solo tickets bound asc empty": "200 4f53cda18c2baa0c0354bb5f ad9be8755466",
    "solo tickets bound asc page 2": "200 635d3e6e7e34d70cbc6e6af7 1cba75698808",
    "solo tickets bound desc": "200 a9959a23409dc9ed6d0cbdc0 da25d9ba9b6b",
    "solo tickets bound desc window": "200 b50ed4fdc002e91c6e460b88 36a73386d263",
    "solo tickets bound desc id range": "200 9c73e522a2ffd131f89df3f4 c9f7c6c67625",
    "solo tickets bound desc empty": "200 4f53cda18c2baa0c0354bb5f df7cbf337884",
    "solo tickets bound desc page 2": "200 886972c2f459dad8b87cff22 eed036779f51",
    "solo tickets one": "200 05604d016f2ac32cf6dbb9df e3b0c44298fc",
    "solo tickets one fields": "200 507c345317c37e9b7a3a999d e3b0c44298fc",
    "solo time_entries forward first": "200 60d62caac7e43746dbd0e7eb e3b0c44298fc",
    "solo time_entries forward middle": "200 2773ad1f491e33dd46260d2e e3b0c44298fc",
    "solo time_entries forward last": "200 4d61d60e92a85d59467552c3 e3b0c44298fc",
    "solo time_entries forward window": "200 e51a94d4ef2e4d07b583e63e e3b0c44298fc",
    "solo time_entries forward window middle": "200 d30dbbd5bc1f726aeac57529 e3b0c44298fc",
    "solo time_entries forward fields=id": "200 30f20f01c4fad12416e85c84 e3b0c44298fc",
    "solo time_entries forward fields": "200 0d5acea00d8a6def1592f5dd 11d7d11b1e34",
    "solo time_entries navigable default": "200 7cca57c54c44428ffa9dfb98 50eb8bcacf43",
    "solo time_entries navigable page 3": "200 6e6293a2e047a9e491694da0 4cb15b497b2e",
    "solo time_entries navigable past end": "200 4f53cda18c2baa0c0354bb5f 04659568d08e",
    "solo time_entries count": "200 7673cd5fb13bd74e117af35d e3b0c44298fc",
    "solo time_entries count window": "200 609946be7102a497ce9ddfbd e3b0c44298fc",
    "solo time_entries bound asc": "200 9105781731c579c399cb8046 e4f538a1537d",
    "solo time_entries bound asc window": "200 7be638ea40c6b8ff44774015 3b4fc7b24195",
    "solo time_entries bound asc id range": "200 4f53cda18c2baa0c0354bb5f 22c6a05184df",
    "solo time_entries bound asc empty": "200 4f53cda18c2baa0c0354bb5f df5f2dafb286",
    "solo time_entries bound asc page 2": "200 15aec8d1e95df05fbcf424f7 48db0ca92195",
    "solo time_entries bound desc": "200 03408698fd203d238a65119e 987dd027a6c4",
    "solo time_entries bound desc window": "200 230d0c630fa5a84f72119a56 eae7b03b4772",
    "solo time_entries bound desc id range": "200 4f53cda18c2baa0c0354bb5f 12e5fdc70398",
    "solo time_entries bound desc empty": "200 4f53cda18c2baa0c0354bb5f 5b0dad0c4d77",
    "solo time_entries bound desc page 2": "200 db70adbd68e550345b1fc631 8cb7df4f4cf1",
    "solo time_entries one": "200 ce38138ae5701f243f9dd17e e3b0c44298fc",
    "solo time_entries one fields": "200 642516828d8ef42dd47c7854 e3b0c44298fc",
    "solo tickets residual": "200 b97981f40b15fa31fa529b66 e3b0c44298fc",
    "solo tickets like": "200 9d5a856949dd1457ac339e1a c1f174f060b8",
    "solo tickets orderBy summary": "200 40c94f95d1e5cc637207c5b4 b6f9e185a4d9",
    "solo tickets orderBy company": "200 c2ab6eb79ffa7bcb6ddbe117 0905be008aa8",
    "solo tickets custom": "200 05ae54c33982b646454c96e5 e3b0c44298fc",
    "solo contacts child": "200 4f53cda18c2baa0c0354bb5f 5efbcc0317db",
    "solo time entries bound desc": "200 df4c9cd0336f6543d5c3774a 773155b19617",
    "solo companies records()": "4f53cda18c2baa0c0354bb5f",
    "solo contacts records()": "4f53cda18c2baa0c0354bb5f",
    "solo tickets records()": "37744bc83fd34405c28cf167",
    "solo time_entries records()": "60d62caac7e43746dbd0e7eb",
    "solo search": "200 59e22dd8cfd40fe9661a26da"
  }
};
