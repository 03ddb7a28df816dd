import { z } from 'zod';
import { CANONICAL_TABLE_NAMES, type CanonicalTableName } from '../../mappings/canonical';
import type { CompiledMapping } from '../../mappings/compile';
import type { KeyRange, SyncWindow } from '../events/schemas';
import type { RequestBudget, RequestLimits } from '../ports';
import type { ReceivedRecord } from './recordArray';
import type { HttpOverrides } from './sourceHttp';

/**
 * The contract every source implements (DESIGN §10): everything source-shaped lives behind it, in
 * `sources/<name>/`, and `sources/registry.ts` lists the sources. The planner, the fetcher, the transform,
 * progress and the tenants file work through it and never name a source.
 */
export interface SourceConnector<
  Settings extends SourceSettings = SourceSettings,
  Credentials extends Record<string, string> = Record<string, string>,
> {
  /** The registry name: the tenants file's `services` key, and the `source` of events, keys and rows. */
  readonly name: string;
  /** For people: `ConnectWise Manage`, `ServiceNow`. */
  readonly label: string;
  /**
   * The non-secret settings, ONE schema used by the tenants file (with the credential fields beside them),
   * the AWS tenant registry item and `avesa tenants add`. Its output has every default filled in. Build it
   * with `sourceSettingsSchema` so the settings every source shares have one definition.
   */
  readonly settingsSchema: z.ZodObject<z.ZodRawShape, z.core.$strict>;
  /** The credential fields, in the order people are asked for them; each may be given as `{ "env": "VAR" }`. */
  readonly credentialFields: readonly CredentialField[];
  /** Validates the resolved credentials (the tenants file's, or the secret `avesa/<stage>/<tenant>/<source>`). */
  readonly credentialsSchema: z.ZodType<Credentials>;
  /** How the source's keys are split into chunk ranges by the planner. */
  readonly keyKind: KeyKind;
  /**
   * The change cursor's resolution in ms (ConnectWise and ServiceNow stamp whole seconds: 1000). A record
   * changed in the job's first instant carries the watermark's own stamp, so the overlap is never below it.
   */
  readonly timestampResolutionMs: number;
  /** Records per list request (the source's maximum, or what it recommends); a tenant's `pageSize` may lower it. */
  readonly pageSize: number;
  /**
   * How many days back the source's delete signal reaches (Salesforce's getDeleted: 15). A table whose deletes are
   * known only from longer ago is reconciled by id instead. Absent: the signal keeps everything.
   */
  readonly deletionsRetentionDays?: number;
  /** The source table a canonical table is read from, after the tenant's `tableMap`. */
  sourceTable(settings: Settings, table: CanonicalTableName): string;
  /** The compiled mapping of a canonical table for this tenant's settings. */
  mapping(settings: Settings, table: CanonicalTableName): CompiledMapping;
  /** A reader for one tenant and invocation: its API-call count is this invocation's, its budget shared. */
  connect(options: ConnectOptions<Settings, Credentials>): SourceReader;
  /** Flags of `avesa tenants add --source NAME` beyond the shared ones, mapped onto settings fields. */
  readonly cliSettingFlags: readonly CliSettingFlag[];
}

/** The settings every source has (after defaults). */
export interface SourceSettings {
  tables: CanonicalTableName[];
  /** The tenant's API budget for this source, shared by every worker (DESIGN §5). */
  requestsPerMinute: number;
  maxConcurrentRequests: number;
  /** First-run lower bound (ISO timestamp); null: everything. */
  backfillFrom: string | null;
  /** Days of change time per backfill slice (DESIGN §11); absent in settings stored before: DEFAULT_BACKFILL_SLICE_DAYS. */
  backfillSliceDays?: number | undefined;
  /** Records per list request, below the source's own (a server with a lower cap); absent: the source's. */
  pageSize?: number | undefined;
  /** Absent in settings stored before delete sweeps existed: DEFAULT_SWEEP_EVERY_HOURS. */
  deletes?: { sweepEveryHours: number } | undefined;
}

/** A tenant's request budget at a source, as its settings give it (DESIGN §5). */
export function requestLimitsOf(settings: SourceSettings): RequestLimits {
  return {
    requestsPerMinute: settings.requestsPerMinute,
    maxConcurrentRequests: settings.maxConcurrentRequests,
  };
}

export const DEFAULT_REQUESTS_PER_MINUTE = 1000;
export const DEFAULT_SWEEP_EVERY_HOURS = 24;
export const DEFAULT_BACKFILL_SLICE_DAYS = 30;
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 4;

/**
 * A connector's settings schema: the shared settings (tables, budget, backfill start) plus its own fields.
 * Strict, so a misspelt field is reported instead of ignored.
 */
export function sourceSettingsSchema<Shape extends z.ZodRawShape>(own: Shape) {
  return z.strictObject({
    ...own,
    tables: z
      .array(z.enum(CANONICAL_TABLE_NAMES))
      .min(1)
      .default([...CANONICAL_TABLE_NAMES]),
    requestsPerMinute: z.number().int().positive().max(100_000).default(DEFAULT_REQUESTS_PER_MINUTE),
    maxConcurrentRequests: z.number().int().positive().max(64).default(DEFAULT_MAX_CONCURRENT_REQUESTS),
    backfillFrom: z.iso.datetime({ offset: true }).nullable().default(null),
    /**
     * A first sync larger than a chunk (and every `avesa backfill`) runs on the backfill lane in slices of this many
     * days of change time, each planned and finished on its own: a crash or a redeploy redoes only missing slices.
     */
    backfillSliceDays: z.number().int().min(1).max(366).default(DEFAULT_BACKFILL_SLICE_DAYS),
    pageSize: z.number().int().min(1).max(10_000).optional(),
    deletes: z
      .strictObject({
        /**
         * Hours between delete sweeps of a table (each costs requests: an audit-table query, getDeleted); 0 sweeps
         * at every sync. `avesa run --sweep-deletes` sweeps now whatever this says.
         */
        sweepEveryHours: z
          .number()
          .min(0)
          .max(24 * 30)
          .default(DEFAULT_SWEEP_EVERY_HOURS),
      })
      .default({ sweepEveryHours: DEFAULT_SWEEP_EVERY_HOURS }),
  });
}

/** A base URL: http(s), trailing slashes dropped. */
export const baseUrlSchema = z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, ''));

export interface CredentialField {
  name: string;
  /** Absent credentials are allowed (an alternative login); `credentialsSchema` says which combinations work. */
  optional?: boolean;
  /**
   * A secret (a key, a password) is never taken from the command line, only from the environment or stdin;
   * a non-secret credential (a login name, a client id) may also be given by `flag`.
   */
  secret: boolean;
  /** For `avesa tenants add`: the environment variable that carries it, e.g. `CONNECTWISE_PUBLIC_KEY`. */
  envVariable: string;
  /** For `avesa tenants add`: the flag (without dashes) of a non-secret credential. */
  flag?: string;
  description: string;
}

export interface CliSettingFlag {
  /** The flag without dashes, e.g. `base-url`. */
  flag: string;
  /** The settings field it fills. */
  field: string;
  type: 'string' | 'json';
  description: string;
}

export type KeyKind =
  | { kind: 'integer' }
  /** Fixed-length keys over an alphabet given in the source's sort order (e.g. lower-case hex). */
  | { kind: 'string'; alphabet: string; length: number }
  /** Change times (a source whose keys cannot be ranged, or a backfill slice). */
  | { kind: 'time' };

export interface ConnectOptions<Settings, Credentials> extends HttpOverrides {
  tenantId: string;
  settings: Settings;
  credentials: Credentials;
  budget: RequestBudget;
  /** Ms since epoch after which no new attempt or backoff sleep starts. */
  deadline?: () => number;
  /** Retry-After values up to this are waited out in-process (default 0: the caller re-queues). */
  maxRateLimitWaitSeconds?: number;
}

/** How many records a window holds and the key bounds they span: what the planner splits into chunks. */
export interface TableSurvey {
  count: number;
  /**
   * The smallest and greatest key in the window; null when it is empty; `{ kind: 'all' }` when the window fits
   * in one page, where asking for the bounds would cost two requests to plan a single chunk.
   */
  bounds: KeyRange | null;
}

export interface PageRequest {
  table: CanonicalTableName;
  window: SyncWindow;
  range: KeyRange;
  /** Where the previous page ended (opaque to the pipeline); null: the range's start. */
  cursor: string | null;
}

export interface Page {
  /** In key order, as received. */
  records: ReceivedRecord[];
  /** The cursor after this page; null when the range is done. */
  next: string | null;
}

/** What the planner and the fetcher need from a source; the port their unit tests fake. */
export interface SourceReader {
  /** Requests sent by this reader so far. */
  readonly apiCalls: number;
  survey(table: CanonicalTableName, window: SyncWindow): Promise<TableSurvey>;
  fetchPage(request: PageRequest): Promise<Page>;
  /**
   * A source whose deletes do not arrive as records of the table has a delete sweep: one page of the records
   * deleted within the window (`range` is `{ kind: 'deletions' }`), as deletion markers whose `id` is the
   * deleted record's key and `lastUpdated` the deletion time, paged by the same opaque cursor. Absent: the
   * source has no such signal (or its deletes come as records the mapping's `deletedWhen` recognises).
   */
  fetchDeletions?(request: PageRequest): Promise<Page>;
  /**
   * The oldest change time in the window (null when it is empty): where a backfill of "everything" starts its
   * slices. Absent: the backfill is one slice over the whole window.
   */
  oldestChange?(table: CanonicalTableName, window: SyncWindow): Promise<string | null>;
  /**
   * The id reconcile (DESIGN §11): one page of every key the table holds now (no window), in key order, paged
   * by the same opaque cursor as fetchPage. With `countKeys`, what a source without a reliable delete signal
   * (or with one it cannot read) is swept with.
   */
  listKeys?(
    table: CanonicalTableName,
    cursor: string | null,
  ): Promise<{ keys: string[]; next: string | null }>;
  /** How many records the table holds now (no window): a reconcile is trusted only when its listing agrees. */
  countKeys?(table: CanonicalTableName): Promise<number>;
}
