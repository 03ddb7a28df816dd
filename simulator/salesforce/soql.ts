/**
 * A small SOQL parser for the subset a sync needs (reference §B.2, §B.9):
 * `SELECT f, Rel.f | COUNT() FROM Object [WHERE …] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], …] [LIMIT n] [OFFSET n]`
 * with AND / OR / NOT and parentheses, `= != <> < <= > >=`, `[NOT] IN (…)`, `LIKE`, quoted strings, numbers,
 * datetime literals and true / false / null. Keywords and names are case-insensitive. As in SOQL, AND and OR may
 * not be mixed at one level without parentheses. Errors say where, in Salesforce's words
 * (`ERROR at Row:1:Column:N` then the problem).
 */
import { DATETIME_LITERAL, parseDateTime } from './dates';

export type SoqlLiteral =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'datetime'; value: number; text: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** A field as written: a name or `Relationship.Name`, and where it starts (for error messages). */
export interface FieldRef {
  path: string;
  at: number;
}

export type SoqlCondition =
  | { kind: 'compare'; field: FieldRef; operator: ComparisonOperator; value: SoqlLiteral }
  | { kind: 'in'; field: FieldRef; negated: boolean; values: SoqlLiteral[] }
  | { kind: 'like'; field: FieldRef; pattern: string }
  | { kind: 'and' | 'or'; operands: SoqlCondition[] }
  | { kind: 'not'; operand: SoqlCondition };

export interface SoqlOrder {
  field: FieldRef;
  descending: boolean;
  /** SOQL's default: nulls first ascending, last descending. */
  nullsLast: boolean;
}

export interface SoqlQuery {
  /** `count` for `SELECT COUNT()`. */
  select: { kind: 'count' } | { kind: 'fields'; fields: FieldRef[] };
  from: { name: string; at: number };
  where: SoqlCondition | undefined;
  orderBy: SoqlOrder[];
  limit: number | undefined;
  offset: number | undefined;
  /** The query text, for error messages. */
  text: string;
}

/** A query that does not parse: Salesforce's MALFORMED_QUERY. */
export class SoqlSyntaxError extends Error {
  constructor(
    readonly problem: string,
    readonly query: string,
    readonly at: number,
  ) {
    super(describeAt(query, at, problem));
    this.name = 'SoqlSyntaxError';
  }
}

/** `ERROR at Row:R:Column:C` and the problem, as Salesforce words a query error. */
export function describeAt(query: string, at: number, problem: string): string {
  const before = query.slice(0, Math.max(0, at));
  const row = before.split('\n').length;
  const column = at - (before.lastIndexOf('\n') + 1) + 1;
  return `ERROR at Row:${row}:Column:${column}\n${problem}`;
}

type TokenType = 'word' | 'string' | 'number' | 'datetime' | 'operator' | '(' | ')' | ',' | 'eof';

interface Token {
  type: TokenType;
  text: string;
  at: number;
  /** The unescaped value of a string. */
  value?: string;
}

const WORD = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/;
const NUMBER = /^-?\d+(?:\.\d+)?/;
const OPERATOR = /^(?:<=|>=|!=|<>|=|<|>)/;
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  "'": "'",
  '"': '"',
  '\\': '\\',
};

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const rest = text.slice(i);
    if (ch === "'") {
      let value = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== "'"; j++) {
        if (text[j] === '\\') {
          const next = text[j + 1] ?? '';
          // \% and \_ stay escaped for LIKE; other escapes are unescaped.
          value += next === '%' || next === '_' ? `\\${next}` : (ESCAPES[next] ?? next);
          j++;
        } else {
          value += text[j];
        }
      }
      if (j >= text.length) throw new SoqlSyntaxError('unterminated string literal', text, i);
      tokens.push({ type: 'string', text: text.slice(i, j + 1), at: i, value });
      i = j + 1;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: ch, text: ch, at: i });
      i++;
      continue;
    }
    const datetime = DATETIME_LITERAL.exec(rest);
    const match = datetime ?? NUMBER.exec(rest) ?? WORD.exec(rest) ?? OPERATOR.exec(rest);
    if (!match) throw new SoqlSyntaxError(`unexpected token: '${ch}'`, text, i);
    const type: TokenType = datetime
      ? 'datetime'
      : NUMBER.test(rest) && /[-\d]/.test(ch)
        ? 'number'
        : WORD.test(rest)
          ? 'word'
          : 'operator';
    tokens.push({ type, text: match[0], at: i });
    i += match[0].length;
  }
  tokens.push({ type: 'eof', text: '<EOF>', at: text.length });
  return tokens;
}

const RESERVED = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'IN',
  'LIKE',
  'ORDER',
  'BY',
  'ASC',
  'DESC',
  'NULLS',
  'FIRST',
  'LAST',
  'LIMIT',
  'OFFSET',
  'COUNT',
  'TRUE',
  'FALSE',
  'NULL',
  'GROUP',
  'HAVING',
]);

class Parser {
  private position = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.position + ahead, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== 'eof') this.position++;
    return token;
  }

  private isKeyword(word: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.type === 'word' && token.text.toUpperCase() === word;
  }

  private fail(token: Token, problem?: string): never {
    throw new SoqlSyntaxError(problem ?? `unexpected token: '${token.text}'`, this.text, token.at);
  }

  private expectKeyword(word: string): Token {
    if (!this.isKeyword(word)) this.fail(this.peek(), `expecting '${word}', found '${this.peek().text}'`);
    return this.next();
  }

  private expect(type: TokenType): Token {
    const token = this.peek();
    if (token.type !== type) this.fail(token, `expecting '${type}', found '${token.text}'`);
    return this.next();
  }

  private field(): FieldRef {
    const token = this.peek();
    if (token.type !== 'word' || RESERVED.has(token.text.toUpperCase())) this.fail(token);
    this.next();
    return { path: token.text, at: token.at };
  }

  parse(): SoqlQuery {
    if (this.peek().type === 'eof') this.fail(this.peek(), 'empty query: expecting SELECT');
    this.expectKeyword('SELECT');
    const select = this.selectList();
    this.expectKeyword('FROM');
    const object = this.peek();
    if (object.type !== 'word' || RESERVED.has(object.text.toUpperCase()) || object.text.includes('.')) {
      this.fail(object, `expecting an object name, found '${object.text}'`);
    }
    this.next();
    const where = this.isKeyword('WHERE') ? (this.next(), this.condition()) : undefined;
    const orderBy: SoqlOrder[] = [];
    if (this.isKeyword('ORDER')) {
      this.next();
      this.expectKeyword('BY');
      do orderBy.push(this.orderTerm());
      while (this.peek().type === ',' && this.next());
    }
    const limit = this.isKeyword('LIMIT') ? (this.next(), this.integer('LIMIT')) : undefined;
    const offset = this.isKeyword('OFFSET') ? (this.next(), this.integer('OFFSET')) : undefined;
    if (this.peek().type !== 'eof') this.fail(this.peek());
    return {
      select,
      from: { name: object.text, at: object.at },
      where,
      orderBy,
      limit,
      offset,
      text: this.text,
    };
  }

  private selectList(): SoqlQuery['select'] {
    if (this.isKeyword('COUNT') && this.peek(1).type === '(') {
      this.next();
      this.next();
      if (this.peek().type !== ')') this.fail(this.peek(), 'only COUNT() is supported, not COUNT(field)');
      this.next();
      return { kind: 'count' };
    }
    const fields: FieldRef[] = [];
    const seen = new Set<string>();
    do {
      const field = this.field();
      if (seen.has(field.path.toLowerCase()))
        throw new SoqlSyntaxError(`duplicate field selected: ${field.path}`, this.text, field.at);
      seen.add(field.path.toLowerCase());
      fields.push(field);
    } while (this.peek().type === ',' && this.next());
    return { kind: 'fields', fields };
  }

  private orderTerm(): SoqlOrder {
    const field = this.field();
    let descending = false;
    if (this.isKeyword('ASC')) this.next();
    else if (this.isKeyword('DESC')) {
      this.next();
      descending = true;
    }
    let nullsLast = descending;
    if (this.isKeyword('NULLS')) {
      this.next();
      if (this.isKeyword('FIRST')) nullsLast = false;
      else if (this.isKeyword('LAST')) nullsLast = true;
      else this.fail(this.peek(), `expecting FIRST or LAST, found '${this.peek().text}'`);
      this.next();
    }
    return { field, descending, nullsLast };
  }

  private integer(clause: string): number {
    const token = this.peek();
    if (token.type !== 'number' || !/^\d+$/.test(token.text))
      this.fail(token, `${clause} expects a non-negative integer, found '${token.text}'`);
    this.next();
    return Number(token.text);
  }

  /** term (AND term)* | term (OR term)*: mixing needs parentheses, as in SOQL. */
  private condition(): SoqlCondition {
    const first = this.term();
    const joiner = this.isKeyword('AND') ? 'and' : this.isKeyword('OR') ? 'or' : undefined;
    if (!joiner) return first;
    const operands = [first];
    while (this.isKeyword(joiner.toUpperCase())) {
      this.next();
      operands.push(this.term());
    }
    const other = joiner === 'and' ? 'OR' : 'AND';
    if (this.isKeyword(other))
      this.fail(
        this.peek(),
        `unexpected token: '${this.peek().text}' (AND and OR need parentheses when mixed)`,
      );
    return { kind: joiner, operands };
  }

  private term(): SoqlCondition {
    if (this.isKeyword('NOT')) {
      this.next();
      return { kind: 'not', operand: this.term() };
    }
    if (this.peek().type === '(') {
      this.next();
      const inner = this.condition();
      this.expect(')');
      return inner;
    }
    const field = this.field();
    if (this.isKeyword('NOT') && this.isKeyword('IN', 1)) {
      this.next();
      this.next();
      return { kind: 'in', field, negated: true, values: this.list() };
    }
    if (this.isKeyword('IN')) {
      this.next();
      return { kind: 'in', field, negated: false, values: this.list() };
    }
    if (this.isKeyword('LIKE')) {
      this.next();
      const pattern = this.peek();
      if (pattern.type !== 'string')
        this.fail(pattern, `LIKE expects a quoted string, found '${pattern.text}'`);
      this.next();
      return { kind: 'like', field, pattern: pattern.value as string };
    }
    const operator = this.peek();
    if (operator.type !== 'operator')
      this.fail(operator, `expecting a comparison operator, found '${operator.text}'`);
    this.next();
    const op = operator.text === '<>' ? '!=' : (operator.text as ComparisonOperator);
    return { kind: 'compare', field, operator: op, value: this.literal() };
  }

  private list(): SoqlLiteral[] {
    this.expect('(');
    const values: SoqlLiteral[] = [];
    do values.push(this.literal());
    while (this.peek().type === ',' && this.next());
    this.expect(')');
    return values;
  }

  private literal(): SoqlLiteral {
    const token = this.peek();
    switch (token.type) {
      case 'string':
        this.next();
        return { kind: 'string', value: token.value as string };
      case 'number':
        this.next();
        return { kind: 'number', value: Number(token.text) };
      case 'datetime': {
        const value = parseDateTime(token.text);
        if (value === undefined) this.fail(token, `invalid datetime literal: ${token.text}`);
        this.next();
        return { kind: 'datetime', value, text: token.text };
      }
      case 'word': {
        const word = token.text.toUpperCase();
        if (word === 'TRUE' || word === 'FALSE') {
          this.next();
          return { kind: 'boolean', value: word === 'TRUE' };
        }
        if (word === 'NULL') {
          this.next();
          return { kind: 'null' };
        }
        return this.fail(token, `unexpected token: '${token.text}' (expecting a literal value)`);
      }
      default:
        return this.fail(token, `unexpected token: '${token.text}' (expecting a literal value)`);
    }
  }
}

/** Parses SOQL (throws SoqlSyntaxError). */
export function parseSoql(text: string): SoqlQuery {
  return new Parser(text, tokenize(text)).parse();
}
