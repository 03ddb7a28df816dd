import type { CanonicalTableName } from '../../mappings/canonical';
import { compileMapping, type CompiledMapping } from '../../mappings/compile';
import companies from '../../mappings/connectwise/companies.json';
import contacts from '../../mappings/connectwise/contacts.json';
import tickets from '../../mappings/connectwise/tickets.json';
import time_entries from '../../mappings/connectwise/time_entries.json';
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
import { ConnectWiseClient, type ConnectWiseReader } from './client';
import { and, idRangeCondition, windowCondition } from './conditions';
import { CONNECTWISE_ENDPOINTS, CONNECTWISE_MAX_PAGE_SIZE } from './endpoints';
import { advanceCursor, startCursor } from './paginator';
import {
  CONNECTWISE_CREDENTIAL_FIELDS,
  connectWiseCredentialsSchema,
  connectWiseSettingsSchema,
  type ConnectWiseCredentials,
  type ConnectWiseSettings,
} from './settings';

/** The declarative mappings (mappings/connectwise/*.json), as data; compiled once, validated on load. */
export const CONNECTWISE_MAPPING_DOCUMENTS: Record<CanonicalTableName, unknown> = {
  companies,
  contacts,
  tickets,
  time_entries,
};

let compiled: Partial<Record<CanonicalTableName, CompiledMapping>> = {};

function mappingOf(table: CanonicalTableName): CompiledMapping {
  return (compiled[table] ??= compileMapping(
    CONNECTWISE_MAPPING_DOCUMENTS[table],
    `mappings/connectwise/${table}.json`,
  ));
}

/** Drops the compiled mappings (tests that edit a mapping document). */
export function resetConnectWiseMappings(): void {
  compiled = {};
}

/**
 * ConnectWise Manage (PSA): windows on `lastUpdated`, chunks as integer id ranges, forward-only pages of
 * 1,000 inside a chunk, the cursor being the last id written (DESIGN §5, reference/source-apis.md).
 */
export const connectWise: SourceConnector<ConnectWiseSettings, ConnectWiseCredentials> = {
  name: 'connectwise',
  label: 'ConnectWise Manage',
  settingsSchema: connectWiseSettingsSchema,
  credentialFields: CONNECTWISE_CREDENTIAL_FIELDS,
  credentialsSchema: connectWiseCredentialsSchema,
  keyKind: { kind: 'integer' },
  // `_info.lastUpdated` is stamped in whole seconds.
  timestampResolutionMs: 1000,
  pageSize: CONNECTWISE_MAX_PAGE_SIZE,
  sourceTable: (_settings, table) => CONNECTWISE_ENDPOINTS[table],
  mapping: (_settings, table) => mappingOf(table),
  connect: (options) =>
    new ConnectWiseSourceReader(
      connectWiseClient(options),
      options.tenantId,
      Math.min(options.settings.pageSize ?? CONNECTWISE_MAX_PAGE_SIZE, CONNECTWISE_MAX_PAGE_SIZE),
    ),
  cliSettingFlags: [
    {
      flag: 'base-url',
      field: 'baseUrl',
      type: 'string',
      description: 'the tenant API base URL, e.g. https://api-na.myconnectwise.net/v4_6_release/apis/3.0',
    },
  ],
};

/** The connector's reader over a ConnectWise client (the real one, or a test's fake of the client port). */
export class ConnectWiseSourceReader implements SourceReader {
  constructor(
    private readonly client: ConnectWiseReader,
    private readonly tenantId: string,
    private readonly pageSize = CONNECTWISE_MAX_PAGE_SIZE,
  ) {}

  get apiCalls(): number {
    return this.client.apiCalls;
  }

  /** `/count` and both id bounds of the window (the bounds asked together: one round trip, not two). */
  async survey(table: CanonicalTableName, window: SyncWindow): Promise<TableSurvey> {
    const conditions = windowCondition(window);
    const count = await this.client.count(table, conditions);
    if (count === 0) return { count: 0, bounds: null };
    // One page holds the window: a single chunk over all of it, without the two bound requests.
    if (count <= this.pageSize) return { count, bounds: { kind: 'all' } };
    const [[first], [last]] = await Promise.all([
      this.client.listPage(table, { conditions, orderBy: 'id asc', pageSize: 1, fields: 'id' }),
      this.client.listPage(table, { conditions, orderBy: 'id desc', pageSize: 1, fields: 'id' }),
    ]);
    // The window emptied between /count and the bounds: the records were deleted, nothing is left to fetch.
    if (!first || !last) return { count: 0, bounds: null };
    return { count, bounds: { kind: 'integer', from: first.id, to: last.id } };
  }

  /** The id reconcile's page (`fields=id`, forward-only, no window): every id of the table in id order. */
  async listKeys(
    table: CanonicalTableName,
    cursor: string | null,
  ): Promise<{ keys: string[]; next: string | null }> {
    const rows = await this.client.listPage(table, {
      pageSize: this.pageSize,
      afterId: cursor === null ? 0 : Number(cursor),
      fields: 'id',
    });
    const keys = rows.map((row) => String(row.id));
    return { keys, next: keys.length < this.pageSize ? null : keys.at(-1)! };
  }

  /** `/count` without conditions: every record of the table now. */
  countKeys(table: CanonicalTableName): Promise<number> {
    return this.client.count(table);
  }

  /** The window's oldest `_info/lastUpdated`: one record, ordered by it (where a backfill's slices start). */
  async oldestChange(table: CanonicalTableName, window: SyncWindow): Promise<string | null> {
    const [oldest] = await this.client.listReceivedPage(table, {
      conditions: windowCondition(window),
      orderBy: '_info/lastUpdated asc',
      pageSize: 1,
      fields: 'id,_info/lastUpdated',
    });
    return oldest?.lastUpdated ? oldest.lastUpdated.toISOString() : null;
  }

  async fetchPage({ table, window, range, cursor }: PageRequest): Promise<Page> {
    const ids = integerRange(range, table);
    const afterId = cursor === null ? ids.from - 1 : Number(cursor);
    const records = await this.client.listReceivedPage(table, {
      conditions:
        range.kind === 'all' ? windowCondition(window) : and(windowCondition(window), idRangeCondition(ids)),
      pageSize: this.pageSize,
      afterId,
    });
    const next = advanceCursor(
      startCursor(afterId),
      records.map((record) => Number(record.id)),
      this.pageSize,
      `tenant ${this.tenantId}, source connectwise, table ${table}`,
      // A table's last chunk ends at the greatest id the planner saw, so a full page that reaches it is the
      // chunk's last (for a table of exactly N×1,000 records, one request fewer).
      ids.to,
    );
    return { records, next: next.done ? null : String(next.afterId) };
  }
}

function connectWiseClient(
  options: ConnectOptions<ConnectWiseSettings, ConnectWiseCredentials>,
): ConnectWiseClient {
  const { settings, ...rest } = options;
  return new ConnectWiseClient({
    ...rest,
    baseUrl: settings.baseUrl,
    limits: requestLimitsOf(settings),
  });
}

/** A chunk's id range; the whole window is every id above 0 (ConnectWise ids are positive). */
function integerRange(range: KeyRange, table: string): { from: number; to: number } {
  if (range.kind === 'all') return { from: 1, to: Number.POSITIVE_INFINITY };
  if (range.kind !== 'integer')
    throw new Error(`ConnectWise ${table}: chunks are integer id ranges, got a ${range.kind} range`);
  return range;
}
