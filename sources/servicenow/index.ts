import type { CanonicalTableName } from '../../mappings/canonical';
import type { KeyRange, SyncWindow } from '../../shared/events/schemas';
import {
  requestLimitsOf,
  type ConnectOptions,
  type Page,
  type PageRequest,
  type SourceConnector,
  type SourceReader,
  type TableSurvey,
} from '../../shared/sources/connector';
import { MalformedResponseError } from '../../shared/errors';
import { deletionMarker } from '../../shared/sources/deletionMarker';
import {
  parseServiceNowDateTime,
  SERVICENOW_PAGE_SIZE,
  SERVICENOW_SOURCE,
  ServiceNowClient,
  type TableRef,
} from './client';
import { nextCursor } from './paginator';
import { and, auditWindowQuery, ORDER_BY_SYS_ID, sysIdRangeQuery, windowQuery } from './queries';
import {
  SERVICENOW_CREDENTIAL_FIELDS,
  serviceNowCredentialsSchema,
  serviceNowSettingsSchema,
  type ServiceNowCredentials,
  type ServiceNowSettings,
} from './settings';
import { serviceNowMapping, serviceNowTable } from './tables';

/** Where an instance records every deleted record (reference: deletes, ServiceNow). */
const AUDIT_TABLE = 'sys_audit_delete';
/** What a sweep reads of an audit row: its own key (the cursor), the deleted record's, and when. */
const AUDIT_FIELDS = ['sys_id', 'documentkey', 'tablename', 'sys_created_on'];
const utf8 = new TextDecoder();

/** sys_ids: 32 lower-case hex characters, compared as text by the instance (reference §A.5). */
const SYS_ID_KEY_KIND = { kind: 'string', alphabet: '0123456789abcdef', length: 32 } as const;

/**
 * ServiceNow (Table API v2): windows on `sys_updated_on`, chunks as sys_id ranges (hex interpolated by the
 * planner), keyset pages of 1,000 ordered by sys_id inside a chunk, the cursor being the last sys_id
 * written (reference §A, §F).
 */
export const serviceNow: SourceConnector<ServiceNowSettings, ServiceNowCredentials> = {
  name: SERVICENOW_SOURCE,
  label: 'ServiceNow',
  settingsSchema: serviceNowSettingsSchema,
  credentialFields: SERVICENOW_CREDENTIAL_FIELDS,
  credentialsSchema: serviceNowCredentialsSchema,
  keyKind: SYS_ID_KEY_KIND,
  // `sys_updated_on` is stamped in whole seconds.
  timestampResolutionMs: 1000,
  pageSize: SERVICENOW_PAGE_SIZE,
  sourceTable: (settings, table) => serviceNowTable(settings.tableMap, table),
  mapping: (settings, table) => serviceNowMapping(table, serviceNowTable(settings.tableMap, table)),
  connect: (options) => new ServiceNowSourceReader(options),
  cliSettingFlags: [
    {
      flag: 'instance-url',
      field: 'instanceUrl',
      type: 'string',
      description: 'the instance URL, e.g. https://acme.service-now.com',
    },
    {
      flag: 'table-map',
      field: 'tableMap',
      type: 'json',
      description: 'canonical table → ServiceNow table overrides, e.g. {"tickets":"sn_customerservice_case"}',
    },
  ],
};

class ServiceNowSourceReader implements SourceReader {
  private readonly client: ServiceNowClient;

  constructor(private readonly options: ConnectOptions<ServiceNowSettings, ServiceNowCredentials>) {
    const { settings, ...rest } = options;
    this.client = new ServiceNowClient({
      ...rest,
      instanceUrl: settings.instanceUrl,
      limits: requestLimitsOf(settings),
    });
  }

  get apiCalls(): number {
    return this.client.apiCalls;
  }

  /** The tenant's `pageSize` (an instance whose sysparm_limit cap is lower), never above 1,000. */
  private get pageSize(): number {
    return Math.min(this.options.settings.pageSize ?? SERVICENOW_PAGE_SIZE, SERVICENOW_PAGE_SIZE);
  }

  /** The Aggregate API count of the window and both sys_id bounds (asked together: one round trip, not two). */
  async survey(table: CanonicalTableName, window: SyncWindow): Promise<TableSurvey> {
    const ref = this.ref(table);
    const query = windowQuery(window);
    const count = await this.client.count(ref, query);
    if (count === 0) return { count: 0, bounds: null };
    // One page holds the window: a single chunk over all of it, without the two bound requests.
    if (count <= this.pageSize) return { count, bounds: { kind: 'all' } };
    const [first, last] = await Promise.all([
      this.client.boundarySysId(ref, query, 'first'),
      this.client.boundarySysId(ref, query, 'last'),
    ]);
    // The window emptied between the count and the bounds: the records were deleted, nothing is left to fetch.
    if (first === null || last === null) return { count: 0, bounds: null };
    return { count, bounds: { kind: 'string', from: first, to: last } };
  }

  /** The id reconcile's page: every sys_id of the table in sys_id order, keyset-paged (no window). */
  async listKeys(
    table: CanonicalTableName,
    cursor: string | null,
  ): Promise<{ keys: string[]; next: string | null }> {
    const rows = await this.client.listPage(
      this.ref(table),
      and(sysIdRangeQuery(null, cursor), ORDER_BY_SYS_ID),
      this.pageSize,
      ['sys_id'],
    );
    const keys = rows.map((row) => row.id);
    return { keys, next: keys.length < this.pageSize ? null : keys.at(-1)! };
  }

  /** Every record of the table now (the Aggregate API without a query). */
  countKeys(table: CanonicalTableName): Promise<number> {
    return this.client.count(this.ref(table), '');
  }

  /** The window's oldest `sys_updated_on`: one record, ordered by it (where a backfill's slices start). */
  async oldestChange(table: CanonicalTableName, window: SyncWindow): Promise<string | null> {
    const [oldest] = await this.client.listPage(
      this.ref(table),
      and(windowQuery(window), 'ORDERBYsys_updated_on'),
      1,
      ['sys_id', 'sys_updated_on'],
    );
    return oldest?.lastUpdated ? oldest.lastUpdated.toISOString() : null;
  }

  async fetchPage({ table, window, range, cursor }: PageRequest): Promise<Page> {
    const ref = this.ref(table);
    const sysIds = stringRange(range, table);
    const records = await this.client.listPage(
      ref,
      and(windowQuery(window), sysIdRangeQuery(sysIds, cursor), ORDER_BY_SYS_ID),
      this.pageSize,
    );
    const next = nextCursor(
      cursor,
      records.map((record) => record.id),
      this.pageSize,
      sysIds?.to ?? null,
      `tenant ${this.options.tenantId}, source ${SERVICENOW_SOURCE}, table ${table} (ServiceNow table ${ref.sourceTable})`,
    );
    return { records, next };
  }

  /**
   * The delete sweep (reference §A, deletes): `sys_audit_delete` rows of the table created within the window,
   * keyset-paged by the audit row's sys_id; each becomes a deletion marker of its `documentkey`. An integration
   * user that cannot read the audit table gets a PermissionError that says which role it needs.
   */
  async fetchDeletions({ table, window, cursor }: PageRequest): Promise<Page> {
    const { sourceTable } = this.ref(table);
    const audit: TableRef = { table, sourceTable: AUDIT_TABLE };
    const where = `tenant ${this.options.tenantId}, source ${SERVICENOW_SOURCE}, table ${table} (ServiceNow table ${AUDIT_TABLE} for ${sourceTable})`;
    const rows = await this.client.listPage(
      audit,
      and(
        `tablename=${sourceTable}`,
        auditWindowQuery(window),
        sysIdRangeQuery(null, cursor),
        ORDER_BY_SYS_ID,
      ),
      this.pageSize,
      AUDIT_FIELDS,
    );
    const records = rows.map((row) => {
      const entry = JSON.parse(utf8.decode(row.json)) as Record<string, unknown>;
      const deletedAt =
        typeof entry.sys_created_on === 'string' ? parseServiceNowDateTime(entry.sys_created_on) : null;
      if (typeof entry.documentkey !== 'string' || entry.documentkey === '' || deletedAt === null)
        throw new MalformedResponseError(
          `${where}: audit row ${row.id} has no documentkey and sys_created_on: ${utf8.decode(row.json).slice(0, 200)}`,
        );
      return deletionMarker(entry.documentkey, deletedAt, AUDIT_TABLE, entry);
    });
    const next = nextCursor(
      cursor,
      rows.map((row) => row.id),
      this.pageSize,
      null,
      where,
    );
    return { records, next };
  }

  private ref(table: CanonicalTableName): TableRef {
    return { table, sourceTable: serviceNowTable(this.options.settings.tableMap, table) };
  }
}

/** A chunk's sys_id range; null for the whole window (no bounds in the query). */
function stringRange(range: KeyRange, table: string): { from: string; to: string } | null {
  if (range.kind === 'all') return null;
  if (range.kind !== 'string')
    throw new Error(`ServiceNow ${table}: chunks are sys_id ranges, got a ${range.kind} range`);
  return range;
}
