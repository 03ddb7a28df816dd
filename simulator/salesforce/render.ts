/**
 * Records as the REST query resource writes them (reference §B.1): `attributes` first (`type`, `url`), then the
 * selected fields in SELECT order with their API spelling; datetimes as `2024-05-01T12:00:03.000+0000`;
 * relationship fields nested under the relationship name with the parent's own `attributes`, or `null` when the
 * reference is empty.
 */
import { sfDateTime } from './dates';
import type { FieldValue, ResolvedField } from './evaluate';
import type { FieldSpec, ObjectSchema, SalesforceObjectName } from './objects';
import type { Row } from './store';

/** The API version of URLs in ground-truth records and of nextRecordsUrl when a request names none. */
export const DEFAULT_API_VERSION = '62.0';

/** A record as a query returns it. */
export interface SalesforceRecord {
  attributes: { type: string; url: string };
  [field: string]: unknown;
}

function format(spec: FieldSpec, value: FieldValue): unknown {
  return spec.kind === 'datetime' && typeof value === 'number' ? sfDateTime(value) : value;
}

function attributes(version: string, type: string, id: FieldValue): SalesforceRecord['attributes'] {
  return { type, url: `/services/data/v${version}/sobjects/${type}/${String(id)}` };
}

export function renderRecord(
  schema: ObjectSchema,
  fields: readonly ResolvedField[],
  row: Row,
  version: string,
): SalesforceRecord {
  const record: SalesforceRecord = { attributes: attributes(version, schema.name, row.own('Id')) };
  for (const field of fields) {
    const via = field.via;
    if (!via) {
      record[field.spec.name] = format(field.spec, row.own(field.spec.name));
      continue;
    }
    const relationship = via.relationship as string;
    const target = via.target as SalesforceObjectName;
    if (!(relationship in record)) {
      const parent = row.parent(via.name, target);
      record[relationship] = parent ? { attributes: attributes(version, target, parent.own('Id')) } : null;
    }
    const nested = record[relationship] as Record<string, unknown> | null;
    if (nested)
      nested[field.spec.name] = format(
        field.spec,
        row.parent(via.name, target)?.own(field.spec.name) ?? null,
      );
  }
  return record;
}

/** Every field of the object, as `SELECT <all fields>` returns it. */
export function allFields(schema: ObjectSchema): ResolvedField[] {
  return schema.fields.map((spec) => ({ path: spec.name, spec }));
}
