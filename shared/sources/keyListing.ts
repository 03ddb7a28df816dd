/**
 * An id reconcile's raw parts hold the keys a source listed (DESIGN §11), one row per key with this payload and
 * no change time; its cursor carries the count taken when the listing began. The fetcher writes them, the
 * transform compares them with the history.
 */
export const LISTED_KEY_PAYLOAD = new TextEncoder().encode('{"listed":true}');

const RECONCILE_CURSOR = 'reconcile:';

/** Where a listing stands: the count and start it began with, and the source's cursor after the last page. */
export interface KeyListingPosition {
  expected: number;
  startedAt: string;
  after: string | null;
}

export const isKeyListingCursor = (cursor: string | null): boolean =>
  cursor?.startsWith(RECONCILE_CURSOR) === true;

export const keyListingCursor = (position: KeyListingPosition): string =>
  `${RECONCILE_CURSOR}${JSON.stringify(position)}`;

export const keyListingPosition = (cursor: string): KeyListingPosition =>
  JSON.parse(cursor.slice(RECONCILE_CURSOR.length)) as KeyListingPosition;
