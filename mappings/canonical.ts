/**
 * The canonical model: one definition per table, the single source of truth for the canonical Parquet
 * schema, the DuckDB views and the validation of every source mapping (mappings/<source>/*.json).
 */
export type CanonicalType = 'string' | 'integer' | 'number' | 'boolean' | 'timestamp' | 'json';

export interface CanonicalColumn {
  name: string;
  type: CanonicalType;
  /** A row without a value here is rejected (quarantined) with a reason. */
  required?: boolean;
}

/**
 * Ids and references are text (DESIGN §10): the source's own key — ConnectWise `1234`, a ServiceNow sys_id,
 * an 18-character Salesforce Id — so every source fits one model and ids never collide across types.
 */
export interface CanonicalTable {
  name: CanonicalTableName;
  /** The columns a mapping fills; identity and history columns are added by the pipeline. */
  columns: CanonicalColumn[];
}

export const CANONICAL_TABLE_NAMES = ['companies', 'contacts', 'tickets', 'time_entries'] as const;
export type CanonicalTableName = (typeof CANONICAL_TABLE_NAMES)[number];

/** Every canonical row starts with these: which tenant and source record it comes from. */
export const IDENTITY_COLUMNS: CanonicalColumn[] = [
  { name: 'tenant_id', type: 'string', required: true },
  { name: 'source', type: 'string', required: true },
  { name: 'source_id', type: 'string', required: true },
];

/**
 * SCD Type 2 columns (DESIGN §6): a version is valid from its source update time until the next version's. A
 * record deleted at the source has no current version: its last one is closed at the deletion (`valid_to`) and
 * carries `deleted_at`; a record that comes back (restored from a recycle bin) opens a new version.
 */
export const HISTORY_COLUMNS: CanonicalColumn[] = [
  { name: 'valid_from', type: 'timestamp', required: true },
  { name: 'valid_to', type: 'timestamp' },
  { name: 'is_current', type: 'boolean', required: true },
  { name: 'record_hash', type: 'string', required: true },
  { name: 'deleted_at', type: 'timestamp' },
];

const col = (name: string, type: CanonicalType, required = false): CanonicalColumn => ({
  name,
  type,
  ...(required ? { required } : {}),
});

export const CANONICAL_TABLES: Record<CanonicalTableName, CanonicalTable> = {
  companies: {
    name: 'companies',
    columns: [
      col('company_id', 'string', true),
      col('identifier', 'string'),
      col('name', 'string', true),
      col('status', 'string'),
      col('types', 'json'),
      col('phone_number', 'string'),
      col('website', 'string'),
      col('city', 'string'),
      col('state', 'string'),
      col('zip', 'string'),
      col('country', 'string'),
      col('deleted', 'boolean'),
      col('date_entered', 'timestamp'),
      col('updated_at', 'timestamp', true),
      col('custom_fields', 'json'),
    ],
  },
  contacts: {
    name: 'contacts',
    columns: [
      col('contact_id', 'string', true),
      col('first_name', 'string'),
      col('last_name', 'string'),
      col('company_id', 'string'),
      col('company_name', 'string'),
      col('title', 'string'),
      col('email', 'string'),
      col('phone', 'string'),
      col('inactive', 'boolean'),
      col('updated_at', 'timestamp', true),
      col('custom_fields', 'json'),
    ],
  },
  tickets: {
    name: 'tickets',
    columns: [
      col('ticket_id', 'string', true),
      col('summary', 'string'),
      col('record_type', 'string'),
      col('status', 'string'),
      col('priority', 'string'),
      col('board', 'string'),
      col('type', 'string'),
      col('severity', 'string'),
      col('impact', 'string'),
      col('company_id', 'string'),
      col('company_name', 'string'),
      col('contact_id', 'string'),
      col('contact_name', 'string'),
      col('owner', 'string'),
      col('date_entered', 'timestamp'),
      col('updated_at', 'timestamp', true),
      col('required_date', 'timestamp'),
      col('closed_date', 'timestamp'),
      /**
       * No longer in the backlog: resolved, closed or canceled (ConnectWise `closedFlag`; ServiceNow's Resolved,
       * Closed and Canceled states). `date_resolved` tells a resolution from a cancellation.
       */
      col('closed', 'boolean'),
      col('actual_hours', 'number'),
      col('budget_hours', 'number'),
      col('custom_fields', 'json'),
      // SLA and agreement fields for the KPIs (reference analytics-platform.md §4.2). A source without one maps null.
      /** When the first response was made; null until someone has responded. */
      col('date_responded', 'timestamp'),
      /** When the ticket was resolved (a ticket can be resolved before it is closed); null while unresolved. */
      col('date_resolved', 'timestamp'),
      /** Minutes from entry to first response on the source's SLA clock; null until responded. */
      col('respond_minutes', 'number'),
      /**
       * Minutes from entry to resolution on the source's SLA clock (business time where the source keeps it,
       * ServiceNow `business_duration`), so it can differ from `closed_date - date_entered`; null until resolved
       * (a canceled ServiceNow incident has its time to cancel).
       */
      col('resolve_minutes', 'number'),
      /** Whether the ticket met its SLA: resolved in time, or, still open, within its targets so far. */
      col('is_in_sla', 'boolean'),
      /** The source's own words for the SLA state (ConnectWise `Respond by Mon 07/04 1:00 PM UTC-04`, `Resolved`). */
      col('sla_status', 'string'),
      /** The agreement (contract) the ticket is worked under. */
      col('agreement_id', 'string'),
      col('agreement_name', 'string'),
      /** How often the ticket was reopened, where the source counts it (ServiceNow incident `reopen_count`). */
      col('reopened_count', 'integer'),
    ],
  },
  time_entries: {
    name: 'time_entries',
    columns: [
      col('time_entry_id', 'string', true),
      col('company_id', 'string'),
      col('company_name', 'string'),
      col('charge_to_type', 'string'),
      col('charge_to_id', 'string'),
      col('ticket_id', 'string'),
      col('member', 'string'),
      col('work_type', 'string'),
      col('time_start', 'timestamp', true),
      col('time_end', 'timestamp'),
      col('actual_hours', 'number'),
      col('billed_hours', 'number'),
      col('billable_option', 'string'),
      col('status', 'string'),
      col('notes', 'string'),
      col('date_entered', 'timestamp'),
      col('updated_at', 'timestamp', true),
      col('custom_fields', 'json'),
      // Rates and agreement fields for the KPIs (reference analytics-platform.md §4.2). A source without one maps null.
      /** The rate the time is billed at, per hour, in the tenant's currency. */
      col('hourly_rate', 'number'),
      /** What an hour of the member's time costs the MSP. */
      col('hourly_cost', 'number'),
      /** The amount invoiced for the entry (billed hours × rate); 0 for time that is not billed. */
      col('extended_invoice_amount', 'number'),
      /** The agreement (contract) the time counts against. */
      col('agreement_id', 'string'),
      col('agreement_name', 'string'),
      /** The role the member worked in (Technician, Engineer, …), which sets the rate. */
      col('work_role', 'string'),
    ],
  },
};
