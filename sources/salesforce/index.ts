import type { CanonicalTableName } from '../../mappings/canonical';
import { MalformedResponseError } from '../../shared/errors';
import type { SyncWindow } from '../../shared/events/schemas';
import {
  requestLimitsOf,
  type ConnectOptions,
  type Page,
  type PageRequest,
  type SourceConnector,
  type SourceReader,
  type TableSurvey,
} from '../../shared/sources/connector';
import { deletionMarker } from '../../shared/sources/deletionMarker';
import type { ReceivedRecord } from '../../shared/sources/recordArray';
import {
  QueryLocatorExpiredError,
  SALESFORCE_BATCH_SIZE,
  SALESFORCE_MIN_BATCH_SIZE,
  SALESFORCE_SOURCE,
  SalesforceClient,
  type ObjectRef,
  type QueryBatch,
} from './client';
import {
  SALESFORCE_CREDENTIAL_FIELDS,
  salesforceCredentialsSchema,
  salesforceSettingsSchema,
  type SalesforceCredentials,
  type SalesforceSettings,
} from './settings';
import {
  afterCondition,
  and,
  liveKeysAfter,
  ORDER_BY_CURSOR,
  rangeCondition,
  selectQuery,
  windowCondition,
  type Position,
} from './soql';
import { salesforceMapping, salesforceObject, soqlFields } from './tables';

/**
 * Salesforce (REST API, reference §B): windows on `SystemModstamp` over `queryAll` (soft-deleted rows are synced
 * too), chunks as SystemModstamp ranges, batches of up to 2,000 in (SystemModstamp, Id) order. Inside a chunk the
 * cursor is the batch's `nextRecordsUrl` locator with the last record written; a continuation that outlives the
 * locator restarts the query strictly after that record.
 */
export const salesforce: SourceConnector<SalesforceSettings, SalesforceCredentials> = {
  name: SALESFORCE_SOURCE,
  label: 'Salesforce',
  settingsSchema: salesforceSettingsSchema,
  credentialFields: SALESFORCE_CREDENTIAL_FIELDS,
  credentialsSchema: salesforceCredentialsSchema,
  // Ids sort by creation, not by change; SystemModstamp ranges split any window evenly without Id arithmetic
  // (an interpolated Id would not be a valid Id literal for the org).
  keyKind: { kind: 'time' },
  // SystemModstamp has whole seconds (`….000+0000`).
  timestampResolutionMs: 1000,
  pageSize: SALESFORCE_BATCH_SIZE,
  // getDeleted answers only for the last 15 days (reference §B, deletes): older gaps are reconciled by Id.
  deletionsRetentionDays: 15,
  sourceTable: (settings, table) => salesforceObject(settings.tableMap, table),
  mapping: (settings, table) => salesforceMapping(settings.tableMap, table),
  connect: (options) => new SalesforceSourceReader(options),
  cliSettingFlags: [
    {
      flag: 'login-url',
      field: 'loginUrl',
      type: 'string',
      description: "the org's My Domain URL, e.g. https://acme.my.salesforce.com",
    },
    {
      flag: 'api-version',
      field: 'apiVersion',
      type: 'string',
      description: 'the REST API version (default 62.0)',
    },
    {
      flag: 'daily-quota-share',
      field: 'dailyQuotaShare',
      type: 'json',
      description: "share of the org's daily API requests the sync may use (default 0.8)",
    },
    {
      flag: 'table-map',
      field: 'tableMap',
      type: 'json',
      description:
        'canonical table → object, or {"object": "Time_Entry__c", "columns": {…}} for a custom object with its field map',
    },
  ],
};

/** The cursor inside a chunk: where the next batch is, and the last record written (for a restart). */
interface ChunkCursor {
  locator: string | null;
  after: Position;
}

/** How long an org keeps its delete log for getDeleted (reference §B.6). */
const DELETE_LOG_DAYS = 15;

class SalesforceSourceReader implements SourceReader {
  private readonly client: SalesforceClient;

  constructor(private readonly options: ConnectOptions<SalesforceSettings, SalesforceCredentials>) {
    const { settings, ...rest } = options;
    this.client = new SalesforceClient({
      ...rest,
      loginUrl: settings.loginUrl,
      apiVersion: settings.apiVersion,
      dailyQuotaShare: settings.dailyQuotaShare,
      limits: requestLimitsOf(settings),
    });
  }

  get apiCalls(): number {
    return this.client.apiCalls;
  }

  /** The tenant's `pageSize` as a batch size, within what `Sforce-Query-Options` accepts (200–2,000). */
  private get batchSize(): number {
    const wanted = this.options.settings.pageSize ?? SALESFORCE_BATCH_SIZE;
    return Math.max(SALESFORCE_MIN_BATCH_SIZE, Math.min(SALESFORCE_BATCH_SIZE, wanted));
  }

  /**
   * `COUNT()` of the window, and for a window larger than one batch the first and last SystemModstamp in it (two
   * one-record queries), which the planner splits into time chunks.
   */
  async survey(table: CanonicalTableName, window: SyncWindow): Promise<TableSurvey> {
    const ref = this.ref(table);
    const where = windowCondition(window);
    const count = await this.client.count(ref, selectQuery(['COUNT()'], ref.object, where));
    if (count === 0) return { count: 0, bounds: null };
    if (count <= this.batchSize) return { count, bounds: { kind: 'all' } };
    const [first, last] = await Promise.all(
      (['ASC', 'DESC'] as const).map((direction) =>
        this.client.query(
          ref,
          selectQuery(
            ['Id', 'SystemModstamp'],
            ref.object,
            where,
            `ORDER BY SystemModstamp ${direction} LIMIT 1`,
          ),
          SALESFORCE_MIN_BATCH_SIZE,
        ),
      ),
    );
    const from = first!.records[0]?.lastUpdated;
    const to = last!.records[0]?.lastUpdated;
    // The window emptied between the count and the bounds (records deleted for good): nothing left to fetch.
    if (from === undefined || to === undefined) return { count: 0, bounds: null };
    if (from === null || to === null) throw this.noStamp(ref);
    return { count, bounds: { kind: 'time', from: from.toISOString(), to: to.toISOString() } };
  }

  /** The id reconcile's page: live (not recycle-binned) Ids in Id order, keyset-paged. */
  async listKeys(
    table: CanonicalTableName,
    cursor: string | null,
  ): Promise<{ keys: string[]; next: string | null }> {
    const ref = this.ref(table);
    const batch = await this.client.query(
      ref,
      selectQuery(['Id'], ref.object, liveKeysAfter(cursor), `ORDER BY Id ASC LIMIT ${this.batchSize}`),
      this.batchSize,
    );
    const keys = batch.records.map((record) => record.id);
    return { keys, next: keys.length < this.batchSize ? null : keys.at(-1)! };
  }

  /** Live records of the object now (`COUNT()`, soft-deleted ones left out). */
  countKeys(table: CanonicalTableName): Promise<number> {
    const ref = this.ref(table);
    return this.client.count(ref, selectQuery(['COUNT()'], ref.object, liveKeysAfter(null)));
  }

  /** The window's oldest SystemModstamp: one record, ordered by it (where a backfill's slices start). */
  async oldestChange(table: CanonicalTableName, window: SyncWindow): Promise<string | null> {
    const ref = this.ref(table);
    const batch = await this.client.query(
      ref,
      selectQuery(
        ['Id', 'SystemModstamp'],
        ref.object,
        windowCondition(window),
        'ORDER BY SystemModstamp ASC LIMIT 1',
      ),
      SALESFORCE_MIN_BATCH_SIZE,
    );
    const oldest = batch.records[0];
    if (oldest === undefined) return null;
    if (oldest.lastUpdated === null) throw this.noStamp(ref);
    return oldest.lastUpdated.toISOString();
  }

  async fetchPage({ table, window, range, cursor }: PageRequest): Promise<Page> {
    const ref = this.ref(table);
    const where = `tenant ${this.options.tenantId}, source ${SALESFORCE_SOURCE}, table ${table} (object ${ref.object})`;
    const position = cursor === null ? null : parseCursor(cursor, where);
    let batch: QueryBatch | undefined;
    if (position?.locator) {
      try {
        batch = await this.client.queryMore(ref, position.locator, this.batchSize);
      } catch (error) {
        // Locators live two days: a continuation that outlived it starts the query again after the last record.
        if (!(error instanceof QueryLocatorExpiredError)) throw error;
      }
    }
    batch ??= await this.client.query(
      ref,
      selectQuery(
        soqlFields(this.options.settings.tableMap, table),
        ref.object,
        and(
          windowCondition(window),
          rangeCondition(range, where),
          position ? afterCondition(position.after) : '',
        ),
        ORDER_BY_CURSOR,
      ),
      this.batchSize,
    );
    const last = batch.records[batch.records.length - 1];
    if (batch.nextRecordsUrl === null || last === undefined) return { records: batch.records, next: null };
    return {
      records: batch.records,
      next: encodeCursor({ locator: batch.nextRecordsUrl, after: this.positionOf(last, ref) }),
    };
  }

  /**
   * The delete sweep (reference §B.6): getDeleted over the window, one request. Soft deletes arrive anyway as
   * IsDeleted rows of queryAll; this finds the records purged from the recycle bin (or hard-deleted) before a
   * sync saw them. The org keeps 15 days of its delete log: a window reaching further back is cut there.
   */
  async fetchDeletions({ table, window }: PageRequest): Promise<Page> {
    const ref = this.ref(table);
    const earliest = Date.now() - DELETE_LOG_DAYS * 86_400_000 + 5 * 60_000;
    const start = Math.max(window.from === null ? earliest : Date.parse(window.from), earliest);
    const end = Date.parse(window.to);
    // getDeleted refuses a range of a minute or less; the next sweep's window starts before this one ended.
    if (end - start <= 60_000) return { records: [], next: null };
    const { records } = await this.client.deleted(ref, new Date(start), new Date(end));
    return {
      records: records.map((record) =>
        deletionMarker(record.id, record.deletedAt, 'getDeleted', record.entry),
      ),
      next: null,
    };
  }

  private positionOf(record: ReceivedRecord, ref: ObjectRef): Position {
    if (record.lastUpdated === null) throw this.noStamp(ref);
    return { stamp: record.lastUpdated.toISOString(), id: record.id };
  }

  private noStamp(ref: ObjectRef): MalformedResponseError {
    return new MalformedResponseError(
      `tenant ${this.options.tenantId}, source ${SALESFORCE_SOURCE}, table ${ref.table}: a record of object ${ref.object} has no SystemModstamp datetime`,
    );
  }

  private ref(table: CanonicalTableName): ObjectRef {
    return { table, object: salesforceObject(this.options.settings.tableMap, table) };
  }
}

function encodeCursor(cursor: ChunkCursor): string {
  return JSON.stringify(cursor);
}

function parseCursor(text: string, where: string): ChunkCursor {
  try {
    const cursor = JSON.parse(text) as ChunkCursor;
    if (
      (cursor.locator === null || typeof cursor.locator === 'string') &&
      typeof cursor.after?.stamp === 'string' &&
      typeof cursor.after.id === 'string'
    )
      return cursor;
  } catch {
    // reported below
  }
  throw new MalformedResponseError(
    `${where}: a continuation's cursor is not a Salesforce cursor: ${text.slice(0, 200)}`,
  );
}
