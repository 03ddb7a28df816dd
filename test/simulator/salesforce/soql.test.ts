import {
  compileQuery,
  parseSoql,
  SoqlSemanticError,
  SoqlSyntaxError,
  type FieldValue,
  type ResolvedField,
  type SoqlRow,
} from '../../../simulator/salesforce';

const everything = () => true;

/** A row over plain values keyed by field path. */
function aRow(values: Record<string, FieldValue>): SoqlRow {
  return { value: (field: ResolvedField) => values[field.path] ?? null };
}

function matches(where: string, values: Record<string, FieldValue>, object = 'Case'): boolean {
  const compiled = compileQuery(parseSoql(`SELECT Id FROM ${object} WHERE ${where}`), everything);
  return compiled.filter!(aRow(values));
}

function syntaxProblem(query: string): string {
  try {
    parseSoql(query);
  } catch (cause) {
    if (cause instanceof SoqlSyntaxError) return cause.message;
    throw cause;
  }
  throw new Error(`'${query}' parsed`);
}

describe('SOQL parser', () => {
  it('given a full query, when parsed, then fields, relationship paths, object, order terms, limit and offset are kept', () => {
    const query = parseSoql(
      'select Id, Account.Name, SystemModstamp from Case where IsClosed = false ' +
        'order by SystemModstamp desc nulls first, Id limit 10 offset 5',
    );
    expect(query.select).toEqual({
      kind: 'fields',
      fields: [
        { path: 'Id', at: 7 },
        { path: 'Account.Name', at: 11 },
        { path: 'SystemModstamp', at: 25 },
      ],
    });
    expect(query.from.name).toBe('Case');
    expect(query.orderBy.map((term) => [term.field.path, term.descending, term.nullsLast])).toEqual([
      ['SystemModstamp', true, false],
      ['Id', false, false],
    ]);
    expect([query.limit, query.offset]).toEqual([10, 5]);
  });

  it('given COUNT(), when parsed, then the select is a count', () => {
    expect(parseSoql('SELECT COUNT() FROM Account').select).toEqual({ kind: 'count' });
  });

  it('given datetime literals in Z, millisecond +0000 and +hh:mm forms, when parsed, then they denote the same instant', () => {
    const instants = [
      '2024-01-01T00:00:00Z',
      '2024-01-01T00:00:00.000+0000',
      '2024-01-01T01:00:00+01:00',
    ].map((literal) => {
      const where = parseSoql(`SELECT Id FROM Case WHERE CreatedDate > ${literal}`).where;
      return where?.kind === 'compare' && where.value.kind === 'datetime' ? where.value.value : undefined;
    });
    expect(instants).toEqual([
      Date.UTC(2024, 0, 1) / 1000,
      Date.UTC(2024, 0, 1) / 1000,
      Date.UTC(2024, 0, 1) / 1000,
    ]);
  });

  it.each([
    [
      "SELECT Id FROM Case WHERE Status = 'New' AND Priority = 'High' OR Origin = 'Web'",
      "unexpected token: 'OR'",
    ],
    ["SELECT Id FROM Case WHERE Subject = 'open", 'unterminated string literal'],
    ['SELECT Id Case', "expecting 'FROM', found 'Case'"],
    ['SELECT Id, Id FROM Case', 'duplicate field selected: Id'],
    ['SELECT COUNT(Id) FROM Case', 'only COUNT() is supported'],
    ['SELECT Id FROM Case WHERE', "unexpected token: '<EOF>'"],
    ['SELECT Id FROM Case LIMIT -1', 'LIMIT expects a non-negative integer'],
    ['SELECT Id FROM Case WHERE Status IN (', 'expecting a literal value'],
    ['', 'empty query'],
  ])('given malformed SOQL %j, when parsed, then the error names the problem', (query, problem) => {
    const message = syntaxProblem(query);
    expect(message).toMatch(/^ERROR at Row:1:Column:\d+\n/);
    expect(message).toContain(problem);
  });

  it('given a problem on the second line, when parsed, then the error gives its row and column', () => {
    expect(syntaxProblem('SELECT Id\nFROM Case WHERE Status ==')).toMatch(/^ERROR at Row:2:Column:/);
  });
});

describe('SOQL binding and evaluation', () => {
  it('given an unknown object or one the org lacks, when compiled, then INVALID_TYPE with Salesforce’s message', () => {
    const error = (query: string, available: (name: string) => boolean) => {
      try {
        compileQuery(parseSoql(query), available);
      } catch (cause) {
        return cause as SoqlSemanticError;
      }
      throw new Error('compiled');
    };
    expect(error('SELECT Id FROM Opportunity', everything)).toMatchObject({
      errorCode: 'INVALID_TYPE',
      message: "sObject type 'Opportunity' is not supported.",
    });
    expect(error('SELECT Id FROM WorkOrder', (name) => name !== 'WorkOrder').errorCode).toBe('INVALID_TYPE');
  });

  it.each([
    ['SELECT Nope FROM Case', "No such column 'Nope' on entity 'Case'"],
    ['SELECT Owner.Name FROM Case', "Didn't understand relationship 'Owner'"],
    ['SELECT Account.Nope FROM Case', "No such column 'Nope' on entity 'Account'"],
    ["SELECT Id FROM Case WHERE CreatedDate > '2024-01-01T00:00:00Z'", 'must be of type dateTime'],
    ["SELECT Id FROM Case WHERE IsClosed = 'true'", 'must be of type boolean'],
    ['SELECT Id FROM Case WHERE Status = 5', 'must be of type string'],
  ])('given %j, when compiled, then INVALID_FIELD naming the problem', (query, problem) => {
    expect(() => compileQuery(parseSoql(query), everything)).toThrow(
      expect.objectContaining({ errorCode: 'INVALID_FIELD', message: expect.stringContaining(problem) }),
    );
  });

  it('given text comparisons, when evaluated, then = and LIKE are case-insensitive and LIKE honours % and _', () => {
    expect(matches("Status = 'NEW'", { Status: 'New' })).toBe(true);
    expect(matches("Subject LIKE '%vpn%'", { Subject: 'VPN drops every hour' })).toBe(true);
    expect(matches("Subject LIKE 'V_N%'", { Subject: 'VPN drops' })).toBe(true);
    expect(matches("Subject LIKE 'VPN'", { Subject: 'VPN drops' })).toBe(false);
    expect(matches("Subject LIKE '%'", { Subject: null })).toBe(false);
  });

  it('given nulls, when evaluated, then = null and != null test presence and ordering comparisons are false', () => {
    expect(matches('ClosedDate = null', { ClosedDate: null })).toBe(true);
    expect(matches('ClosedDate != null', { ClosedDate: null })).toBe(false);
    expect(matches('ClosedDate < 2030-01-01T00:00:00Z', { ClosedDate: null })).toBe(false);
    expect(matches("Status != 'New'", { Status: null })).toBe(true);
  });

  it('given IN, NOT IN, NOT and nested groups, when evaluated, then boolean logic holds', () => {
    const row = { Status: 'Working', Priority: 'High', Origin: 'Web', IsClosed: false };
    expect(matches("Status IN ('New', 'working')", row)).toBe(true);
    expect(matches("Status NOT IN ('New', 'Working')", row)).toBe(false);
    expect(matches("NOT (Status = 'New' OR Priority = 'Low')", row)).toBe(true);
    expect(
      matches("(Status = 'New' OR Priority = 'High') AND (Origin = 'Web' AND IsClosed = false)", row),
    ).toBe(true);
    expect(matches("Status = 'New' OR (Priority = 'High' AND Origin = 'Phone')", row)).toBe(false);
  });

  it('given the tie-safe keyset condition, when evaluated, then rows after (T, Id) pass and rows at or before do not', () => {
    const t = Date.UTC(2024, 4, 1, 12, 0, 3) / 1000;
    const where =
      "(SystemModstamp = 2024-05-01T12:00:03.000+0000 AND Id > '500000000000002AAA') OR SystemModstamp > 2024-05-01T12:00:03Z";
    expect(matches(where, { SystemModstamp: t, Id: '500000000000003AAA' })).toBe(true);
    expect(matches(where, { SystemModstamp: t, Id: '500000000000002AAA' })).toBe(false);
    expect(matches(where, { SystemModstamp: t + 1, Id: '500000000000001AAA' })).toBe(true);
    expect(matches(where, { SystemModstamp: t - 1, Id: '500000000000009AAA' })).toBe(false);
  });

  it('given numbers and relationship paths, when evaluated, then numeric comparison and the parent’s value are used', () => {
    expect(matches('DurationInMinutes >= 60', { DurationInMinutes: 75 }, 'TimeSheetEntry')).toBe(true);
    expect(matches('DurationInMinutes >= 60', { DurationInMinutes: 45 }, 'TimeSheetEntry')).toBe(false);
    expect(matches('WorkOrder.CaseId != null', { 'WorkOrder.CaseId': '500x' }, 'TimeSheetEntry')).toBe(true);
    expect(matches("Account.Name LIKE 'Þ%'", { 'Account.Name': 'Þekking' })).toBe(true);
  });
});
