import { z } from 'zod';
import { SOURCE_NAME_PATTERN } from '../shared/sources/sourceName';
import {
  CANONICAL_TABLE_NAMES,
  CANONICAL_TABLES,
  type CanonicalColumn,
  type CanonicalTableName,
} from './canonical';

/** A `/`-separated path into the record (`status/name`, `_info/lastUpdated`). */
const pathSchema = z.string().min(1);

/** A value a mapping may write: what `map` gives and `otherwise` falls back to. */
const literalSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * How one canonical column is filled from a source record: read → (empty text is absent) → default when
 * absent, else convert (`map` or `duration`) → normalise to the column's type.
 */
const fromSpecSchema = z.strictObject({
  /** One path, or several tried in order: the first with a value wins (`["closed_at", "resolved_at"]`). */
  from: z.union([pathSchema, z.array(pathSchema).min(1)]),
  /** The `value` of the first array element matching `where`, preferring one with `prefer` set (contact emails). */
  pick: z
    .strictObject({
      where: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
      prefer: z.string().optional(),
      value: z.string().min(1),
    })
    .optional(),
  /**
   * Source values (as text: `"6"`, `"true"`) onto canonical values, e.g. ServiceNow state codes onto their
   * names. A value not listed is kept as it is, or becomes `otherwise` when one is given.
   */
  map: z.record(z.string(), literalSchema).optional(),
  /** With `map`: the value of every source value the map does not list. */
  otherwise: literalSchema.optional(),
  /**
   * The source writes a duration as an offset from the epoch (ServiceNow: `"1970-01-01 01:30:00"`, 90
   * minutes); the column gets it in this unit.
   */
  duration: z.enum(['hours', 'minutes']).optional(),
  /**
   * The source writes a number in a smaller unit than the column's (Salesforce `DurationInMinutes` into hours:
   * 60). A divisor rather than a factor, so the result is the correctly rounded quotient (23 / 60, not 23 × 0.0166…).
   */
  divideBy: z.number().positive().finite().optional(),
  /** The value when no path has one (absent, null or empty text). */
  default: z.unknown().optional(),
});

/** A constant, for a column this source has no field for. */
const constSpecSchema = z.strictObject({ const: z.unknown() });

export const columnSpecSchema = z.union([fromSpecSchema, constSpecSchema]);

export const mappingSchema = z.strictObject({
  /** The source registry name the mapping belongs to (its folder under mappings/). */
  source: z.string().regex(SOURCE_NAME_PATTERN),
  sourceTable: z.string().min(1),
  table: z.enum(CANONICAL_TABLE_NAMES),
  columns: z.record(z.string(), columnSpecSchema),
  /**
   * A record the source still serves after deleting it (Salesforce's `IsDeleted` rows from queryAll): when the
   * field at `from` equals `equals`, the record is a tombstone at its `updated_at`, closing its history.
   */
  deletedWhen: z
    .strictObject({ from: pathSchema, equals: z.union([z.string(), z.number(), z.boolean()]) })
    .optional(),
});

export type Mapping = z.infer<typeof mappingSchema>;
export type ColumnSpec = z.infer<typeof columnSpecSchema>;
export type FromSpec = z.infer<typeof fromSpecSchema>;

/**
 * Problems that make a mapping unusable, checked against the canonical definition: columns it fills
 * that do not exist, canonical columns it leaves without a source or a default, and conversions that
 * cannot work (`otherwise` without `map`, `map` with `duration` or `divideBy`, a duration or a quotient into a
 * non-number column).
 */
export function mappingProblems(document: unknown, label: string): string[] {
  const parsed = mappingSchema.safeParse(document);
  if (!parsed.success) {
    return parsed.error.issues.map(
      (issue) => `${label}: ${issue.path.join('.') || '(document)'}: ${issue.message}`,
    );
  }
  const mapping = parsed.data;
  const canonical = CANONICAL_TABLES[mapping.table].columns;
  const known = new Map(canonical.map((column) => [column.name, column]));
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(mapping.columns)) {
    const column = known.get(name);
    if (!column) {
      problems.push(`${label}: column "${name}" is not a column of canonical table ${mapping.table}`);
      continue;
    }
    if (!('from' in spec)) continue;
    if (spec.otherwise !== undefined && spec.map === undefined)
      problems.push(`${label}: column "${name}": "otherwise" needs a "map"`);
    if (spec.map !== undefined && spec.duration !== undefined)
      problems.push(`${label}: column "${name}": "map" and "duration" cannot be combined`);
    if (spec.divideBy !== undefined && (spec.map !== undefined || spec.duration !== undefined))
      problems.push(`${label}: column "${name}": "divideBy" cannot be combined with "map" or "duration"`);
    for (const conversion of ['duration', 'divideBy'] as const)
      if (spec[conversion] !== undefined && column.type !== 'number')
        problems.push(
          `${label}: column "${name}": "${conversion}" gives a number, but ${mapping.table}.${name} is ${column.type}`,
        );
  }
  for (const column of canonical) {
    if (!(column.name in mapping.columns)) {
      problems.push(
        `${label}: canonical column ${mapping.table}.${column.name} has no mapping and no declared default`,
      );
    }
  }
  return problems;
}

export function columnsOf(table: CanonicalTableName): CanonicalColumn[] {
  return CANONICAL_TABLES[table].columns;
}
