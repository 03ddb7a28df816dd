/**
 * Tenant isolation by construction (issue 11 item 3), checked as a property over tenant pairs, ids and search
 * terms: with tenant A's token no endpoint returns a row of another tenant or accepts another tenant's id, and
 * every analytics answer is exactly what A's data alone gives.
 */
import fc from 'fast-check';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENTITIES, ENTITY_NAMES, type EntityName } from '../../api/entities';
import { writeContractLake, type ContractLake, type HistoryRow } from './contractLake';
import { anApiOver, getJson, type ApiWorld } from '../support/apiWorld';

const TENANTS = ['alpha-msp', 'beta-it', 'gamma-co'];
const email = (tenantId: string) => `ana@${tenantId}.test`;
const users = TENANTS.map((tenantId) => ({ tenantId, email: email(tenantId), role: 'analyst' as const }));
const ANALYTICS = [
  '/api/analytics/dashboard?period=365d',
  '/api/analytics/tickets/status',
  '/api/analytics/tickets/trend?period=365d&interval=month',
  '/api/analytics/tickets/aging',
  '/api/analytics/technicians/hours?period=365d',
  '/api/analytics/companies/top?period=365d&by=hours&limit=100',
];

let lake: ContractLake;
let shared: ApiWorld;
/** Per tenant: an API over a lake holding that tenant's files only, and its analytics answers. */
const alone = new Map<string, Record<string, unknown>>();
const cleanup: Array<() => Promise<void>> = [];

const idOf = (entity: EntityName, row: HistoryRow) =>
  `${row.source}:${String(row[ENTITIES[entity].idColumn])}`;
const current = (tenantId: string, entity: EntityName) =>
  lake.history[tenantId]![ENTITIES[entity].table].filter((row) => row.is_current);

beforeAll(async () => {
  lake = await writeContractLake({
    tenants: TENANTS,
    sizes: { companies: 6, contacts: 12, tickets: 50, timeEntries: 60 },
  });
  shared = await anApiOver(lake.lakeDir, users);
  for (const tenantId of TENANTS) {
    const own = await mkdtemp(join(tmpdir(), 'avesa-isolated-'));
    await cp(join(lake.lakeDir, tenantId), join(own, tenantId), { recursive: true });
    const api = await anApiOver(own, users);
    cleanup.push(async () => {
      await api.close();
      await rm(own, { recursive: true, force: true });
    });
    const answers: Record<string, unknown> = {};
    for (const url of ANALYTICS)
      answers[url] = (await getJson(api.app, url, await api.bearer(tenantId, email(tenantId)))).body;
    alone.set(tenantId, answers);
  }
}, 120_000);

afterAll(async () => {
  for (const close of cleanup) await close();
  await shared?.close();
  await lake?.remove();
});

/** A tenant pair, and an id and a search term drawn from the second tenant's data (or made up). */
const scenario = fc
  .tuple(fc.constantFrom(...TENANTS), fc.constantFrom(...TENANTS), fc.constantFrom(...ENTITY_NAMES))
  .filter(([caller, other]) => caller !== other)
  .chain(([caller, other, entity]) => {
    const theirs = current(other, entity);
    const text = theirs.flatMap((row) =>
      ENTITIES[entity].searchColumns
        .map((column) => row[column])
        .filter((value) => typeof value === 'string'),
    ) as string[];
    return fc.record({
      caller: fc.constant(caller),
      other: fc.constant(other),
      entity: fc.constant(entity),
      id: fc.oneof(
        fc.constantFrom(...theirs.map((row) => idOf(entity, row))),
        fc.string({ minLength: 1, maxLength: 12 }).map((key) => `connectwise:${key}`),
      ),
      search: fc.oneof(
        fc
          .constantFrom(...text)
          .chain((value) =>
            fc.nat({ max: Math.max(0, value.length - 3) }).map((start) => value.slice(start, start + 3)),
          ),
        fc.string({ minLength: 1, maxLength: 6 }),
      ),
    });
  });

describe('tenant isolation', () => {
  it('no endpoint returns another tenant’s rows or accepts another tenant’s id', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ caller, other, entity, id, search }) => {
        const headers = await shared.bearer(caller, email(caller));
        const path = ENTITIES[entity].path;
        const mine = new Map(current(caller, entity).map((row) => [idOf(entity, row), row]));

        // A search (with a forged tenant in the query string, which is not a parameter and is dropped).
        const page = await getJson<{ data: Array<Record<string, unknown>> }>(
          shared.app,
          `/api/${path}?limit=500&search=${encodeURIComponent(search)}&tenant_id=${other}&tenantId=${other}`,
          headers,
        );
        expect(page.status).toBe(200);
        for (const row of page.body.data) {
          expect(row.tenant_id).toBe(caller);
          expect(mine.has(String(row.id))).toBe(true);
        }

        // An id of the other tenant: the caller's own record when it has one with that id, else not found.
        const detail = await getJson<Record<string, unknown>>(
          shared.app,
          `/api/${path}/${encodeURIComponent(id)}`,
          headers,
        );
        if (mine.has(id)) {
          expect(detail.status).toBe(200);
          expect(detail.body.tenant_id).toBe(caller);
          expect(detail.body.record_hash).toBeUndefined();
          expect(detail.body.updated_at).toBe((mine.get(id)!.updated_at as Date).toISOString());
        } else {
          expect([400, 404]).toContain(detail.status);
        }

        if (entity === 'tickets') {
          const history = await getJson<{ versions: Array<{ record: Record<string, unknown> }> }>(
            shared.app,
            `/api/tickets/${encodeURIComponent(id)}/history`,
            headers,
          );
          if (mine.has(id)) {
            const versions = lake.history[caller]!.tickets.filter((row) => idOf('tickets', row) === id);
            expect(history.body.versions).toHaveLength(versions.length);
            for (const version of history.body.versions) expect(version.record.tenant_id).toBe(caller);
          } else {
            expect([400, 404]).toContain(history.status);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it("gives every analytics answer exactly as the caller's data alone gives it", async () => {
    for (const tenantId of TENANTS) {
      const headers = await shared.bearer(tenantId, email(tenantId));
      for (const url of ANALYTICS) {
        const answer = await getJson(shared.app, url, headers);
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual(alone.get(tenantId)![url]);
      }
    }
  });
});
