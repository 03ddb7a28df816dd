/**
 * Binds a parsed SOQL query to the simulated objects: resolves field paths (one relationship level:
 * `Account.Name`), checks that literals fit the fields' types the way Salesforce does (a datetime is not quoted,
 * a string is), and compiles WHERE into a predicate and ORDER BY into a comparator over rows. Text comparisons and
 * LIKE are case-insensitive as in SOQL; Ids compare exactly (a 15-character literal matches its 18-character Id).
 */
import {
  objectNamed,
  SCHEMAS,
  type FieldSpec,
  type ObjectSchema,
  type SalesforceObjectName,
} from './objects';
import { describeAt, type FieldRef, type SoqlCondition, type SoqlLiteral, type SoqlQuery } from './soql';

export type FieldValue = string | number | boolean | null;

/** A field path bound to the schema. */
export interface ResolvedField {
  /** As Salesforce spells it: `Name`, `Account.Name`. */
  readonly path: string;
  /** The field read (on the parent object for a relationship path). */
  readonly spec: FieldSpec;
  /** For `Rel.Field`: the reference field of the queried object that reaches the parent. */
  readonly via?: FieldSpec;
}

/** A record as the evaluator sees it. */
export interface SoqlRow {
  value(field: ResolvedField): FieldValue;
}

export type SemanticErrorCode = 'INVALID_FIELD' | 'INVALID_TYPE';

/** A query that parses but names what does not exist or compares a field with the wrong kind of value. */
export class SoqlSemanticError extends Error {
  constructor(
    readonly errorCode: SemanticErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SoqlSemanticError';
  }
}

export interface OrderKey {
  field: ResolvedField;
  descending: boolean;
  nullsLast: boolean;
}

export interface CompiledQuery {
  object: SalesforceObjectName;
  schema: ObjectSchema;
  /** `SELECT COUNT()`. */
  count: boolean;
  fields: ResolvedField[];
  filter: ((row: SoqlRow) => boolean) | undefined;
  order: OrderKey[];
  limit: number | undefined;
  offset: number | undefined;
}

const TEXT_KINDS = new Set(['string', 'picklist']);
const ID_KINDS = new Set(['id', 'reference']);

function noSuchColumn(query: SoqlQuery, ref: FieldRef, name: string, object: string): SoqlSemanticError {
  return new SoqlSemanticError(
    'INVALID_FIELD',
    describeAt(
      query.text,
      ref.at,
      `No such column '${name}' on entity '${object}'. If you are attempting to use a custom field, be sure to ` +
        `append the '__c' after the custom field name. Please reference your WSDL or the describe call for the ` +
        `appropriate names.`,
    ),
  );
}

function resolve(query: SoqlQuery, schema: ObjectSchema, ref: FieldRef): ResolvedField {
  const parts = ref.path.split('.');
  if (parts.length === 1) {
    const spec = schema.byName.get(ref.path.toLowerCase());
    if (!spec) throw noSuchColumn(query, ref, ref.path, schema.name);
    return { path: spec.name, spec };
  }
  const via = parts.length === 2 ? schema.relationships.get((parts[0] as string).toLowerCase()) : undefined;
  if (!via) {
    throw new SoqlSemanticError(
      'INVALID_FIELD',
      describeAt(
        query.text,
        ref.at,
        `Didn't understand relationship '${parts.slice(0, -1).join('.')}' in field path. If you are attempting ` +
          `to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please ` +
          `reference your WSDL or the describe call for the appropriate names.`,
      ),
    );
  }
  const parent = SCHEMAS[via.target as SalesforceObjectName];
  const spec = parent.byName.get((parts[1] as string).toLowerCase());
  if (!spec) throw noSuchColumn(query, ref, parts[1] as string, parent.name);
  return { path: `${via.relationship}.${spec.name}`, spec, via };
}

const KIND_WORDS: Record<string, string> = {
  datetime: 'dateTime',
  boolean: 'boolean',
  int: 'double',
};

/** A literal as the field's value type, or an INVALID_FIELD error in Salesforce's words. */
function coerce(query: SoqlQuery, ref: FieldRef, field: ResolvedField, literal: SoqlLiteral): FieldValue {
  if (literal.kind === 'null') return null;
  const kind = field.spec.kind;
  const wrongType = () => {
    const word = KIND_WORDS[kind];
    const problem = word
      ? `value of filter criterion for field '${field.path}' must be of type ${word} and should not be enclosed in quotes`
      : `value of filter criterion for field '${field.path}' must be of type string and should be enclosed in quotes`;
    return new SoqlSemanticError('INVALID_FIELD', describeAt(query.text, ref.at, problem));
  };
  if (TEXT_KINDS.has(kind) || ID_KINDS.has(kind)) {
    if (literal.kind !== 'string') throw wrongType();
    return literal.value;
  }
  if (kind === 'datetime') {
    if (literal.kind !== 'datetime') throw wrongType();
    return literal.value;
  }
  if (kind === 'boolean') {
    if (literal.kind !== 'boolean') throw wrongType();
    return literal.value;
  }
  if (literal.kind !== 'number') throw wrongType();
  return literal.value;
}

/** Orders two non-null values of one kind. */
export function compareValues(spec: FieldSpec, a: FieldValue, b: FieldValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  let x = String(a);
  let y = String(b);
  if (TEXT_KINDS.has(spec.kind)) {
    x = x.toLowerCase();
    y = y.toLowerCase();
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

function equals(spec: FieldSpec, value: FieldValue, literal: FieldValue): boolean {
  if (value === null || literal === null) return value === literal;
  if (ID_KINDS.has(spec.kind) && typeof literal === 'string' && literal.length === 15) {
    return String(value).slice(0, 15) === literal;
  }
  return compareValues(spec, value, literal) === 0;
}

function likeMatcher(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i] as string);
    else if (ch === '%') source += '[\\s\\S]*';
    else if (ch === '_') source += '[\\s\\S]';
    else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`, 'i');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileCondition(
  query: SoqlQuery,
  schema: ObjectSchema,
  condition: SoqlCondition,
): (row: SoqlRow) => boolean {
  switch (condition.kind) {
    case 'and': {
      const parts = condition.operands.map((operand) => compileCondition(query, schema, operand));
      return (row) => parts.every((part) => part(row));
    }
    case 'or': {
      const parts = condition.operands.map((operand) => compileCondition(query, schema, operand));
      return (row) => parts.some((part) => part(row));
    }
    case 'not': {
      const inner = compileCondition(query, schema, condition.operand);
      return (row) => !inner(row);
    }
    case 'like': {
      const field = resolve(query, schema, condition.field);
      if (!TEXT_KINDS.has(field.spec.kind) && !ID_KINDS.has(field.spec.kind)) {
        throw new SoqlSemanticError(
          'INVALID_FIELD',
          describeAt(
            query.text,
            condition.field.at,
            `invalid operator on ${field.spec.kind} field: ${field.path}`,
          ),
        );
      }
      const matcher = likeMatcher(condition.pattern);
      return (row) => {
        const value = row.value(field);
        return value !== null && matcher.test(String(value));
      };
    }
    case 'in': {
      const field = resolve(query, schema, condition.field);
      const values = condition.values.map((literal) => coerce(query, condition.field, field, literal));
      const { spec } = field;
      return condition.negated
        ? (row) => {
            const value = row.value(field);
            return values.every((literal) => !equals(spec, value, literal));
          }
        : (row) => {
            const value = row.value(field);
            return values.some((literal) => equals(spec, value, literal));
          };
    }
    case 'compare': {
      const field = resolve(query, schema, condition.field);
      const literal = coerce(query, condition.field, field, condition.value);
      const { spec } = field;
      const { operator } = condition;
      if (operator === '=') return (row) => equals(spec, row.value(field), literal);
      if (operator === '!=') return (row) => !equals(spec, row.value(field), literal);
      if (spec.kind === 'boolean' || literal === null) {
        throw new SoqlSemanticError(
          'INVALID_FIELD',
          describeAt(query.text, condition.field.at, `invalid operator ${operator} for ${field.path}`),
        );
      }
      const test =
        operator === '<'
          ? (order: number) => order < 0
          : operator === '<='
            ? (order: number) => order <= 0
            : operator === '>'
              ? (order: number) => order > 0
              : (order: number) => order >= 0;
      return (row) => {
        const value = row.value(field);
        return value !== null && test(compareValues(spec, value, literal));
      };
    }
  }
}

/**
 * Binds a parsed query. `available` says whether the org has an object (an org without Field Service lacks
 * WorkOrder and TimeSheetEntry); an unknown or unavailable object is INVALID_TYPE.
 */
export function compileQuery(
  query: SoqlQuery,
  available: (name: SalesforceObjectName) => boolean,
): CompiledQuery {
  const object = objectNamed(query.from.name);
  if (!object || !available(object)) {
    throw new SoqlSemanticError('INVALID_TYPE', `sObject type '${query.from.name}' is not supported.`);
  }
  const schema = SCHEMAS[object];
  const fields =
    query.select.kind === 'fields' ? query.select.fields.map((ref) => resolve(query, schema, ref)) : [];
  for (const field of fields) {
    const parent = field.via?.target;
    if (parent && !available(parent)) {
      throw new SoqlSemanticError('INVALID_TYPE', `sObject type '${parent}' is not supported.`);
    }
  }
  return {
    object,
    schema,
    count: query.select.kind === 'count',
    fields,
    filter: query.where ? compileCondition(query, schema, query.where) : undefined,
    order: query.orderBy.map((term) => ({
      field: resolve(query, schema, term.field),
      descending: term.descending,
      nullsLast: term.nullsLast,
    })),
    limit: query.limit,
    offset: query.offset,
  };
}

/** Compares two rows by ORDER BY keys read through `value`. */
export function compareByOrder(
  order: readonly OrderKey[],
  a: readonly FieldValue[],
  b: readonly FieldValue[],
): number {
  for (let i = 0; i < order.length; i++) {
    const key = order[i] as OrderKey;
    const x = a[i] as FieldValue;
    const y = b[i] as FieldValue;
    if (x === y) continue;
    if (x === null || y === null) {
      const nullFirst = x === null ? -1 : 1;
      return key.nullsLast ? -nullFirst : nullFirst;
    }
    const sign = compareValues(key.field.spec, x, y);
    if (sign !== 0) return key.descending ? -sign : sign;
  }
  return 0;
}
