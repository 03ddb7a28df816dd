/** Where each record lives in the dashboard, and how rows refer to one another (`{source}:{key}` ids). */
import { ENTITIES } from '../../../api/entities';
import type { EntityName, EntityRow } from '../api/types';

/** `/tickets/connectwise:250`: the colon is allowed in a path segment and reads better than %3A. */
export function recordPath(entity: EntityName, id: string): string {
  return `/${ENTITIES[entity].path}/${encodeURIComponent(id).replace(/%3A/gi, ':')}`;
}

export function listPath(entity: EntityName, filters: Record<string, string> = {}): string {
  const query = new URLSearchParams(filters).toString();
  return `/${ENTITIES[entity].path}${query ? `?${query}` : ''}`;
}

/** The API id of the record a row refers to (`company_id` → `connectwise:250`), if the row has one. */
export function referenceId(row: EntityRow, keyColumn: string): string | undefined {
  const source = row.source;
  const key = row[keyColumn];
  if (typeof source !== 'string' || key === null || key === undefined || key === '') return undefined;
  return `${source}:${String(key)}`;
}

/** A record's name for headings and links. */
export function recordTitle(entity: EntityName, row: EntityRow): string {
  const text = (name: string) =>
    typeof row[name] === 'string' && row[name] ? (row[name] as string) : undefined;
  switch (entity) {
    case 'companies':
      return text('name') ?? row.id;
    case 'contacts':
      return [text('first_name'), text('last_name')].filter(Boolean).join(' ') || text('email') || row.id;
    case 'tickets':
      return `#${String(row.ticket_id ?? row.id)} ${text('summary') ?? ''}`.trim();
    case 'time_entries':
      return `${text('member') ?? 'Time entry'}, ${String(row.actual_hours ?? '?')} h`;
  }
}
