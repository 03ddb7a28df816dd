import { createHash } from 'node:crypto';
import { startSalesforceSimulator, type SalesforceSimulator } from '../../../simulator';
import { SALESFORCE_OBJECTS, type SalesforceObjectName } from '../../../simulator/salesforce/objects';
import { type AnyRecord, anOrg, login, soql } from './helpers';

const ENDS = new Date('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
/** 2023-12-01T00:00:00Z. */
const THREE_YEARS_BEFORE = Date.UTC(2023, 11, 1);
/** About the demo's Salesforce tenant. */
const sizes = { Account: 200, Contact: 800, Case: 5_000, WorkOrder: 1_000, TimeSheetEntry: 3_000 };

const at = (value: unknown) => Date.parse((value as string).replace('+0000', 'Z'));
const daysBefore = (value: unknown) => (ENDS.getTime() - at(value)) / DAY;

/** Every record of every object of the orgs, as JSON, hashed: a change anywhere changes it. */
function fingerprint(sim: SalesforceSimulator, orgs: readonly string[]): string {
  const hash = createHash('sha256');
  for (const org of orgs)
    for (const object of SALESFORCE_OBJECTS) hash.update(JSON.stringify([...sim.records(org, object)]));
  return hash.digest('hex');
}

describe('Salesforce simulator: the period generated records span (dataEndsAt)', () => {
  it('given no dataEndsAt, when every record is read, then it is byte-identical to the records generated before dataEndsAt existed', async () => {
    const big = { Account: 300, Contact: 900, Case: 20_000, WorkOrder: 2_000, TimeSheetEntry: 6_000 };
    const sim = await startSalesforceSimulator({
      orgs: [anOrg(), anOrg({ name: 'globex', clientId: 'globex-client', seed: 7, sizes: big })],
    });
    try {
      // Computed from the simulator before the period could move; pins the fixed 2023–2025 output.
      expect(fingerprint(sim, ['acme', 'globex'])).toBe(
        '9f113ddfc4bdb90118db7627037534265781fb734983a64f6653b839a7f12058',
      );
    } finally {
      await sim.stop();
    }
  });

  describe('given dataEndsAt', () => {
    let sim: SalesforceSimulator;
    let clock = new Date(ENDS.getTime() + 9 * 3_600_000);
    beforeAll(async () => {
      sim = await startSalesforceSimulator({ orgs: [anOrg({ sizes })], dataEndsAt: ENDS, now: () => clock });
    });
    afterAll(() => sim.stop());

    const all = (object: SalesforceObjectName) => [...sim.records('acme', object)] as AnyRecord[];

    it.each(SALESFORCE_OBJECTS)(
      'when %s is read, then every timestamp is in the three years before dataEndsAt and the last days have changes',
      (object) => {
        const records = all(object);
        expect(records).toHaveLength(sizes[object]);
        for (const record of records) {
          expect(at(record.CreatedDate)).toBeGreaterThanOrEqual(THREE_YEARS_BEFORE);
          expect(at(record.SystemModstamp)).toBeLessThan(ENDS.getTime());
          expect(record.CreatedDate <= record.LastModifiedDate).toBe(true);
          expect(record.LastModifiedDate <= record.SystemModstamp).toBe(true);
          if (record.ClosedDate) {
            expect(record.ClosedDate >= record.CreatedDate).toBe(true);
            expect(record.ClosedDate <= record.LastModifiedDate).toBe(true);
          }
          if (object === 'TimeSheetEntry') expect(at(record.EndTime)).toBeLessThan(ENDS.getTime());
        }
        const ages = records.map((record) => daysBefore(record.SystemModstamp));
        // An even spread over three years would put 30/1096 of the records in the last 30 days.
        expect(ages.filter((age) => age < 30).length / records.length).toBeGreaterThan(30 / 1096);
        // Tickets and time entries (what "last 30 days" dashboards count) change daily; 200 Accounts weekly.
        expect(Math.min(...ages)).toBeLessThan(records.length >= 3_000 ? 1 : 7);
      },
    );

    it('when Cases are counted per week of the last 90 days, then each week has Cases created and Cases closed', () => {
      const cases = all('Case');
      for (let week = 0; week < 13; week++) {
        const inWeek = (value: unknown) => daysBefore(value) >= week * 7 && daysBefore(value) < week * 7 + 7;
        expect(cases.filter((record) => inWeek(record.CreatedDate)).length).toBeGreaterThan(10);
        expect(cases.filter((record) => record.IsClosed && inWeek(record.ClosedDate)).length).toBeGreaterThan(
          10,
        );
      }
    });

    it('when the last 30 days are counted, then they hold more than an average 30 days of Cases (a growing org)', () => {
      const recent = all('Case').filter((record) => daysBefore(record.CreatedDate) < 30).length;
      expect(recent / sizes.Case).toBeGreaterThan(30 / 1096);
    });

    it('when the open backlog is read, then it is small and holds both recent and stale Cases', () => {
      const open = all('Case').filter((record) => !record.IsClosed);
      const ages = open.map((record) => daysBefore(record.CreatedDate));
      expect(open.length / sizes.Case).toBeGreaterThan(0.003);
      expect(open.length / sizes.Case).toBeLessThan(0.05);
      expect(ages.filter((age) => age < 7).length).toBeGreaterThan(0);
      expect(ages.filter((age) => age > 30).length).toBeGreaterThan(0);
      expect(ages.filter((age) => age < 30).length).toBeGreaterThan(ages.length / 4);
      for (const record of open) expect([record.Status, record.ClosedDate]).not.toContain('Closed');
    });

    it('when time sheet entries are counted per week of the last four weeks, then each week has entries', () => {
      const entries = all('TimeSheetEntry');
      for (let week = 0; week < 4; week++) {
        const count = entries.filter(
          (entry) => daysBefore(entry.StartTime) >= week * 7 && daysBefore(entry.StartTime) < week * 7 + 7,
        ).length;
        expect(count).toBeGreaterThan(10);
      }
    });

    it('when SOQL counts the Cases changed in the last 30 days, then it agrees with the ground truth and is not empty', async () => {
      const since = new Date(ENDS.getTime() - 30 * DAY).toISOString().replace('.000', '');
      const count = await soql(
        sim,
        await login(sim),
        `SELECT COUNT() FROM Case WHERE SystemModstamp >= ${since}`,
      );
      const expected = all('Case').filter((record) => daysBefore(record.SystemModstamp) <= 30).length;
      expect(expected).toBeGreaterThan(0);
      expect(count.json).toEqual({ totalSize: expected, done: true, records: [] });
    });

    it('when the same seed, sizes and dataEndsAt generate again, then the records are identical; another dataEndsAt moves them', async () => {
      const start = (dataEndsAt: Date) => startSalesforceSimulator({ orgs: [anOrg({ sizes })], dataEndsAt });
      const again = await start(new Date(ENDS));
      const dayLater = await start(new Date(ENDS.getTime() + DAY));
      try {
        expect(fingerprint(again, ['acme'])).toBe(fingerprint(sim, ['acme']));
        expect(fingerprint(dayLater, ['acme'])).not.toBe(fingerprint(sim, ['acme']));
      } finally {
        await Promise.all([again.stop(), dayLater.stop()]);
      }
    });

    it('when records are changed at the real time after dataEndsAt, then they carry that time, later than anything generated', () => {
      const before = Math.max(...all('Case').map((record) => at(record.SystemModstamp)));
      clock = new Date(ENDS.getTime() + 10 * 3_600_000);
      const changed = [...sim.mutate('acme', 'Case', 30), ...sim.addRecords('acme', 'Case', 3)];
      const touched = all('Case').filter((record) => changed.includes(record.Id));
      expect(touched).toHaveLength(33);
      for (const record of touched) {
        expect(record.SystemModstamp).toBe('2026-12-01T10:00:00.000+0000');
        expect(at(record.SystemModstamp)).toBeGreaterThan(before);
      }
    });

    it('when dataEndsAt is not a valid date, then the simulator refuses to start', async () => {
      await expect(
        startSalesforceSimulator({ orgs: [anOrg()], dataEndsAt: new Date(Number.NaN) }),
      ).rejects.toThrow(/dataEndsAt/);
    });
  });
});
