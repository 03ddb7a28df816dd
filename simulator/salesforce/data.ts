/**
 * Deterministic Salesforce records. An object is four columns per record (CreatedDate, LastModifiedDate,
 * SystemModstamp, deletion time); every other value is generated on demand from (org seed, object, ordinal), the
 * ordinal being the creation order, which is also Id order. References only point at records generated at start
 * and agree with each other (a Case's AccountId is its Contact's AccountId, a WorkOrder's is its Case's).
 * SystemModstamp ties are common: creation seconds are shared, and system-only bulk updates stamp many records
 * with one second while leaving LastModifiedDate alone (reference §B.2, KB 000193203). Every timestamp falls in
 * the org's period (core/period.ts): the fixed 2023–2025 one by default, or the three years up to `dataEndsAt`.
 */
import {
  COMPANY_NOUNS,
  COMPANY_PREFIXES,
  COMPANY_SUFFIXES,
  FIRST_NAMES,
  LAST_NAMES,
  SPECIAL_COMPANY_NAMES,
  TITLES,
} from '../core/names';
import { multipleOfTarget } from '../core/lifecycle';
import { creationTime, FIXED_PERIOD, type DataPeriod } from '../core/period';
import { hashString, mix32, Rng } from '../core/prng';
import { ascii } from '../core/text';
import { DAY_SECONDS } from '../core/time';
import type { FieldValue } from './evaluate';
import type { IdCodec } from './ids';
import { SALESFORCE_OBJECTS, type SalesforceObjectName } from './objects';

const { floor, max, min } = Math;

/** The fixed period (2023-01-01T00:00:00Z .. 2025-12-31T23:59:59Z): the default unless `dataEndsAt` is given. */
export const EPOCH_START = FIXED_PERIOD.start;
export const EPOCH_END = FIXED_PERIOD.end;
/** Share of records created in the same second as the previous one. */
export const SHARED_CREATION_RATE = 0.2;
/** Share of records whose SystemModstamp is the next system-only bulk update after their last edit. */
export const BULK_STAMP_RATE = 0.15;
const BULK_UPDATES = 12;

/** Field values other than the column-backed ones (Id, IsDeleted, CreatedDate, LastModifiedDate, SystemModstamp). */
export type StoredFields = Readonly<Record<string, FieldValue>>;

export interface GenerationContext {
  readonly seed: number;
  /** The span generated timestamps fall in, and whether Cases age towards its end (core/period.ts). */
  readonly period: DataPeriod;
  /** Records generated at start (references only point at these). */
  generatedCount(object: SalesforceObjectName): number;
  codec(object: SalesforceObjectName): IdCodec;
}

const SALT = Object.fromEntries(SALESFORCE_OBJECTS.map((name) => [name, hashString(`sf:${name}`)])) as Record<
  SalesforceObjectName,
  number
>;
const LIFE = hashString('case-life');
const PARENT = hashString('parent');

export interface Columns {
  created: Uint32Array;
  lastModified: Uint32Array;
  modstamp: Uint32Array;
}

/** Cases nobody ever closes in a live period, per thousand: the stale part of its backlog. */
const STALE_PER_MILLE = 3;
/** A live Case's resolution target: 85% close within it, the others within three times it. */
const CLOSE_TARGET_SECONDS = 3 * DAY_SECONDS;

/**
 * When a generated Case closed (epoch seconds), or undefined while open at the period's end; a pure function of
 * its slot, so columns and fields agree. In the fixed period 60% close within 12 days; in a live one nearly all
 * close in a multiple of a three-day target and a few go stale, so the open backlog is small and mostly recent.
 */
export function caseClosedAt(
  seed: number,
  ordinal: number,
  created: number,
  period: DataPeriod = FIXED_PERIOD,
): number | undefined {
  const h = mix32(seed, LIFE, ordinal);
  let closedAt: number;
  if (period.live) {
    if (h % 1000 < STALE_PER_MILLE) return undefined;
    closedAt =
      created +
      max(1800, floor(CLOSE_TARGET_SECONDS * multipleOfTarget(mix32(seed, LIFE, ordinal, 1), 0.85)));
  } else {
    if (h % 100 >= 60) return undefined;
    closedAt = created + 1800 + ((h >>> 8) % (12 * DAY_SECONDS));
  }
  return closedAt <= period.end ? closedAt : undefined;
}

/** The bulk-update seconds of an object: system-only stamps shared by many records, spread over the period. */
export function bulkUpdateSeconds(
  seed: number,
  object: SalesforceObjectName,
  period: DataPeriod = FIXED_PERIOD,
): number[] {
  const span = period.end - period.start;
  return Array.from(
    { length: BULK_UPDATES },
    (_, i) =>
      period.start + floor(((i + 1) * span) / (BULK_UPDATES + 1)) + (mix32(seed, SALT[object], i) % 3600),
  );
}

/**
 * The audit columns of `count` generated records in creation order. In the fixed period CreatedDate walks
 * evenly across it; in a live one it follows the period's growing volume up to its end (core/period.ts
 * creationTime), and edits lean towards creation but reach the end. Either way a fifth of the records share the
 * previous one's creation second and nothing is stamped after the period's end.
 */
export function buildColumns(
  seed: number,
  object: SalesforceObjectName,
  count: number,
  period: DataPeriod = FIXED_PERIOD,
): Columns {
  const created = new Uint32Array(count);
  const lastModified = new Uint32Array(count);
  const modstamp = new Uint32Array(count);
  const rng = new Rng(mix32(seed, SALT[object], hashString('columns')));
  const { start, end, live } = period;
  const meanGap = (end - start) / max(1, count) / (1 - SHARED_CREATION_RATE);
  const spread = max(1, floor(2 * meanGap) - 1);
  const bulk = bulkUpdateSeconds(seed, object, period);
  // The fixed period's draws stay exactly as they were, so its records (and every golden) are unchanged.
  let at = live ? start : start + rng.int(max(1, floor(meanGap)));
  for (let i = 0; i < count; i++) {
    if (live) {
      if (i === 0 || !rng.chance(SHARED_CREATION_RATE))
        at = max(at, creationTime(period, (i + rng.next()) / count));
    } else if (i > 0 && !rng.chance(SHARED_CREATION_RATE)) at = min(end, at + rng.between(1, spread));
    created[i] = at;
    const settled = object === 'Case' ? (caseClosedAt(seed, i, at, period) ?? at) : at;
    let edited = settled;
    if (!rng.chance(0.4)) {
      if (!live) edited = min(end, settled + rng.int(20 * DAY_SECONDS));
      else {
        const u = rng.next();
        edited = settled + floor((end - settled) * u * u * u);
      }
    }
    lastModified[i] = edited;
    const nextBulk = rng.chance(BULK_STAMP_RATE) ? bulk.find((second) => second >= edited) : undefined;
    modstamp[i] = nextBulk ?? edited;
  }
  return { created, lastModified, modstamp };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function accountName(seed: number, ordinal: number): string {
  if (ordinal < SPECIAL_COMPANY_NAMES.length) return SPECIAL_COMPANY_NAMES[ordinal] as string;
  const rng = new Rng(mix32(seed, SALT.Account, ordinal, 1));
  return `${rng.pick(COMPANY_PREFIXES)} ${rng.pick(COMPANY_NOUNS)} ${rng.pick(COMPANY_SUFFIXES)}`;
}

/** The generated parent ordinal of a child ordinal, or -1 when the parent object has no generated records. */
function parentOrdinal(
  ctx: GenerationContext,
  child: SalesforceObjectName,
  ordinal: number,
  parent: SalesforceObjectName,
): number {
  const count = ctx.generatedCount(parent);
  if (count === 0) return -1;
  return mix32(ctx.seed, SALT[child], PARENT, ordinal) % count;
}

/** The Account a generated Contact belongs to (-1: none). */
function contactAccount(ctx: GenerationContext, contact: number): number {
  return parentOrdinal(ctx, 'Contact', contact, 'Account');
}

/** The Contact and Account of a Case ordinal (-1: none). */
function caseParents(ctx: GenerationContext, ordinal: number): { contact: number; account: number } {
  const contact = parentOrdinal(ctx, 'Case', ordinal, 'Contact');
  const account =
    contact >= 0 ? contactAccount(ctx, contact) : parentOrdinal(ctx, 'Case', ordinal, 'Account');
  return { contact, account };
}

function idOrNull(ctx: GenerationContext, object: SalesforceObjectName, ordinal: number): string | null {
  return ordinal < 0 ? null : ctx.codec(object).idOf(ordinal);
}

const ACCOUNT_TYPES = ['Customer - Direct', 'Customer - Channel', 'Prospect', 'Partner'];
const INDUSTRIES = ['Healthcare', 'Legal', 'Manufacturing', 'Finance', 'Retail', 'Technology', 'Education'];
const CITIES = ['Reykjavík', 'Zürich', 'Tōkyō', 'São Paulo', 'Chicago', 'Łódź', 'København'];
const COUNTRIES = ['Iceland', 'Switzerland', 'Japan', 'Brazil', 'United States', 'Poland', 'Denmark'];
const CASE_SUBJECTS = [
  'Printer offline in the front office',
  'VPN drops every hour',
  'New starter laptop',
  'E-mail not syncing on phone',
  'Server disk nearly full',
  'Ünïcode file names lost on share',
  'Password reset for 山田',
];
const OPEN_STATUSES = ['New', 'Working', 'Escalated', 'On Hold'];
const PRIORITIES = ['High', 'Medium', 'Low'];
const ORIGINS = ['Phone', 'Email', 'Web'];
const WORK_ORDER_STATUSES = ['New', 'In Progress', 'On Hold', 'Completed', 'Closed'];
const WORK_SUBJECTS = ['On-site visit', 'Remote session', 'Hardware swap', 'Network survey', 'Patch rollout'];
const TIME_STATUSES = ['New', 'Submitted', 'Approved'];

/** The stored field values of a record generated at start (or added later: `generated` false). */
export function generateFields(
  ctx: GenerationContext,
  object: SalesforceObjectName,
  ordinal: number,
  created: number,
): StoredFields {
  const rng = new Rng(mix32(ctx.seed, SALT[object], ordinal));
  const generated = ordinal < ctx.generatedCount(object);
  switch (object) {
    case 'Account': {
      const name = accountName(ctx.seed, ordinal);
      return {
        Name: name,
        Type: rng.pick(ACCOUNT_TYPES),
        Industry: rng.chance(0.8) ? rng.pick(INDUSTRIES) : null,
        Phone: `+1 555 ${pad(rng.int(10_000), 4)}`,
        Website: `https://www.${ascii(name).toLowerCase() || 'account'}.example`,
        BillingCity: rng.pick(CITIES),
        BillingCountry: rng.pick(COUNTRIES),
      };
    }
    case 'Contact': {
      const first = rng.pick(FIRST_NAMES);
      const last = rng.pick(LAST_NAMES);
      return {
        AccountId: generated ? idOrNull(ctx, 'Account', contactAccount(ctx, ordinal)) : null,
        FirstName: first,
        LastName: last,
        Name: `${first} ${last}`,
        Email: `${ascii(first).toLowerCase()}.${ascii(last).toLowerCase()}${ordinal}@example.com`,
        Phone: rng.chance(0.7) ? `+1 555 ${pad(rng.int(10_000), 4)}` : null,
        Title: rng.chance(0.6) ? rng.pick(TITLES) : null,
      };
    }
    case 'Case': {
      const parents = caseParents(ctx, ordinal);
      const closedAt = generated ? caseClosedAt(ctx.seed, ordinal, created, ctx.period) : undefined;
      return {
        CaseNumber: pad(ordinal + 1, 8),
        AccountId: idOrNull(ctx, 'Account', parents.account),
        ContactId: idOrNull(ctx, 'Contact', parents.contact),
        Subject: rng.pick(CASE_SUBJECTS),
        Status: closedAt !== undefined ? 'Closed' : generated ? rng.pick(OPEN_STATUSES) : 'New',
        Priority: rng.pick(PRIORITIES),
        Origin: rng.pick(ORIGINS),
        IsClosed: closedAt !== undefined,
        ClosedDate: closedAt ?? null,
      };
    }
    case 'WorkOrder': {
      const caseOrdinal = parentOrdinal(ctx, 'WorkOrder', ordinal, 'Case');
      const account = caseOrdinal >= 0 ? caseParents(ctx, caseOrdinal).account : -1;
      return {
        WorkOrderNumber: pad(ordinal + 1, 8),
        AccountId: idOrNull(ctx, 'Account', account),
        CaseId: idOrNull(ctx, 'Case', caseOrdinal),
        Subject: rng.pick(WORK_SUBJECTS),
        Status: generated ? rng.pick(WORK_ORDER_STATUSES) : 'New',
        Priority: rng.pick([...PRIORITIES, 'Critical']),
      };
    }
    case 'TimeSheetEntry': {
      const minutes = 15 * rng.between(1, 32);
      const start = created - minutes * 60 - rng.int(3600);
      return {
        TimeSheetEntryNumber: `TSE-${pad(ordinal + 1, 7)}`,
        WorkOrderId: idOrNull(ctx, 'WorkOrder', parentOrdinal(ctx, 'TimeSheetEntry', ordinal, 'WorkOrder')),
        StartTime: start,
        EndTime: start + minutes * 60,
        DurationInMinutes: minutes,
        Subject: rng.pick(WORK_SUBJECTS),
        Status: generated ? rng.pick(TIME_STATUSES) : 'New',
        Type: rng.chance(0.8) ? 'Direct' : 'Indirect',
      };
    }
  }
}

/** A user's edit of a record at `now` (epoch seconds): the fields that change. */
export function reviseFields(
  object: SalesforceObjectName,
  current: StoredFields,
  rng: Rng,
  now: number,
): Record<string, FieldValue> {
  switch (object) {
    case 'Account':
      return { Phone: `+1 555 ${pad(rng.int(10_000), 4)}` };
    case 'Contact':
      return { Title: rng.pick(TITLES) };
    case 'Case': {
      // An edit always changes something a user sees (as the other simulators' edits do).
      if (current.IsClosed === true)
        return { Priority: rng.pick(PRIORITIES.filter((priority) => priority !== current.Priority)) };
      if (rng.chance(0.4)) return { Status: 'Closed', IsClosed: true, ClosedDate: now };
      return { Status: rng.pick(OPEN_STATUSES.filter((status) => status !== current.Status)) };
    }
    case 'WorkOrder':
      return { Status: rng.pick(WORK_ORDER_STATUSES.filter((status) => status !== current.Status)) };
    case 'TimeSheetEntry':
      return { Status: current.Status === 'New' ? 'Submitted' : 'Approved' };
  }
}
