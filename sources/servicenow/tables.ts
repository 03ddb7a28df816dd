import type { CanonicalTableName } from '../../mappings/canonical';
import { compileMapping, type CompiledMapping } from '../../mappings/compile';
import customer_account from '../../mappings/servicenow/customer_account.json';
import customer_contact from '../../mappings/servicenow/customer_contact.json';
import incident from '../../mappings/servicenow/incident.json';
import sn_customerservice_case from '../../mappings/servicenow/sn_customerservice_case.json';
import task_time_worked from '../../mappings/servicenow/task_time_worked.json';
import { ValidationError } from '../../shared/errors';

/**
 * The ServiceNow table each canonical table is read from unless the tenant's `tableMap` names another
 * (DESIGN §10; reference §A.7): the CSM account and contact tables, ITSM incidents, and Time Worked.
 */
export const SERVICENOW_DEFAULT_TABLES: Record<CanonicalTableName, string> = {
  companies: 'customer_account',
  contacts: 'customer_contact',
  tickets: 'incident',
  time_entries: 'task_time_worked',
};

/** A ServiceNow table name: lower-case letters, digits and underscores (`sn_customerservice_case`, `u_ticket`). */
export const SERVICENOW_TABLE_NAME_PATTERN = /^[a-z][a-z0-9_]{0,79}$/;

/**
 * The declarative mappings (mappings/servicenow/<servicenow table>.json), as data, keyed by ServiceNow table:
 * several ServiceNow tables may feed one canonical table (incidents and CSM cases are both tickets).
 */
export const SERVICENOW_MAPPING_DOCUMENTS: Readonly<Record<string, unknown>> = {
  customer_account,
  customer_contact,
  incident,
  sn_customerservice_case,
  task_time_worked,
};

/** The ServiceNow table a canonical table is read from, after the tenant's `tableMap`. */
export function serviceNowTable(
  tableMap: Partial<Record<CanonicalTableName, string>> | undefined,
  table: CanonicalTableName,
): string {
  return tableMap?.[table] ?? SERVICENOW_DEFAULT_TABLES[table];
}

/** Why a ServiceNow table cannot feed a canonical table (no mapping, or a mapping of another table); undefined when it can. */
export function mappingProblem(table: CanonicalTableName, sourceTable: string): string | undefined {
  const document = Object.hasOwn(SERVICENOW_MAPPING_DOCUMENTS, sourceTable)
    ? (SERVICENOW_MAPPING_DOCUMENTS[sourceTable] as { table?: unknown })
    : undefined;
  if (!document)
    return `ServiceNow table ${sourceTable} (for ${table}) has no mapping: add mappings/servicenow/${sourceTable}.json (mapped tables: ${Object.keys(SERVICENOW_MAPPING_DOCUMENTS).join(', ')})`;
  if (document.table !== table)
    return `ServiceNow table ${sourceTable} is mapped onto ${String(document.table)} (mappings/servicenow/${sourceTable}.json), not ${table}`;
  return undefined;
}

let compiled = new Map<string, CompiledMapping>();

/** The compiled mapping of a ServiceNow table onto a canonical table; compiled once, validated on load. */
export function serviceNowMapping(table: CanonicalTableName, sourceTable: string): CompiledMapping {
  const problem = mappingProblem(table, sourceTable);
  if (problem) throw new ValidationError(problem);
  let mapping = compiled.get(sourceTable);
  if (!mapping) {
    mapping = compileMapping(
      SERVICENOW_MAPPING_DOCUMENTS[sourceTable],
      `mappings/servicenow/${sourceTable}.json`,
    );
    compiled.set(sourceTable, mapping);
  }
  return mapping;
}

/** Drops the compiled mappings (tests that edit a mapping document). */
export function resetServiceNowMappings(): void {
  compiled = new Map();
}
