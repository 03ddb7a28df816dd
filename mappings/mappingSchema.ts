import { z } from 'zod';
import {
  CANONICAL_TABLE_NAMES,
  CANONICAL_TABLES,
  type CanonicalColumn,
  type CanonicalTableName,
} from './canonical';

/** How one canonical column is filled from a source record. */
const columnSpecSchema = z.union([
  /** A `/`-separated path into the record (`status/name`, `_info/lastUpdated`). */
  z.strictObject({ from: z.string().min(1), default: z.unknown().optional() }),
  /** The `value` of the first array element matching `where`, preferring one with `prefer` set (contact emails). */
  z.strictObject({
    from: z.string().min(1),
    pick: z.strictObject({
      where: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
      prefer: z.string().optional(),
      value: z.string().min(1),
    }),
    default: z.unknown().optional(),
  }),
  /** A constant, for a column this source has no field for. */
  z.strictObject({ const: z.unknown() }),
]);

export const mappingSchema = z.strictObject({
  source: z.literal('connectwise'),
  sourceTable: z.string().min(1),
  table: z.enum(CANONICAL_TABLE_NAMES),
  columns: z.record(z.string(), columnSpecSchema),
});

export type Mapping = z.infer<typeof mappingSchema>;
export type ColumnSpec = z.infer<typeof columnSpecSchema>;

/**
 * Problems that make a mapping unusable, checked against the canonical definition: columns it fills
 * that do not exist, and canonical columns it leaves without a source or a default.
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
  const known = new Set(canonical.map((column) => column.name));
  const problems: string[] = [];
  for (const name of Object.keys(mapping.columns)) {
    if (!known.has(name))
      problems.push(`${label}: column "${name}" is not a column of canonical table ${mapping.table}`);
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
