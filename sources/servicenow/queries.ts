import type { SyncWindow } from '../../shared/events/schemas';

/**
 * Encoded queries (reference §A.4): conditions joined by `^`, `ORDERBY`/`ORDERBYDESC` last.
 *
 * Date-times are plain UTC literals `YYYY-MM-DD HH:MM:SS`: in a web-service query ServiceNow reads a plain
 * literal as UTC, whereas `javascript:gs.dateGenerate(…)` is read in the API user's time zone — the
 * wrong window for any user not set to UTC (reference §A.4, ServiceNow staff in SN2).
 */
export function dateTimeLiteral(iso: string): string {
  // `sys_updated_on` has whole seconds, so dropping the milliseconds of a bound changes neither `>` nor `<=`.
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
}

/** The window of DESIGN §5 on the change cursor: `sys_updated_on > from` (absent on a first full sync) and `<= to`. */
export function windowQuery(window: SyncWindow): string {
  const upper = `sys_updated_on<=${dateTimeLiteral(window.to)}`;
  return window.from === null ? upper : `sys_updated_on>${dateTimeLiteral(window.from)}^${upper}`;
}

/** A delete sweep's window on the audit rows' creation: `sys_created_on > from` (absent: all) and `<= to`. */
export function auditWindowQuery(window: SyncWindow): string {
  const upper = `sys_created_on<=${dateTimeLiteral(window.to)}`;
  return window.from === null ? upper : `sys_created_on>${dateTimeLiteral(window.from)}^${upper}`;
}

/** A chunk's sys_id range, inclusive at both ends, continuing after `after` (the previous page's last key). */
/** A chunk's sys_id range (null: the whole window) and the keyset cursor, as encoded-query conditions. */
export function sysIdRangeQuery(range: { from: string; to: string } | null, after: string | null): string {
  for (const key of [range?.from ?? '', range?.to ?? '', after ?? ''])
    // `^` separates conditions and cannot be escaped: a key holding one would change the query.
    if (key.includes('^')) throw new Error(`a sys_id bound cannot contain ^: ${JSON.stringify(key)}`);
  const conditions = [
    ...(range ? [`sys_id>=${range.from}`, `sys_id<=${range.to}`] : []),
    ...(after === null ? [] : [`sys_id>${after}`]),
  ];
  return conditions.join('^');
}

/** Joins conditions with `^` (AND), leaving out empty ones (a whole-window chunk has no range condition). */
export function and(...conditions: string[]): string {
  return conditions.filter((condition) => condition !== '').join('^');
}

export const ORDER_BY_SYS_ID = 'ORDERBYsys_id';
export const ORDER_BY_SYS_ID_DESC = 'ORDERBYDESCsys_id';
