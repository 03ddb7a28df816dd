/**
 * Deterministic ServiceNow records (reference §A.6–A.7). A table is three columns per record (sys_created_on,
 * sys_updated_on, sys_mod_count); a record's other values are generated on demand from (instance seed, table,
 * ordinal), the ordinal being its creation order. sys_ids are four seeded 32-bit draws per ordinal, so they are
 * uniform over the hex range (sys_id ranges split evenly) and need no storage. References only point at records
 * generated at start, so a record never changes because others were added.
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
import { hashString, hex32, mix32, Rng } from '../core/prng';
import { ascii } from '../core/text';
import { DAY_SECONDS } from '../core/time';
import { businessSeconds, glideDateTime, glideDuration, parseGlideDateTime } from './dates';
import {
  CLOSE_CODES,
  CONTACT_TYPES,
  INCIDENT_CATEGORIES,
  RESOLVE_TARGET_HOURS,
  SERVICENOW_TABLES,
  type CaseState,
  type IncidentState,
  type ServiceNowTableName,
} from './tables';
import {
  ACCOUNT_NOTES,
  AGENT_TITLES,
  CASE_SUMMARIES,
  CITIES,
  CLOSE_NOTES,
  DETAILS,
  GROUP_NAMES,
  INCIDENT_SUMMARIES,
  STREETS,
  SUBCATEGORIES,
  TIME_COMMENTS,
  TIME_ZONES,
} from './vocabulary';

// Aliases of globals used per record (see core/prng.ts: global lookups are slow inside jest's vm context).
const { floor, min, max } = Math;

/** A record as stored: every column, every value a string ('' when empty), references as bare sys_ids. */
export type DbRecord = Readonly<Record<string, string>>;

/** The fixed period (2023-01-01 00:00:00 .. 2025-12-31 23:59:59 UTC): the default unless `dataEndsAt` is given. */
export const EPOCH_START = FIXED_PERIOD.start;
export const EPOCH_END = FIXED_PERIOD.end;
const DAY = DAY_SECONDS;

/** Share of records whose sys_updated_on second equals the previous record's (sync-boundary realism). */
export const SHARED_SECOND_RATE = 0.25;
/** Chance that a record starts a bulk update: the next 2–8 records share its second. */
const BULK_UPDATE_RATE = 0.02;
/** Users and groups exist even when the sizes do not ask for them: incidents reference them. */
export const DEFAULT_SIZES: Partial<Record<ServiceNowTableName, number>> = {
  sys_user: 25,
  sys_user_group: 6,
};

const TABLE_SALT = Object.fromEntries(SERVICENOW_TABLES.map((table) => [table, hashString(table)])) as Record<
  ServiceNowTableName,
  number
>;
const SYS_ID_SALT = Object.fromEntries(
  SERVICENOW_TABLES.map((table) => [table, hashString(`sys_id:${table}`)]),
) as Record<ServiceNowTableName, number>;

const SALT = {
  columns: hashString('columns'),
  accountName: hashString('account-name'),
  contactName: hashString('contact-name'),
  contactAccount: hashString('contact-account'),
  userNames: hashString('user-names'),
  incidentLife: hashString('incident-life'),
  incidentCaller: hashString('incident-caller'),
  incidentAssignee: hashString('incident-assignee'),
  caseLife: hashString('case-life'),
  incidentLevels: hashString('incident-levels'),
} as const;

/** What a generator needs to know about its instance. */
export interface GenerationContext {
  readonly seed: number;
  /** The span timestamps fall in, and whether tasks age towards its end (core/period.ts). */
  readonly period: DataPeriod;
  /** The instance name (e-mail domains of users and groups). */
  readonly instance: string;
  /** Records generated at start (references only point at these). */
  generatedCount(table: ServiceNowTableName): number;
}

/** One record's place and stored columns. */
export interface RecordSlot {
  ordinal: number;
  /** Epoch seconds. */
  created: number;
  updated: number;
  modCount: number;
}

// ---------------------------------------------------------------------------------------------------------------
// sys_ids

/** Word `word` (0–3, most significant first) of the sys_id of a table's ordinal. */
export function sysIdWord(seed: number, table: ServiceNowTableName, ordinal: number, word: number): number {
  return mix32(seed, SYS_ID_SALT[table], ordinal, word);
}

/** The 32-character lowercase hex sys_id of a table's ordinal. */
export function sysIdOf(seed: number, table: ServiceNowTableName, ordinal: number): string {
  const salt = SYS_ID_SALT[table];
  return (
    hex32(mix32(seed, salt, ordinal, 0)) +
    hex32(mix32(seed, salt, ordinal, 1)) +
    hex32(mix32(seed, salt, ordinal, 2)) +
    hex32(mix32(seed, salt, ordinal, 3))
  );
}

/** Orders two ordinals of a table by sys_id. */
export function compareSysIds(seed: number, table: ServiceNowTableName, a: number, b: number): number {
  for (let word = 0; word < 4; word++) {
    const x = sysIdWord(seed, table, a, word);
    const y = sysIdWord(seed, table, b, word);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Lifecycles: pure functions of (seed, ordinal, sys_created_on, period), so columns and records agree on them

interface Lifecycle<S extends string> {
  state: S;
  /** Epoch seconds, when resolved. */
  resolvedAt?: number;
  /** Epoch seconds, when closed or canceled. */
  closedAt?: number;
}

function incidentLifecycle(
  seed: number,
  k: number,
  created: number,
  generated: boolean,
  period: DataPeriod,
): Lifecycle<IncidentState> {
  if (!generated) return { state: '1' };
  if (period.live) return liveIncidentLifecycle(seed, k, created, period.end);
  const end = period.end;
  const h = mix32(seed, SALT.incidentLife, k);
  const roll = h % 100;
  const resolveAfter = 1800 + ((h >>> 7) % (10 * DAY));
  const closeAfter = 3 * DAY + (mix32(seed, SALT.incidentLife, k, 1) % (4 * DAY));
  const resolvedAt = created + resolveAfter;
  const closedAt = resolvedAt + closeAfter;
  if (roll < 45 && closedAt <= end) return { state: '7', resolvedAt, closedAt };
  if (roll < 55 && resolvedAt <= end) return { state: '6', resolvedAt };
  if (roll >= 55 && roll < 60) {
    const canceledAt = created + floor(resolveAfter / 4);
    if (canceledAt <= end) return { state: '8', closedAt: canceledAt };
  }
  if (roll < 70) return { state: roll < 60 ? '2' : '1' };
  return { state: roll < 92 ? '2' : '3' };
}

/** Incidents nobody ever resolves, per thousand: the stale part of a backlog. */
const STALE_PER_MILLE = 5;
const MAX_RESOLVE_SECONDS = 28 * DAY;
const LEVEL_WEIGHTS = ['1', '2', '2', '3', '3', '3'] as const;

/** Impact and urgency of a live incident, from a hash: its lifecycle depends on the priority they make. */
function liveIncidentLevels(seed: number, k: number): [impact: string, urgency: string] {
  const h = mix32(seed, SALT.incidentLevels, k);
  return [LEVEL_WEIGHTS[h % 6] as string, LEVEL_WEIGHTS[(h >>> 8) % 6] as string];
}

/** The incident priority of an impact and an urgency: the default lookup (1 + 1 = 1 - Critical … 3 + 3 = 5). */
function priorityOf(impact: string, urgency: string): string {
  return String(Number(impact) + Number(urgency) - 1);
}

/**
 * A live incident: resolved in a multiple of its priority's target (85% within it), closed 3–7 days later (auto
 * close), 4% canceled, a few stale; judged at the period's end, so the open ones are mostly recent.
 */
function liveIncidentLifecycle(
  seed: number,
  k: number,
  created: number,
  end: number,
): Lifecycle<IncidentState> {
  const h = mix32(seed, SALT.incidentLife, k);
  const roll = h % 1000;
  if (roll < STALE_PER_MILLE) return { state: roll % 2 === 0 ? '2' : '3' };
  if (roll < 45) {
    const canceledAt = created + 600 + ((h >>> 10) % (2 * DAY));
    return canceledAt <= end ? { state: '8', closedAt: canceledAt } : { state: '1' };
  }
  const target = (RESOLVE_TARGET_HOURS[priorityOf(...liveIncidentLevels(seed, k))] as number) * 3600;
  const resolveAfter = min(
    MAX_RESOLVE_SECONDS,
    max(1800, floor(target * multipleOfTarget(mix32(seed, SALT.incidentLife, k, 2), 0.85))),
  );
  const resolvedAt = created + resolveAfter;
  const closedAt = resolvedAt + 3 * DAY + (mix32(seed, SALT.incidentLife, k, 1) % (4 * DAY));
  if (resolvedAt > end) return { state: end - created < 3600 ? '1' : (h >>> 10) % 5 === 0 ? '3' : '2' };
  if (closedAt > end) return { state: '6', resolvedAt };
  return { state: '7', resolvedAt, closedAt };
}

function caseLifecycle(
  seed: number,
  k: number,
  created: number,
  generated: boolean,
  period: DataPeriod,
): Lifecycle<CaseState> {
  if (!generated) return { state: '1' };
  if (period.live) return liveCaseLifecycle(seed, k, created, period.end);
  const end = period.end;
  const h = mix32(seed, SALT.caseLife, k);
  const roll = h % 100;
  const resolvedAt = created + 3600 + ((h >>> 7) % (14 * DAY));
  const closedAt = resolvedAt + 2 * DAY;
  if (roll < 50 && closedAt <= end) return { state: '3', resolvedAt, closedAt };
  if (roll < 60 && resolvedAt <= end) return { state: '6', resolvedAt };
  if (roll < 64 && resolvedAt <= end) return { state: '7', closedAt: resolvedAt };
  if (roll < 75) return { state: '1' };
  return { state: roll < 92 ? '10' : '18' };
}

/** A live case: resolved in a multiple of three days (85% within), closed two days later, 4% cancelled, a few stale. */
function liveCaseLifecycle(seed: number, k: number, created: number, end: number): Lifecycle<CaseState> {
  const h = mix32(seed, SALT.caseLife, k);
  const roll = h % 1000;
  if (roll < STALE_PER_MILLE) return { state: roll % 2 === 0 ? '10' : '18' };
  const resolveAfter = min(
    MAX_RESOLVE_SECONDS,
    max(3600, floor(3 * DAY * multipleOfTarget(mix32(seed, SALT.caseLife, k, 1), 0.85))),
  );
  const resolvedAt = created + resolveAfter;
  if (roll < 45) return resolvedAt <= end ? { state: '7', closedAt: resolvedAt } : { state: '1' };
  const closedAt = resolvedAt + 2 * DAY;
  if (resolvedAt > end) return { state: end - created < 7200 ? '1' : (h >>> 10) % 5 === 0 ? '18' : '10' };
  if (closedAt > end) return { state: '6', resolvedAt };
  return { state: '3', resolvedAt, closedAt };
}

/** The earliest sys_updated_on a record can have: its last lifecycle step. */
function earliestUpdate(
  seed: number,
  table: ServiceNowTableName,
  k: number,
  created: number,
  period: DataPeriod,
): number {
  const lifecycle =
    table === 'incident'
      ? incidentLifecycle(seed, k, created, true, period)
      : table === 'sn_customerservice_case'
        ? caseLifecycle(seed, k, created, true, period)
        : undefined;
  return max(created, lifecycle?.closedAt ?? 0, lifecycle?.resolvedAt ?? 0);
}

/**
 * `made_sla` of a task of `priority` opened at `opened`: whether it was resolved (or, still open at `asOf`, has
 * been open) within its priority's target. A canceled task keeps the default, true.
 */
function madeSla(
  priority: string,
  opened: number,
  resolvedAt: number | undefined,
  canceled: boolean,
  asOf: number,
): string {
  if (canceled) return 'true';
  const hours = RESOLVE_TARGET_HOURS[priority];
  if (hours === undefined) return 'true';
  return flag((resolvedAt ?? asOf) - opened <= hours * 3600);
}

// ---------------------------------------------------------------------------------------------------------------
// Columns

export interface Columns {
  created: Uint32Array;
  updated: Uint32Array;
  modCount: Uint32Array;
}

/**
 * Builds the stored columns of `count` records. sys_created_on grows with the ordinal across the period (core/
 * period.ts creationTime); sys_updated_on is skewed towards it (most records are edited soon after creation) but
 * never before the record's last lifecycle step. About a quarter of records share their second with the previous
 * one, and bulk updates give runs of up to nine records in one second: ties are the normal case for a
 * `sys_updated_on` cursor.
 */
export function buildColumns(
  seed: number,
  table: ServiceNowTableName,
  count: number,
  period: DataPeriod = FIXED_PERIOD,
): Columns {
  const rng = new Rng(mix32(seed, SALT.columns, TABLE_SALT[table], count));
  const created = new Uint32Array(count);
  const updated = new Uint32Array(count);
  const modCount = new Uint32Array(count);
  const { end } = period;
  let bulk = 0;
  for (let i = 0; i < count; i++) {
    const entered = creationTime(period, (i + rng.next()) / count);
    const earliest = min(end, earliestUpdate(seed, table, i, entered, period));
    const u = rng.next();
    let changed = earliest + floor((end - earliest) * u * u * u);
    const previous = i > 0 ? (updated[i - 1] as number) : -1;
    if (bulk > 0 && previous >= earliest) {
      changed = previous;
      bulk--;
    } else if (rng.next() < BULK_UPDATE_RATE) {
      bulk = 2 + rng.int(7);
    } else if (previous >= earliest && rng.next() < SHARED_SECOND_RATE) {
      changed = previous;
    }
    created[i] = entered;
    updated[i] = changed;
    modCount[i] = changed === entered ? 0 : 1 + floor(12 * rng.next() ** 2) + (earliest > entered ? 2 : 0);
  }
  return { created, updated, modCount };
}

// ---------------------------------------------------------------------------------------------------------------
// Identities shared across tables (hash-based, so a reference never needs the referenced record materialised)

function pad7(n: number): string {
  return String(n).padStart(7, '0');
}

function personNames(seed: number, salt: number, index: number): [first: string, last: string] {
  const h = mix32(seed, salt, index);
  return [FIRST_NAMES[h % FIRST_NAMES.length] as string, LAST_NAMES[(h >>> 8) % LAST_NAMES.length] as string];
}

/** Users get distinct first/last pairs (a seeded stride through all pairs), so their user_names are unique. */
function userNames(seed: number, u: number): [first: string, last: string, userName: string] {
  const pairs = FIRST_NAMES.length * LAST_NAMES.length;
  // 97 is prime and larger than both lists, so it is coprime with their product: u → pair is a bijection.
  const pair = (((u % pairs) * 97 + mix32(seed, SALT.userNames)) >>> 0) % pairs;
  const first = FIRST_NAMES[pair % FIRST_NAMES.length] as string;
  const last = LAST_NAMES[floor(pair / FIRST_NAMES.length)] as string;
  const suffix = u >= pairs ? String(floor(u / pairs)) : '';
  const userName = `${ascii(first).toLowerCase() || `u${u}`}.${ascii(last).toLowerCase() || `u${u}`}${suffix}`;
  return [first, last, userName];
}

function accountName(seed: number, a: number): string {
  if (a < SPECIAL_COMPANY_NAMES.length) return SPECIAL_COMPANY_NAMES[a] as string;
  const h = mix32(seed, SALT.accountName, a);
  const prefix = COMPANY_PREFIXES[h % COMPANY_PREFIXES.length] as string;
  const noun = COMPANY_NOUNS[(h >>> 8) % COMPANY_NOUNS.length] as string;
  const suffix = COMPANY_SUFFIXES[(h >>> 16) % COMPANY_SUFFIXES.length] as string;
  return `${prefix} ${noun} ${suffix}`;
}

function accountDomain(seed: number, a: number): string {
  return `${(ascii(accountName(seed, a)).toLowerCase() || 'account').slice(0, 16)}${a}.example.com`;
}

function instanceDomain(ctx: GenerationContext): string {
  return `${ascii(ctx.instance).toLowerCase() || 'instance'}.example.com`;
}

/** Contact j < accounts belongs to account j (and is its primary contact); later contacts are spread randomly. */
function contactAccountIndex(ctx: GenerationContext, j: number): number | undefined {
  const accounts = ctx.generatedCount('customer_account');
  if (accounts === 0) return undefined;
  return j < accounts ? j : mix32(ctx.seed, SALT.contactAccount, j) % accounts;
}

function incidentCallerIndex(ctx: GenerationContext, k: number): number | undefined {
  const contacts = ctx.generatedCount('customer_contact');
  return contacts > 0 ? mix32(ctx.seed, SALT.incidentCaller, k) % contacts : undefined;
}

/** Nine in ten incidents are assigned; the time worked on one is mostly its assignee's. */
function incidentAssigneeIndex(ctx: GenerationContext, k: number): number | undefined {
  const users = ctx.generatedCount('sys_user');
  const h = mix32(ctx.seed, SALT.incidentAssignee, k);
  return users > 0 && h % 10 < 9 ? (h >>> 4) % users : undefined;
}

function ref(ctx: GenerationContext, table: ServiceNowTableName, index: number | undefined): string {
  return index === undefined ? '' : sysIdOf(ctx.seed, table, index);
}

function randomRef(ctx: GenerationContext, table: ServiceNowTableName, rng: Rng): string {
  const count = ctx.generatedCount(table);
  return count > 0 ? sysIdOf(ctx.seed, table, rng.int(count)) : '';
}

/** Who creates and edits records: a few system accounts and the instance's users. */
function updater(ctx: GenerationContext, rng: Rng): string {
  const users = ctx.generatedCount('sys_user');
  const roll = rng.int(10);
  if (roll === 0 || users === 0) return roll % 2 === 0 ? 'admin' : 'system';
  return userNames(ctx.seed, rng.int(users))[2];
}

function flag(value: boolean): string {
  return value ? 'true' : 'false';
}

function phoneNumber(rng: Rng): string {
  return `+1 ${rng.between(200, 999)} 555 ${rng.between(1000, 9999)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Records
//
// Each generator returns ONE object literal with every column in the table's order (tables.ts): a fixed shape
// keeps V8's property stores monomorphic, and JSON lists the columns in that order.

interface SystemValues {
  sys_class_name: string;
  sys_created_by: string;
  sys_created_on: string;
  sys_id: string;
  sys_mod_count: string;
  sys_tags: string;
  sys_updated_by: string;
  sys_updated_on: string;
}

function systemValues(
  ctx: GenerationContext,
  table: ServiceNowTableName,
  slot: RecordSlot,
  rng: Rng,
): SystemValues {
  const createdBy = updater(ctx, rng);
  const updatedBy = slot.modCount === 0 ? createdBy : updater(ctx, rng);
  return {
    sys_class_name: table,
    sys_created_by: createdBy,
    sys_created_on: glideDateTime(slot.created),
    sys_id: sysIdOf(ctx.seed, table, slot.ordinal),
    sys_mod_count: String(slot.modCount),
    sys_tags: '',
    sys_updated_by: updatedBy,
    sys_updated_on: glideDateTime(slot.updated),
  };
}

function recordRng(ctx: GenerationContext, table: ServiceNowTableName, ordinal: number): Rng {
  return new Rng(mix32(ctx.seed, TABLE_SALT[table], ordinal));
}

function generateAccount(ctx: GenerationContext, slot: RecordSlot): DbRecord {
  const a = slot.ordinal;
  const rng = recordRng(ctx, 'customer_account', a);
  const accounts = ctx.generatedCount('customer_account');
  const [city, state, zip, country] = rng.pick(CITIES);
  const primary = a < accounts && a < ctx.generatedCount('customer_contact') ? a : undefined;
  const parent = a > 10 && rng.chance(0.1) ? rng.int(min(a, accounts)) : undefined;
  const street = `${rng.between(1, 999)} ${rng.pick(STREETS)}`;
  const partner = rng.chance(0.1);
  const vendor = rng.chance(0.05);
  const phone = phoneNumber(rng);
  const notes = rng.chance(0.2) ? rng.pick(ACCOUNT_NOTES) : '';
  const sys = systemValues(ctx, 'customer_account', slot, rng);
  return {
    number: `ACC${pad7(1001 + a)}`,
    name: accountName(ctx.seed, a),
    customer: 'true',
    partner: flag(partner),
    vendor: flag(vendor),
    street,
    city,
    state,
    zip,
    country,
    phone,
    website: `https://www.${accountDomain(ctx.seed, a)}`,
    notes,
    account_parent: ref(ctx, 'customer_account', parent),
    primary_contact: ref(ctx, 'customer_contact', primary),
    sys_class_name: sys.sys_class_name,
    sys_created_by: sys.sys_created_by,
    sys_created_on: sys.sys_created_on,
    sys_id: sys.sys_id,
    sys_mod_count: sys.sys_mod_count,
    sys_tags: sys.sys_tags,
    sys_updated_by: sys.sys_updated_by,
    sys_updated_on: sys.sys_updated_on,
  };
}

function generateContact(ctx: GenerationContext, slot: RecordSlot): DbRecord {
  const j = slot.ordinal;
  const rng = recordRng(ctx, 'customer_contact', j);
  const [first, last] = personNames(ctx.seed, SALT.contactName, j);
  const a = contactAccountIndex(ctx, j);
  const domain = a === undefined ? 'example.com' : accountDomain(ctx.seed, a);
  const local = `${ascii(first).toLowerCase() || 'contact'}.${ascii(last).toLowerCase() || j}`;
  const email = `${local}@${domain}`;
  const account = ref(ctx, 'customer_account', a);
  const phone = phoneNumber(rng);
  const mobile = rng.chance(0.4) ? phoneNumber(rng) : '';
  const title = rng.chance(0.6) ? rng.pick(TITLES) : '';
  const active = rng.chance(0.93);
  const lockedOut = rng.chance(0.02);
  const vip = rng.chance(0.05);
  const timeZone = rng.pick(TIME_ZONES);
  const sys = systemValues(ctx, 'customer_contact', slot, rng);
  return {
    // Unique, unlike e-mail addresses (two contacts of one account may share a name).
    user_name: `${local}.${j}`,
    first_name: first,
    last_name: last,
    name: `${first} ${last}`,
    email,
    phone,
    mobile_phone: mobile,
    title,
    account,
    company: account,
    active: flag(active),
    locked_out: flag(lockedOut),
    vip: flag(vip),
    time_zone: timeZone,
    sys_class_name: sys.sys_class_name,
    sys_created_by: sys.sys_created_by,
    sys_created_on: sys.sys_created_on,
    sys_id: sys.sys_id,
    sys_mod_count: sys.sys_mod_count,
    sys_tags: sys.sys_tags,
    sys_updated_by: sys.sys_updated_by,
    sys_updated_on: sys.sys_updated_on,
  };
}

function generateUser(ctx: GenerationContext, slot: RecordSlot): DbRecord {
  const u = slot.ordinal;
  const rng = recordRng(ctx, 'sys_user', u);
  const [first, last, userName] = userNames(ctx.seed, u);
  const users = ctx.generatedCount('sys_user');
  const manager = u > 0 && rng.chance(0.85) ? rng.int(min(u, users)) : undefined;
  const title = rng.pick(AGENT_TITLES);
  const phone = phoneNumber(rng);
  const active = rng.chance(0.95);
  const timeZone = rng.pick(TIME_ZONES);
  const sys = systemValues(ctx, 'sys_user', slot, rng);
  return {
    user_name: userName,
    first_name: first,
    last_name: last,
    name: `${first} ${last}`,
    email: `${userName}@${instanceDomain(ctx)}`,
    title,
    phone,
    active: flag(active),
    locked_out: 'false',
    manager: ref(ctx, 'sys_user', manager),
    time_zone: timeZone,
    sys_class_name: sys.sys_class_name,
    sys_created_by: sys.sys_created_by,
    sys_created_on: sys.sys_created_on,
    sys_id: sys.sys_id,
    sys_mod_count: sys.sys_mod_count,
    sys_tags: sys.sys_tags,
    sys_updated_by: sys.sys_updated_by,
    sys_updated_on: sys.sys_updated_on,
  };
}

function generateGroup(ctx: GenerationContext, slot: RecordSlot): DbRecord {
  const g = slot.ordinal;
  const rng = recordRng(ctx, 'sys_user_group', g);
  const base = GROUP_NAMES[g % GROUP_NAMES.length] as string;
  const name = g < GROUP_NAMES.length ? base : `${base} ${floor(g / GROUP_NAMES.length) + 1}`;
  const active = rng.chance(0.95);
  const manager = randomRef(ctx, 'sys_user', rng);
  const sys = systemValues(ctx, 'sys_user_group', slot, rng);
  return {
    name,
    description: `${name} team`,
    email: `${ascii(name).toLowerCase() || `group${g}`}@${instanceDomain(ctx)}`,
    active: flag(active),
    manager,
    sys_class_name: sys.sys_class_name,
    sys_created_by: sys.sys_created_by,
    sys_created_on: sys.sys_created_on,
    sys_id: sys.sys_id,
    sys_mod_count: sys.sys_mod_count,
    sys_tags: sys.sys_tags,
    sys_updated_by: sys.sys_updated_by,
    sys_updated_on: sys.sys_updated_on,
  };
}

const CATEGORY_VALUES = Object.keys(INCIDENT_CATEGORIES);
const CONTACT_TYPE_VALUES = Object.keys(CONTACT_TYPES);

function generateIncident(ctx: GenerationContext, slot: RecordSlot): DbRecord {
  const k = slot.ordinal;
  const rng = recordRng(ctx, 'incident', k);
  const generated = k < ctx.generatedCount('incident');
  const { period } = ctx;
  const life = incidentLifecycle(ctx.seed, k, slot.created, generated, period);
  const caller = incidentCallerIndex(ctx, k);
  const account =
    caller !== undefined
      ? contactAccountIndex(ctx, caller)
      : ctx.generatedCount('customer_account') > 0
        ? rng.int(ctx.generatedCount('customer_account'))
        : undefined;
  const assignee = ref(ctx, 'sys_user', incidentAssigneeIndex(ctx, k));
  const drawnImpact = rng.pick(LEVEL_WEIGHTS);
  const drawnUrgency = rng.pick(LEVEL_WEIGHTS);
  // A live lifecycle is timed by the priority, so the levels come from the same hash as the lifecycle.
  const [impact, urgency] = period.live ? liveIncidentLevels(ctx.seed, k) : [drawnImpact, drawnUrgency];
  const priority = priorityOf(impact, urgency);
  const category = rng.pick(CATEGORY_VALUES);
  const subcategory = rng.pick(SUBCATEGORIES[category] as readonly string[]);
  const contactType = rng.pick(CONTACT_TYPE_VALUES);
  const summary = rng.pick(INCIDENT_SUMMARIES);
  const description = rng.chance(0.7) ? `${summary}. ${rng.pick(DETAILS)}` : '';
  const opened = slot.created - (rng.chance(0.3) ? rng.int(600) : 0);
  const group = randomRef(ctx, 'sys_user_group', rng);
  const openedBy = randomRef(ctx, 'sys_user', rng);
  const resolved = life.resolvedAt !== undefined;
  const worker = assignee || randomRef(ctx, 'sys_user', rng);
  const holdReason = life.state === '3' ? rng.pick(['1', '3', '4', '5']) : '';
  const closeCode = resolved ? rng.pick(CLOSE_CODES) : '';
  const closeNotes = resolved ? rng.pick(CLOSE_NOTES) : '';
  const reassignments = life.state === '1' ? 0 : rng.int(3);
  const reopened = resolved && rng.chance(0.05) ? 1 : 0;
  // Set when the incident is resolved (or, canceled, closed) from opened_at, as the resolve rule does.
  const stoppedAt = life.resolvedAt ?? life.closedAt;
  const sys = systemValues(ctx, 'incident', slot, rng);
  return {
    number: `INC${pad7(10_001 + k)}`,
    short_description: summary,
    description,
    caller_id: ref(ctx, 'customer_contact', caller),
    company: ref(ctx, 'customer_account', account),
    category,
    subcategory,
    contact_type: contactType,
    state: life.state,
    incident_state: life.state,
    impact,
    urgency,
    priority,
    active: flag(life.state !== '7' && life.state !== '8'),
    assignment_group: group,
    assigned_to: assignee,
    opened_at: glideDateTime(opened),
    opened_by: openedBy,
    hold_reason: holdReason,
    resolved_at: resolved ? glideDateTime(life.resolvedAt as number) : '',
    resolved_by: resolved ? worker : '',
    close_code: closeCode,
    close_notes: closeNotes,
    closed_at: life.closedAt !== undefined ? glideDateTime(life.closedAt) : '',
    closed_by: life.closedAt !== undefined ? worker : '',
    business_duration: stoppedAt !== undefined ? glideDuration(businessSeconds(opened, stoppedAt)) : '',
    calendar_duration: stoppedAt !== undefined ? glideDuration(stoppedAt - opened) : '',
    made_sla: madeSla(priority, opened, life.resolvedAt, life.state === '8', max(slot.created, period.end)),
    reassignment_count: String(reassignments),
    reopen_count: String(reopened),
    time_worked: '',
    sys_class_name: sys.sys_class_name,
    sys_created_by: sys.sys_created_by,
    sys_created_on: sys.sys_created_on,
    sys_id: sys.sys_id,
    sys_mod_count: sys.sys_mod_count,
    sys_tags: sys.sys_tags,
    sys_updated_by: sys.sys_updated_by,
    sys_updated_on: sys.sys_updated_on,
  };
}

const CASE_CHANNEL_VALUES = ['phone', 'email', 'web', 'chat'] as const;

function generateCase(ctx: GenerationContext, slot: RecordSlot): DbRecord {
  const k = slot.ordinal;
  const rng = recordRng(ctx, 'sn_customerservice_case', k);
  const generated = k < ctx.generatedCount('sn_customerservice_case');
  const life = caseLifecycle(ctx.seed, k, slot.created, generated, ctx.period);
  const contacts = ctx.generatedCount('customer_contact');
  const contact = contacts > 0 ? rng.int(contacts) : undefined;
  const account =
    contact !== undefined
      ? contactAccountIndex(ctx, contact)
      : ctx.generatedCount('customer_account') > 0
        ? rng.int(ctx.generatedCount('customer_account'))
        : undefined;
  const summary = rng.pick(CASE_SUMMARIES);
  const description = rng.chance(0.6) ? `${summary}. ${rng.pick(DETAILS)}` : '';
  const channel = rng.pick(CASE_CHANNEL_VALUES);
  const priority = String(rng.between(1, 4));
  const group = randomRef(ctx, 'sys_user_group', rng);
  const assignee = life.state === '1' && rng.chance(0.5) ? '' : randomRef(ctx, 'sys_user', rng);
  const sys = systemValues(ctx, 'sn_customerservice_case', slot, rng);
  return {
    number: `CS${pad7(1001 + k)}`,
    short_description: summary,
    description,
    account: ref(ctx, 'customer_account', account),
    contact: ref(ctx, 'customer_contact', contact),
    contact_type: channel,
    state: life.state,
    priority,
    active: flag(life.state !== '3' && life.state !== '7'),
    assignment_group: group,
    assigned_to: assignee,
    opened_at: glideDateTime(slot.created),
    resolved_at: life.resolvedAt !== undefined ? glideDateTime(life.resolvedAt) : '',
    closed_at: life.closedAt !== undefined ? glideDateTime(life.closedAt) : '',
    made_sla: madeSla(
      priority,
      slot.created,
      life.resolvedAt,
      life.state === '7',
      max(slot.created, ctx.period.end),
    ),
    sys_class_name: sys.sys_class_name,
    sys_created_by: sys.sys_created_by,
    sys_created_on: sys.sys_created_on,
    sys_id: sys.sys_id,
    sys_mod_count: sys.sys_mod_count,
    sys_tags: sys.sys_tags,
    sys_updated_by: sys.sys_updated_by,
    sys_updated_on: sys.sys_updated_on,
  };
}

function generateTimeWorked(ctx: GenerationContext, slot: RecordSlot): DbRecord {
  const e = slot.ordinal;
  const rng = recordRng(ctx, 'task_time_worked', e);
  const incidents = ctx.generatedCount('incident');
  const entries = max(ctx.generatedCount('task_time_worked'), e + 1);
  // Time is logged against incidents opened around the same time: one just before the proportional position.
  const task =
    incidents > 0
      ? min(incidents - 1, max(0, floor((e / entries) * incidents) - rng.int(min(incidents, 40))))
      : undefined;
  const assignee = task === undefined ? undefined : incidentAssigneeIndex(ctx, task);
  const user =
    assignee !== undefined && rng.chance(0.8)
      ? ref(ctx, 'sys_user', assignee)
      : randomRef(ctx, 'sys_user', rng);
  const minutes = 15 * rng.between(1, 16);
  const comments = rng.chance(0.85) ? rng.pick(TIME_COMMENTS) : '';
  const sys = systemValues(ctx, 'task_time_worked', slot, rng);
  return {
    task: ref(ctx, 'incident', task),
    user,
    time_worked: glideDuration(minutes * 60),
    comments,
    sys_class_name: sys.sys_class_name,
    sys_created_by: sys.sys_created_by,
    sys_created_on: sys.sys_created_on,
    sys_id: sys.sys_id,
    sys_mod_count: sys.sys_mod_count,
    sys_tags: sys.sys_tags,
    sys_updated_by: sys.sys_updated_by,
    sys_updated_on: sys.sys_updated_on,
  };
}

const GENERATORS: Record<ServiceNowTableName, (ctx: GenerationContext, slot: RecordSlot) => DbRecord> = {
  customer_account: generateAccount,
  customer_contact: generateContact,
  incident: generateIncident,
  task_time_worked: generateTimeWorked,
  sn_customerservice_case: generateCase,
  sys_user_group: generateGroup,
  sys_user: generateUser,
};

/** The generated (never revised) version of one record. */
export function generateRecord(
  ctx: GenerationContext,
  table: ServiceNowTableName,
  slot: RecordSlot,
): DbRecord {
  return GENERATORS[table](ctx, slot);
}

// ---------------------------------------------------------------------------------------------------------------
// Revisions

/** `text` with its revision mark replaced: every edit of a task shows in its short description, as in ConnectWise. */
function revised(text: string | undefined, revision: number): string {
  return `${(text ?? '').replace(/ \[rev \d+\]$/, '')} [rev ${revision}]`;
}

/**
 * A new version of a record as a user edit would produce it. Incidents and cases get a revision mark in their
 * short description and move along their state model (resolving sets resolved_at, closing sets closed_at and
 * active=false, reopening clears them; closed ones stay closed); other tables get content edits. `record` is a
 * private copy; the caller sets sys_updated_on and sys_mod_count.
 */
export function reviseRecord(
  ctx: GenerationContext,
  table: ServiceNowTableName,
  record: Record<string, string>,
  rng: Rng,
  now: number,
  revision: number,
): Record<string, string> {
  const at = glideDateTime(now);
  const someone = () => randomRef(ctx, 'sys_user', rng);
  switch (table) {
    case 'incident': {
      const state = record.state as IncidentState;
      const next: IncidentState =
        state === '1'
          ? '2'
          : state === '2'
            ? rng.chance(0.3)
              ? '3'
              : '6'
            : state === '3'
              ? '2'
              : state === '6'
                ? rng.chance(0.8)
                  ? '7'
                  : '2'
                : state;
      record.state = next;
      record.incident_state = next;
      if (next === '2' && record.assigned_to === '') record.assigned_to = someone();
      record.hold_reason = next === '3' ? rng.pick(['1', '3', '4', '5']) : '';
      const opened = parseGlideDateTime(record.opened_at ?? '') ?? now;
      if (next === '6') {
        record.resolved_at = at;
        record.resolved_by = record.assigned_to || someone();
        record.close_code = rng.pick(CLOSE_CODES);
        record.close_notes = rng.pick(CLOSE_NOTES);
        record.business_duration = glideDuration(businessSeconds(opened, max(opened, now)));
        record.calendar_duration = glideDuration(max(0, now - opened));
        record.made_sla = madeSla(record.priority ?? '', opened, now, false, now);
      } else if (next === '7' && state === '6') {
        record.closed_at = at;
        record.closed_by = record.resolved_by || someone();
        record.active = 'false';
      } else if (next === '2' && state === '6') {
        record.resolved_at = '';
        record.resolved_by = '';
        record.close_code = '';
        record.close_notes = '';
        record.business_duration = '';
        record.calendar_duration = '';
        record.reopen_count = String(Number(record.reopen_count || '0') + 1);
      }
      record.short_description = revised(record.short_description, revision);
      break;
    }
    case 'sn_customerservice_case': {
      const state = record.state as CaseState;
      const next: CaseState =
        state === '1'
          ? '10'
          : state === '10'
            ? rng.chance(0.3)
              ? '18'
              : '6'
            : state === '18'
              ? '10'
              : state === '6'
                ? '3'
                : state;
      record.state = next;
      if (next === '10' && record.assigned_to === '') record.assigned_to = someone();
      if (next === '6') {
        record.resolved_at = at;
        const opened = parseGlideDateTime(record.opened_at ?? '') ?? now;
        record.made_sla = madeSla(record.priority ?? '', opened, now, false, now);
      }
      if (next === '3' && state === '6') {
        record.closed_at = at;
        record.active = 'false';
      }
      record.short_description = revised(record.short_description, revision);
      break;
    }
    case 'customer_account':
      record.phone = phoneNumber(rng);
      record.notes = `Account details updated (rev ${revision}).`;
      break;
    case 'customer_contact':
    case 'sys_user':
      record.title = `${rng.pick(table === 'sys_user' ? AGENT_TITLES : TITLES)} (rev ${revision})`;
      record.phone = phoneNumber(rng);
      break;
    case 'sys_user_group':
      record.description = `${record.name} team (rev ${revision})`;
      break;
    case 'task_time_worked': {
      const worked = parseGlideDateTime(record.time_worked ?? '') ?? 0;
      record.time_worked = glideDuration(worked + 900);
      record.comments = revised(rng.pick(TIME_COMMENTS), revision);
      break;
    }
  }
  record.sys_updated_by = updater(ctx, rng);
  return record;
}
