import fc from 'fast-check';
import {
  checkConditionTypes,
  compileCondition,
  ConditionSyntaxError,
  LITERAL_RULES,
  likeToRegExp,
  parseConditions,
  parseDateTimeLiteral,
  type Condition,
} from '../../simulator/conditions';
import { canonicalFieldName, fieldTypeOf } from '../../simulator/data';

function matches(conditions: string, record: unknown): boolean {
  const parsed = parseConditions(conditions);
  if (!parsed) throw new Error('no condition');
  return compileCondition(parsed, { canonicalName: canonicalFieldName })(record);
}

const ticket = {
  id: 42,
  summary: 'VPN drops every hour',
  closedFlag: false,
  budgetHours: null,
  actualHours: 2.5,
  hourlyCost: '10800.00',
  company: { id: 7, identifier: 'Thekking0', name: 'Þekking' },
  status: { id: 3, name: 'In Progress' },
  customFields: [
    { id: 1, caption: 'Story Points', value: 5 },
    { id: 4, caption: 'S Number' },
  ],
  communicationItems: [
    { communicationType: 'Phone', value: '5551234' },
    { communicationType: 'Email', value: 'jon@example.com' },
  ],
  _info: {
    lastUpdated: '2024-03-01T12:00:00Z',
    dateEntered: '2023-05-05T00:00:00Z',
    updatedBy: 'trigger        ',
  },
};

describe('conditions parser: precedence and grouping', () => {
  it('given OR before AND, when parsed, then AND binds tighter than OR', () => {
    expect(parseConditions('a = 1 OR b = 2 AND c = 3')).toEqual({
      type: 'or',
      items: [
        { type: 'compare', path: ['a'], op: '=', value: { kind: 'number', value: 1 } },
        {
          type: 'and',
          items: [
            { type: 'compare', path: ['b'], op: '=', value: { kind: 'number', value: 2 } },
            { type: 'compare', path: ['c'], op: '=', value: { kind: 'number', value: 3 } },
          ],
        },
      ],
    });
  });

  it.each([
    [{ a: 1, b: 0, c: 0 }, true],
    [{ a: 0, b: 1, c: 0 }, false],
    [{ a: 0, b: 1, c: 1 }, true],
    [{ a: 0, b: 0, c: 1 }, false],
  ])('given %o, when evaluating "a=1 or b=1 and c=1", then the result is %s', (record, expected) => {
    expect(matches('a=1 or b=1 and c=1', record)).toBe(expected);
  });

  it('given parentheses around the OR, when evaluated, then they override precedence', () => {
    expect(matches('(a = 1 OR b = 1) AND c = 1', { a: 1, b: 0, c: 0 })).toBe(false);
    expect(matches('a = 1 OR b = 1 AND c = 1', { a: 1, b: 0, c: 0 })).toBe(true);
  });

  it("given S1's README example with mixed-case keywords and nesting, when parsed, then it evaluates", () => {
    const text =
      '(contact/name like "Fred%" and closedFlag = false) and dateEntered > [2015-12-23T05:53:27Z] or summary contains "test" AND summary != "Some Summary"';
    const record = {
      contact: { name: 'Fred Flintstone' },
      closedFlag: false,
      _info: { dateEntered: '2016-01-01T00:00:00Z' },
    };
    expect(matches(text, record)).toBe(true);
    expect(matches(text, { ...record, closedFlag: true, summary: 'a test' })).toBe(true);
    expect(matches(text, { ...record, closedFlag: true, summary: 'Some Summary' })).toBe(false);
  });

  it('given NOT before a group, when evaluated, then it negates the group', () => {
    expect(matches('NOT (a = 1 OR b = 1)', { a: 0, b: 0 })).toBe(true);
    expect(matches('not (a = 1 or b = 1)', { a: 1, b: 0 })).toBe(false);
  });

  it('given keywords in any case and no spaces around operators, when parsed, then they are recognised', () => {
    expect(matches('closedFlag=FALSE aNd summary CONTAINS "vpn" Or id=0', ticket)).toBe(true);
    expect(matches('budgetHours = NULL AND closedFlag != True', ticket)).toBe(true);
  });
});

describe('conditions parser: operators', () => {
  it.each([
    ['id = 42', true],
    ['id != 42', false],
    ['id < 43', true],
    ['id <= 42', true],
    ['id > 42', false],
    ['id >= 42', true],
    ['actualHours > 2.25', true],
    ['actualHours < -1', false],
    ['id > -5', true],
    ['hourlyCost = 10800', true],
    ['summary = "vpn drops every hour"', true],
    ["summary = 'VPN drops every hour'", true],
    ['summary < "W"', true],
    ['summary contains "DROPS"', true],
    ['summary not contains "drops"', false],
    ['summary like "VPN%"', true],
    ['summary like "%every%"', true],
    ['summary like "VPN*hour"', true],
    ['summary like "VPN_drops%"', true],
    ['summary like "drops%"', false],
    ['summary not like "VPN%"', false],
    ['id in (1, 42, 3)', true],
    ['id not in (1, 42, 3)', false],
    ['status/name in ("New", "in progress")', true],
    ['closedFlag = false', true],
    ['closedFlag = true', false],
    ['budgetHours = null', true],
    ['budgetHours != null', false],
    ['missingField = null', true],
    ['missingField != null', false],
    ['missingField != 5', false],
    ['missingField not in (5)', false],
    ['actualHours != null', true],
  ])('given a ticket, when %s is evaluated, then it is %s', (text, expected) => {
    expect(matches(text, ticket)).toBe(expected);
  });

  it('given quotes inside strings, when parsed, then escapes and the other quote kind are literal', () => {
    expect(matches(`name = 'O\\'Reilly "Quoted"'`, { name: `O'Reilly "Quoted"` })).toBe(true);
    expect(matches(`name = "a AND b OR (c)"`, { name: 'a and b or (c)' })).toBe(true);
  });

  it('given SQL-style brackets in a like pattern, when matched, then [[] is a literal bracket', () => {
    expect(likeToRegExp('[[]ticket]%').test('[ticket] printer')).toBe(true);
    expect(likeToRegExp('[[]ticket]%').test('ticket printer')).toBe(false);
    expect(likeToRegExp('a.b+c').test('a.b+c')).toBe(true);
    expect(likeToRegExp('a.b+c').test('axb+c')).toBe(false);
  });
});

describe('conditions parser: references and _info aliases', () => {
  it.each([
    ['company/id = 7', true],
    ['company/name = "þekking"', true],
    ['status/name = "In Progress"', true],
    ['Company/Name = "Þekking"', true],
    ['lastUpdated > [2024-01-01]', true],
    ['LastUpdated > [2024-01-01]', true],
    ['_info/lastUpdated > [2024-01-01]', true],
    ['dateEntered < [2023-06-01]', true],
    ['updatedBy = "trigger        "', true],
    ['customFields/value = 5', true],
    ['communicationItems/value contains "@example"', true],
    ['company/missing/deeper = 1', false],
  ])('given a ticket, when %s is evaluated, then it is %s', (text, expected) => {
    expect(matches(text, ticket)).toBe(expected);
  });
});

describe('conditions parser: datetimes', () => {
  it.each([
    ['2024-01-02', '2024-01-02T00:00:00.000Z'],
    ['2024-01-02T03:04:05', '2024-01-02T03:04:05.000Z'],
    ['2024-01-02T03:04:05Z', '2024-01-02T03:04:05.000Z'],
    ['2024-01-02T03:04:05.123456', '2024-01-02T03:04:05.123Z'],
    ['2024-01-02T03:04:05.000000Z', '2024-01-02T03:04:05.000Z'],
    ['2024-01-02T05:04:05+02:00', '2024-01-02T03:04:05.000Z'],
    ['2024-01-01T22:04:05-05:00', '2024-01-02T03:04:05.000Z'],
    ['2024-01-02T03:04:05+00:00', '2024-01-02T03:04:05.000Z'],
  ])('given [%s], when parsed, then it is the instant %s', (literal, iso) => {
    expect(Math.floor(parseDateTimeLiteral(literal) as number)).toBe(Date.parse(iso));
  });

  it.each(['2024-13-01', '2024-02-30', 'yesterday', '2024-01-01T25:00:00', '2024-1-1', ''])(
    'given the invalid datetime [%s], when parsed, then it is rejected',
    (literal) => {
      expect(parseDateTimeLiteral(literal)).toBeUndefined();
      expect(() => parseConditions(`lastUpdated > [${literal}]`)).toThrow(ConditionSyntaxError);
    },
  );

  it('given a literal with an offset, when compared with a record timestamp, then they compare as instants', () => {
    // 2024-03-01T12:00:00Z is 2024-03-01T14:00:00+02:00.
    expect(matches('lastUpdated = [2024-03-01T14:00:00+02:00]', ticket)).toBe(true);
    expect(matches('lastUpdated > [2024-03-01T13:59:59+02:00]', ticket)).toBe(true);
    expect(matches('lastUpdated > [2024-03-01T14:00:00+02:00]', ticket)).toBe(false);
    expect(matches('lastUpdated >= [2024-03-01T12:00:00.000000]', ticket)).toBe(true);
    expect(matches('lastUpdated > [2024-03-01T12:00:00.000001]', ticket)).toBe(false);
  });
});

describe('conditions parser: invalid syntax', () => {
  it.each([
    'summary = ',
    'summary = hello',
    '(id = 1',
    'id = 1)',
    'id == 1',
    'id = 1 AND',
    'id in ()',
    'id in (1, )',
    'id in 1, 2',
    'summary like 5',
    'summary contains "unterminated',
    'id ! 1',
    '= 5',
    'id = 1 summary = "x"',
    'id <> 1',
    'id = 12abc',
    'lastUpdated > [2024-01-01',
    'and = 1',
    'id = 1 # comment',
  ])('given %p, when parsed, then a ConditionSyntaxError is thrown', (text) => {
    expect(() => parseConditions(text)).toThrow(ConditionSyntaxError);
  });

  it('given a bare word as a value, when parsed, then the message explains ConnectWise literal rules', () => {
    expect(() => parseConditions('summary = hello')).toThrow(LITERAL_RULES);
  });

  it('given a number compared with a boolean field, when type-checked, then it fails with the ConnectWise message', () => {
    const parsed = parseConditions('closedFlag = 1') as Condition;
    expect(() => checkConditionTypes(parsed, fieldTypeOf)).toThrow(
      `Expected a boolean value, not a numeric. ${LITERAL_RULES}`,
    );
  });

  it('given a quoted date compared with lastUpdated, when type-checked, then it asks for a datetime', () => {
    const parsed = parseConditions('lastUpdated > "2024-01-01"') as Condition;
    expect(() => checkConditionTypes(parsed, fieldTypeOf)).toThrow(
      /^Expected a datetime value, not a string\./,
    );
  });

  it('given null compared with a typed field, when type-checked, then it is accepted', () => {
    const parsed = parseConditions('closedFlag = null AND id != null AND lastUpdated = null') as Condition;
    expect(() => checkConditionTypes(parsed, fieldTypeOf)).not.toThrow();
  });

  it('given blank conditions, when parsed, then there is no condition', () => {
    expect(parseConditions('')).toBeUndefined();
    expect(parseConditions('   ')).toBeUndefined();
    expect(parseConditions(undefined)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Property tests: print a random tree with minimal parentheses, random keyword case and spacing, parse it back and
// compare evaluation with a direct interpretation of the tree.

type Tree =
  | { kind: 'cmp'; field: 'a' | 'b' | 'c'; op: '=' | '!=' | '<' | '<=' | '>' | '>='; value: number }
  | { kind: 'and' | 'or'; items: Tree[] }
  | { kind: 'not'; item: Tree };

const treeArbitrary: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      kind: fc.constant('cmp' as const),
      field: fc.constantFrom('a' as const, 'b' as const, 'c' as const),
      op: fc.constantFrom(
        '=' as const,
        '!=' as const,
        '<' as const,
        '<=' as const,
        '>' as const,
        '>=' as const,
      ),
      value: fc.integer({ min: -3, max: 3 }),
    }),
    fc.record({
      kind: fc.constantFrom('and' as const, 'or' as const),
      items: fc.array(tie('tree'), { minLength: 2, maxLength: 3 }),
    }),
    fc.record({ kind: fc.constant('not' as const), item: tie('tree') }),
  ),
})).tree;

function evaluate(tree: Tree, record: Record<string, number>): boolean {
  switch (tree.kind) {
    case 'and':
      return tree.items.every((item) => evaluate(item, record));
    case 'or':
      return tree.items.some((item) => evaluate(item, record));
    case 'not':
      return !evaluate(tree.item, record);
    case 'cmp': {
      const left = record[tree.field] as number;
      const right = tree.value;
      return {
        '=': left === right,
        '!=': left !== right,
        '<': left < right,
        '<=': left <= right,
        '>': left > right,
        '>=': left >= right,
      }[tree.op];
    }
  }
}

function print(tree: Tree, style: { upper: boolean; spaces: boolean }, parent?: Tree['kind']): string {
  const keyword = (word: string) => (style.upper ? word.toUpperCase() : word.toLowerCase());
  const gap = style.spaces ? ' ' : '';
  switch (tree.kind) {
    case 'cmp':
      return `${tree.field}${gap}${tree.op}${gap}${tree.value}`;
    case 'not':
      return `${keyword('not')} (${print(tree.item, style)})`;
    case 'and':
    case 'or': {
      const text = tree.items.map((item) => print(item, style, tree.kind)).join(` ${keyword(tree.kind)} `);
      // Only an OR inside an AND needs parentheses; an AND inside an OR relies on precedence.
      const needsParens = tree.kind === 'or' && parent === 'and';
      return needsParens ? `(${text})` : text;
    }
  }
}

describe('conditions parser: properties', () => {
  it('given any condition tree printed with minimal parentheses, when parsed and evaluated, then it agrees with the tree', () => {
    fc.assert(
      fc.property(
        treeArbitrary,
        fc.record({
          a: fc.integer({ min: -3, max: 3 }),
          b: fc.integer({ min: -3, max: 3 }),
          c: fc.integer({ min: -3, max: 3 }),
        }),
        fc.boolean(),
        fc.boolean(),
        (tree, record, upper, spaces) => {
          const text = print(tree, { upper, spaces });
          expect(matches(text, record)).toBe(evaluate(tree, record));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('given any whole-second instant, when written in each accepted datetime form, then all parse to that instant', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2030, 0, 1) / 1000 }),
        fc.integer({ min: -12, max: 14 }),
        (seconds, offsetHours) => {
          const instant = seconds * 1000;
          const iso = new Date(instant).toISOString().slice(0, 19);
          const local = new Date(instant + offsetHours * 3_600_000).toISOString().slice(0, 19);
          const offset = `${offsetHours < 0 ? '-' : '+'}${String(Math.abs(offsetHours)).padStart(2, '0')}:00`;
          expect(parseDateTimeLiteral(`${iso}Z`)).toBe(instant);
          expect(parseDateTimeLiteral(iso)).toBe(instant);
          expect(parseDateTimeLiteral(`${iso}.000000`)).toBe(instant);
          expect(parseDateTimeLiteral(`${local}${offset}`)).toBe(instant);
        },
      ),
    );
  });

  it('given any text without wildcards, when used as like "%text%", then it matches exactly when contains does', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 6 }), fc.string({ maxLength: 12 }), (needle, haystack) => {
        fc.pre(!/[%*_[\]\\"]/.test(needle));
        const record = { summary: haystack };
        expect(matches(`summary like "%${needle}%"`, record)).toBe(
          matches(`summary contains "${needle}"`, record),
        );
      }),
    );
  });
});
