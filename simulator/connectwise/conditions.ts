/**
 * The ConnectWise `conditions` language (reference source-apis.md §1.4): a tokenizer, a recursive-descent parser
 * and a compiler from the syntax tree to a record predicate. Also used for `childConditions` and
 * `customFieldConditions`.
 *
 *   expression := and ( OR and )*                       -- AND binds tighter than OR; keywords in any case
 *   and        := unary ( AND unary )*
 *   unary      := NOT unary | '(' expression ')' | comparison
 *   comparison := path ( '=' | '!=' | '<' | '<=' | '>' | '>=' ) literal
 *               | path [NOT] ( CONTAINS | LIKE ) string
 *               | path [NOT] IN '(' literal ( ',' literal )* ')'
 *   literal    := "…" | '…' | -12.5 | true | false | null | [2024-01-01T00:00:00Z]
 *   path       := name ( '/' name )*                     -- company/id, status/name, _info/lastUpdated
 */

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  /** `value` is epoch milliseconds, fractional below the millisecond; `text` is what was inside the brackets. */
  | { kind: 'datetime'; value: number; text: string };

export type Condition =
  | { type: 'and'; items: Condition[] }
  | { type: 'or'; items: Condition[] }
  | { type: 'not'; item: Condition }
  | { type: 'compare'; path: string[]; op: CompareOp; value: Literal }
  | { type: 'match'; path: string[]; op: 'contains' | 'like'; negated: boolean; value: string }
  | { type: 'in'; path: string[]; negated: boolean; values: Literal[] };

// Aliases of globals used per record while evaluating (see prng.ts: global lookups are slow inside jest's vm context).
const { isArray } = Array;
const { sign } = Math;
const parseDate = Date.parse;
const toNumber = Number;
const isNotANumber = Number.isNaN;

/** ConnectWise's own explanation of literal syntax, quoted in its invalid-condition errors (reference §1.4, S1 README). */
export const LITERAL_RULES =
  'String values should be enclosed with double or single quotes; DateTime values should be enclosed in square ' +
  'brackets; numbers should consist of only digits, and optionally a decimal point and a negation sign; boolean ' +
  'values should be indicated with the keywords true or false; null values should be indicated by the keyword null.';

/** Invalid conditions; the server answers 400 `{"code":"InvalidObject","message":…}`. */
export class ConditionSyntaxError extends Error {
  override readonly name = 'ConditionSyntaxError';
  constructor(
    message: string,
    readonly position?: number,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Tokenizer

type Token =
  | { t: 'lparen' | 'rparen' | 'comma' | 'eof'; pos: number }
  | { t: 'op'; op: CompareOp; pos: number }
  | { t: 'word'; text: string; lower: string; pos: number }
  | { t: 'string'; value: string; pos: number }
  | { t: 'number'; value: number; pos: number }
  | { t: 'datetime'; value: number; text: string; pos: number };

const WORD_START = /[A-Za-z_]/;
const WORD_PART = /[A-Za-z0-9_/]/;
const DIGIT = /[0-9]/;

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
    } else if (ch === '(') {
      tokens.push({ t: 'lparen', pos: i++ });
    } else if (ch === ')') {
      tokens.push({ t: 'rparen', pos: i++ });
    } else if (ch === ',') {
      tokens.push({ t: 'comma', pos: i++ });
    } else if (ch === '=' || ch === '<' || ch === '>' || ch === '!') {
      const two = input.slice(i, i + 2);
      if (two === '!=' || two === '<=' || two === '>=') {
        tokens.push({ t: 'op', op: two, pos: i });
        i += 2;
      } else if (ch === '!') {
        throw new ConditionSyntaxError(`Unexpected character '!' at position ${i}; did you mean '!='?`, i);
      } else {
        tokens.push({ t: 'op', op: ch as CompareOp, pos: i++ });
      }
    } else if (ch === '"' || ch === "'") {
      const start = i++;
      let value = '';
      for (;;) {
        if (i >= input.length) {
          throw new ConditionSyntaxError(
            `Unterminated string starting at position ${start}. ${LITERAL_RULES}`,
            start,
          );
        }
        const c = input[i] as string;
        if (c === '\\' && i + 1 < input.length) {
          value += input[i + 1];
          i += 2;
        } else if (c === ch) {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      tokens.push({ t: 'string', value, pos: start });
    } else if (ch === '[') {
      const end = input.indexOf(']', i);
      if (end < 0) {
        throw new ConditionSyntaxError(`Unterminated DateTime value at position ${i}. ${LITERAL_RULES}`, i);
      }
      const text = input.slice(i + 1, end).trim();
      const value = parseDateTimeLiteral(text);
      if (value === undefined) {
        throw new ConditionSyntaxError(
          `Invalid DateTime value [${text}] at position ${i}. ${LITERAL_RULES}`,
          i,
        );
      }
      tokens.push({ t: 'datetime', value, text, pos: i });
      i = end + 1;
    } else if (DIGIT.test(ch) || (ch === '-' && DIGIT.test(input[i + 1] ?? ''))) {
      const match = /^-?\d+(\.\d+)?/.exec(input.slice(i)) as RegExpExecArray;
      const end = i + match[0].length;
      if (end < input.length && WORD_PART.test(input[end] as string)) {
        throw new ConditionSyntaxError(`Invalid number at position ${i}. ${LITERAL_RULES}`, i);
      }
      tokens.push({ t: 'number', value: Number(match[0]), pos: i });
      i = end;
    } else if (WORD_START.test(ch)) {
      const start = i;
      while (i < input.length && WORD_PART.test(input[i] as string)) i++;
      const text = input.slice(start, i);
      tokens.push({ t: 'word', text, lower: text.toLowerCase(), pos: start });
    } else {
      throw new ConditionSyntaxError(`Unexpected character '${ch}' at position ${i}.`, i);
    }
  }
  tokens.push({ t: 'eof', pos: input.length });
  return tokens;
}

const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/i;

/**
 * `[YYYY-MM-DD]`, `[YYYY-MM-DDTHH:MM[:SS[.fffffff]]]` with an optional `Z` or `±HH:MM`; naive values are UTC
 * (reference §1.4: django-connectwise sends naive `.ffffff` literals, others `Z` or `+00:00`).
 * Returns epoch milliseconds, or undefined when the text is not a valid datetime.
 */
export function parseDateTimeLiteral(text: string): number | undefined {
  const m = DATETIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(
    (part) => (part === undefined ? undefined : Number(part)),
  ) as number[];
  const ms = Date.UTC(year as number, (month as number) - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== (month as number) - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return undefined;
  }
  const fraction = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  const offsetMinutes = m[9] ? (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) : 0;
  return ms + fraction - offsetMinutes * 60_000;
}

// ---------------------------------------------------------------------------------------------------------------
// Parser

const RESERVED = new Set(['and', 'or', 'not', 'in', 'like', 'contains', 'true', 'false', 'null']);

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Condition {
    const condition = this.parseOr();
    const rest = this.peek();
    if (rest.t !== 'eof') throw this.unexpected(rest, 'AND, OR or the end of the conditions');
    return condition;
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private take(): Token {
    return this.tokens[this.index++] as Token;
  }

  private isWord(token: Token, lower: string): boolean {
    return token.t === 'word' && token.lower === lower;
  }

  private parseOr(): Condition {
    const items = [this.parseAnd()];
    while (this.isWord(this.peek(), 'or')) {
      this.take();
      items.push(this.parseAnd());
    }
    return items.length === 1 ? (items[0] as Condition) : { type: 'or', items };
  }

  private parseAnd(): Condition {
    const items = [this.parseUnary()];
    while (this.isWord(this.peek(), 'and')) {
      this.take();
      items.push(this.parseUnary());
    }
    return items.length === 1 ? (items[0] as Condition) : { type: 'and', items };
  }

  private parseUnary(): Condition {
    const token = this.peek();
    if (this.isWord(token, 'not')) {
      this.take();
      return { type: 'not', item: this.parseUnary() };
    }
    if (token.t === 'lparen') {
      this.take();
      const inner = this.parseOr();
      const close = this.take();
      if (close.t !== 'rparen') throw this.unexpected(close, "')'");
      return inner;
    }
    return this.parseComparison();
  }

  private parseComparison(): Condition {
    const field = this.take();
    if (field.t !== 'word' || RESERVED.has(field.lower)) throw this.unexpected(field, 'a field name');
    const path = field.text.split('/');
    if (path.some((segment) => segment === '')) {
      throw new ConditionSyntaxError(
        `Invalid field name '${field.text}' at position ${field.pos}.`,
        field.pos,
      );
    }
    let operator = this.take();
    if (operator.t === 'op') {
      return { type: 'compare', path, op: operator.op, value: this.parseLiteral(field.text) };
    }
    let negated = false;
    if (this.isWord(operator, 'not')) {
      negated = true;
      operator = this.take();
    }
    if (operator.t === 'word' && (operator.lower === 'contains' || operator.lower === 'like')) {
      const value = this.parseLiteral(field.text);
      if (value.kind !== 'string') {
        throw new ConditionSyntaxError(
          `Expected a string value after '${field.text} ${operator.lower}'. ${LITERAL_RULES}`,
          operator.pos,
        );
      }
      return { type: 'match', path, op: operator.lower, negated, value: value.value };
    }
    if (this.isWord(operator, 'in')) {
      const open = this.take();
      if (open.t !== 'lparen') throw this.unexpected(open, "'(' after IN");
      const values = [this.parseLiteral(field.text)];
      for (;;) {
        const next = this.take();
        if (next.t === 'rparen') break;
        if (next.t !== 'comma') throw this.unexpected(next, "',' or ')'");
        values.push(this.parseLiteral(field.text));
      }
      return { type: 'in', path, negated, values };
    }
    throw this.unexpected(operator, `an operator after '${field.text}'`);
  }

  private parseLiteral(field: string): Literal {
    const token = this.take();
    switch (token.t) {
      case 'string':
        return { kind: 'string', value: token.value };
      case 'number':
        return { kind: 'number', value: token.value };
      case 'datetime':
        return { kind: 'datetime', value: token.value, text: token.text };
      case 'word':
        if (token.lower === 'true' || token.lower === 'false')
          return { kind: 'boolean', value: token.lower === 'true' };
        if (token.lower === 'null') return { kind: 'null' };
        throw new ConditionSyntaxError(
          `Expected a value for '${field}' at position ${token.pos}, found '${token.text}'. ${LITERAL_RULES}`,
          token.pos,
        );
      default:
        throw new ConditionSyntaxError(
          `Expected a value for '${field}' at position ${token.pos}. ${LITERAL_RULES}`,
          token.pos,
        );
    }
  }

  private unexpected(token: Token, expected: string): ConditionSyntaxError {
    const found = token.t === 'eof' ? 'the end of the conditions' : describe(token);
    return new ConditionSyntaxError(
      `Expected ${expected} at position ${token.pos}, found ${found}.`,
      token.pos,
    );
  }
}

function describe(token: Token): string {
  switch (token.t) {
    case 'word':
      return `'${token.text}'`;
    case 'op':
      return `'${token.op}'`;
    case 'string':
      return `"${token.value}"`;
    case 'number':
      return String(token.value);
    case 'datetime':
      return `[${token.text}]`;
    case 'lparen':
      return "'('";
    case 'rparen':
      return "')'";
    default:
      return "','";
  }
}

/** Parses a conditions string; blank means "no condition" (undefined). Throws ConditionSyntaxError. */
export function parseConditions(text: string | undefined | null): Condition | undefined {
  if (text === undefined || text === null || text.trim() === '') return undefined;
  return new Parser(tokenize(text)).parse();
}

// ---------------------------------------------------------------------------------------------------------------
// Type checking against known field types

export type FieldType = 'boolean' | 'numeric' | 'string' | 'datetime';

function literalType(literal: Literal): FieldType | 'null' {
  switch (literal.kind) {
    case 'number':
      return 'numeric';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    default:
      return literal.kind;
  }
}

/**
 * Rejects a literal of the wrong kind for a field whose type is known, with ConnectWise's wording
 * ("Expected a boolean value, not a numeric. …", reference §1.4). Fields of unknown type are not checked.
 */
export function checkConditionTypes(
  condition: Condition,
  typeOf: (path: string[]) => FieldType | undefined,
): void {
  const check = (path: string[], literal: Literal) => {
    const expected = typeOf(path);
    const actual = literalType(literal);
    if (expected && actual !== 'null' && actual !== expected) {
      throw new ConditionSyntaxError(`Expected a ${expected} value, not a ${actual}. ${LITERAL_RULES}`);
    }
  };
  switch (condition.type) {
    case 'and':
    case 'or':
      condition.items.forEach((item) => checkConditionTypes(item, typeOf));
      return;
    case 'not':
      checkConditionTypes(condition.item, typeOf);
      return;
    case 'compare':
      check(condition.path, condition.value);
      return;
    case 'in':
      condition.values.forEach((value) => check(condition.path, value));
      return;
    case 'match':
      return;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Compilation to a predicate

export type Predicate = (record: unknown) => boolean;

export interface CompileOptions {
  /** Maps a lower-cased field name to the record's spelling, so `LastUpdated` finds `lastUpdated`. */
  canonicalName?: (lowerName: string) => string | undefined;
}

/** Fields that live in `_info` but are addressed without the prefix (reference §1.4: `lastUpdated` → `_info.lastUpdated`). */
const INFO_ALIASES = new Set(['lastUpdated', 'dateEntered', 'updatedBy', 'enteredBy']);

export type Getter = (record: unknown) => unknown;

/**
 * Builds a getter for a path (also used by `orderBy` and `fields`). Walking through an array yields an array of the values found (any-element semantics,
 * as for `communicationItems/value`).
 */
export function compileGetter(path: string[], options: CompileOptions = {}): Getter {
  const segments = path.map((segment) => options.canonicalName?.(segment.toLowerCase()) ?? segment);
  const first = segments[0] as string;
  const aliased = INFO_ALIASES.has(first);
  const step = (value: unknown, key: string): unknown => {
    if (value === null || value === undefined) return undefined;
    if (isArray(value)) {
      const found: unknown[] = [];
      for (const element of value) {
        const inner = step(element, key);
        if (isArray(inner)) found.push(...inner);
        else if (inner !== undefined) found.push(inner);
      }
      return found;
    }
    return typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  };
  if (segments.length === 1 && !aliased) {
    return (record) => step(record, first);
  }
  return (record) => {
    let value = step(record, first);
    if (value === undefined && aliased) value = step(step(record, '_info'), first);
    for (let i = 1; i < segments.length; i++) value = step(value, segments[i] as string);
    return value;
  };
}

const ISO_PREFIX = /^\d{4}-\d{2}-\d{2}/;

/** Three-way comparison of a record value with a literal; undefined when they cannot be compared. */
function compareTo(value: unknown, literal: Literal): number | undefined {
  switch (literal.kind) {
    case 'datetime': {
      if (typeof value !== 'string' || !ISO_PREFIX.test(value)) return undefined;
      const instant = parseDate(value);
      return isNotANumber(instant) ? undefined : sign(instant - literal.value);
    }
    case 'number': {
      const number = typeof value === 'number' ? value : typeof value === 'string' ? toNumber(value) : NaN;
      return isNotANumber(number) || (typeof value === 'string' && value.trim() === '')
        ? undefined
        : sign(number - literal.value);
    }
    case 'boolean':
      return typeof value === 'boolean' ? +value - +literal.value : undefined;
    case 'string': {
      // SQL Server's default collation is case-insensitive; ConnectWise string comparisons behave the same [U].
      if (typeof value !== 'string' && typeof value !== 'number') return undefined;
      const left = `${value}`.toLowerCase();
      const right = literal.value.toLowerCase();
      return left < right ? -1 : left > right ? 1 : 0;
    }
    case 'null':
      return undefined;
  }
}

export function applyOp(op: CompareOp, order: number): boolean {
  switch (op) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

/**
 * `%` and `*` match any run of characters (reference §1.4: `%` in practice, "accepts `*`" per the guide), `_` one
 * character, `[...]` a character class, so `[[]` is a literal bracket (the guide's escaping advice).
 */
export function likeToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '%' || ch === '*') source += '.*';
    else if (ch === '_') source += '.';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) {
        source += '\\[';
      } else {
        // `^` (negation) and `-` (ranges) mean the same in SQL Server and RegExp; brackets and `\` must be escaped.
        source += `[${pattern.slice(i + 1, end).replace(/[\\[\]]/g, '\\$&')}]`;
        i = end;
      }
    } else source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'is');
}

/** Applies `test` to a value, or to each element when the path went through an array (any element may match). */
function anyValue(value: unknown, test: (single: unknown) => boolean): boolean {
  return isArray(value) ? value.some(test) : test(value);
}

/**
 * Compiles conditions into a predicate. NULL semantics follow SQL: a missing or null field satisfies only
 * `= null`; every other comparison with it (negated ones included) is false. `NOT (…)` is plain negation.
 */
export function compileCondition(condition: Condition, options: CompileOptions = {}): Predicate {
  switch (condition.type) {
    case 'and': {
      const items = condition.items.map((item) => compileCondition(item, options));
      return (record) => items.every((item) => item(record));
    }
    case 'or': {
      const items = condition.items.map((item) => compileCondition(item, options));
      return (record) => items.some((item) => item(record));
    }
    case 'not': {
      const item = compileCondition(condition.item, options);
      return (record) => !item(record);
    }
    case 'compare': {
      const get = compileGetter(condition.path, options);
      const { op, value: literal } = condition;
      if (literal.kind === 'null') {
        const wantsNull = op === '=';
        if (op !== '=' && op !== '!=') return () => false;
        return (record) => {
          const value = get(record);
          const isNull = value === null || value === undefined || (isArray(value) && value.length === 0);
          return isNull === wantsNull;
        };
      }
      return (record) =>
        anyValue(get(record), (value) => {
          if (value === null || value === undefined) return false;
          const order = compareTo(value, literal);
          return order !== undefined && applyOp(op, order);
        });
    }
    case 'match': {
      const get = compileGetter(condition.path, options);
      const { negated } = condition;
      const needle = condition.value.toLowerCase();
      const regexp = condition.op === 'like' ? likeToRegExp(condition.value) : undefined;
      const test = (value: unknown) => {
        if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
          return undefined;
        const text = `${value}`;
        return regexp ? regexp.test(text) : text.toLowerCase().includes(needle);
      };
      return (record) => {
        const value = get(record);
        if (isArray(value)) {
          const results = value.map(test).filter((result) => result !== undefined);
          if (results.length === 0) return false;
          return negated ? results.every((result) => !result) : results.some((result) => result);
        }
        const result = test(value);
        return result === undefined ? false : result !== negated;
      };
    }
    case 'in': {
      const get = compileGetter(condition.path, options);
      const { negated, values } = condition;
      const equalsAny = (value: unknown) =>
        values.some((literal) => literal.kind !== 'null' && compareTo(value, literal) === 0);
      return (record) => {
        const value = get(record);
        const present = isArray(value)
          ? value.filter((single) => single !== null && single !== undefined)
          : value === null || value === undefined
            ? []
            : [value];
        if (present.length === 0) return false;
        return negated ? present.every((single) => !equalsAny(single)) : present.some(equalsAny);
      };
    }
  }
}

/** The top-level AND-ed parts of a condition (the condition itself when it is not an AND). */
export function conjuncts(condition: Condition): Condition[] {
  return condition.type === 'and' ? condition.items.flatMap(conjuncts) : [condition];
}

/** All field paths a condition mentions. */
export function conditionPaths(condition: Condition): string[][] {
  switch (condition.type) {
    case 'and':
    case 'or':
      return condition.items.flatMap(conditionPaths);
    case 'not':
      return conditionPaths(condition.item);
    default:
      return [condition.path];
  }
}

/** Removes the first segment of every path (used to evaluate child conditions against one child element). */
export function stripFirstSegment(condition: Condition): Condition {
  switch (condition.type) {
    case 'and':
    case 'or':
      return { type: condition.type, items: condition.items.map(stripFirstSegment) };
    case 'not':
      return { type: 'not', item: stripFirstSegment(condition.item) };
    default:
      return { ...condition, path: condition.path.slice(1) };
  }
}
