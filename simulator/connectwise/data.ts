/**
 * Deterministic record generation. A table is kept as three columns (id, dateEntered, lastUpdated in epoch
 * seconds); a record's JSON is materialised on demand from (tenant seed, table, index) plus those columns, so a
 * 1,000,000-ticket tenant costs ~24 MB, not gigabytes. Shapes follow reference source-apis.md §1.6–1.8: references
 * `{id, name, _info: {x_href}}`, unset optional fields omitted (some records carry explicit `null`s instead),
 * custom fields without `value` when unset, UTC `YYYY-MM-DDTHH:MM:SSZ` timestamps, space-padded `updatedBy`.
 */
import type { ConnectWiseTable } from '../../sources/connectwise/endpoints';
import {
  AGREEMENT_REFS,
  BILL_OPTIONS,
  BILLING_TERMS_REFS,
  BOARD_REFS,
  BOARDS,
  CITIES,
  COMMUNICATION_TYPES,
  COMPANY_NOUNS,
  COMPANY_PREFIXES,
  COMPANY_STATUS_REFS,
  COMPANY_SUFFIXES,
  COMPANY_TYPE_REFS,
  CONTRACT_TIERS,
  COUNTRY_REFS,
  CUSTOM_FIELD_GUIDS,
  FIRST_NAMES,
  HREF_BASE,
  LAST_NAMES,
  LIVE_PRIORITY_PERCENT,
  MARKET_REFS,
  MEMBER_REFS,
  MEMBER_REFS_WITH_CAPACITY,
  MEMBERS,
  OPEN_STATUS_COUNT,
  PRIORITY_REFS,
  PRIORITY_SLA_MINUTES,
  SERVICE_LOCATION_REFS,
  SEVERITIES,
  SOURCE_REFS,
  SPECIAL_COMPANY_NAMES,
  STATUS_REFS,
  TERRITORY_REFS,
  TICKET_SUMMARIES,
  TICKET_TYPE_REFS,
  TIME_NOTES,
  TIME_STATUSES,
  TITLES,
  UPDATERS,
  WORK_ROLE_REFS,
  WORK_TYPE_REFS,
  type Ref,
} from './catalog';
import type { FieldType } from './conditions';
import { multipleOfTarget, weightedIndex } from '../core/lifecycle';
import { creationTime, FIXED_PERIOD, type DataPeriod } from '../core/period';
import { hashString, mix32, Rng } from '../core/prng';
import { withoutUndefined } from '../core/records';
import { ascii } from '../core/text';
import { isoDayPrefix, isoSeconds } from '../core/time';
import type { CwRecord } from './types';

export { isoSeconds, withoutUndefined };

// Aliases of globals used per record (see prng.ts: global lookups are slow inside jest's vm context).
const { floor, min, max, round } = Math;
const { freeze } = Object;
const { isArray } = Array;

/** The fixed period (2023-01-01T00:00:00Z .. 2025-12-31T23:59:59Z): the default unless `dataEndsAt` is given. */
export const EPOCH_START = FIXED_PERIOD.start;
export const EPOCH_END = FIXED_PERIOD.end;
const DAY = 86_400;

/** Share of records whose lastUpdated equals their id-neighbour's (cursor-boundary realism, "about 5%"). */
export const SHARED_SECOND_RATE = 0.05;
/** Tickets/time entries/contacts need company references even when the tenant has no companies table. */
const VIRTUAL_COMPANY_COUNT = 20;
const VIRTUAL_COMPANY_ID_BASE = 19_000;

const SALT = {
  companies: hashString('companies'),
  contacts: hashString('contacts'),
  tickets: hashString('tickets'),
  time_entries: hashString('time_entries'),
  companyName: hashString('company-name'),
  contactName: hashString('contact-name'),
  contactCompany: hashString('contact-company'),
  ticketCompany: hashString('ticket-company'),
  ticketSummary: hashString('ticket-summary'),
  ticketBoard: hashString('ticket-board'),
  ticketClose: hashString('ticket-close'),
  ticketLife: hashString('ticket-life'),
  ticketAgreement: hashString('ticket-agreement'),
  companyAgreement: hashString('company-agreement'),
  columns: hashString('columns'),
} as const;

/** What a generator needs to know about the other tables of its tenant. */
export interface GenerationContext {
  readonly seed: number;
  /** The span timestamps fall in, and whether tickets age towards its end (core/period.ts). */
  readonly period: DataPeriod;
  /** Records generated at start (references only point at these, so a record never changes when others are added). */
  generatedCount(table: ConnectWiseTable): number;
  idAt(table: ConnectWiseTable, index: number): number;
}

export interface Columns {
  ids: Float64Array;
  dateEntered: Float64Array;
  lastUpdated: Float64Array;
}

function isoDay(epochSeconds: number): string {
  return `${isoDayPrefix(floor(epochSeconds / DAY))}00:00:00Z`;
}

function round2(value: number): number {
  return round(value * 100) / 100;
}

// ---------------------------------------------------------------------------------------------------------------
// Cheap identities used across tables (hash-based, so a reference never needs the referenced record materialised)

function companyPoolSize(ctx: GenerationContext): number {
  return ctx.generatedCount('companies') || VIRTUAL_COMPANY_COUNT;
}

function companyId(ctx: GenerationContext, c: number): number {
  return ctx.generatedCount('companies') > 0 ? ctx.idAt('companies', c) : VIRTUAL_COMPANY_ID_BASE + c * 3;
}

export function companyName(seed: number, c: number): string {
  if (c < SPECIAL_COMPANY_NAMES.length) return SPECIAL_COMPANY_NAMES[c] as string;
  const h = mix32(seed, SALT.companyName, c);
  const prefix = COMPANY_PREFIXES[h % COMPANY_PREFIXES.length] as string;
  const noun = COMPANY_NOUNS[(h >>> 8) % COMPANY_NOUNS.length] as string;
  const suffix = COMPANY_SUFFIXES[(h >>> 16) % COMPANY_SUFFIXES.length] as string;
  return `${prefix} ${noun} ${suffix}`;
}

/** Unique per company (max 25 characters, reference §1.7). */
function companyIdentifier(name: string, c: number): string {
  return `${(ascii(name) || 'Company').slice(0, 16)}${c}`;
}

function companyDomain(identifier: string): string {
  return `${identifier.toLowerCase()}.example.com`;
}

/** References shared by many records, built once per tenant and frozen (the pool is at most the companies table). */
interface ReferenceCache {
  companies: (CwRecord | undefined)[];
  contacts: (CwRecord | undefined)[];
  emails: (string | undefined)[];
}

const referenceCaches = new WeakMap<GenerationContext, ReferenceCache>();
/** Beyond this many companies, references are built per record rather than kept (memory over speed). */
const REFERENCE_CACHE_LIMIT = 100_000;

function referenceCache(ctx: GenerationContext): ReferenceCache {
  let cache = referenceCaches.get(ctx);
  if (!cache) {
    cache = { companies: [], contacts: [], emails: [] };
    referenceCaches.set(ctx, cache);
  }
  return cache;
}

function companyRef(ctx: GenerationContext, c: number): CwRecord {
  const cache = referenceCache(ctx).companies;
  let ref = cache[c];
  if (!ref) {
    const id = companyId(ctx, c);
    const name = companyName(ctx.seed, c);
    ref = freeze({
      id,
      identifier: companyIdentifier(name, c),
      name,
      _info: freeze({ company_href: `${HREF_BASE}/company/companies/${id}` }),
    });
    if (c < REFERENCE_CACHE_LIMIT) cache[c] = ref;
  }
  return ref;
}

function contactNames(seed: number, j: number): [first: string, last: string] {
  const h = mix32(seed, SALT.contactName, j);
  return [FIRST_NAMES[h % FIRST_NAMES.length] as string, LAST_NAMES[(h >>> 8) % LAST_NAMES.length] as string];
}

/** Contact j < companies belongs to company j (and is its default contact); later contacts are spread randomly. */
function contactCompanyIndex(ctx: GenerationContext, j: number): number {
  const pool = companyPoolSize(ctx);
  return j < pool ? j : mix32(ctx.seed, SALT.contactCompany, j) % pool;
}

/** Only contacts j < companies are referenced (as their company's default contact), so the cache stays small. */
function contactRef(ctx: GenerationContext, j: number): CwRecord {
  const cache = referenceCache(ctx).contacts;
  let ref = cache[j];
  if (!ref) {
    const id = ctx.idAt('contacts', j);
    const [first, last] = contactNames(ctx.seed, j);
    ref = freeze({
      id,
      name: `${first} ${last}`,
      _info: freeze({ contact_href: `${HREF_BASE}/company/contacts/${id}` }),
    });
    if (j < REFERENCE_CACHE_LIMIT) cache[j] = ref;
  }
  return ref;
}

function contactEmail(ctx: GenerationContext, j: number): string {
  const cache = referenceCache(ctx).emails;
  const cached = cache[j];
  if (cached !== undefined) return cached;
  const [first, last] = contactNames(ctx.seed, j);
  const c = contactCompanyIndex(ctx, j);
  const user = `${ascii(first).toLowerCase() || 'contact'}.${ascii(last).toLowerCase() || j}`;
  const email = `${user}@${companyDomain(`${companyRef(ctx, c).identifier}`)}`;
  if (j < companyPoolSize(ctx) && j < REFERENCE_CACHE_LIMIT) cache[j] = email;
  return email;
}

function ticketCompanyIndex(ctx: GenerationContext, t: number): number {
  return mix32(ctx.seed, SALT.ticketCompany, t) % companyPoolSize(ctx);
}

function ticketBoardIndex(seed: number, t: number): number {
  return mix32(seed, SALT.ticketBoard, t) % BOARDS.length;
}

export function ticketSummary(seed: number, t: number): string {
  const h = mix32(seed, SALT.ticketSummary, t);
  const template = TICKET_SUMMARIES[h % TICKET_SUMMARIES.length] as string;
  const [first, last] = contactNames(seed, h >>> 8);
  const summary = template.replace('{name}', `${first} ${last}`);
  return (h >>> 20) % 4 === 0 ? `${summary} #${(h >>> 4) % 10_000}` : summary;
}

/** Seven companies in ten work under an agreement; nine in ten of their tickets are logged against it. */
function ticketAgreement(ctx: GenerationContext, c: number, t: number): Ref | undefined {
  const roll = mix32(ctx.seed, SALT.companyAgreement, c) % 100;
  const agreement = roll < 55 ? AGREEMENT_REFS[0] : roll < 70 ? AGREEMENT_REFS[1] : undefined;
  return agreement && mix32(ctx.seed, SALT.ticketAgreement, t) % 10 < 9 ? agreement : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Ticket lifecycles: pure functions of (seed, index, dateEntered, period), so columns and records agree on them

/** In the fixed period: seconds from dateEntered to closedDate, or 0 for a ticket that stays open (38%). */
function fixedCloseDelay(seed: number, t: number): number {
  const h = mix32(seed, SALT.ticketClose, t);
  return h % 100 < 62 ? 1800 + ((h >>> 7) % (21 * DAY)) : 0;
}

/** What a live period decides about a ticket, judged at the period's end. */
interface LiveTicketLife {
  /** Index into PRIORITY_REFS. */
  priorityIndex: number;
  /** Seconds from dateEntered to the first response; undefined when nobody has responded by the end. */
  respondDelay: number | undefined;
  /** Seconds from dateEntered to closedDate; 0 while the ticket is open at the end. */
  closeDelay: number;
}

/** The pace of tickets whose priority has no SLA ("Do Not Respond"): a day to respond, five to resolve. */
const NO_SLA_PACE = { respond: 24 * 60, resolve: 5 * 24 * 60 };
/** Tickets nobody ever closes, per thousand: the stale part of a backlog. */
const STALE_PER_MILLE = 5;
const MAX_RESOLVE_SECONDS = 28 * DAY;

/**
 * A live ticket: a weighted priority, a response and a resolution timed as multiples of that priority's targets
 * (92% of responses and 85% of resolutions within them), and a few stale tickets nobody closes. A ticket is open
 * when its resolution falls after the period's end, so the open backlog is mostly recent.
 */
function liveTicketLife(seed: number, t: number, entered: number, end: number): LiveTicketLife {
  const h = mix32(seed, SALT.ticketLife, t);
  const priorityIndex = weightedIndex(h % 100, LIVE_PRIORITY_PERCENT);
  const targets = PRIORITY_SLA_MINUTES[(PRIORITY_REFS[priorityIndex] as Ref).id as number] ?? NO_SLA_PACE;
  const respondDelay = max(
    60,
    floor(targets.respond * 60 * multipleOfTarget(mix32(seed, SALT.ticketLife, t, 1), 0.92)),
  );
  const resolveDelay = min(
    MAX_RESOLVE_SECONDS,
    max(
      respondDelay,
      1800,
      floor(targets.resolve * 60 * multipleOfTarget(mix32(seed, SALT.ticketLife, t, 2), 0.85)),
    ),
  );
  const stale = (h >>> 8) % 1000 < STALE_PER_MILLE;
  return {
    priorityIndex,
    respondDelay: entered + respondDelay <= end ? respondDelay : undefined,
    closeDelay: !stale && entered + resolveDelay <= end ? resolveDelay : 0,
  };
}

/** Seconds after dateEntered that lastUpdated cannot precede: the ticket's last lifecycle step by the period's end. */
function ticketSettledAfter(seed: number, t: number, entered: number, period: DataPeriod): number {
  if (!period.live) return fixedCloseDelay(seed, t);
  const life = liveTicketLife(seed, t, entered, period.end);
  return max(life.closeDelay, life.respondDelay ?? 0);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** An SLA deadline as ConnectWise words it in `slaStatus` (`Respond by Mon 07/04 1:00 PM UTC-04`), in UTC. */
function slaDeadline(verb: 'Respond' | 'Resolve', epochSeconds: number): string {
  const at = new Date(epochSeconds * 1000);
  const hours = at.getUTCHours();
  const minutes = String(at.getUTCMinutes()).padStart(2, '0');
  const month = String(at.getUTCMonth() + 1).padStart(2, '0');
  const day = String(at.getUTCDate()).padStart(2, '0');
  const clock = `${hours % 12 || 12}:${minutes} ${hours < 12 ? 'AM' : 'PM'}`;
  return `${verb} by ${WEEKDAYS[at.getUTCDay()]} ${month}/${day} ${clock} UTC`;
}

/** A ticket's SLA fields, from its priority and the times its clocks stopped. */
interface SlaFields {
  dateResponded: string | undefined;
  dateResolved: string | undefined;
  /** 0 until responded / resolved, as ConnectWise writes them. */
  respondMinutes: number;
  resolveMinutes: number;
  isInSla: boolean;
  slaStatus: string | undefined;
}

/**
 * The SLA fields of a ticket entered at `entered` (epoch seconds), responded at `respondedAt` and resolved at
 * `resolvedAt` (undefined: not yet), as they read at `asOf`. In SLA: each clock stopped within its target, or is
 * still running within it; a priority without targets is always in SLA and has no status.
 */
function slaFields(
  priorityId: unknown,
  entered: number,
  respondedAt: number | undefined,
  resolvedAt: number | undefined,
  asOf: number,
): SlaFields {
  const targets = typeof priorityId === 'number' ? PRIORITY_SLA_MINUTES[priorityId] : undefined;
  const within = (stoppedAt: number | undefined, minutes: number) =>
    (stoppedAt ?? asOf) - entered <= minutes * 60;
  let slaStatus: string | undefined;
  if (targets) {
    if (resolvedAt !== undefined) slaStatus = 'Resolved';
    else if (respondedAt === undefined) slaStatus = slaDeadline('Respond', entered + targets.respond * 60);
    else slaStatus = slaDeadline('Resolve', entered + targets.resolve * 60);
  }
  return {
    dateResponded: respondedAt === undefined ? undefined : isoSeconds(respondedAt),
    dateResolved: resolvedAt === undefined ? undefined : isoSeconds(resolvedAt),
    respondMinutes: respondedAt === undefined ? 0 : round((respondedAt - entered) / 60),
    resolveMinutes: resolvedAt === undefined ? 0 : round((resolvedAt - entered) / 60),
    isInSla: targets ? within(respondedAt, targets.respond) && within(resolvedAt, targets.resolve) : true,
    slaStatus,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Columns

/** The first id of a table: a seeded offset, so ids never start at 1 and differ between tables and tenants. */
function firstId(seed: number, table: ConnectWiseTable): number {
  const h = mix32(seed, SALT.columns, SALT[table]);
  switch (table) {
    case 'companies':
      return 2 + (h % 300);
    case 'contacts':
      return 2 + (h % 2_000);
    case 'tickets':
      return 1_000 + (h % 50_000);
    case 'time_entries':
      return 1 + (h % 100_000);
  }
}

/**
 * Builds the id / dateEntered / lastUpdated columns of `count` records. Ids increase with gaps of 1–3; dateEntered
 * grows with the id across the period (core/period.ts creationTime); lastUpdated is skewed towards dateEntered
 * (most records are edited soon after creation), never before a ticket's last lifecycle step, and about 5% of
 * records share their lastUpdated second with the previous record.
 */
export function buildColumns(
  seed: number,
  table: ConnectWiseTable,
  count: number,
  period: DataPeriod = FIXED_PERIOD,
  capacity = count,
): Columns {
  const rng = new Rng(mix32(seed, SALT.columns, SALT[table], count));
  const ids = new Float64Array(capacity);
  const dateEntered = new Float64Array(capacity);
  const lastUpdated = new Float64Array(capacity);
  let id = firstId(seed, table);
  const { end } = period;
  for (let i = 0; i < count; i++) {
    if (i > 0) id += 1 + rng.int(3);
    const entered = creationTime(period, (i + rng.next()) / count);
    const settled = table === 'tickets' ? ticketSettledAfter(seed, i, entered, period) : 0;
    const earliest = min(end, entered + settled);
    const u = rng.next();
    let updated = earliest + floor((end - earliest) * u * u * u);
    if (i > 0 && rng.next() < SHARED_SECOND_RATE * 1.05 && (lastUpdated[i - 1] as number) >= earliest) {
      updated = lastUpdated[i - 1] as number;
    }
    ids[i] = id;
    dateEntered[i] = entered;
    lastUpdated[i] = updated;
  }
  return { ids, dateEntered, lastUpdated };
}

/** The id after `lastId` for appended records (same 1–3 gaps as generated ones). */
export function nextId(lastId: number, rng: Rng): number {
  return lastId + 1 + rng.int(3);
}

export function firstIdOf(seed: number, table: ConnectWiseTable): number {
  return firstId(seed, table);
}

// ---------------------------------------------------------------------------------------------------------------
// Records
//
// Each generator returns ONE object literal with every key present, `undefined` standing for "omitted". A fixed
// shape keeps V8's property stores monomorphic (conditionally added keys made generation 3x slower);
// JSON.stringify drops `undefined`, so responses omit unset fields exactly as the API does (reference §1.6), and
// `withoutUndefined` gives the same plain shape to callers of `Simulator.records()`.

export interface RecordSlot {
  index: number;
  id: number;
  /** Epoch seconds. */
  dateEntered: number;
  lastUpdated: number;
}

function customField(
  id: number,
  caption: string,
  type: string,
  entryMethod: string,
  connectWiseId: string,
  value: unknown,
): CwRecord {
  // `value` is omitted, not null, when the field is unset (reference §1.6, S9).
  return { id, caption, type, entryMethod, numberOfDecimals: 0, value, connectWiseId };
}

function generateTicket(ctx: GenerationContext, slot: RecordSlot): CwRecord {
  const { index: t, id } = slot;
  const rng = new Rng(mix32(ctx.seed, SALT.tickets, t));
  const c = ticketCompanyIndex(ctx, t);
  const company = companyRef(ctx, c);
  const boardIndex = ticketBoardIndex(ctx.seed, t);
  const board = BOARDS[boardIndex] as (typeof BOARDS)[number];
  const statuses = STATUS_REFS[boardIndex] as readonly Ref[];
  const { period } = ctx;
  const entered = slot.dateEntered;
  // Appended tickets (index beyond the generated ones) are brand new, hence open and not yet responded to.
  const generated = t < ctx.generatedCount('tickets');
  const live = period.live ? liveTicketLife(ctx.seed, t, entered, period.end) : undefined;
  const closeDelay = !generated ? 0 : live ? live.closeDelay : fixedCloseDelay(ctx.seed, t);
  const closed = closeDelay > 0;
  const explicitNulls = rng.chance(0.08);
  const drawnStatus = closed
    ? statuses[OPEN_STATUS_COUNT + rng.int(2)]
    : statuses[rng.int(OPEN_STATUS_COUNT)];
  const siteId = rng.chance(0.8) ? 1000 + c : undefined;
  const contact = c < ctx.generatedCount('contacts') && rng.chance(0.85) ? contactRef(ctx, c) : undefined;
  const contactEmailAddress = contact && rng.chance(0.6) ? contactEmail(ctx, c) : undefined;
  const type = rng.chance(0.8) ? rng.pick(TICKET_TYPE_REFS) : undefined;
  const owner = rng.chance(0.7) ? rng.pick(MEMBER_REFS) : undefined;
  const drawnPriority = rng.pick(PRIORITY_REFS);
  const priority = live ? (PRIORITY_REFS[live.priorityIndex] as Ref) : drawnPriority;
  const serviceLocation = rng.chance(0.6) ? rng.pick(SERVICE_LOCATION_REFS) : undefined;
  const source = rng.pick(SOURCE_REFS);
  const requiredDate = rng.chance(0.4) ? isoDay(entered + rng.between(1, 30) * DAY) : undefined;
  const budgetHours = rng.chance(0.5) ? rng.between(1, 80) / 2 : explicitNulls ? null : undefined;
  const severity = rng.pick(SEVERITIES);
  const impact = rng.pick(SEVERITIES);
  const closedBy = closed ? rng.pick(MEMBERS).identifier : explicitNulls ? null : undefined;
  // Drawn here, in the order the record's members were always drawn in, so every later draw stays as it was.
  const actualHours = rng.chance(0.75) ? rng.between(1, 60) / 4 : undefined;
  const approved = rng.chance(0.95);
  const billTime = rng.pick(BILL_OPTIONS);
  const billExpenses = rng.pick(BILL_OPTIONS);
  const billProducts = rng.pick(BILL_OPTIONS);
  const customerUpdatedFlag = rng.chance(0.1);
  const automaticEmailContactFlag = rng.chance(0.5);
  const automaticEmailResourceFlag = rng.chance(0.3);
  const drawnRespondMinutes = rng.between(0, 240);
  // isInSla's draw when it was random: it is derived now (slaFields), the draw keeps the later ones in place.
  rng.next();
  const resolvedAt = closed ? min(period.end, entered + closeDelay) : undefined;
  // A response never comes after the resolution.
  const respondDelay = !generated
    ? undefined
    : live
      ? live.respondDelay
      : min(drawnRespondMinutes * 60, closed ? closeDelay : Infinity);
  const respondedAt =
    respondDelay !== undefined && (closed || entered + respondDelay <= period.end)
      ? entered + respondDelay
      : undefined;
  const sla = slaFields(priority.id, entered, respondedAt, resolvedAt, max(entered, period.end));
  // Nobody has looked at a ticket nobody has responded to.
  const status = respondedAt === undefined && !closed ? statuses[0] : drawnStatus;
  const href = `${HREF_BASE}/service/tickets/${id}`;
  return {
    id,
    summary: ticketSummary(ctx.seed, t),
    recordType: board.project ? 'ProjectTicket' : 'ServiceTicket',
    board: BOARD_REFS[boardIndex],
    status,
    company,
    site:
      siteId === undefined
        ? undefined
        : {
            id: siteId,
            name: 'Main',
            _info: { site_href: `${HREF_BASE}/company/companies/${company.id}/sites/${siteId}` },
          },
    siteName: siteId === undefined ? undefined : 'Main',
    contact: contact ?? (explicitNulls ? null : undefined),
    contactName: contact?.name,
    contactEmailAddress,
    type,
    owner,
    priority,
    serviceLocation,
    source,
    requiredDate,
    budgetHours,
    agreement: ticketAgreement(ctx, c, t),
    severity,
    impact,
    closedDate: resolvedAt !== undefined ? isoSeconds(resolvedAt) : explicitNulls ? null : undefined,
    closedBy,
    closedFlag: closed,
    actualHours,
    approved,
    billTime,
    billExpenses,
    billProducts,
    customerUpdatedFlag,
    automaticEmailContactFlag,
    automaticEmailResourceFlag,
    dateResolved: sla.dateResolved,
    dateResponded: sla.dateResponded,
    respondMinutes: sla.respondMinutes,
    resolveMinutes: sla.resolveMinutes,
    isInSla: sla.isInSla,
    hasChildTicket: false,
    hasMergedChildTicketFlag: false,
    parentTicketId: explicitNulls ? null : undefined,
    mobileGuid: rng.guid(),
    slaStatus: sla.slaStatus,
    customFields: [
      customField(
        1,
        'Story Points',
        'Number',
        'EntryField',
        CUSTOM_FIELD_GUIDS.storyPoints,
        rng.chance(0.4) ? rng.between(1, 13) : undefined,
      ),
      customField(
        4,
        'S Number',
        'Text',
        'EntryField',
        CUSTOM_FIELD_GUIDS.sNumber,
        rng.chance(0.3) ? `S-${rng.between(10_000, 99_999)}` : undefined,
      ),
      customField(
        7,
        'Escalated',
        'Checkbox',
        'EntryField',
        CUSTOM_FIELD_GUIDS.escalated,
        rng.chance(0.5) ? rng.chance(0.2) : undefined,
      ),
    ],
    _info: {
      lastUpdated: isoSeconds(slot.lastUpdated),
      updatedBy: rng.pick(UPDATERS),
      dateEntered: isoSeconds(entered),
      enteredBy: rng.pick(MEMBERS).identifier,
      activities_href: `${HREF_BASE}/sales/activities?conditions=ticket/id=${id}`,
      scheduleentries_href: `${HREF_BASE}/schedule/entries?conditions=type/id='S' AND objectId=${id}`,
      documents_href: `${HREF_BASE}/system/documents?recordType=Ticket&recordId=${id}`,
      configurations_href: `${href}/configurations`,
      tasks_href: `${href}/tasks`,
      notes_href: `${href}/notes`,
      products_href: `${HREF_BASE}/procurement/products?conditions=chargeToType='Ticket' AND chargeToId=${id}`,
      timeentries_href: `${HREF_BASE}/time/entries?conditions=(chargeToType='ServiceTicket' OR chargeToType='ProjectTicket') AND chargeToId=${id}`,
    },
  };
}

const STREETS = ['Main St', 'Laugavegur', 'Bahnhofstrasse', 'Harbor Blvd', 'Calle Mayor'] as const;

function generateCompany(ctx: GenerationContext, slot: RecordSlot): CwRecord {
  const { index: c, id } = slot;
  const rng = new Rng(mix32(ctx.seed, SALT.companies, c));
  const name = companyName(ctx.seed, c);
  const identifier = companyIdentifier(name, c);
  const [city, state, zip, countryIndex] = rng.pick(CITIES);
  const explicitNulls = rng.chance(0.08);
  const href = `${HREF_BASE}/company/companies/${id}`;
  const status = rng.chance(0.85) ? COMPANY_STATUS_REFS[0] : rng.pick(COMPANY_STATUS_REFS);
  const types = [rng.pick(COMPANY_TYPE_REFS)];
  const addressLine1 = `${rng.between(1, 999)} ${rng.pick(STREETS)}`;
  const addressLine2 = rng.chance(0.2) ? `Suite ${rng.between(100, 999)}` : explicitNulls ? null : undefined;
  const phoneNumber = `${rng.between(2_000_000_000, 9_999_999_999)}`;
  const faxNumber = rng.chance(0.2) ? `${rng.between(2_000_000_000, 9_999_999_999)}` : undefined;
  const territory = rng.chance(0.7) ? rng.pick(TERRITORY_REFS) : undefined;
  const market = rng.chance(0.6) ? rng.pick(MARKET_REFS) : undefined;
  const accountNumber = rng.chance(0.3) ? `AC-${rng.between(1000, 99_999)}` : undefined;
  const annualRevenue = rng.chance(0.4) ? rng.between(1, 500) * 10_000 : undefined;
  const numberOfEmployees = rng.chance(0.6) ? rng.between(1, 900) : explicitNulls ? null : undefined;
  const leadFlag = rng.chance(0.05);
  const unsubscribeFlag = rng.chance(0.05);
  const deleted = rng.chance(0.02);
  return {
    id,
    identifier,
    name,
    status,
    types,
    addressLine1,
    addressLine2,
    city,
    state: state || undefined,
    zip,
    country: COUNTRY_REFS[countryIndex],
    phoneNumber,
    faxNumber,
    website: `www.${companyDomain(identifier)}`,
    territory,
    market,
    accountNumber,
    // Contact c belongs to company c (contactCompanyIndex), so it can be this company's default contact.
    defaultContact:
      c < ctx.generatedCount('contacts') && c < companyPoolSize(ctx) ? contactRef(ctx, c) : undefined,
    dateAcquired: isoDay(slot.dateEntered),
    annualRevenue,
    numberOfEmployees,
    leadFlag,
    unsubscribeFlag,
    deletedFlag: deleted,
    dateDeleted: deleted ? isoSeconds(slot.lastUpdated) : undefined,
    deletedBy: deleted ? rng.pick(MEMBERS).identifier : undefined,
    mobileGuid: rng.guid(),
    billToCompany: { id, identifier, name, _info: { company_href: href } },
    billingTerms: rng.pick(BILLING_TERMS_REFS),
    isVendorFlag: rng.chance(0.05),
    customFields: [
      customField(
        2,
        'Contract Tier',
        'Text',
        'List',
        CUSTOM_FIELD_GUIDS.contractTier,
        rng.chance(0.5) ? rng.pick(CONTRACT_TIERS) : undefined,
      ),
      customField(
        3,
        'Onboarded',
        'Date',
        'Date',
        CUSTOM_FIELD_GUIDS.onboarded,
        rng.chance(0.3) ? isoDay(slot.dateEntered) : undefined,
      ),
    ],
    _info: {
      lastUpdated: isoSeconds(slot.lastUpdated),
      updatedBy: rng.pick(UPDATERS),
      dateEntered: isoSeconds(slot.dateEntered),
      enteredBy: rng.pick(MEMBERS).identifier,
      contacts_href: `${HREF_BASE}/company/contacts?conditions=company/id=${id}`,
      agreements_href: `${HREF_BASE}/finance/agreements?conditions=company/id=${id}`,
      tickets_href: `${HREF_BASE}/service/tickets?conditions=company/id=${id}`,
      sites_href: `${href}/sites`,
      notes_href: `${href}/notes`,
    },
  };
}

function communicationItem(
  id: number,
  contactId: number,
  type: Ref,
  value: string,
  extension: string | undefined,
  defaultFlag: boolean,
  communicationType: 'Phone' | 'Email',
): CwRecord {
  return {
    id,
    contactId,
    type,
    value,
    extension,
    defaultFlag,
    communicationType,
    domain: communicationType === 'Email' ? value.slice(value.indexOf('@')) : undefined,
  };
}

function generateContact(ctx: GenerationContext, slot: RecordSlot): CwRecord {
  const { index: j, id } = slot;
  const rng = new Rng(mix32(ctx.seed, SALT.contacts, j));
  const [first, last] = contactNames(ctx.seed, j);
  const c = contactCompanyIndex(ctx, j);
  const company = companyRef(ctx, c);
  const phone = `${rng.between(2_000_000_000, 9_999_999_999)}`;
  const lastName = rng.chance(0.97) ? last : undefined;
  const inactiveFlag = rng.chance(0.07);
  const title = rng.chance(0.6) ? rng.pick(TITLES) : undefined;
  const extension = rng.chance(0.3) ? `${rng.between(100, 999)}` : undefined;
  const defaultBillingFlag = rng.chance(0.2);
  const items = [
    communicationItem(id * 3, id, COMMUNICATION_TYPES.direct, phone, extension, true, 'Phone'),
    communicationItem(
      id * 3 + 1,
      id,
      COMMUNICATION_TYPES.email,
      contactEmail(ctx, j),
      undefined,
      true,
      'Email',
    ),
  ];
  if (rng.chance(0.3)) {
    const mobile = `${rng.between(2_000_000_000, 9_999_999_999)}`;
    items.push(
      communicationItem(id * 3 + 2, id, COMMUNICATION_TYPES.mobile, mobile, undefined, false, 'Phone'),
    );
  }
  return {
    id,
    firstName: first,
    lastName,
    company,
    site: {
      id: 1000 + c,
      name: 'Main',
      _info: { site_href: `${HREF_BASE}/company/companies/${company.id}/sites/${1000 + c}` },
    },
    inactiveFlag,
    title,
    defaultPhoneType: 'Direct',
    defaultPhoneNbr: phone,
    defaultPhoneExtension: extension,
    defaultBillingFlag,
    defaultFlag: j < companyPoolSize(ctx),
    communicationItems: items,
    types: [],
    mobileGuid: rng.guid(),
    customFields: [
      customField(
        5,
        'TomNumber',
        'Text',
        'EntryField',
        CUSTOM_FIELD_GUIDS.tomNumber,
        rng.chance(0.25) ? `T${rng.between(100, 999)}` : undefined,
      ),
    ],
    _info: {
      lastUpdated: isoSeconds(slot.lastUpdated),
      updatedBy: rng.pick(UPDATERS),
      dateEntered: isoSeconds(slot.dateEntered),
      enteredBy: rng.pick(MEMBERS).identifier,
      communications_href: `${HREF_BASE}/company/contacts/${id}/communications`,
      notes_href: `${HREF_BASE}/company/contacts/${id}/notes`,
    },
  };
}

/** The Monday on or before a period's first day: time sheet 1 is that week (2022-12-26 for the fixed period). */
function firstMonday(period: DataPeriod): number {
  const day = floor(period.start / DAY);
  // Day 0 (1970-01-01) was a Thursday: (day + 3) % 7 counts days since Monday.
  return (day - ((day + 3) % 7)) * DAY;
}

function weekOf(period: DataPeriod, epochSeconds: number): { id: number; name: string } {
  const monday0 = firstMonday(period);
  const week = floor((epochSeconds - monday0) / (7 * DAY));
  const monday = monday0 + week * 7 * DAY;
  return { id: week + 1, name: `${isoDay(monday).slice(0, 10)} to ${isoDay(monday + 6 * DAY).slice(0, 10)}` };
}

function generateTimeEntry(ctx: GenerationContext, slot: RecordSlot): CwRecord {
  const { index: e, id } = slot;
  const rng = new Rng(mix32(ctx.seed, SALT.time_entries, e));
  const tickets = ctx.generatedCount('tickets');
  const entries = max(ctx.generatedCount('time_entries'), e + 1);
  const onTicket = tickets > 0 && rng.chance(0.92);
  // Time is logged against tickets created around the same time: pick one just before the proportional position.
  const t = onTicket
    ? min(tickets - 1, max(0, floor((e / entries) * tickets) - rng.int(min(tickets, 40))))
    : 0;
  const c = onTicket ? ticketCompanyIndex(ctx, t) : rng.int(companyPoolSize(ctx));
  const memberIndex = rng.int(MEMBERS.length);
  const member = MEMBERS[memberIndex] as (typeof MEMBERS)[number];
  const quarterHours = rng.between(1, 32);
  // Work ends before it is entered, and never before the generated period starts.
  const earliestEnd = min(slot.dateEntered, ctx.period.start + quarterHours * 900);
  const timeEnd = max(earliestEnd, floor((slot.dateEntered - rng.int(2 * DAY)) / 60) * 60);
  const timeStart = timeEnd - quarterHours * 900;
  const actualHours = quarterHours / 4;
  const billableOption = rng.pick(BILL_OPTIONS);
  const hoursBilled = billableOption === 'Billable' ? actualHours : 0;
  const hourlyRate = rng.pick([95, 125, 150, 175]);
  const explicitNulls = rng.chance(0.08);
  const board = BOARDS[onTicket ? ticketBoardIndex(ctx.seed, t) : 0] as (typeof BOARDS)[number];
  const ticketId = onTicket ? ctx.idAt('tickets', t) : undefined;
  const chargeToId = ticketId ?? rng.pick([1, 2, 7]);
  const workType = rng.pick(WORK_TYPE_REFS);
  const workRole = rng.pick(WORK_ROLE_REFS);
  const drawnAgreement = rng.chance(0.3) ? rng.pick(AGREEMENT_REFS) : undefined;
  // Time on a ticket counts against the ticket's agreement; other time against one drawn at random.
  const agreement =
    (onTicket ? ticketAgreement(ctx, c, t) : drawnAgreement) ?? (explicitNulls ? null : undefined);
  const notes = rng.chance(0.85) ? rng.pick(TIME_NOTES) : undefined;
  const internalNotes = rng.chance(0.1) ? 'Internal: customer asked for a callback.' : undefined;
  const addToDetailDescriptionFlag = rng.chance(0.6);
  const mobileGuid = rng.guid();
  const status = rng.pick(TIME_STATUSES);
  const invoiceFlag = rng.chance(0.3);
  const customFields = rng.chance(0.25)
    ? [
        customField(
          6,
          'Billing Code',
          'Text',
          'EntryField',
          CUSTOM_FIELD_GUIDS.billingCode,
          rng.chance(0.6) ? `BC-${rng.between(10, 99)}` : undefined,
        ),
      ]
    : [];
  return {
    id,
    company: companyRef(ctx, c),
    companyType: 'Client',
    chargeToId,
    chargeToType: onTicket ? (board.project ? 'ProjectTicket' : 'ServiceTicket') : 'ChargeCode',
    member: MEMBER_REFS_WITH_CAPACITY[memberIndex],
    locationId: 2,
    businessUnitId: 10,
    workType,
    workRole,
    agreement,
    timeStart: isoSeconds(timeStart),
    timeEnd: isoSeconds(timeEnd),
    hoursDeduct: 0,
    actualHours,
    billableOption,
    notes,
    internalNotes,
    addToDetailDescriptionFlag,
    addToInternalAnalysisFlag: false,
    addToResolutionFlag: false,
    emailResourceFlag: false,
    emailContactFlag: false,
    emailCcFlag: false,
    hoursBilled,
    invoiceHours: hoursBilled,
    enteredBy: member.identifier,
    dateEntered: isoSeconds(slot.dateEntered),
    invoice: explicitNulls ? null : undefined,
    mobileGuid,
    hourlyRate,
    timeSheet: weekOf(ctx.period, timeStart),
    status,
    ticket:
      ticketId === undefined
        ? undefined
        : {
            id: ticketId,
            summary: ticketSummary(ctx.seed, t),
            _info: { ticket_href: `${HREF_BASE}/service/tickets/${ticketId}` },
          },
    ticketBoard: onTicket ? board.name : undefined,
    invoiceFlag,
    hourlyCost: (hourlyRate * 0.6).toFixed(2),
    extendedInvoiceAmount: round2(hoursBilled * hourlyRate),
    customFields,
    _info: {
      lastUpdated: isoSeconds(slot.lastUpdated),
      updatedBy: rng.pick(UPDATERS),
      chargeToMobileGuid: rng.guid(),
    },
  };
}

const GENERATORS: Record<ConnectWiseTable, (ctx: GenerationContext, slot: RecordSlot) => CwRecord> = {
  companies: generateCompany,
  contacts: generateContact,
  tickets: generateTicket,
  time_entries: generateTimeEntry,
};

/** The generated (never mutated) version of one record. */
export function generateRecord(ctx: GenerationContext, table: ConnectWiseTable, slot: RecordSlot): CwRecord {
  return GENERATORS[table](ctx, slot);
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations

/**
 * A new version of a record as a user edit would produce it: some content changes (ticket summary and status,
 * company phone and status, contact title, time-entry notes and status) and `_info.lastUpdated`/`updatedBy`.
 * `record` is a private copy: assign its keys, never modify nested objects (frozen references are shared).
 */
export function reviseRecord(
  table: ConnectWiseTable,
  record: CwRecord,
  rng: Rng,
  lastUpdated: string,
  revision: number,
): CwRecord {
  const info = { ...(record._info as Record<string, unknown>), lastUpdated, updatedBy: rng.pick(UPDATERS) };
  switch (table) {
    case 'tickets': {
      const summary = String(record.summary).replace(/ \[rev \d+\]$/, '');
      record.summary = `${summary} [rev ${revision}]`.slice(-100);
      const boardIndex = max(
        0,
        BOARD_REFS.findIndex((board) => board.id === (record.board as Ref | undefined)?.id),
      );
      const statuses = STATUS_REFS[boardIndex] as readonly Ref[];
      const current = (record.status as Ref | undefined)?.id;
      const choices = statuses.filter((status) => status.id !== current);
      const status = rng.pick(choices);
      const closed = statuses.indexOf(status) >= OPEN_STATUS_COUNT;
      record.status = status;
      record.closedFlag = closed;
      if (closed) {
        record.closedDate = lastUpdated;
        record.closedBy = rng.pick(MEMBERS).identifier;
      } else {
        delete record.closedDate;
        delete record.closedBy;
      }
      record.actualHours = ((record.actualHours as number | undefined) ?? 0) + 0.25;
      reviseSla(record, closed, Date.parse(lastUpdated) / 1000);
      break;
    }
    case 'companies':
      record.phoneNumber = `${rng.between(2_000_000_000, 9_999_999_999)}`;
      record.status = rng.pick(
        COMPANY_STATUS_REFS.filter((status) => status.id !== (record.status as Ref | undefined)?.id),
      );
      record.numberOfEmployees = rng.between(1, 900);
      break;
    case 'contacts':
      record.title = `${rng.pick(TITLES)} (rev ${revision})`;
      record.inactiveFlag = !record.inactiveFlag;
      break;
    case 'time_entries':
      record.notes = `${rng.pick(TIME_NOTES)} [rev ${revision}]`;
      record.status = rng.pick(TIME_STATUSES.filter((status) => status !== record.status));
      break;
  }
  record._info = info;
  return record;
}

/** The SLA fields after an edit at `now`: an edit is a response, closing stops the resolve clock, reopening clears it. */
function reviseSla(record: CwRecord, closed: boolean, now: number): void {
  const seconds = (iso: unknown) => (typeof iso === 'string' ? Date.parse(iso) / 1000 : undefined);
  const entered = seconds((record._info as Record<string, unknown>).dateEntered) ?? now;
  const respondedAt = seconds(record.dateResponded) ?? now;
  const sla = slaFields(
    (record.priority as Ref | undefined)?.id,
    entered,
    respondedAt,
    closed ? now : undefined,
    now,
  );
  for (const key of ['dateResponded', 'dateResolved', 'slaStatus'] as const) {
    if (sla[key] === undefined) delete record[key];
    else record[key] = sla[key];
  }
  record.respondMinutes = sla.respondMinutes;
  record.resolveMinutes = sla.resolveMinutes;
  record.isInSla = sla.isInSla;
}

// ---------------------------------------------------------------------------------------------------------------
// Field knowledge for conditions

const BOOLEAN_FIELDS = new Set(
  [
    'closedFlag',
    'inactiveFlag',
    'deletedFlag',
    'leadFlag',
    'unsubscribeFlag',
    'isVendorFlag',
    'defaultFlag',
    'defaultBillingFlag',
    'approved',
    'invoiceFlag',
    'customerUpdatedFlag',
    'automaticEmailContactFlag',
    'automaticEmailResourceFlag',
    'isInSla',
    'hasChildTicket',
    'hasMergedChildTicketFlag',
    'utilizationFlag',
    'addToDetailDescriptionFlag',
    'addToInternalAnalysisFlag',
    'addToResolutionFlag',
    'emailResourceFlag',
    'emailContactFlag',
    'emailCcFlag',
  ].map((name) => name.toLowerCase()),
);

const DATETIME_FIELDS = new Set(
  [
    'lastUpdated',
    'dateEntered',
    'requiredDate',
    'closedDate',
    'dateResolved',
    'dateResponded',
    'dateResplan',
    'timeStart',
    'timeEnd',
    'dateAcquired',
    'dateDeleted',
  ].map((name) => name.toLowerCase()),
);

const NUMERIC_FIELDS = new Set(
  [
    'id',
    'chargeToId',
    'actualHours',
    'budgetHours',
    'hoursBilled',
    'hoursDeduct',
    'invoiceHours',
    'hourlyRate',
    'numberOfEmployees',
    'annualRevenue',
    'resolveMinutes',
    'respondMinutes',
    'parentTicketId',
    'sort',
    'extendedInvoiceAmount',
    'dailyCapacity',
    'locationId',
    'businessUnitId',
    'contactId',
  ].map((name) => name.toLowerCase()),
);

/**
 * The type of a field path, when the simulator knows it, for ConnectWise-style literal checks. Values inside
 * custom fields are untyped.
 */
export function fieldTypeOf(path: string[]): FieldType | undefined {
  if ((path[0] ?? '').toLowerCase() === 'customfields') return undefined;
  const last = (path[path.length - 1] ?? '').toLowerCase();
  if (BOOLEAN_FIELDS.has(last)) return 'boolean';
  if (DATETIME_FIELDS.has(last)) return 'datetime';
  if (NUMERIC_FIELDS.has(last)) return 'numeric';
  return undefined;
}

/** Custom field elements: `id` is numeric, the rest (notably `value`) untyped. */
export function customFieldTypeOf(path: string[]): FieldType | undefined {
  return path.length === 1 && path[0]?.toLowerCase() === 'id' ? 'numeric' : undefined;
}

let fieldNames: Map<string, string> | undefined;

/** Lower-case → record spelling of every field name generated, so conditions may use any case. */
export function canonicalFieldName(lowerName: string): string | undefined {
  if (!fieldNames) {
    const names = new Map<string, string>();
    const collect = (value: unknown) => {
      if (isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
          names.set(key.toLowerCase(), key);
          collect(inner);
        }
      }
    };
    const sample: GenerationContext = {
      seed: 7,
      period: FIXED_PERIOD,
      generatedCount: () => 200,
      idAt: (_table, index) => 100 + index,
    };
    for (const table of Object.keys(GENERATORS) as ConnectWiseTable[]) {
      for (let index = 0; index < 200; index++) {
        collect(
          generateRecord(sample, table, {
            index,
            id: 100 + index,
            dateEntered: EPOCH_START + index * DAY,
            lastUpdated: EPOCH_END,
          }),
        );
      }
    }
    fieldNames = names;
  }
  return fieldNames.get(lowerName);
}
