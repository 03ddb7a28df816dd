import { MalformedResponseError } from '../../shared/errors';

/**
 * Forward-only (keyset) paging as a tiny state machine, separate from HTTP (reference §1.5):
 * the next page starts after the last id of this one; a page shorter than the page size is the last, and so
 * is a page that reaches the range's last possible id (no request is spent on the empty page after it).
 */
export interface KeysetCursor {
  afterId: number;
  done: boolean;
}

export function startCursor(afterId: number): KeysetCursor {
  return { afterId, done: false };
}

export function advanceCursor(
  cursor: KeysetCursor,
  pageIds: readonly number[],
  pageSize: number,
  /** Names the tenant, table and chunk in the error, e.g. `tenant acme, table tickets, chunk c3`. */
  where?: string,
  /** The greatest id the query can return (its id range's upper bound), when it has one. */
  lastPossibleId: number = Number.POSITIVE_INFINITY,
): KeysetCursor {
  if (pageIds.length === 0) return { afterId: cursor.afterId, done: true };
  const lastId = pageIds[pageIds.length - 1] as number;
  if (lastId <= cursor.afterId) {
    // A server that does not honour pageId would loop forever; refuse instead of re-reading the same page.
    throw new MalformedResponseError(
      `${where ? `${where}: ` : ''}forward-only paging did not advance: page ended at id ${lastId} after id ${cursor.afterId} (the server ignores pageId; its Link header loops)`,
    );
  }
  return { afterId: lastId, done: pageIds.length < pageSize || lastId >= lastPossibleId };
}
