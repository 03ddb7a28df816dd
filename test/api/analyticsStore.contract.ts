/**
 * THE analytics store contract (DESIGN §12): every TenantAnalytics method, asked of every engine over the same
 * lake, gives one answer; and that answer is the oracle's (analyticsOracle.ts), computed from the generated
 * rows without any engine, so a bug all engines share fails too. Numbers the oracle adds in another order are
 * compared to 3 decimals; the engines' answers are compared exactly.
 */
import type { AnalyticsEngine } from '../../api/store/port';
import { ResultCache } from '../../api/store/cache';
import { TenantAnalytics } from '../../api/store/tenantAnalytics';
import type { ListRequest, Period } from '../../api/store/queries';
import { ENTITIES, ENTITY_NAMES, entityColumns, type EntityName } from '../../api/entities';
import { AnalyticsOracle } from './analyticsOracle';
import type { ContractLake } from './contractLake';

export interface AnalyticsContractSetup {
  lake: ContractLake;
  engines: AnalyticsEngine[];
  now: Date;
  /** Called with each answer's time, per engine and method, for the report. */
  timed?: (engine: string, method: string, milliseconds: number) => void;
}

export const CAPACITY_HOURS_PER_WEEK = 40;

const utc = (text: string) => new Date(`${text}T00:00:00.000Z`);
const period = (from: string, to: string): Period => ({ from: utc(from), to: utc(to) });

/** The expected answer with every fractional number loosened to 3 decimals (integers stay exact). */
function loosely(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isInteger(value)) return expect.closeTo(value, 3);
  if (Array.isArray(value)) return value.map(loosely);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, loosely(inner)]));
  return value;
}

const listRequest = (entity: EntityName, overrides: Partial<ListRequest> = {}): ListRequest => ({
  limit: 500,
  offset: 0,
  sort: ENTITIES[entity].defaultSort.column,
  order: ENTITIES[entity].defaultSort.order,
  filters: {},
  ...overrides,
});

export function analyticsStoreContract(name: string, setup: () => AnalyticsContractSetup) {
  describe(name, () => {
    /** Each engine's answer and the oracle's to one question of one tenant. */
    async function ask<T>(
      tenantId: string,
      method: string,
      question: (analytics: TenantAnalytics) => Promise<T>,
      oracle: (oracle: AnalyticsOracle) => unknown,
      options: { strict?: boolean } = {},
    ): Promise<T[]> {
      const { lake, engines, now, timed } = setup();
      const answers: T[] = [];
      for (const engine of engines) {
        const analytics = new TenantAnalytics(
          await engine.forTenant(tenantId),
          new ResultCache({ maxEntries: 0, ttlMs: 1 }),
          { capacityHoursPerWeek: CAPACITY_HOURS_PER_WEEK, now: () => now },
        );
        const started = performance.now();
        answers.push(await question(analytics));
        timed?.(engine.name, method, performance.now() - started);
      }
      const expected = oracle(new AnalyticsOracle(lake.history[tenantId]!, now, CAPACITY_HOURS_PER_WEEK));
      for (const [index, answer] of answers.entries()) {
        const engine = engines[index]!.name;
        if (options.strict === false)
          expect({ engine, answer }).toMatchObject({ engine, answer: loosely(expected) });
        else expect({ engine, answer }).toEqual({ engine, answer: loosely(expected) });
        expect({ engine, answer }).toEqual({ engine, answer: answers[0] });
      }
      return answers;
    }

    const tenants = () => setup().lake.tenants;

    describe('list', () => {
      it.each(ENTITY_NAMES)(
        'given %s, when every current row is listed in its default order, then every column of every row matches',
        async (entity) => {
          for (const tenantId of tenants()) {
            const [answer] = await ask(
              tenantId,
              'list',
              (analytics) => analytics.list(entity, listRequest(entity)),
              (oracle) => oracle.list(entity, listRequest(entity)),
            );
            expect(answer!.total).toBeGreaterThan(0);
            expect(answer!.data.length).toBe(Math.min(answer!.total, 500));
          }
        },
      );

      it('given a column of each type to sort by, either way, then rows come in that order with NULLs last and ties by source and id', async () => {
        const [tenantId] = tenants();
        for (const entity of ENTITY_NAMES) {
          // The first canonical column of each type (text, numbers, booleans, timestamps, JSON), the source, the
          // id, a text column with NULLs and valid_from.
          const canonical = entityColumns(entity).filter(
            (column) => !['tenant_id', 'source_id'].includes(column.name),
          );
          const columns = canonical.filter(
            (column, index) =>
              ['source', ENTITIES[entity].idColumn, ENTITIES[entity].searchColumns[0], 'valid_from'].includes(
                column.name,
              ) ||
              canonical.findIndex((other) => other.type === column.type && other.name !== 'source') === index,
          );
          for (const column of columns.map((definition) => definition.name)) {
            for (const order of ['asc', 'desc'] as const) {
              const request = listRequest(entity, { sort: column, order, limit: 25, offset: 10 });
              await ask(
                tenantId!,
                'list',
                (analytics) => analytics.list(entity, request),
                (oracle) => oracle.list(entity, request),
              );
            }
          }
        }
      });

      it('given pages of 40, when walked, then they are disjoint and together the whole table', async () => {
        const [tenantId] = tenants();
        const seen = new Set<string>();
        let total = Infinity;
        for (let offset = 0; offset < total; offset += 40) {
          const request = listRequest('tickets', { limit: 40, offset });
          const [answer] = await ask(
            tenantId!,
            'list',
            (analytics) => analytics.list('tickets', request),
            (oracle) => oracle.list('tickets', request),
          );
          total = answer!.total;
          for (const row of answer!.data) seen.add(String(row.id));
        }
        expect(seen.size).toBe(total);
      });

      it.each([
        ['a percent sign, matched literally', '50%'],
        ['an underscore, matched literally', 'user_'],
        ['a backslash', 'C:\\temp'],
        ['other case, accents included', 'émile'],
        ['upper case', 'ANNA'],
        ['a term nothing has', 'zz-no-such-thing'],
      ])('given a search with %s, then exactly the rows containing it match', async (_what, search) => {
        for (const tenantId of tenants()) {
          for (const entity of ['tickets', 'contacts', 'companies', 'time_entries'] as const) {
            const request = listRequest(entity, { search });
            await ask(
              tenantId,
              'list',
              (analytics) => analytics.list(entity, request),
              (oracle) => oracle.list(entity, request),
            );
          }
        }
      });

      it.each<[EntityName, ListRequest['filters']]>([
        ['tickets', { status: 'Closed' }],
        ['tickets', { closed: true }],
        ['tickets', { closed: false }],
        ['tickets', { source: 'servicenow', priority: 'P1 - Critical' }],
        ['tickets', { entered_from: utc('2025-02-01'), entered_to: utc('2025-02-15') }],
        ['tickets', { closed_from: utc('2025-03-01') }],
        ['tickets', { company_id: '251', owner: 'chloé' }],
        ['contacts', { inactive: true }],
        ['contacts', { inactive: false, source: 'connectwise' }],
        ['time_entries', { billable_option: 'Billable', start_from: utc('2025-01-10') }],
        ['time_entries', { member: 'eve', start_to: utc('2025-02-01') }],
        ['companies', { state: 'state-2' }],
      ])('given %s filtered by %j, then only matching rows are listed', async (entity, filters) => {
        for (const tenantId of tenants()) {
          const request = listRequest(entity, { filters });
          await ask(
            tenantId,
            'list',
            (analytics) => analytics.list(entity, request),
            (oracle) => oracle.list(entity, request),
          );
        }
      });
    });

    describe('get', () => {
      it('given ids of each source, of the other tenant only, and unknown, then each tenant gets its own row or none', async () => {
        const { lake } = setup();
        const [alpha, beta] = lake.tenants;
        const onlyBeta = lake.history[beta!]!.tickets.find(
          (row) => !lake.history[alpha!]!.tickets.some((other) => other.ticket_id === row.ticket_id),
        )!;
        const ids = [
          ...lake.history[alpha!]!.tickets.filter((row) => row.is_current).slice(0, 3),
          ...lake.history[alpha!]!.tickets.filter((row) => row.source === 'servicenow').slice(0, 2),
          onlyBeta,
        ].map((row) => `${row.source}:${row.ticket_id}`);
        for (const tenantId of [alpha!, beta!]) {
          for (const id of [...ids, 'connectwise:999999', 'nosuchsource:1', 'no-colon']) {
            await ask(
              tenantId,
              'get',
              (analytics) => analytics.get('tickets', id),
              (oracle) => (id.includes(':') ? oracle.get('tickets', id) : undefined),
            );
          }
        }
        const [missing] = await ask(
          alpha!,
          'get',
          (analytics) => analytics.get('tickets', `${onlyBeta.source}:${onlyBeta.ticket_id}`),
          () => undefined,
        );
        expect(missing).toBeUndefined();
        for (const entity of ENTITY_NAMES) {
          const row = lake.history[alpha!]![ENTITIES[entity].table].find(
            (candidate) => candidate.is_current,
          )!;
          const id = `${row.source}:${String(row[ENTITIES[entity].idColumn])}`;
          await ask(
            alpha!,
            'get',
            (analytics) => analytics.get(entity, id),
            (oracle) => oracle.get(entity, id),
          );
        }
      });
    });

    describe('ticketHistory', () => {
      it('given a reopened ticket, a ticket of one version and an unknown one, then the versions and their changes', async () => {
        const { lake } = setup();
        for (const tenantId of lake.tenants) {
          const counts = new Map<string, number>();
          for (const row of lake.history[tenantId]!.tickets) {
            const id = `${row.source}:${row.ticket_id}`;
            counts.set(id, (counts.get(id) ?? 0) + 1);
          }
          const reopened = [...counts].filter(([, versions]) => versions >= 3).map(([id]) => id);
          const single = [...counts].find(([, versions]) => versions === 1)![0];
          expect(reopened.length).toBeGreaterThan(3);
          for (const id of [...reopened.slice(0, 4), single, 'servicenow:nope']) {
            const [answer] = await ask(
              tenantId,
              'ticketHistory',
              (analytics) => analytics.ticketHistory(id),
              (oracle) => oracle.ticketHistory(id),
            );
            if (reopened.includes(id)) expect(answer!.versions.length).toBeGreaterThanOrEqual(3);
          }
        }
      });
    });

    describe('dashboard', () => {
      it.each([
        ['a past month', period('2025-02-01', '2025-03-01')],
        ['a month holding now (the backlog is as of now)', period('2025-03-01', '2025-04-01')],
        ['a quarter', period('2025-01-01', '2025-04-01')],
        ['a week with no data at all (every ratio null, never 0 or NaN)', period('2025-07-01', '2025-07-08')],
      ])('given %s, then every KPI and its previous value', async (_what, range) => {
        for (const tenantId of tenants()) {
          const [answer] = await ask(
            tenantId,
            'dashboard',
            (analytics) => analytics.dashboard(range),
            (oracle) => oracle.dashboard(range),
            { strict: false },
          );
          if (range.from.getUTCMonth() === 6) expect(answer!.kpis.kill_rate.value).toBeNull();
          else expect(answer!.kpis.created.value).toBeGreaterThan(0);
        }
      });
    });

    describe('ticketStatus, createdVsClosed, aging', () => {
      it('given open tickets, then counts by status, priority and board', async () => {
        for (const tenantId of tenants())
          await ask(
            tenantId,
            'ticketStatus',
            (analytics) => analytics.ticketStatus(),
            (oracle) => oracle.ticketStatus(),
          );
      });

      it.each(['day', 'week', 'month'] as const)(
        'given a period by %s, then tickets created and closed per bucket, empty buckets as 0',
        async (interval) => {
          for (const tenantId of tenants())
            for (const range of [period('2025-01-01', '2025-04-01'), period('2024-12-29', '2025-01-13')])
              await ask(
                tenantId,
                'createdVsClosed',
                (analytics) => analytics.createdVsClosed(range, interval),
                (oracle) => oracle.createdVsClosed(range, interval),
              );
        },
      );

      it('given open tickets now, then their age buckets and the overdue among them', async () => {
        for (const tenantId of tenants())
          await ask(
            tenantId,
            'aging',
            (analytics) => analytics.aging(),
            (oracle) => oracle.aging(),
          );
      });
    });

    describe('technicianHours and topCompanies', () => {
      it.each([
        ['a month', period('2025-02-01', '2025-03-01')],
        ['an empty week', period('2025-07-01', '2025-07-08')],
      ])('given %s, then hours per technician', async (_what, range) => {
        for (const tenantId of tenants())
          await ask(
            tenantId,
            'technicianHours',
            (analytics) => analytics.technicianHours(range),
            (oracle) => oracle.technicianHours(range),
          );
      });

      it.each([
        ['tickets', 5],
        ['hours', 5],
        ['tickets', 50],
        ['hours', 50],
      ] as const)(
        'given the top companies by %s (limit %d), then ranked with nameless and unknown companies named null',
        async (by, limit) => {
          for (const tenantId of tenants()) {
            const range = period('2025-01-01', '2025-04-01');
            const [answer] = await ask(
              tenantId,
              'topCompanies',
              (analytics) => analytics.topCompanies(range, by, limit),
              (oracle) => oracle.topCompanies(range, by, limit),
            );
            if (limit === 50) {
              expect(answer!.companies.some((company) => company.company_id === 'missing-1')).toBe(true);
              expect(answer!.companies.filter((company) => company.name === null).length).toBeGreaterThan(1);
            }
          }
        },
      );
    });
  });
}
