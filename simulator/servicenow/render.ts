/**
 * Stored records as the Table API returns them (reference §A.6): `sysparm_fields`, `sysparm_display_value` and
 * `sysparm_exclude_reference_link` decide the shape of each value.
 */
import type { DbRecord } from './data';
import { durationDisplay } from './dates';
import type { FieldSpec, ServiceNowTableName, TableSchema } from './tables';

/** A record as the API returns it. */
export type ServiceNowRecord = Record<string, unknown>;

export type DisplayValueMode = 'false' | 'true' | 'all';

export interface RenderOptions {
  /** Validated `sysparm_fields`, or undefined for every column. */
  fields: readonly string[] | undefined;
  displayValue: DisplayValueMode;
  excludeReferenceLink: boolean;
  /** Base of reference links: the instance URL (here the simulator's origin). */
  origin: string;
}

/** The display value of a reference (the referenced record's display column). */
export type DisplayLookup = (table: ServiceNowTableName, sysId: string) => string;

/** The display value of a non-reference column: choice labels, durations in words, the rest as stored. */
export function displayOf(spec: FieldSpec, value: string): string {
  if (value === '') return '';
  if (spec.kind === 'choice') return spec.choices?.[value] ?? value;
  if (spec.kind === 'duration') return durationDisplay(value);
  // Date/times display in the user's time zone; every simulated user is in UTC.
  return value;
}

function renderReference(
  spec: FieldSpec,
  value: string,
  options: RenderOptions,
  display: DisplayLookup,
): unknown {
  const table = spec.table as ServiceNowTableName;
  const mode = options.displayValue;
  if (value === '') return mode === 'all' ? { display_value: '', value: '' } : '';
  if (mode === 'false') {
    return options.excludeReferenceLink
      ? value
      : { link: `${options.origin}/api/now/table/${table}/${value}`, value };
  }
  const shown = display(table, value);
  if (mode === 'true') {
    return options.excludeReferenceLink
      ? shown
      : { display_value: shown, link: `${options.origin}/api/now/table/${table}/${value}` };
  }
  return options.excludeReferenceLink
    ? { display_value: shown, value }
    : { display_value: shown, link: `${options.origin}/api/now/table/${table}/${value}`, value };
}

export function renderRecord(
  schema: TableSchema,
  record: DbRecord,
  options: RenderOptions,
  display: DisplayLookup,
): ServiceNowRecord {
  const out: ServiceNowRecord = {};
  for (const field of options.fields ?? schema.fieldNames) {
    const spec = schema.fields.get(field) as FieldSpec;
    const value = record[field] ?? '';
    if (spec.kind === 'reference') out[field] = renderReference(spec, value, options, display);
    else if (options.displayValue === 'false') out[field] = value;
    else if (options.displayValue === 'true') out[field] = displayOf(spec, value);
    else out[field] = { display_value: displayOf(spec, value), value };
  }
  return out;
}

/**
 * `sysparm_fields` against a table: unknown and dot-walked names are ignored (reference §A.3), duplicates dropped.
 * When no name is valid the parameter is ignored altogether, and every column is returned.
 */
export function parseFields(text: string | null, schema: TableSchema): string[] | undefined {
  if (text === null || text.trim() === '') return undefined;
  const fields = [
    ...new Set(
      text
        .split(',')
        .map((name) => name.trim())
        .filter((name) => schema.fields.has(name)),
    ),
  ];
  return fields.length > 0 ? fields : undefined;
}
