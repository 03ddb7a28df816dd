import { z } from 'zod';
import { CANONICAL_TABLE_NAMES, CANONICAL_TABLES, type CanonicalTableName } from '../../mappings/canonical';
import { compileMapping, type CompiledMapping } from '../../mappings/compile';
import Account from '../../mappings/salesforce/Account.json';
import Case from '../../mappings/salesforce/Case.json';
import Contact from '../../mappings/salesforce/Contact.json';
import TimeSheetEntry from '../../mappings/salesforce/TimeSheetEntry.json';
import {
  columnSpecSchema,
  mappingProblems,
  type ColumnSpec,
  type Mapping,
} from '../../mappings/mappingSchema';
import { ValidationError } from '../../shared/errors';

/**
 * The Salesforce object each canonical table is read from unless the tenant's `tableMap` names another
 * (DESIGN §10; reference §B.3): Accounts, Contacts, Cases, and Field Service time sheet entries.
 */
export const SALESFORCE_DEFAULT_OBJECTS: Record<CanonicalTableName, string> = {
  companies: 'Account',
  contacts: 'Contact',
  tickets: 'Case',
  time_entries: 'TimeSheetEntry',
};

/** The declarative mappings shipped with the product (mappings/salesforce/<object>.json), keyed by object. */
export const SALESFORCE_MAPPING_DOCUMENTS: Readonly<Record<string, unknown>> = {
  Account,
  Contact,
  Case,
  TimeSheetEntry,
};

/**
 * A Salesforce API name (`Account`, `Time_Entry__c`, `pse__Timecard_Header__c`, `Case__r`). Object names and
 * field paths are written into SOQL as they are, so this pattern is the guard against injection.
 */
export const SALESFORCE_API_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;
const MAX_API_NAME_LENGTH = 80;
/** SOQL reaches at most five levels of parents from the queried object (`A__r/B__r/C__r/D__r/E__r/Name`). */
const MAX_RELATIONSHIP_LEVELS = 5;

/** The fields a query always selects: the raw layer keeps them, deletes and the change cursor need them. */
const SYSTEM_FIELDS = ['Id', 'IsDeleted', 'SystemModstamp', 'CreatedDate', 'LastModifiedDate'];
/** The change cursor of every object (DESIGN §10): system changes move it, LastModifiedDate they do not. */
const CHANGE_CURSOR = 'SystemModstamp';

const isApiName = (name: string) =>
  name.length <= MAX_API_NAME_LENGTH && SALESFORCE_API_NAME_PATTERN.test(name);
const isFieldPath = (path: string) => {
  const segments = path.split('/');
  return segments.length <= MAX_RELATIONSHIP_LEVELS + 1 && segments.every(isApiName);
};

const API_NAME_RULE = 'a letter, then letters, digits or _, at most 80 characters';
const FIELD_PATH_RULE = `API names (${API_NAME_RULE}) joined by /, at most ${MAX_RELATIONSHIP_LEVELS} relationships deep`;

/**
 * An object without a shipped mapping, with its own field map: canonical column → a field path
 * (`Case__r/Id`, `Minutes__c`) or a full column spec as in mappings/mappingSchema.ts.
 */
const customObjectSchema = z.strictObject({
  object: z.string(),
  columns: z.record(z.string(), z.union([z.string(), columnSpecSchema])),
});

/** What a tenant's `tableMap` may say for one canonical table: a mapped object, or an object with its field map. */
const tableMapEntrySchema = z.union([z.string(), customObjectSchema], {
  error: () =>
    `a Salesforce object with a mapping (${Object.keys(SALESFORCE_MAPPING_DOCUMENTS).join(', ')}), or ` +
    `{"object": "<object>", "columns": {"<canonical column>": "<field path>" or a column spec}}`,
});

type TableMapEntry = z.output<typeof tableMapEntrySchema>;
type CustomObject = z.output<typeof customObjectSchema>;

interface Problem {
  /** Below the canonical table's key. */
  path: (string | number)[];
  message: string;
}

/** Why a shipped object cannot feed a canonical table (bad name, no mapping, a mapping of another table). */
function objectProblems(table: CanonicalTableName, object: string): Problem[] {
  if (!isApiName(object))
    return [
      {
        path: [],
        message: `${table}: ${JSON.stringify(object)} is not a Salesforce object name (${API_NAME_RULE})`,
      },
    ];
  const document = Object.hasOwn(SALESFORCE_MAPPING_DOCUMENTS, object)
    ? (SALESFORCE_MAPPING_DOCUMENTS[object] as { table?: unknown })
    : undefined;
  if (!document)
    return [
      {
        path: [],
        message:
          `Salesforce object ${object} (for ${table}) has no mapping in mappings/salesforce (mapped objects: ` +
          `${Object.keys(SALESFORCE_MAPPING_DOCUMENTS).join(', ')}): give {"object": "${object}", "columns": {…}} ` +
          `to map its fields`,
      },
    ];
  if (document.table !== table)
    return [
      {
        path: [],
        message: `Salesforce object ${object} is mapped onto ${String(document.table)} (mappings/salesforce/${object}.json), not ${table}`,
      },
    ];
  return [];
}

const IS_DELETED = { from: 'IsDeleted', equals: true } as const;

const pathsOf = (spec: ColumnSpec): string[] =>
  'from' in spec ? (typeof spec.from === 'string' ? [spec.from] : spec.from) : [];

/** The mapping document of a custom object: the columns it names, SystemModstamp as updated_at, null elsewhere. */
function customDocument(table: CanonicalTableName, custom: CustomObject): Mapping {
  const columns: Record<string, ColumnSpec> = { updated_at: { from: CHANGE_CURSOR } };
  for (const column of CANONICAL_TABLES[table].columns)
    if (column.name !== 'updated_at') columns[column.name] = { const: null };
  for (const [name, given] of Object.entries(custom.columns))
    columns[name] = typeof given === 'string' ? { from: given } : given;
  // Every Salesforce object has IsDeleted; queryAll serves soft-deleted rows with it set.
  return { source: 'salesforce', sourceTable: custom.object, table, columns, deletedWhen: IS_DELETED };
}

/** What is wrong with a custom object's field map, each problem at its column. */
function customProblems(table: CanonicalTableName, custom: CustomObject): Problem[] {
  const label = `${table} (${custom.object})`;
  if (!isApiName(custom.object))
    return [
      {
        path: ['object'],
        message: `${table}: ${JSON.stringify(custom.object)} is not a Salesforce object name (${API_NAME_RULE})`,
      },
    ];
  const canonical = new Map(CANONICAL_TABLES[table].columns.map((column) => [column.name, column]));
  const problems: Problem[] = [];
  // A spec the mapping language refuses is reported at its own path by the schema; it is not checked twice.
  let refusedSpec = false;
  for (const [name, given] of Object.entries(custom.columns)) {
    if (!canonical.has(name)) {
      problems.push({
        path: ['columns', name],
        message: `${label}: ${name} is not a column of canonical table ${table} (columns: ${[...canonical.keys()].join(', ')})`,
      });
      continue;
    }
    const spec = typeof given === 'string' ? { from: given } : columnSpecSchema.safeParse(given).data;
    if (!spec) {
      refusedSpec = true;
      continue;
    }
    for (const path of pathsOf(spec))
      if (!isFieldPath(path))
        problems.push({
          path: ['columns', name],
          message: `${label}: column ${name}: ${JSON.stringify(path)} is not a Salesforce field path (${FIELD_PATH_RULE})`,
        });
  }
  for (const column of canonical.values())
    if (column.required && column.name !== 'updated_at' && !Object.hasOwn(custom.columns, column.name))
      problems.push({
        path: ['columns', column.name],
        message: `${label}: required column ${table}.${column.name} has no field: name the field of ${custom.object} it is read from`,
      });
  if (problems.length > 0 || refusedSpec) return problems;
  // The conversions (`map`, `duration`, `divideBy`) are checked by the mapping language itself.
  return mappingProblems(customDocument(table, custom), label).map((message) => ({
    path: ['columns'],
    message,
  }));
}

/** Problems of an entry that has the schema's shape (the refinement also sees entries with shape issues). */
function entryProblems(table: CanonicalTableName, entry: TableMapEntry): Problem[] {
  return typeof entry === 'string' ? objectProblems(table, entry) : customProblems(table, entry);
}

/**
 * The tenant setting `tableMap`: canonical table → a Salesforce object with a shipped mapping onto that table
 * (`{"time_entries": "TimeSheetEntry"}`), or a custom object with its field map
 * (`{"time_entries": {"object": "Time_Entry__c", "columns": {"ticket_id": "Case__c", …}}}`), for a PSA
 * package or an org's own time object (reference §B.3). A typo fails the tenants file, not a sync.
 */
export const salesforceTableMapSchema = z
  .partialRecord(z.enum(CANONICAL_TABLE_NAMES), tableMapEntrySchema)
  .superRefine((map, ctx) => {
    for (const [table, entry] of Object.entries(map) as [CanonicalTableName, TableMapEntry][])
      for (const problem of entryProblems(table, entry))
        ctx.addIssue({ code: 'custom', path: [table, ...problem.path], message: problem.message });
  });
export type SalesforceTableMap = z.output<typeof salesforceTableMapSchema>;

/** The object a canonical table is read from, after the tenant's `tableMap`. */
export function salesforceObject(
  tableMap: SalesforceTableMap | undefined,
  table: CanonicalTableName,
): string {
  const entry = tableMap?.[table];
  if (entry === undefined) return SALESFORCE_DEFAULT_OBJECTS[table];
  return typeof entry === 'string' ? entry : entry.object;
}

/** The mapping document of a canonical table, checked: the injection guard holds for every caller. */
function resolvedDocument(
  tableMap: SalesforceTableMap | undefined,
  table: CanonicalTableName,
): { key: string; label: string; document: unknown } {
  const entry: TableMapEntry = tableMap?.[table] ?? SALESFORCE_DEFAULT_OBJECTS[table];
  const checked = salesforceTableMapSchema.safeParse({ [table]: entry });
  if (!checked.success)
    throw new ValidationError(
      `Invalid Salesforce tableMap entry for ${table}`,
      checked.error.issues.map((issue) =>
        issue.code === 'custom' ? issue.message : `${issue.path.join('.')}: ${issue.message}`,
      ),
    );
  if (typeof entry === 'string')
    return {
      key: entry,
      label: `mappings/salesforce/${entry}.json`,
      document: SALESFORCE_MAPPING_DOCUMENTS[entry],
    };
  return {
    key: `${table}:${JSON.stringify(entry)}`,
    label: `tableMap.${table} (${entry.object})`,
    document: customDocument(table, entry),
  };
}

let compiled = new Map<string, CompiledMapping>();

/**
 * The compiled mapping of a canonical table for a tenant's `tableMap`: a shipped one compiled once per object,
 * a custom object's compiled from its field map once per entry. Throws ValidationError when the entry is unusable.
 */
export function salesforceMapping(
  tableMap: SalesforceTableMap | undefined,
  table: CanonicalTableName,
): CompiledMapping {
  const { key, label, document } = resolvedDocument(tableMap, table);
  let mapping = compiled.get(key);
  if (!mapping) {
    mapping = compileMapping(document, label);
    compiled.set(key, mapping);
  }
  return mapping;
}

/**
 * The SELECT list of a canonical table's object: the system fields first, then every field path its mapping
 * reads, in column order, as SOQL writes them (`WorkOrder.CaseId`), each once (SOQL names are case-insensitive).
 */
export function soqlFields(tableMap: SalesforceTableMap | undefined, table: CanonicalTableName): string[] {
  const { document } = resolvedDocument(tableMap, table);
  const columns = (document as Mapping).columns;
  const fields = new Map<string, string>();
  const paths = [
    ...SYSTEM_FIELDS,
    ...CANONICAL_TABLES[table].columns.flatMap((column) => {
      const spec = columns[column.name];
      return spec ? pathsOf(spec) : [];
    }),
  ];
  for (const path of paths) {
    const field = path.split('/').join('.');
    if (!fields.has(field.toLowerCase())) fields.set(field.toLowerCase(), field);
  }
  return [...fields.values()];
}

/** Drops the compiled mappings (tests that edit a mapping document). */
export function resetSalesforceMappings(): void {
  compiled = new Map();
}
