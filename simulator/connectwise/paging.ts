/**
 * Pagination parameters and `Link` headers (reference source-apis.md §1.5).
 */
import { CONNECTWISE_MAX_PAGE_SIZE } from '../../sources/connectwise/endpoints';

/** ConnectWise's default page size (reference §1.4). */
export const DEFAULT_PAGE_SIZE = 25;

/** `pageSize` above 1,000 is silently capped, not rejected (reference §1.5, [S]); below 1 falls back to 25. */
export function effectivePageSize(requested: number | undefined): number {
  if (requested === undefined || requested < 1) return DEFAULT_PAGE_SIZE;
  return Math.min(requested, CONNECTWISE_MAX_PAGE_SIZE);
}

function decodeKey(segment: string): string {
  const raw = segment.split('=')[0] ?? '';
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

/**
 * The request's own query string without the named parameters, every other parameter kept byte for byte (so
 * `conditions`, `orderBy`, `fields` survive in Link URLs; reference §1.5 leaves this [U], we keep them all).
 */
function queryWithout(rawQuery: string, name: string): string[] {
  return rawQuery.split('&').filter((segment) => segment !== '' && decodeKey(segment) !== name.toLowerCase());
}

function urlWith(resourceUrl: string, rawQuery: string, name: string, value: number): string {
  return `${resourceUrl}?${[...queryWithout(rawQuery, name), `${name}=${value}`].join('&')}`;
}

/**
 * Navigable `Link` exactly as the developer guide shows it: `<URL>; rel="next", <URL>; rel="last"`, `page=` as the
 * last parameter (pyconnectwise's regex `page=(\d+)>; rel="(.*?)"` depends on it). `first`/`prev` only after page 1,
 * `next` only when there is a next page; `last` always (the guide does not say what page 1 of 1 sends [U]).
 */
export function navigableLinkHeader(
  resourceUrl: string,
  rawQuery: string,
  page: number,
  lastPage: number,
): string {
  const links: string[] = [];
  const link = (target: number, rel: string) =>
    links.push(`<${urlWith(resourceUrl, rawQuery, 'page', target)}>; rel="${rel}"`);
  if (page > 1) {
    link(1, 'first');
    link(Math.min(page - 1, lastPage), 'prev');
  }
  if (page < lastPage) link(page + 1, 'next');
  link(lastPage, 'last');
  return links.join(', ');
}

/**
 * Forward-only `Link` (reference §1.5): the next URL carries `pageId=<last id of this page>` as its last
 * parameter. The guide says the header is always present; the terminal value is [U]. Our choice: a full page
 * (pageSize records) links to the next page, even if that page will be empty; a short or empty page sends the
 * header with an EMPTY value, which is what the PowerShell client's stop test (`until Link is empty`) expects,
 * while an absent header would mean "endpoint does not support forward-only".
 */
export function forwardOnlyLinkHeader(
  resourceUrl: string,
  rawQuery: string,
  lastId: number | undefined,
  full: boolean,
): string {
  if (!full || lastId === undefined) return '';
  return `<${urlWith(resourceUrl, rawQuery, 'pageId', lastId)}>; rel="next"`;
}
