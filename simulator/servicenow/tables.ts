/**
 * The simulated ServiceNow tables and their columns (reference §A.6–A.7): every value is a string; the kind of a
 * column decides how the encoded query compares it, how it sorts and what its display value is.
 */

export const SERVICENOW_TABLES = [
  'customer_account',
  'customer_contact',
  'incident',
  'task_time_worked',
  'sn_customerservice_case',
  'sys_user_group',
  'sys_user',
] as const;

export type ServiceNowTableName = (typeof SERVICENOW_TABLES)[number];

/** The deletion audit ("Deleted Records", reference §A.11): served like a table, written only by deletes. */
export const AUDIT_DELETE_TABLE = 'sys_audit_delete';

/** Every table the Table API serves. */
export type ServedTableName = ServiceNowTableName | typeof AUDIT_DELETE_TABLE;

export type FieldKind = 'string' | 'integer' | 'boolean' | 'datetime' | 'duration' | 'reference' | 'choice';

export interface FieldSpec {
  readonly kind: FieldKind;
  /** reference: the table holding the referenced sys_id (the record's own table, not the dictionary's base table). */
  readonly table?: ServiceNowTableName;
  /** choice: stored value → display label. */
  readonly choices?: Readonly<Record<string, string>>;
  /** Compared and sorted as numbers (integers and numeric choices). */
  readonly numeric?: boolean;
}

export interface TableSchema {
  readonly name: ServedTableName;
  /** Columns in the order records list them. */
  readonly fieldNames: readonly string[];
  readonly fields: ReadonlyMap<string, FieldSpec>;
  /** The column whose value is the display value of a reference to this table. */
  readonly displayField: string;
}

const text: FieldSpec = { kind: 'string' };
const integer: FieldSpec = { kind: 'integer', numeric: true };
const boolean: FieldSpec = { kind: 'boolean' };
const datetime: FieldSpec = { kind: 'datetime' };
const duration: FieldSpec = { kind: 'duration' };
const reference = (table: ServiceNowTableName): FieldSpec => ({ kind: 'reference', table });
const choice = (choices: Record<string, string>, numeric = false): FieldSpec => ({
  kind: 'choice',
  choices,
  numeric,
});

export const INCIDENT_STATES = {
  '1': 'New',
  '2': 'In Progress',
  '3': 'On Hold',
  '6': 'Resolved',
  '7': 'Closed',
  '8': 'Canceled',
} as const;
export type IncidentState = keyof typeof INCIDENT_STATES;

export const CASE_STATES = {
  '1': 'New',
  '10': 'Open',
  '18': 'Awaiting Info',
  '6': 'Resolved',
  '3': 'Closed',
  '7': 'Cancelled',
} as const;
export type CaseState = keyof typeof CASE_STATES;

const PRIORITIES = {
  '1': '1 - Critical',
  '2': '2 - High',
  '3': '3 - Moderate',
  '4': '4 - Low',
  '5': '5 - Planning',
};
const CASE_PRIORITIES = { '1': '1 - Critical', '2': '2 - High', '3': '3 - Moderate', '4': '4 - Low' };
const LEVELS = { '1': '1 - High', '2': '2 - Medium', '3': '3 - Low' };
const HOLD_REASONS = {
  '1': 'Awaiting Caller',
  '3': 'Awaiting Problem',
  '4': 'Awaiting Vendor',
  '5': 'Awaiting Change',
};
export const INCIDENT_CATEGORIES = {
  inquiry: 'Inquiry / Help',
  software: 'Software',
  hardware: 'Hardware',
  network: 'Network',
  database: 'Database',
} as const;
export const CONTACT_TYPES = {
  phone: 'Phone',
  email: 'Email',
  'self-service': 'Self-service',
  'walk-in': 'Walk-in',
} as const;
const CASE_CHANNELS = { phone: 'Phone', email: 'Email', web: 'Web', chat: 'Chat' };
export const CLOSE_CODES = [
  'Solved (Permanently)',
  'Solved (Work Around)',
  'Solved Remotely (Permanently)',
  'Not Solved (Not Reproducible)',
  'Closed/Resolved by Caller',
] as const;
const CLOSE_CODE_CHOICES = Object.fromEntries(CLOSE_CODES.map((code) => [code, code]));

/**
 * Hours to resolve a task of each priority in, as an SLA definition would set them (calendar hours: the
 * simulator's SLAs run around the clock). `made_sla` is false when the resolution took, or the open task has
 * taken, longer.
 */
export const RESOLVE_TARGET_HOURS: Readonly<Record<string, number>> = {
  '1': 8,
  '2': 24,
  '3': 72,
  '4': 240,
  '5': 480,
};

/** Columns every simulated table ends with. */
const SYSTEM_FIELDS: [string, FieldSpec][] = [
  ['sys_class_name', text],
  ['sys_created_by', text],
  ['sys_created_on', datetime],
  ['sys_id', text],
  ['sys_mod_count', integer],
  ['sys_tags', text],
  ['sys_updated_by', text],
  ['sys_updated_on', datetime],
];

const COLUMNS: Record<ServiceNowTableName, [string, FieldSpec][]> = {
  customer_account: [
    ['number', text],
    ['name', text],
    ['customer', boolean],
    ['partner', boolean],
    ['vendor', boolean],
    ['street', text],
    ['city', text],
    ['state', text],
    ['zip', text],
    ['country', text],
    ['phone', text],
    ['website', text],
    ['notes', text],
    ['account_parent', reference('customer_account')],
    ['primary_contact', reference('customer_contact')],
  ],
  customer_contact: [
    ['user_name', text],
    ['first_name', text],
    ['last_name', text],
    ['name', text],
    ['email', text],
    ['phone', text],
    ['mobile_phone', text],
    ['title', text],
    ['account', reference('customer_account')],
    ['company', reference('customer_account')],
    ['active', boolean],
    ['locked_out', boolean],
    ['vip', boolean],
    ['time_zone', text],
  ],
  incident: [
    ['number', text],
    ['short_description', text],
    ['description', text],
    ['caller_id', reference('customer_contact')],
    ['company', reference('customer_account')],
    ['category', choice(INCIDENT_CATEGORIES)],
    ['subcategory', text],
    ['contact_type', choice(CONTACT_TYPES)],
    ['state', choice(INCIDENT_STATES, true)],
    ['incident_state', choice(INCIDENT_STATES, true)],
    ['impact', choice(LEVELS, true)],
    ['urgency', choice(LEVELS, true)],
    ['priority', choice(PRIORITIES, true)],
    ['active', boolean],
    ['assignment_group', reference('sys_user_group')],
    ['assigned_to', reference('sys_user')],
    ['opened_at', datetime],
    ['opened_by', reference('sys_user')],
    ['hold_reason', choice(HOLD_REASONS, true)],
    ['resolved_at', datetime],
    ['resolved_by', reference('sys_user')],
    ['close_code', choice(CLOSE_CODE_CHOICES)],
    ['close_notes', text],
    ['closed_at', datetime],
    ['closed_by', reference('sys_user')],
    ['business_duration', duration],
    ['calendar_duration', duration],
    ['made_sla', boolean],
    ['reassignment_count', integer],
    ['reopen_count', integer],
    ['time_worked', duration],
  ],
  task_time_worked: [
    ['task', reference('incident')],
    ['user', reference('sys_user')],
    ['time_worked', duration],
    ['comments', text],
  ],
  sn_customerservice_case: [
    ['number', text],
    ['short_description', text],
    ['description', text],
    ['account', reference('customer_account')],
    ['contact', reference('customer_contact')],
    ['contact_type', choice(CASE_CHANNELS)],
    ['state', choice(CASE_STATES, true)],
    ['priority', choice(CASE_PRIORITIES, true)],
    ['active', boolean],
    ['assignment_group', reference('sys_user_group')],
    ['assigned_to', reference('sys_user')],
    ['opened_at', datetime],
    ['resolved_at', datetime],
    ['closed_at', datetime],
    ['made_sla', boolean],
  ],
  sys_user_group: [
    ['name', text],
    ['description', text],
    ['email', text],
    ['active', boolean],
    ['manager', reference('sys_user')],
  ],
  sys_user: [
    ['user_name', text],
    ['first_name', text],
    ['last_name', text],
    ['name', text],
    ['email', text],
    ['title', text],
    ['phone', text],
    ['active', boolean],
    ['locked_out', boolean],
    ['manager', reference('sys_user')],
    ['time_zone', text],
  ],
};

const DISPLAY_FIELDS: Record<ServiceNowTableName, string> = {
  customer_account: 'name',
  customer_contact: 'name',
  incident: 'number',
  task_time_worked: 'sys_id',
  sn_customerservice_case: 'number',
  sys_user_group: 'name',
  sys_user: 'name',
};

function schemaOf(name: ServiceNowTableName): TableSchema {
  const columns = [...COLUMNS[name], ...SYSTEM_FIELDS];
  return {
    name,
    fieldNames: columns.map(([field]) => field),
    fields: new Map(columns),
    displayField: DISPLAY_FIELDS[name],
  };
}

export const SCHEMAS: Readonly<Record<ServiceNowTableName, TableSchema>> = Object.fromEntries(
  SERVICENOW_TABLES.map((name) => [name, schemaOf(name)]),
) as Record<ServiceNowTableName, TableSchema>;

/**
 * sys_audit_delete's columns: what deleted which record when, with the record's display value and a payload of it
 * (reference §A.11). Not an extensible table, so no sys_class_name.
 */
export const AUDIT_DELETE_SCHEMA: TableSchema = (() => {
  const columns: [string, FieldSpec][] = [
    ['tablename', text],
    ['documentkey', text],
    ['display_value', text],
    ['payload', text],
    ...SYSTEM_FIELDS.filter(([field]) => field !== 'sys_class_name'),
  ];
  return {
    name: AUDIT_DELETE_TABLE,
    fieldNames: columns.map(([field]) => field),
    fields: new Map(columns),
    displayField: 'display_value',
  };
})();

export function isServiceNowTable(name: string): name is ServiceNowTableName {
  return (SERVICENOW_TABLES as readonly string[]).includes(name);
}

/** A generated table or sys_audit_delete. */
export function isServedTable(name: string): name is ServedTableName {
  return name === AUDIT_DELETE_TABLE || isServiceNowTable(name);
}
