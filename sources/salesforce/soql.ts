import type { KeyRange, SyncWindow } from '../../shared/events/schemas';

/**
 * The SOQL of a sync (reference §B.2). Every condition is on `SystemModstamp`, the change cursor that system
 * changes move too (not LastModifiedDate), indexed in every org. Datetime literals are unquoted ISO instants
 * with milliseconds (`2024-01-01T00:00:00.000Z`), the form Airbyte sends in production.
 */
const literal = (iso: string) => new Date(iso).toISOString();

/** `SystemModstamp >= from − overlap AND SystemModstamp <= job start`; the planner has already taken the overlap off. */
export function windowCondition(window: SyncWindow): string {
  const upper = `SystemModstamp <= ${literal(window.to)}`;
  return window.from === null ? upper : `SystemModstamp >= ${literal(window.from)} AND ${upper}`;
}

/** A chunk's inclusive SystemModstamp range; empty for the whole window. */
export function rangeCondition(range: KeyRange, where: string): string {
  if (range.kind === 'all') return '';
  if (range.kind !== 'time')
    throw new Error(`${where}: Salesforce chunks are SystemModstamp ranges, got a ${range.kind} range`);
  return `SystemModstamp >= ${literal(range.from)} AND SystemModstamp <= ${literal(range.to)}`;
}

/** The last record written: a restarted query continues strictly after it in (SystemModstamp, Id) order. */
export interface Position {
  stamp: string;
  id: string;
}

const SALESFORCE_ID = /^[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3})?$/;

/**
 * Tie-safe keyset continuation (§B.2, as a production CRM sync does it): records sharing the last stamp come
 * after the last Id; so no record that shares a stamp across a page boundary is skipped or read twice.
 */
export function afterCondition(after: Position): string {
  // The Id is interpolated into SOQL: only a well-formed Salesforce Id may be.
  if (!SALESFORCE_ID.test(after.id)) throw new Error(`not a Salesforce Id: ${JSON.stringify(after.id)}`);
  const stamp = literal(after.stamp);
  return `(SystemModstamp > ${stamp} OR (SystemModstamp = ${stamp} AND Id > '${after.id}'))`;
}

export const ORDER_BY_CURSOR = 'ORDER BY SystemModstamp ASC, Id ASC';

/** The live records after a key (an id reconcile's keyset page): `IsDeleted = false AND Id > 'after'`. */
export function liveKeysAfter(after: string | null): string {
  if (after !== null && !SALESFORCE_ID.test(after))
    throw new Error(`not a Salesforce Id: ${JSON.stringify(after)}`);
  return after === null ? 'IsDeleted = false' : `IsDeleted = false AND Id > '${after}'`;
}

export function and(...conditions: string[]): string {
  return conditions.filter((condition) => condition !== '').join(' AND ');
}

/** `SELECT … FROM Object WHERE … ORDER BY …` (the object and fields are validated by the settings schema). */
export function selectQuery(fields: readonly string[], object: string, where: string, tail = ''): string {
  return `SELECT ${fields.join(', ')} FROM ${object}${where === '' ? '' : ` WHERE ${where}`}${tail === '' ? '' : ` ${tail}`}`;
}
