/**
 * The Table API's `Link` header (reference §A.5): `<URL>;rel="first",<URL>;rel="prev",<URL>;rel="next",<URL>;rel="last"`
 * without spaces, every original parameter kept and `sysparm_offset` / `sysparm_limit` last; prev and next are
 * omitted when they do not apply, and the whole header when there is only one page.
 */

function isPagingParameter(segment: string): boolean {
  const raw = segment.split('=')[0] ?? '';
  let name = raw;
  try {
    name = decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    // Kept as written.
  }
  return name === 'sysparm_offset' || name === 'sysparm_limit';
}

export interface LinkPage {
  offset: number;
  limit: number;
  /** All matches; unknown with `sysparm_no_count=true`, and then there is no `last` [U]. */
  total: number | undefined;
  /** Whether matches exist after this page. */
  more: boolean;
}

export function tableLinkHeader(resourceUrl: string, rawQuery: string, page: LinkPage): string | undefined {
  const { offset, limit, total, more } = page;
  if (offset <= 0 && !more) return undefined;
  const kept = rawQuery.split('&').filter((segment) => segment !== '' && !isPagingParameter(segment));
  const url = (at: number) =>
    `${resourceUrl}?${[...kept, `sysparm_offset=${at}`, `sysparm_limit=${limit}`].join('&')}`;
  const links = [`<${url(0)}>;rel="first"`];
  if (offset > 0) links.push(`<${url(Math.max(0, offset - limit))}>;rel="prev"`);
  if (more) links.push(`<${url(offset + limit)}>;rel="next"`);
  if (total !== undefined)
    links.push(`<${url(total > 0 ? Math.floor((total - 1) / limit) * limit : 0)}>;rel="last"`);
  return links.join(',');
}
