import type { ConnectWiseTable } from '../../sources/connectwise/endpoints';
import { dataPeriod } from '../../simulator/core/period';
import { JsonPageWriter } from '../../simulator/recordJson';
import { TenantData } from '../../simulator/store';
import type { CwRecord } from '../../simulator/types';

/** What the page writer must equal: the records JSON.stringify'd and UTF-8 encoded. */
function expectedPage(records: CwRecord[]): Buffer {
  return Buffer.from(`[${records.map((record) => JSON.stringify(record)).join(',')}]`, 'utf8');
}

function writePage(table: ReturnType<TenantData['table']>, indexes: number[], tickets: boolean): Buffer {
  const writer = new JsonPageWriter(indexes.length * 4096);
  for (const index of indexes) writer.record(table.record(index), tickets && table.isGenerated(index));
  return writer.bytes();
}

describe('JsonPageWriter', () => {
  let errors: jest.SpyInstance;
  beforeEach(() => {
    errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    // The fast path falls back to JSON.stringify (and says so) when its first ticket differs: that must not happen.
    const calls = errors.mock.calls.length;
    errors.mockRestore();
    expect(calls).toBe(0);
  });

  it.each([
    ['companies and contacts', { companies: 300, contacts: 600, tickets: 20_000 }],
    ['no companies or contacts (virtual company pool)', { tickets: 5_000 }],
    ['more companies than the reference cache holds', { companies: 120_000, contacts: 10, tickets: 5_000 }],
  ])(
    'given generated tickets of a tenant with %s, when written as one page, then the bytes are JSON.stringify of each',
    (_, sizes: Partial<Record<ConnectWiseTable, number>>) => {
      const data = new TenantData('acme', 4242, sizes);
      const table = data.table('tickets');
      const indexes = Array.from({ length: table.length }, (__, i) => i);
      const records = indexes.map((index) => table.record(index));

      const page = writePage(table, indexes, true);

      expect(page.equals(expectedPage(records))).toBe(true);
    },
  );

  it('given generated tickets of a period ending at a reference time (open, unanswered, resolved), when written as one page, then the bytes are JSON.stringify of each', () => {
    const data = new TenantData(
      'acme',
      4242,
      { companies: 300, contacts: 600, tickets: 20_000 },
      dataPeriod(new Date('2026-12-01T00:00:00Z')),
    );
    const table = data.table('tickets');
    const indexes = Array.from({ length: table.length }, (_, i) => i);
    const records = indexes.map((index) => table.record(index));
    expect(records.some((record) => record.dateResponded === undefined)).toBe(true);

    const page = writePage(table, indexes, true);

    expect(page.equals(expectedPage(records))).toBe(true);
  });

  it('given revised and appended tickets and records of other tables, when written, then the bytes are JSON.stringify of each', () => {
    const data = new TenantData('acme', 99, {
      companies: 50,
      contacts: 80,
      tickets: 3_000,
      time_entries: 500,
    });
    data.mutate('tickets', 400, new Date('2026-01-01T00:00:00Z'));
    data.addRecords('tickets', 50, new Date('2026-01-02T00:00:00Z'));
    for (const name of ['tickets', 'companies', 'contacts', 'time_entries'] as const) {
      const table = data.table(name);
      const indexes = Array.from({ length: table.length }, (_, i) => i);

      const page = writePage(table, indexes, name === 'tickets');

      expect(page.equals(expectedPage(indexes.map((index) => table.record(index))))).toBe(true);
    }
  });

  it('given an empty page, when written, then it is []', () => {
    expect(new JsonPageWriter(0).bytes().toString()).toBe('[]');
  });
});
