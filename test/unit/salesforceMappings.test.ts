import { CANONICAL_TABLES, type CanonicalTableName } from '../../mappings/canonical';
import type { CanonicalRow } from '../../mappings/compile';
import { mappingProblems } from '../../mappings/mappingSchema';
import { ValidationError } from '../../shared/errors';
import {
  compileQuery,
  parseSoql,
  startSalesforceSimulator,
  type SalesforceSimulator,
  type SimulatedOrg,
} from '../../simulator/salesforce';
import {
  resetSalesforceMappings,
  SALESFORCE_DEFAULT_OBJECTS,
  SALESFORCE_MAPPING_DOCUMENTS,
  salesforceMapping,
  salesforceObject,
  salesforceTableMapSchema,
  soqlFields,
  type SalesforceTableMap,
} from '../../sources/salesforce/tables';
import { aClock, type AnyRecord, login, queryAllPages } from '../simulator/salesforce/helpers';

const anOrg = (name: string, sizes: SimulatedOrg['sizes']): SimulatedOrg => ({
  name,
  clientId: `${name}-client`,
  clientSecret: `${name}-secret`,
  sizes,
});
/** Every object, references filled. */
const ACME = anOrg('acme', { Account: 3, Contact: 4, Case: 5, WorkOrder: 3, TimeSheetEntry: 4 });
/** No Accounts and no Cases: a Contact without an Account, a work order without a Case. */
const LOOSE = anOrg('loose', { Contact: 1, WorkOrder: 1, TimeSheetEntry: 1 });
/** No work orders: a time entry without one. */
const BARE = anOrg('bare', { Account: 1, TimeSheetEntry: 1 });
const TABLES = Object.keys(SALESFORCE_DEFAULT_OBJECTS) as CanonicalTableName[];

describe('Salesforce mappings', () => {
  let sim: SalesforceSimulator;
  const clock = aClock('2026-01-02T03:04:05Z');
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    sim = await startSalesforceSimulator({ orgs: [ACME, LOOSE, BARE], now: clock.now });
    for (const org of [ACME, LOOSE, BARE]) tokens.set(org.name, await login(sim, org));
  });
  afterAll(() => sim.stop());
  afterEach(() => resetSalesforceMappings());

  /** What the connector does: SELECT the table's fields from its object on /queryAll, then map each record. */
  async function syncedRows(
    org: SimulatedOrg,
    table: CanonicalTableName,
    tableMap?: SalesforceTableMap,
  ): Promise<{ records: AnyRecord[]; rows: CanonicalRow[] }> {
    const soql = `SELECT ${soqlFields(tableMap, table).join(', ')} FROM ${salesforceObject(tableMap, table)} ORDER BY Id`;
    const { records } = await queryAllPages(sim, tokens.get(org.name)!, soql, { all: true });
    const mapping = salesforceMapping(tableMap, table);
    const rows = records.map((record) => {
      const result = mapping.map(record);
      if (!result.ok) throw new Error(`${record.Id as string}: ${result.reason}`);
      return result.row;
    });
    return { records, rows };
  }

  describe('shipped mappings', () => {
    it('given every shipped Salesforce mapping, when validated against the canonical model, then each fills every column of its table from its object', () => {
      expect(Object.keys(SALESFORCE_MAPPING_DOCUMENTS).sort()).toEqual(
        Object.values(SALESFORCE_DEFAULT_OBJECTS).sort(),
      );
      for (const table of TABLES) {
        const object = SALESFORCE_DEFAULT_OBJECTS[table];
        const document = SALESFORCE_MAPPING_DOCUMENTS[object] as {
          source: string;
          sourceTable: string;
          table: string;
          columns: Record<string, { from?: unknown }>;
        };
        expect(mappingProblems(document, `salesforce/${object}`)).toEqual([]);
        expect([document.source, document.sourceTable, document.table]).toEqual([
          'salesforce',
          object,
          table,
        ]);
        expect(Object.keys(document.columns).sort()).toEqual(
          CANONICAL_TABLES[table].columns.map((column) => column.name).sort(),
        );
        // The change cursor is SystemModstamp (DESIGN §10): system changes move it, LastModifiedDate they do not.
        expect(document.columns.updated_at).toEqual({ from: 'SystemModstamp' });
        expect(JSON.stringify(document)).not.toContain('LastModifiedDate');
      }
    });

    it.each(TABLES)(
      'given the default %s SELECT list, when the simulator parses and binds it to its object, then every field exists with that spelling',
      (table) => {
        const fields = soqlFields(undefined, table);
        const query = parseSoql(`SELECT ${fields.join(', ')} FROM ${SALESFORCE_DEFAULT_OBJECTS[table]}`);
        const bound = compileQuery(query, () => true);
        expect(bound.fields.map((field) => field.path)).toEqual(fields);
      },
    );

    it('given a field the object does not have, when its SELECT list is bound by the simulator, then it is refused (so the check above can fail)', () => {
      const tableMap = salesforceTableMapSchema.parse({
        tickets: { object: 'Case', columns: { ticket_id: 'Id', summary: 'Subjcet' } },
      });
      const query = parseSoql(`SELECT ${soqlFields(tableMap, 'tickets').join(', ')} FROM Case`);
      expect(() => compileQuery(query, () => true)).toThrow(/No such column 'Subjcet' on entity 'Case'/);
    });

    it('given the time entries of the default mapping, when the SELECT list is built, then the system fields come first and relationship paths are written with dots', () => {
      expect(soqlFields(undefined, 'time_entries')).toEqual([
        'Id',
        'IsDeleted',
        'SystemModstamp',
        'CreatedDate',
        'LastModifiedDate',
        'WorkOrder.AccountId',
        'WorkOrderId',
        'WorkOrder.CaseId',
        'Type',
        'StartTime',
        'EndTime',
        'DurationInMinutes',
        'Status',
        'Subject',
      ]);
    });
  });

  describe('golden rows from the simulator', () => {
    it('given the first Accounts of an org, when queried and mapped, then every canonical column has the expected value', async () => {
      const { rows } = await syncedRows(ACME, 'companies');
      expect(rows).toHaveLength(3);
      expect(rows[0]).toEqual({
        company_id: '0013f0005yFUnSeAAL',
        identifier: null,
        name: 'Þekking',
        status: null,
        types: '"Partner"',
        phone_number: '+1 555 6447',
        website: 'https://www.thekking.example',
        city: 'Łódź',
        state: null,
        zip: null,
        country: 'Poland',
        deleted: false,
        date_entered: new Date('2023-06-25T12:20:38Z'),
        updated_at: new Date('2023-06-25T12:20:38Z'),
        custom_fields: null,
      });
      expect(rows[1]).toMatchObject({
        company_id: '0013f0005yFUnT4AAL',
        name: 'Zürich Dental GmbH',
        date_entered: new Date('2024-01-09T06:01:38Z'),
        updated_at: new Date('2024-01-28T17:39:00Z'),
      });
    });

    it('given Contacts, when queried and mapped, then the company name comes from the Account relationship', async () => {
      const { records, rows } = await syncedRows(ACME, 'contacts');
      expect(records[1]).toMatchObject({ Account: { Name: 'Zürich Dental GmbH' } });
      expect(rows[1]).toEqual({
        contact_id: '0033f0009xR9I5JAAV',
        first_name: 'Mei',
        last_name: "O'Connor",
        company_id: '0013f0005yFUnT4AAL',
        company_name: 'Zürich Dental GmbH',
        title: 'Office Manager',
        email: 'mei.oconnor1@example.com',
        phone: '+1 555 4074',
        inactive: false,
        updated_at: new Date('2023-06-22T21:02:22Z'),
        custom_fields: null,
      });
      expect(rows[3]).toMatchObject({ contact_id: '0033f0009xR9I6JAAV', title: null, phone: null });
    });

    it('given a Contact without an Account (the relationship comes back null), when mapped, then its company columns are null', async () => {
      const { records, rows } = await syncedRows(LOOSE, 'contacts');
      expect(records[0]).toMatchObject({ AccountId: null, Account: null });
      expect(rows[0]).toMatchObject({
        contact_id: '0033G0003bUYUiNQAX',
        company_id: null,
        company_name: null,
        updated_at: new Date('2025-12-31T23:59:59Z'),
      });
    });

    it('given a closed Case stamped by a system change after its last edit, when mapped, then updated_at is its SystemModstamp and the names come from its Account and Contact', async () => {
      const { records, rows } = await syncedRows(ACME, 'tickets');
      expect(records[0]).toMatchObject({
        LastModifiedDate: '2023-01-04T22:18:45.000+0000',
        SystemModstamp: '2023-03-26T07:35:53.000+0000',
      });
      expect(rows[0]).toEqual({
        ticket_id: '5003f000FXw4z5XAYQ',
        summary: 'E-mail not syncing on phone',
        record_type: 'Case',
        status: 'Closed',
        priority: 'Low',
        board: null,
        type: null,
        severity: null,
        impact: null,
        company_id: '0013f0005yFUnT4AAL',
        company_name: 'Zürich Dental GmbH',
        contact_id: '0033f0009xR9I6JAAV',
        contact_name: 'Raj Patel',
        owner: null,
        date_entered: new Date('2023-01-04T08:31:29Z'),
        updated_at: new Date('2023-03-26T07:35:53Z'),
        required_date: null,
        closed_date: new Date('2023-01-04T22:18:45Z'),
        closed: true,
        actual_hours: null,
        budget_hours: null,
        custom_fields: null,
        date_responded: null,
        date_resolved: null,
        respond_minutes: null,
        resolve_minutes: null,
        is_in_sla: null,
        sla_status: null,
        agreement_id: null,
        agreement_name: null,
        reopened_count: null,
      });
      expect(rows[2]).toMatchObject({
        ticket_id: '5003f000FXw4z63AYA',
        status: 'Working',
        closed: false,
        closed_date: null,
        contact_name: "Mei O'Connor",
      });
    });

    it("given a time entry, when queried and mapped, then its ticket is its work order's Case, its company its work order's Account and its minutes are hours", async () => {
      const { records, rows } = await syncedRows(ACME, 'time_entries');
      expect(records[0]).toMatchObject({
        WorkOrder: { AccountId: '0013f0005yFUnT4AAL', CaseId: '5003f000FXw4z63AYA' },
        DurationInMinutes: 270,
      });
      expect(rows[0]).toEqual({
        time_entry_id: '0TS3f000Eoqb1QIGIY',
        company_id: '0013f0005yFUnT4AAL',
        company_name: null,
        charge_to_type: 'WorkOrder',
        charge_to_id: '0WO3f0004CsS0J6GQK',
        ticket_id: '5003f000FXw4z63AYA',
        member: null,
        work_type: 'Direct',
        time_start: new Date('2023-01-24T05:20:18Z'),
        time_end: new Date('2023-01-24T09:50:18Z'),
        actual_hours: 4.5,
        billed_hours: null,
        billable_option: null,
        status: 'New',
        notes: 'Patch rollout',
        date_entered: new Date('2023-01-24T10:06:43Z'),
        updated_at: new Date('2023-02-10T19:03:57Z'),
        custom_fields: null,
        hourly_rate: null,
        hourly_cost: null,
        extended_invoice_amount: null,
        agreement_id: null,
        agreement_name: null,
        work_role: null,
      });
      expect(rows.map((row) => [row.ticket_id, row.actual_hours])).toEqual([
        ['5003f000FXw4z63AYA', 4.5],
        ['5003f000FXw4z5rAYA', 7],
        ['5003f000FXw4z5rAYA', 6.5],
        ['5003f000FXw4z5rAYA', 1],
      ]);
    });

    it('given a time entry whose work order has no Case, and one without a work order, when mapped, then ticket and company are null', async () => {
      const loose = await syncedRows(LOOSE, 'time_entries');
      expect(loose.records[0]).toMatchObject({ WorkOrder: { AccountId: null, CaseId: null } });
      expect(loose.rows[0]).toMatchObject({
        ticket_id: null,
        company_id: null,
        charge_to_id: '0WO3G0005vHtKDqWAN',
        actual_hours: 2.75,
      });
      const bare = await syncedRows(BARE, 'time_entries');
      expect(bare.records[0]).toMatchObject({ WorkOrderId: null, WorkOrder: null });
      expect(bare.rows[0]).toMatchObject({ ticket_id: null, company_id: null, charge_to_id: null });
    });

    it('given a soft-deleted Account, when read from queryAll and mapped, then it is deleted as of the SystemModstamp of the delete', async () => {
      const [id] = sim.ids(BARE.name, 'Account');
      sim.deleteRecords(BARE.name, 'Account', [id!]);
      const { rows } = await syncedRows(BARE, 'companies');
      expect(rows).toEqual([
        expect.objectContaining({
          company_id: id,
          deleted: true,
          updated_at: new Date('2026-01-02T03:04:05Z'),
        }),
      ]);
    });
  });

  describe('a custom object in tableMap', () => {
    const CUSTOM_TIME_ENTRIES = {
      time_entries: {
        object: 'TimeSheetEntry',
        columns: {
          time_entry_id: 'Id',
          time_start: 'StartTime',
          ticket_id: 'WorkOrder/CaseId',
          billed_hours: { from: 'DurationInMinutes', divideBy: 60 },
          notes: 'TimeSheetEntryNumber',
          status: { from: 'Status', map: { Approved: 'Billable' }, otherwise: 'Draft' },
        },
      },
    };

    it('given TimeSheetEntry mapped by a field map of its own, when queried and mapped, then only the named columns are filled and updated_at is SystemModstamp', async () => {
      const tableMap = salesforceTableMapSchema.parse(CUSTOM_TIME_ENTRIES);
      expect(soqlFields(tableMap, 'time_entries')).toEqual([
        'Id',
        'IsDeleted',
        'SystemModstamp',
        'CreatedDate',
        'LastModifiedDate',
        'WorkOrder.CaseId',
        'StartTime',
        'DurationInMinutes',
        'Status',
        'TimeSheetEntryNumber',
      ]);
      const { rows } = await syncedRows(ACME, 'time_entries', tableMap);
      const nulls = Object.fromEntries(
        CANONICAL_TABLES.time_entries.columns.map((column) => [column.name, null]),
      );
      expect(rows[0]).toEqual({
        ...nulls,
        time_entry_id: '0TS3f000Eoqb1QIGIY',
        ticket_id: '5003f000FXw4z63AYA',
        time_start: new Date('2023-01-24T05:20:18Z'),
        billed_hours: 4.5,
        status: 'Draft',
        notes: 'TSE-0000001',
        updated_at: new Date('2023-02-10T19:03:57Z'),
      });
      expect(rows[1]).toMatchObject({ status: 'Billable', billed_hours: 7, actual_hours: null });
    });

    it('given a custom Time_Entry__c, when its entry is parsed and a record mapped, then its object, SELECT list and row are its own', () => {
      const tableMap = salesforceTableMapSchema.parse({
        time_entries: {
          object: 'Time_Entry__c',
          columns: {
            time_entry_id: 'Id',
            time_start: 'Start__c',
            ticket_id: 'Case__r/Id',
            charge_to_id: 'Case__c',
            actual_hours: { from: ['Minutes__c', 'Hours_Legacy__c'], divideBy: 60 },
          },
        },
      });
      expect(salesforceObject(tableMap, 'time_entries')).toBe('Time_Entry__c');
      expect(salesforceObject(tableMap, 'tickets')).toBe('Case');
      expect(soqlFields(tableMap, 'time_entries')).toEqual([
        'Id',
        'IsDeleted',
        'SystemModstamp',
        'CreatedDate',
        'LastModifiedDate',
        'Case__c',
        'Case__r.Id',
        'Start__c',
        'Minutes__c',
        'Hours_Legacy__c',
      ]);
      expect(
        salesforceMapping(tableMap, 'time_entries').map({
          attributes: {
            type: 'Time_Entry__c',
            url: '/services/data/v62.0/sobjects/Time_Entry__c/a0B5g00000XyZ12EAB',
          },
          Id: 'a0B5g00000XyZ12EAB',
          IsDeleted: false,
          SystemModstamp: '2024-05-01T14:00:00.000+0000',
          Case__c: '5003f000FXw4z63AYA',
          Case__r: { attributes: { type: 'Case' }, Id: '5003f000FXw4z63AYA' },
          Start__c: '2024-05-01T08:00:00.000-0500',
          Minutes__c: 50,
          Hours_Legacy__c: null,
        }),
      ).toMatchObject({
        ok: true,
        row: {
          time_entry_id: 'a0B5g00000XyZ12EAB',
          time_start: new Date('2024-05-01T13:00:00Z'),
          ticket_id: '5003f000FXw4z63AYA',
          charge_to_id: '5003f000FXw4z63AYA',
          actual_hours: 50 / 60,
          updated_at: new Date('2024-05-01T14:00:00Z'),
        },
      });
    });

    it('given a field map that names a field twice in different case, when the SELECT list is built, then the field is selected once (SOQL names are case-insensitive)', () => {
      const tableMap = salesforceTableMapSchema.parse({
        time_entries: {
          object: 'Time_Entry__c',
          columns: {
            time_entry_id: 'ID',
            time_start: 'start__c',
            date_entered: 'Start__C',
            updated_at: 'systemmodstamp',
          },
        },
      });
      expect(soqlFields(tableMap, 'time_entries')).toEqual([
        'Id',
        'IsDeleted',
        'SystemModstamp',
        'CreatedDate',
        'LastModifiedDate',
        'start__c',
      ]);
    });

    it('given a custom entry, when its mapping is asked for twice, then it is compiled once; a reset compiles it again', () => {
      const tableMap = salesforceTableMapSchema.parse(CUSTOM_TIME_ENTRIES);
      const first = salesforceMapping(tableMap, 'time_entries');
      expect(salesforceMapping(structuredClone(tableMap), 'time_entries')).toBe(first);
      expect(salesforceMapping(undefined, 'time_entries')).not.toBe(first);
      resetSalesforceMappings();
      expect(salesforceMapping(tableMap, 'time_entries')).not.toBe(first);
    });
  });

  describe('tableMap validation', () => {
    const issuesOf = (tableMap: unknown) => {
      const parsed = salesforceTableMapSchema.safeParse(tableMap);
      return parsed.success
        ? []
        : parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    };

    it('given shipped objects on their own tables, when parsed, then the map is accepted as it is', () => {
      const tableMap = { tickets: 'Case', time_entries: 'TimeSheetEntry' };
      expect(salesforceTableMapSchema.parse(tableMap)).toEqual(tableMap);
    });

    it.each([
      [
        'an object without a mapping',
        { time_entries: 'Time_Entry__c' },
        'time_entries',
        'Salesforce object Time_Entry__c (for time_entries) has no mapping in mappings/salesforce (mapped objects: Account, Contact, Case, TimeSheetEntry): give {"object": "Time_Entry__c", "columns": {…}} to map its fields',
      ],
      [
        'a mapped object on another canonical table',
        { companies: 'Case' },
        'companies',
        'Salesforce object Case is mapped onto tickets (mappings/salesforce/Case.json), not companies',
      ],
      [
        'an object name that would change the SOQL',
        { tickets: 'Case WHERE IsDeleted = false' },
        'tickets',
        'tickets: "Case WHERE IsDeleted = false" is not a Salesforce object name (a letter, then letters, digits or _, at most 80 characters)',
      ],
      [
        'a custom object name that is too long',
        { tickets: { object: `A${'b'.repeat(80)}`, columns: { ticket_id: 'Id' } } },
        'tickets.object',
        `tickets: "A${'b'.repeat(80)}" is not a Salesforce object name (a letter, then letters, digits or _, at most 80 characters)`,
      ],
      [
        'a custom object missing a required column',
        { time_entries: { object: 'Time_Entry__c', columns: { time_entry_id: 'Id' } } },
        'time_entries.columns.time_start',
        'time_entries (Time_Entry__c): required column time_entries.time_start has no field: name the field of Time_Entry__c it is read from',
      ],
      [
        'a bad field name',
        {
          time_entries: {
            object: 'Time_Entry__c',
            columns: { time_entry_id: 'Id', time_start: 'Start__c', ticket_id: 'Case__r.Id' },
          },
        },
        'time_entries.columns.ticket_id',
        'time_entries (Time_Entry__c): column ticket_id: "Case__r.Id" is not a Salesforce field path (API names (a letter, then letters, digits or _, at most 80 characters) joined by /, at most 5 relationships deep)',
      ],
      [
        'a bad field name in a column spec',
        {
          tickets: {
            object: 'Issue__c',
            columns: { ticket_id: 'Id', summary: { from: ['Subject__c', 'Name) FROM User --'] } },
          },
        },
        'tickets.columns.summary',
        'tickets (Issue__c): column summary: "Name) FROM User --" is not a Salesforce field path (API names (a letter, then letters, digits or _, at most 80 characters) joined by /, at most 5 relationships deep)',
      ],
      [
        'an unknown column',
        {
          companies: {
            object: 'Client__c',
            columns: { company_id: 'Id', name: 'Name', colour: 'Colour__c' },
          },
        },
        'companies.columns.colour',
        'companies (Client__c): colour is not a column of canonical table companies (columns: company_id, identifier, name, status, types, phone_number, website, city, state, zip, country, deleted, date_entered, updated_at, custom_fields)',
      ],
      [
        'a conversion onto a column of another type',
        {
          tickets: {
            object: 'Issue__c',
            columns: { ticket_id: 'Id', summary: { from: 'Minutes__c', divideBy: 60 } },
          },
        },
        'tickets.columns',
        'tickets (Issue__c): column "summary": "divideBy" gives a number, but tickets.summary is string',
      ],
    ])(
      'given %s, when the tableMap is parsed, then one issue is at its path with a message naming the table, object and column',
      (_case, tableMap, path, message) => {
        expect(issuesOf(tableMap)).toEqual([{ path, message }]);
      },
    );

    it('given an entry that is neither an object name nor {object, columns}, when parsed, then the issue says what an entry may be', () => {
      expect(issuesOf({ tickets: { object: 'Issue__c' } })).toEqual([
        {
          path: 'tickets',
          message:
            'a Salesforce object with a mapping (Account, Contact, Case, TimeSheetEntry), or {"object": "<object>", "columns": {"<canonical column>": "<field path>" or a column spec}}',
        },
      ]);
    });

    it('given a column spec the mapping language refuses, when parsed, then it is reported once, at the spec', () => {
      expect(
        issuesOf({
          time_entries: {
            object: 'Time_Entry__c',
            columns: {
              time_entry_id: 'Id',
              time_start: 'Start__c',
              actual_hours: { from: 'Minutes__c', divideBy: 0 },
            },
          },
        }),
      ).toEqual([{ path: 'time_entries.columns.actual_hours.divideBy', message: expect.any(String) }]);
    });

    it('given an unparsed tableMap that names an unmapped object, when its mapping or SELECT list is asked for, then a ValidationError names the table and the object', () => {
      const tableMap = { tickets: 'Issue__c; DROP' } as unknown as SalesforceTableMap;
      expect(() => salesforceMapping(tableMap, 'tickets')).toThrow(ValidationError);
      expect(() => soqlFields(tableMap, 'tickets')).toThrow(
        'Invalid Salesforce tableMap entry for tickets:\n  - tickets: "Issue__c; DROP" is not a Salesforce object name',
      );
      expect(() => salesforceMapping({ contacts: 'Case' }, 'contacts')).toThrow(
        /Salesforce object Case is mapped onto tickets .* not contacts/,
      );
    });
  });
});
