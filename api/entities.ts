/**
 * The API's entities: one definition per resource, read by the routes (paths, parameters, OpenAPI), the query
 * builder (columns, search, filters, sort) and the response schemas. The columns themselves come from the
 * canonical model (mappings/canonical.ts), so a canonical field added there is served here without a change.
 */
import {
  CANONICAL_TABLES,
  IDENTITY_COLUMNS,
  type CanonicalColumn,
  type CanonicalTableName,
} from '../mappings/canonical';

export type FilterKind = 'text' | 'boolean' | 'from' | 'to';

export interface EntityFilter {
  /** The query parameter (`?status=Open`). */
  param: string;
  column: string;
  kind: FilterKind;
  description: string;
}

export interface EntityDefinition {
  /** The URL segment: /api/{path}. */
  path: string;
  table: CanonicalTableName;
  /** The canonical column holding the source's key of the record. */
  idColumn: string;
  /** Columns `?search=` matches (case-insensitive substring). */
  searchColumns: string[];
  filters: EntityFilter[];
  defaultSort: { column: string; order: 'asc' | 'desc' };
}

const text = (param: string, description: string, column = param): EntityFilter => ({
  param,
  column,
  kind: 'text',
  description,
});
const source = text('source', 'only records of this source (connectwise, servicenow, …)');
const companyId = text('company_id', "the company's id at the source (use with source)");
const range = (prefix: string, column: string, what: string): EntityFilter[] => [
  { param: `${prefix}_from`, column, kind: 'from', description: `${what} on or after this date or time` },
  { param: `${prefix}_to`, column, kind: 'to', description: `${what} before this date or time` },
];

export const ENTITIES = {
  companies: {
    path: 'companies',
    table: 'companies',
    idColumn: 'company_id',
    searchColumns: ['name', 'identifier', 'city'],
    filters: [source, text('status', 'company status'), text('state', 'state or region')],
    defaultSort: { column: 'name', order: 'asc' },
  },
  contacts: {
    path: 'contacts',
    table: 'contacts',
    idColumn: 'contact_id',
    searchColumns: ['first_name', 'last_name', 'email', 'company_name'],
    filters: [
      source,
      companyId,
      {
        param: 'inactive',
        column: 'inactive',
        kind: 'boolean',
        description: 'true: inactive contacts; false: active',
      },
    ],
    defaultSort: { column: 'last_name', order: 'asc' },
  },
  tickets: {
    path: 'tickets',
    table: 'tickets',
    idColumn: 'ticket_id',
    searchColumns: ['summary', 'ticket_id', 'company_name', 'owner'],
    filters: [
      source,
      companyId,
      text('contact_id', "the contact's id at the source"),
      text('status', 'ticket status'),
      text('priority', 'priority'),
      text('board', 'board or assignment group'),
      text('owner', 'assigned technician'),
      {
        param: 'closed',
        column: 'closed',
        kind: 'boolean',
        description: 'true: closed tickets; false: open',
      },
      ...range('entered', 'date_entered', 'entered'),
      ...range('closed', 'closed_date', 'closed'),
    ],
    defaultSort: { column: 'date_entered', order: 'desc' },
  },
  time_entries: {
    path: 'time-entries',
    table: 'time_entries',
    idColumn: 'time_entry_id',
    searchColumns: ['notes', 'member', 'company_name'],
    filters: [
      source,
      companyId,
      text('ticket_id', "the ticket's id at the source"),
      text('member', 'technician'),
      text('billable_option', 'Billable, DoNotBill, NoCharge, NoDefault'),
      ...range('start', 'time_start', 'started'),
    ],
    defaultSort: { column: 'time_start', order: 'desc' },
  },
} as const satisfies Record<CanonicalTableName, EntityDefinition>;

export type EntityName = keyof typeof ENTITIES;
export const ENTITY_NAMES = Object.keys(ENTITIES) as EntityName[];

/** The columns of an entity's rows: identity, the canonical columns, and when this version became current. */
export function entityColumns(entity: EntityName): CanonicalColumn[] {
  return [
    ...IDENTITY_COLUMNS,
    ...CANONICAL_TABLES[ENTITIES[entity].table].columns,
    { name: 'valid_from', type: 'timestamp' },
  ];
}

/**
 * The API id of a record: `{source}:{id at the source}` — unique within a tenant even when two sources use the
 * same key (ConnectWise company 250 and a ServiceNow record can both exist for one tenant).
 */
export function apiId(source: string, sourceKey: string): string {
  return `${source}:${sourceKey}`;
}

export function parseApiId(id: string): { source: string; key: string } | undefined {
  const separator = id.indexOf(':');
  if (separator <= 0 || separator === id.length - 1) return undefined;
  return { source: id.slice(0, separator), key: id.slice(separator + 1) };
}
