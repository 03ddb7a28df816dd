import { MalformedResponseError } from '../../shared/errors';

/**
 * Keyset paging inside a chunk's sys_id range, as a tiny state machine separate from HTTP: the next page
 * starts after the last sys_id of this one. A page shorter than the page size is the range's last, and so
 * is one that reaches the range's upper bound (no request is spent on the empty page after it).
 *
 * Inside a fixed window the records' order (sys_id) does not depend on `sys_updated_on`, so records that
 * share one second — common, the stamp has whole seconds — cannot be skipped at a page boundary.
 */
export function nextCursor(
  previous: string | null,
  pageIds: readonly string[],
  pageSize: number,
  /** The chunk's greatest sys_id; null when the chunk is the whole window. */
  rangeEnd: string | null,
  /** Names tenant, source and table in the error. */
  where: string,
): string | null {
  const last = pageIds[pageIds.length - 1];
  if (last === undefined) return null;
  if (previous !== null && last <= previous) {
    // A server that ignores `sys_id>CURSOR` (or the order) would serve this page forever; refuse instead.
    throw new MalformedResponseError(
      `${where}: keyset paging did not advance: the page ended at sys_id ${last}, not after ${previous} (the instance ignores the sys_id condition or the ORDERBY)`,
    );
  }
  return pageIds.length < pageSize || (rangeEnd !== null && last >= rangeEnd) ? null : last;
}
