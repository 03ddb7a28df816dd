import {
  compileFilter,
  compileOrder,
  parseEncodedQuery,
  sysIdBounds,
  type FieldLookup,
  type QueryRow,
} from '../../../simulator/servicenow/encodedQuery';
import { SCHEMAS } from '../../../simulator/servicenow/tables';

const incident: FieldLookup = (field) => SCHEMAS.incident.fields.get(field);

function row(values: Record<string, string>): QueryRow {
  return { value: (field) => values[field] ?? '' };
}

/** The incidents (by number) of `rows` that `query` keeps. */
function keep(query: string, rows: Record<string, string>[]): string[] {
  const filter = compileFilter(parseEncodedQuery(query, incident), incident);
  return rows.filter((values) => !filter || filter(row(values))).map((values) => values.number as string);
}

const rows = [
  {
    number: 'INC1',
    state: '1',
    priority: '1',
    active: 'true',
    sys_updated_on: '2024-01-01 00:00:00',
    short_description: 'Email down',
    assigned_to: '',
  },
  {
    number: 'INC2',
    state: '2',
    priority: '3',
    active: 'true',
    sys_updated_on: '2024-01-01 00:00:00',
    short_description: 'VPN drops',
    assigned_to: 'a1',
  },
  {
    number: 'INC3',
    state: '7',
    priority: '10',
    active: 'false',
    sys_updated_on: '2024-06-30 23:59:59',
    short_description: 'email slow',
    assigned_to: 'b2',
  },
  {
    number: 'INC4',
    state: '6',
    priority: '4',
    active: 'true',
    sys_updated_on: '2025-02-01 12:00:00',
    short_description: 'Printer',
    assigned_to: 'a1',
  },
];

describe('parseEncodedQuery', () => {
  it('given ^ ^OR and ^NQ, when parsed, then OR binds to the previous condition and NQ starts a new query', () => {
    const parsed = parseEncodedQuery('active=true^state=1^ORstate=2^NQpriority<=2', incident);
    expect(parsed.groups).toEqual([
      [
        [{ field: 'active', operator: '=', value: 'true' }],
        [
          { field: 'state', operator: '=', value: '1' },
          { field: 'state', operator: '=', value: '2' },
        ],
      ],
      [[{ field: 'priority', operator: '<=', value: '2' }]],
    ]);
    expect(parsed.ignored).toEqual([]);
  });

  it('given several ORDERBY and ORDERBYDESC parts anywhere, when parsed, then they are the order in sequence', () => {
    const parsed = parseEncodedQuery(
      'ORDERBYpriority^active=true^ORDERBYDESCsys_updated_on^ORDERBYsys_id',
      incident,
    );
    expect(parsed.orderBy).toEqual([
      { field: 'priority', descending: false },
      { field: 'sys_updated_on', descending: true },
      { field: 'sys_id', descending: false },
    ]);
    expect(parsed.groups).toHaveLength(1);
  });

  it('given every supported operator, when parsed, then the longest operator wins and the operand follows it', () => {
    const operators = (query: string) =>
      parseEncodedQuery(query, incident).groups[0]!.map((entry) => [entry[0]!.operator, entry[0]!.value]);
    expect(
      operators(
        'priority!=1^priority<=2^priority>=3^priority<4^priority>5^stateIN1,2^stateNOT IN6,7^' +
          'numberSTARTSWITHINC^numberENDSWITH9^short_descriptionLIKEmail^short_descriptionNOT LIKEvpn^' +
          'assigned_toISEMPTY^assigned_toISNOTEMPTY^closed_atEMPTYSTRING^numberANYTHING^priorityBETWEEN1@3',
      ),
    ).toEqual([
      ['!=', '1'],
      ['<=', '2'],
      ['>=', '3'],
      ['<', '4'],
      ['>', '5'],
      ['IN', '1,2'],
      ['NOT IN', '6,7'],
      ['STARTSWITH', 'INC'],
      ['ENDSWITH', '9'],
      ['LIKE', 'mail'],
      ['NOT LIKE', 'vpn'],
      ['ISEMPTY', ''],
      ['ISNOTEMPTY', ''],
      ['EMPTYSTRING', ''],
      ['ANYTHING', ''],
      ['BETWEEN', '1@3'],
    ]);
  });

  it('given unknown columns, dot-walks, unsupported operators and bad operands, when parsed, then only those parts are dropped', () => {
    const parsed = parseEncodedQuery(
      'active=true^u_nope=1^caller_id.name=Abel^sys_updated_onONToday@javascript:gs.beginningOfToday()' +
        '^sys_created_on>yesterday^priority<high^ORDERBYu_nope^state=2',
      incident,
    );
    expect(parsed.groups).toEqual([
      [[{ field: 'active', operator: '=', value: 'true' }], [{ field: 'state', operator: '=', value: '2' }]],
    ]);
    expect(parsed.ignored).toHaveLength(6);
    expect(parsed.orderBy).toEqual([]);
  });

  it('given date/time operands as plain literals, dates or gs.dateGenerate, when parsed, then they are canonical UTC seconds', () => {
    const values = parseEncodedQuery(
      "sys_updated_on>=2024-03-01 10:00:00^sys_updated_on<2024-04-01^opened_at>javascript:gs.dateGenerate('2024-05-06','end')",
      incident,
    ).groups[0]!.map((entry) => entry[0]!.value);
    expect(values).toEqual(['2024-03-01 10:00:00', '2024-04-01 00:00:00', '2024-05-06 23:59:59']);
    expect(parseEncodedQuery('sys_updated_on>2024-02-30 00:00:00', incident).groups).toEqual([]);
  });

  it('given a caret written as ^^ and an ^EQ terminator, when parsed, then the caret is in the value and the rest is ignored', () => {
    const parsed = parseEncodedQuery('short_description=a^^b^EQ^state=1', incident);
    expect(parsed.groups).toEqual([[[{ field: 'short_description', operator: '=', value: 'a^b' }]]]);
  });

  it('given an OR after a dropped condition, when parsed, then it replaces that condition instead of joining an earlier one', () => {
    const parsed = parseEncodedQuery('active=true^u_nope=1^ORstate=2', incident);
    expect(parsed.groups[0]).toEqual([
      [{ field: 'active', operator: '=', value: 'true' }],
      [{ field: 'state', operator: '=', value: '2' }],
    ]);
  });
});

describe('compileFilter', () => {
  it('given AND, OR and NQ, when evaluated, then (a AND (b OR c)) OR d', () => {
    expect(keep('active=true^state=1^ORstate=6^NQstate=7', rows)).toEqual(['INC1', 'INC3', 'INC4']);
  });

  it('given numeric columns, when ordered comparisons run, then they compare numbers, not text', () => {
    expect(keep('priority>3', rows)).toEqual(['INC3', 'INC4']);
    expect(keep('priorityBETWEEN2@4', rows)).toEqual(['INC2', 'INC4']);
  });

  it('given a date/time window, when evaluated, then the bounds are inclusive or exclusive as written, in whole seconds', () => {
    expect(keep('sys_updated_on>=2024-01-01 00:00:00^sys_updated_on<2024-06-30 23:59:59', rows)).toEqual([
      'INC1',
      'INC2',
    ]);
    expect(keep('sys_updated_on>2024-01-01 00:00:00^sys_updated_on<=2024-06-30 23:59:59', rows)).toEqual([
      'INC3',
    ]);
  });

  it('given string operators, when evaluated, then patterns ignore case and equality does not', () => {
    expect(keep('short_descriptionLIKEemail', rows)).toEqual(['INC1', 'INC3']);
    expect(keep('short_descriptionSTARTSWITHemail', rows)).toEqual(['INC1', 'INC3']);
    expect(keep('short_description=email slow', rows)).toEqual(['INC3']);
    expect(keep('short_description=Email Slow', rows)).toEqual([]);
    expect(keep('numberNOT ININC1,INC2', rows)).toEqual(['INC3', 'INC4']);
  });

  it('given empty values, when evaluated, then ISEMPTY finds them and ordered comparisons never match them', () => {
    expect(keep('assigned_toISEMPTY', rows)).toEqual(['INC1']);
    expect(keep('assigned_toISNOTEMPTY^assigned_to=a1', rows)).toEqual(['INC2', 'INC4']);
    expect(keep('assigned_to<zzz', rows)).toEqual(['INC2', 'INC3', 'INC4']);
  });

  it('given only dropped parts, when evaluated, then every record matches, as ServiceNow ignores invalid queries', () => {
    expect(compileFilter(parseEncodedQuery('u_nope=1^ORDERBYpriority', incident), incident)).toBeUndefined();
    expect(keep('u_nope=1', rows)).toHaveLength(rows.length);
  });
});

describe('compileOrder and sysIdBounds', () => {
  it('given ORDERBY terms, when sorting, then numbers sort numerically, empties first and DESC reverses', () => {
    const order = compileOrder(parseEncodedQuery('ORDERBYDESCpriority', incident).orderBy, incident);
    const sorted = [...rows].sort((a, b) => order(row(a), row(b))).map((values) => values.number);
    expect(sorted).toEqual(['INC3', 'INC4', 'INC2', 'INC1']);
    const byAssignee = compileOrder(
      parseEncodedQuery('ORDERBYassigned_to^ORDERBYnumber', incident).orderBy,
      incident,
    );
    expect([...rows].sort((a, b) => byAssignee(row(a), row(b))).map((values) => values.number)).toEqual([
      'INC1',
      'INC2',
      'INC4',
      'INC3',
    ]);
  });

  it('given a keyset query, when its sys_id bounds are read, then the tightest lower and upper bounds come back', () => {
    const bounds = sysIdBounds(
      parseEncodedQuery('sys_id>=40^sys_id>4f^sys_id<c0^active=true^ORDERBYsys_id', incident),
    );
    expect(bounds).toEqual({
      after: { value: '4f', inclusive: false },
      before: { value: 'c0', inclusive: false },
    });
    expect(sysIdBounds(parseEncodedQuery('sys_id>4f^NQstate=1', incident))).toEqual({});
    expect(sysIdBounds(parseEncodedQuery('sys_id>4f^ORstate=1', incident))).toEqual({});
  });
});
