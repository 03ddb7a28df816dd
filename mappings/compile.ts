import type { CanonicalTableName, CanonicalType } from './canonical';
import { columnsOf, mappingProblems, mappingSchema, type ColumnSpec, type Mapping } from './mappingSchema';

export type CanonicalValue = string | number | boolean | Date | null;
export type CanonicalRow = Record<string, CanonicalValue>;

export type MappingResult = { ok: true; row: CanonicalRow } | { ok: false; reason: string };

export interface CompiledMapping {
  table: CanonicalTableName;
  sourceTable: string;
  /** Maps one source record; never throws: a record that cannot be mapped comes back with the reason. */
  map(record: unknown): MappingResult;
}

class RejectedValue extends Error {}

/**
 * Compiles a declarative mapping into a function (extract → transform → normalize). The mapping is
 * validated against the canonical definition first, so a bad mapping fails at load, not per record.
 * Unknown source fields are never read, so source schema drift cannot break the transform.
 */
export function compileMapping(document: unknown, label = 'mapping'): CompiledMapping {
  const problems = mappingProblems(document, label);
  if (problems.length > 0) throw new Error(`Invalid ${label}:\n  - ${problems.join('\n  - ')}`);
  const mapping: Mapping = mappingSchema.parse(document);
  // Everything that does not depend on the record is settled here, once: the transform maps every record.
  const steps = columnsOf(mapping.table).map((column) => {
    const spec = mapping.columns[column.name]!;
    return { column, spec, extract: extractorFor(spec), normalize: NORMALIZERS[column.type] };
  });
  return {
    table: mapping.table,
    sourceTable: mapping.sourceTable,
    map(record) {
      if (record === null || typeof record !== 'object' || Array.isArray(record)) {
        return { ok: false, reason: 'the record is not a JSON object' };
      }
      const row: CanonicalRow = {};
      for (const { column, spec, extract, normalize } of steps) {
        try {
          const extracted = extract(record as Record<string, unknown>);
          const value = extracted === null || extracted === undefined ? null : normalize(extracted);
          if (value === null && column.required) {
            return {
              ok: false,
              reason: `missing required field ${describeSource(spec)} (canonical ${column.name})`,
            };
          }
          row[column.name] = value;
        } catch (error) {
          if (error instanceof RejectedValue)
            return { ok: false, reason: `${describeSource(spec)}: ${error.message}` };
          throw error;
        }
      }
      return { ok: true, row };
    },
  };
}

function describeSource(spec: ColumnSpec): string {
  return 'from' in spec ? `"${spec.from}"` : 'constant';
}

type Extractor = (record: Record<string, unknown>) => unknown;

function extractorFor(spec: ColumnSpec): Extractor {
  if ('const' in spec) return () => spec.const;
  const path = spec.from.split('/');
  const fallback = spec.default ?? null;
  const rule = 'pick' in spec ? spec.pick : undefined;
  return (record) => {
    let value = valueAt(record, path);
    if (rule) value = pick(value, rule);
    return value === undefined || value === null ? fallback : value;
  };
}

function valueAt(record: Record<string, unknown>, path: readonly string[]): unknown {
  let current: unknown = record;
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function pick(
  value: unknown,
  rule: { where: Record<string, string | number | boolean>; prefer?: string | undefined; value: string },
): unknown {
  if (!Array.isArray(value)) return undefined;
  const matches = value.filter(
    (item): item is Record<string, unknown> =>
      item !== null &&
      typeof item === 'object' &&
      Object.entries(rule.where).every(
        ([key, expected]) => (item as Record<string, unknown>)[key] === expected,
      ),
  );
  const chosen =
    (rule.prefer ? matches.find((item) => item[rule.prefer!] === true) : undefined) ?? matches[0];
  return chosen?.[rule.value];
}

const asNumber = (value: unknown) =>
  typeof value === 'string' && value.trim() !== '' ? Number(value) : value;

/** An ISO timestamp with a zone: `Z` or `±hh:mm`. */
const ZONED = /[zZ]|[+-]\d{2}:\d{2}$/;

/** Per canonical type: coerces a present (non-null) extracted value, or rejects it with a reason. */
const NORMALIZERS: Record<CanonicalType, (value: unknown) => CanonicalValue> = {
  string(value) {
    if (typeof value === 'object')
      throw new RejectedValue(`expected text, got ${JSON.stringify(value).slice(0, 60)}`);
    // ConnectWise pads some text (updatedBy) with spaces; empty text means "not set".
    const text = String(value).trim();
    return text === '' ? null : text;
  },
  integer(value) {
    const number = asNumber(value);
    if (typeof number !== 'number' || !Number.isInteger(number))
      throw new RejectedValue(`expected an integer, got ${JSON.stringify(value)}`);
    return number;
  },
  number(value) {
    const number = asNumber(value);
    if (typeof number !== 'number' || !Number.isFinite(number))
      throw new RejectedValue(`expected a number, got ${JSON.stringify(value)}`);
    return number;
  },
  boolean(value) {
    if (typeof value !== 'boolean')
      throw new RejectedValue(`expected true or false, got ${JSON.stringify(value)}`);
    return value;
  },
  timestamp(value) {
    if (typeof value !== 'string')
      throw new RejectedValue(`expected an ISO timestamp, got ${JSON.stringify(value)}`);
    // ConnectWise timestamps are UTC; a naive one is read as UTC too. (The common `…Z` skips the regex.)
    const zoned = value.endsWith('Z') || ZONED.test(value);
    const date = new Date(zoned ? value : `${value}Z`);
    if (Number.isNaN(date.getTime()))
      throw new RejectedValue(`expected an ISO timestamp, got ${JSON.stringify(value)}`);
    return date;
  },
  json: (value) => JSON.stringify(value),
};
