import { existsSync, readdirSync, renameSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrateLake } from '../../local/cli/migrateLake';
import { readCanonical, runJob, startFleet, temporaryDirs, type FleetTenant } from './harness';

const FLEET: FleetTenant[] = [
  { id: 'omega', sizes: { companies: 40, tickets: 700, time_entries: 300 } },
  { id: 'sigma', sizes: { contacts: 90 } },
];

/**
 * The layout before sources were plug-ins: canonical and quarantine files directly under the table, with no
 * source segment. Made by moving a fresh sync's files back there.
 */
function toLegacyLayout(lakeDir: string): void {
  for (const tenant of readdirSync(lakeDir)) {
    for (const area of ['canonical', 'quarantine']) {
      const areaDir = join(lakeDir, tenant, area);
      if (!existsSync(areaDir)) continue;
      for (const table of readdirSync(areaDir)) {
        const sourceDir = join(areaDir, table, 'connectwise');
        for (const entry of readdirSync(sourceDir))
          renameSync(join(sourceDir, entry), join(areaDir, table, entry));
        rmdirSync(sourceDir);
      }
    }
  }
}

describe('avesa migrate-lake', () => {
  it('given a lake in the layout without sources, when migrated, then the canonical history is the one a fresh sync writes, per source, and the legacy files are gone', async () => {
    // Prepare
    const { simulator, tenants } = await startFleet(FLEET);
    const dirs = temporaryDirs();
    try {
      const run = await runJob({ tenants, lakeDir: dirs.lakeDir, stateDir: dirs.stateDir });
      expect(run.progress.tenants.every((tenant) => tenant.status === 'succeeded')).toBe(true);
      const fresh = await readCanonical(dirs.lakeDir);
      toLegacyLayout(dirs.lakeDir);
      expect(existsSync(join(dirs.lakeDir, 'omega', 'canonical', 'tickets', 'history.parquet'))).toBe(true);

      // Act
      const report = await migrateLake({ lakeDir: dirs.lakeDir });
      const again = await migrateLake({ lakeDir: dirs.lakeDir });

      // Assess
      expect(report.tenants.map((tenant) => tenant.tenantId).sort()).toEqual(['omega', 'sigma']);
      const omega = report.tenants.find((tenant) => tenant.tenantId === 'omega')!;
      // Companies ConnectWise marks deleted (deletedFlag) are tombstones: not current.
      const deletedCompanies = simulator
        .records('omega', 'companies')
        .filter((record) => record.deletedFlag === true).length;
      expect(deletedCompanies).toBeGreaterThan(0);
      expect(
        omega.histories.map((history) => [history.source, history.table, history.currentRows]).sort(),
      ).toEqual([
        ['connectwise', 'companies', 40 - deletedCompanies],
        ['connectwise', 'tickets', 700],
        ['connectwise', 'time_entries', 300],
      ]);
      expect(await readCanonical(dirs.lakeDir)).toEqual(fresh);
      expect(readdirSync(join(dirs.lakeDir, 'omega', 'canonical', 'tickets'))).toEqual(['connectwise']);
      expect(again.tenants).toEqual([]);
    } finally {
      await simulator.stop();
    }
  }, 60_000);
});
