import type { CanonicalTableName, CanonicalType } from './canonical';
import {
  columnsOf,
  mappingProblems,
  mappingSchema,
  type ColumnSpec,
  type FromSpec,
  type Mapping,
} from './mappingSchema';

export type CanonicalValue = string | number | boolean | Date | null;
export type CanonicalRow = Record<string, CanonicalValue>;

export type MappingResult = { ok: true; row: CanonicalRow } | { ok: false; reason: string };

export interface CompiledMapping {
  table: CanonicalTableName;
  sourceTable: string;
  /** Maps one source record; never throws: a record that cannot be mapped comes back with the reason. */
  map(record: unknown): MappingResult;
  /** Whether the record says it was deleted at the source (the mapping's `deletedWhen`); false without one. */
  isDeletion(record: unknown): boolean;
}

class RejectedValue extends Error {}

/**
 * Compiles a declarative mapping into a function (extract → convert → normalize). The mapping is
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
  const deletedWhen = mapping.deletedWhen;
  const deletionPath = deletedWhen?.from.split('/');
  return {
    table: mapping.table,
    sourceTable: mapping.sourceTable,
    isDeletion(record) {
      if (!deletedWhen || record === null || typeof record !== 'object') return false;
      return valueAt(record as Record<string, unknown>, deletionPath!) === deletedWhen.equals;
    },
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
  if (!('from' in spec)) return 'constant';
  return typeof spec.from === 'string' ? `"${spec.from}"` : spec.from.map((path) => `"${path}"`).join(' or ');
}

type Extractor = (record: Record<string, unknown>) => unknown;

function extractorFor(spec: ColumnSpec): Extractor {
  if ('const' in spec) return () => spec.const;
  const paths = (typeof spec.from === 'string' ? [spec.from] : spec.from).map((from) => from.split('/'));
  const fallback = spec.default ?? null;
  const rule = spec.pick;
  const convert = converterFor(spec);
  return (record) => {
    for (const path of paths) {
      let value = valueAt(record, path);
      if (rule) value = pick(value, rule);
      if (!isAbsent(value)) return convert ? convert(value) : value;
    }
    return fallback;
  };
}

/**
 * Absent: missing, null, or empty text. Sources that write every scalar as text (ServiceNow) write "no
 * value" as `""`; read as absent for every type, it takes the column's default like a missing field.
 */
function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function converterFor(spec: FromSpec): ((value: unknown) => unknown) | undefined {
  const { map, duration, divideBy } = spec;
  if (map) {
    const hasOtherwise = 'otherwise' in spec;
    return (value) => {
      const key = typeof value === 'object' ? undefined : String(value);
      if (key !== undefined && Object.hasOwn(map, key)) return map[key];
      return hasOtherwise ? spec.otherwise : value;
    };
  }
  if (duration !== undefined) {
    const unitMs = DURATION_UNIT_MS[duration];
    return (value) => durationMs(value) / unitMs;
  }
  if (divideBy !== undefined) {
    return (value) => {
      const number = asNumber(value);
      if (typeof number !== 'number' || !Number.isFinite(number))
        throw new RejectedValue(`expected a number, got ${JSON.stringify(value)}`);
      return number / divideBy;
    };
  }
  return undefined;
}

const DURATION_UNIT_MS: Record<NonNullable<FromSpec['duration']>, number> = {
  hours: 3_600_000,
  minutes: 60_000,
};

/** A duration written as an offset from the epoch (`1970-01-01 01:30:00`), in ms. */
function durationMs(value: unknown): number {
  const offset = typeof value === 'string' ? parseTimestamp(value) : undefined;
  if (offset === undefined || offset.getTime() < 0)
    throw new RejectedValue(`expected a duration as an offset from 1970-01-01, got ${JSON.stringify(value)}`);
  return offset.getTime();
}

function valueAt(record: Record<string, unknown>, path: readonly string[]): unknown {
  let current: unknown = record;
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function pick(value: unknown, rule: NonNullable<FromSpec['pick']>): unknown {
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

/** An ISO timestamp with a zone: `Z`, `±hh:mm`, or `±hhmm` (Salesforce REST: `…03.000+0000`). */
const ZONED = /(?:[zZ]|[+-]\d{2}:?\d{2})$/;
/** The colon-less offset, which ISO 8601's extended format (all `Date` must parse) writes `±hh:mm`. */
const BASIC_OFFSET = /([+-]\d{2})(\d{2})$/;
/** A zone-less date and time, `T` or space separated (ServiceNow writes `2016-01-19 04:52:04`). */
const NAIVE_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A timestamp's instant. Sources write UTC (ConnectWise `…Z`, ServiceNow's database values), so a
 * zone-less one is read as UTC, and a date alone as its midnight UTC. Undefined when it is not one.
 */
function parseTimestamp(text: string): Date | undefined {
  const value = text.trim();
  let iso: string;
  // The common `…Z` skips the regexes.
  if (value.endsWith('Z')) iso = value;
  else if (ZONED.test(value)) iso = value.replace(BASIC_OFFSET, '$1:$2');
  else if (DATE_ONLY.test(value)) iso = `${value}T00:00:00Z`;
  else {
    const naive = NAIVE_DATE_TIME.exec(value);
    if (!naive) return undefined;
    iso = `${naive[1]}T${naive[2]}Z`;
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

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
    if (typeof value === 'boolean') return value;
    // ServiceNow writes booleans as text.
    const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
    if (text === 'true') return true;
    if (text === 'false') return false;
    throw new RejectedValue(`expected true or false, got ${JSON.stringify(value)}`);
  },
  timestamp(value) {
    const date = typeof value === 'string' ? parseTimestamp(value) : undefined;
    if (!date) throw new RejectedValue(`expected an ISO timestamp, got ${JSON.stringify(value)}`);
    return date;
  },
  json: (value) => JSON.stringify(value),
};
