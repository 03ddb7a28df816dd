import { discoverTenants, jobIdFor } from '../../services/discovery/discoverTenants';
import { TenantsFileRegistry } from '../../local/adapters/tenantsFileRegistry';
import { parseTenantsFile } from '../../shared/config/tenantsFile';
import { RecordingBus } from '../support/fakes';

const tenant = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  services: {
    connectwise: {
      baseUrl: 'https://cw.example.com/v4_6_release/apis/3.0',
      companyId: id,
      publicKey: 'p',
      privateKey: 'k',
      clientId: 'c',
      ...extra,
    },
  },
});

describe('discoverTenants', () => {
  const registry = new TenantsFileRegistry(
    parseTenantsFile(
      {
        tenants: [
          tenant('acme'),
          tenant('beta', { tables: ['tickets'] }),
          { ...tenant('gamma'), enabled: false },
        ],
      },
      {},
    ),
  );

  it('given three tenants with one disabled, when discovered, then one job id and one TenantDiscovered per enabled tenant with its tables', async () => {
    const bus = new RecordingBus();
    const result = await discoverTenants(
      { startedAt: new Date('2026-01-15T10:00:00.750Z'), triggerId: 'schedule-1' },
      { registry, bus },
    );
    expect(result.jobId).toBe(jobIdFor(new Date('2026-01-15T10:00:00Z'), 'schedule-1'));
    expect(result.jobId).toMatch(/^job-20260115T100000Z-[0-9a-f]{6}$/);
    expect(
      bus.events.map((event) => [
        event.tenantId,
        event.jobId,
        event.type === 'TenantDiscovered' && event.data.sources,
      ]),
    ).toEqual([
      [
        'acme',
        result.jobId,
        [{ source: 'connectwise', tables: ['companies', 'contacts', 'tickets', 'time_entries'] }],
      ],
      ['beta', result.jobId, [{ source: 'connectwise', tables: ['tickets'] }]],
    ]);
    expect(result.jobStartedAt).toBe('2026-01-15T10:00:00.000Z');
  });

  it('given a manual trigger for one tenant, when discovered, then only that tenant is in the job', async () => {
    const bus = new RecordingBus();
    await discoverTenants(
      { startedAt: new Date(), triggerId: 'manual', tenantIds: ['beta'] },
      { registry, bus },
    );
    expect(bus.events.map((event) => event.tenantId)).toEqual(['beta']);
  });

  it('given an unknown tenant, when discovered, then it is rejected by name and nothing is published', async () => {
    const bus = new RecordingBus();
    await expect(
      discoverTenants({ startedAt: new Date(), triggerId: 'manual', tenantIds: ['nope'] }, { registry, bus }),
    ).rejects.toThrow('tenant "nope" is not registered');
    expect(bus.events).toEqual([]);
  });

  describe('a backfill (avesa backfill)', () => {
    const startedAt = new Date('2026-01-15T10:00:00Z');
    const discover = (backfill: Record<string, string>, tenantIds = ['beta']) =>
      discoverTenants(
        { startedAt, triggerId: 'cli-1', tenantIds, backfill: backfill as { from: string } },
        { registry, bus: new RecordingBus() },
      );

    it('given a range and a table, then the job names only that table, with the range as (from, to]', async () => {
      const { events } = await discover({
        from: '2025-01-01T00:00:00+01:00',
        to: '2025-06-01T00:00:00Z',
        table: 'tickets',
      });
      expect(events.map((event) => event.data)).toEqual([
        {
          sources: [{ source: 'connectwise', tables: ['tickets'] }],
          jobStartedAt: '2026-01-15T10:00:00.000Z',
          backfill: { from: '2024-12-31T23:00:00.000Z', to: '2025-06-01T00:00:00.000Z' },
        },
      ]);
    });

    it('given no --to, or one in the future, then the range ends at the job start', async () => {
      for (const to of [undefined, '2030-01-01T00:00:00Z']) {
        const { events } = await discover({ from: '2025-01-01T00:00:00Z', ...(to ? { to } : {}) }, ['acme']);
        expect(events[0]!.data.backfill).toEqual({
          from: '2025-01-01T00:00:00.000Z',
          to: '2026-01-15T10:00:00.000Z',
        });
        expect(events[0]!.data.sources[0]!.tables).toHaveLength(4);
      }
    });

    it('given a bad range, a source or a table the tenant does not sync, then a ValidationError says which', async () => {
      await expect(discover({ from: 'yesterday' })).rejects.toThrow(
        'from "yesterday" is not an ISO date-time',
      );
      await expect(discover({ from: '2025-06-01T00:00:00Z', to: '2025-01-01T00:00:00Z' })).rejects.toThrow(
        'from 2025-06-01T00:00:00.000Z must be before to 2025-01-01T00:00:00.000Z',
      );
      await expect(discover({ from: '2027-01-01T00:00:00Z' })).rejects.toThrow('must be before now');
      await expect(discover({ from: '2025-01-01T00:00:00Z', table: 'companies' })).rejects.toThrow(
        'Nothing to backfill for tenant "beta"',
      );
      await expect(discover({ from: '2025-01-01T00:00:00Z', source: 'servicenow' })).rejects.toThrow(
        'source "servicenow" is not synced for it; it syncs connectwise (tickets)',
      );
    });
  });
});
