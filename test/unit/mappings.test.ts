import { CANONICAL_TABLES } from '../../mappings/canonical';
import { compileMapping } from '../../mappings/compile';
import { CONNECTWISE_MAPPING_DOCUMENTS, connectWise } from '../../sources/connectwise';
import { connectWiseSettingsSchema } from '../../sources/connectwise/settings';
import type { CanonicalTableName } from '../../mappings/canonical';

const settings = connectWiseSettingsSchema.parse({ baseUrl: 'https://cw.test' });
const connectWiseMapping = (table: CanonicalTableName) => connectWise.mapping(settings, table);
import { mappingProblems } from '../../mappings/mappingSchema';

// A real-shaped ticket (reference/source-apis.md §1.8), with nulls, unicode, a padded updatedBy and custom fields;
// its SLA fields are those of a ticket nobody has responded to yet (as in a ConnectWise staging ticket: zero
// minutes, isInSla false, `Respond by …`), and it is worked under an agreement.
const TICKET = {
  id: 69,
  summary: '  Schedule and Execute Conversion  ',
  recordType: 'ServiceTicket',
  board: { id: 1, name: 'Þjónustuborð', _info: { board_href: 'https://example.com/service/boards/1' } },
  status: { id: 1, name: 'New' },
  company: { id: 2, identifier: 'YourCompany', name: 'Zürich Dental GmbH' },
  contact: { id: 2, name: 'Arnie Bellini' },
  priority: { id: 4, name: 'Priority 3 - Normal Response', sort: 6 },
  requiredDate: '2017-03-03T00:00:00Z',
  severity: 'Medium',
  impact: 'Medium',
  closedFlag: false,
  closedDate: null,
  actualHours: 1.5,
  agreement: { id: 31, name: 'Managed Services Gold', type: 'Managed Services', _info: {} },
  resolveMinutes: 0,
  resPlanMinutes: 0,
  respondMinutes: 0,
  isInSla: false,
  slaStatus: 'Respond by Mon 07/04 1:00 PM UTC-04',
  customFields: [
    {
      id: 1,
      caption: 'Story Points',
      type: 'Number',
      entryMethod: 'EntryField',
      numberOfDecimals: 0,
      value: 5,
    },
  ],
  unknownNewField: { anything: true },
  _info: {
    dateEntered: '2005-05-27T17:30:19Z',
    lastUpdated: '2016-03-08T21:59:20Z',
    updatedBy: 'trigger        ',
  },
};

describe('canonical mappings', () => {
  it('given every shipped mapping, when validated against the canonical model, then there is no problem', () => {
    for (const [table, document] of Object.entries(CONNECTWISE_MAPPING_DOCUMENTS)) {
      expect(mappingProblems(document, `connectwise/${table}`)).toEqual([]);
      expect(Object.keys((document as { columns: object }).columns).sort()).toEqual(
        CANONICAL_TABLES[table as 'tickets'].columns.map((column) => column.name).sort(),
      );
    }
  });

  it('given a mapping that fills a column the model does not have, or leaves one without a default, when validated, then both are named', () => {
    const document = structuredClone(CONNECTWISE_MAPPING_DOCUMENTS.tickets) as {
      columns: Record<string, unknown>;
    };
    document.columns.colour = { from: 'colour' };
    delete document.columns.summary;
    expect(mappingProblems(document, 'tickets.json')).toEqual([
      'tickets.json: column "colour" is not a column of canonical table tickets',
      'tickets.json: canonical column tickets.summary has no mapping and no declared default',
    ]);
    expect(() => compileMapping(document, 'tickets.json')).toThrow(/colour/);
  });

  it('given a real-shaped ticket, when mapped, then every canonical column has the expected value', () => {
    const result = connectWiseMapping('tickets').map(TICKET);
    expect(result).toEqual({
      ok: true,
      row: {
        ticket_id: '69',
        summary: 'Schedule and Execute Conversion',
        record_type: 'ServiceTicket',
        status: 'New',
        priority: 'Priority 3 - Normal Response',
        board: 'Þjónustuborð',
        type: null,
        severity: 'Medium',
        impact: 'Medium',
        company_id: '2',
        company_name: 'Zürich Dental GmbH',
        contact_id: '2',
        contact_name: 'Arnie Bellini',
        owner: null,
        date_entered: new Date('2005-05-27T17:30:19Z'),
        updated_at: new Date('2016-03-08T21:59:20Z'),
        required_date: new Date('2017-03-03T00:00:00Z'),
        closed_date: null,
        closed: false,
        actual_hours: 1.5,
        budget_hours: null,
        custom_fields: JSON.stringify(TICKET.customFields),
        date_responded: null,
        date_resolved: null,
        respond_minutes: null,
        resolve_minutes: null,
        is_in_sla: false,
        sla_status: 'Respond by Mon 07/04 1:00 PM UTC-04',
        agreement_id: '31',
        agreement_name: 'Managed Services Gold',
        reopened_count: null,
      },
    });
  });

  it('given a resolved ticket, when mapped, then its response and resolution times, SLA outcome and status are the source values', () => {
    const resolved = {
      ...TICKET,
      status: { id: 5, name: '>Closed' },
      closedFlag: true,
      closedDate: '2005-05-28T19:00:19Z',
      dateResponded: '2005-05-27T18:12:19Z',
      dateResolved: '2005-05-28T19:00:19Z',
      respondMinutes: 42,
      resolveMinutes: 1530,
      isInSla: true,
      slaStatus: 'Resolved',
    };
    const result = connectWiseMapping('tickets').map(resolved);
    expect(result.ok && result.row).toMatchObject({
      closed: true,
      date_responded: new Date('2005-05-27T18:12:19Z'),
      date_resolved: new Date('2005-05-28T19:00:19Z'),
      respond_minutes: 42,
      resolve_minutes: 1530,
      is_in_sla: true,
      sla_status: 'Resolved',
    });
  });

  it('given a ticket without an agreement or SLA fields (an older version), when mapped, then those columns are null', () => {
    const older: Record<string, unknown> = structuredClone(TICKET);
    for (const key of ['agreement', 'respondMinutes', 'resolveMinutes', 'isInSla', 'slaStatus'])
      delete older[key];
    const result = connectWiseMapping('tickets').map(older);
    expect(result.ok && result.row).toMatchObject({
      respond_minutes: null,
      resolve_minutes: null,
      is_in_sla: null,
      sla_status: null,
      agreement_id: null,
      agreement_name: null,
    });
  });

  it('given a contact with several communication items, when mapped, then the default email is chosen and a missing flag takes its default', () => {
    const result = connectWiseMapping('contacts').map({
      id: 2,
      firstName: 'Arnie',
      lastName: 'Bellini',
      company: { id: 2, name: 'TestCompany' },
      communicationItems: [
        { id: 1, value: 'other@example.com', defaultFlag: false, communicationType: 'Email' },
        { id: 2, value: '8139357100', defaultFlag: true, communicationType: 'Phone' },
        { id: 3, value: 'Arnie@YourCompany.com', defaultFlag: true, communicationType: 'Email' },
      ],
      _info: { lastUpdated: '2024-01-01T00:00:00Z' },
    });
    expect(result.ok && result.row).toMatchObject({
      email: 'Arnie@YourCompany.com',
      inactive: false,
      company_name: 'TestCompany',
      title: null,
    });
  });

  it('given a real-shaped time entry (reference §1.8) with _info, when mapped, then every canonical column has the expected value', () => {
    const entry = {
      id: 1,
      company: {
        id: 250,
        identifier: 'THE',
        name: 'Þekking',
        _info: { company_href: 'https://x/company/companies/250' },
      },
      companyType: 'Client',
      chargeToId: 106,
      chargeToType: 'ProjectTicket',
      member: { id: 159, identifier: 'jonr', name: 'Jón Kristinn Ragnarsson', dailyCapacity: 0.0 },
      workType: { id: 3, name: 'Regular', utilizationFlag: true },
      timeStart: '2018-05-05T14:00:00Z',
      timeEnd: '2018-05-05T14:44:00Z',
      actualHours: 0.73,
      billableOption: 'DoNotBill',
      hoursBilled: 1.0,
      hourlyCost: '10800.00',
      // Not in the trimmed dump: the rate, role and agreement members of the 2025.8 schema.
      hourlyRate: 23800.0,
      workRole: { id: 4, name: 'Forritari', _info: {} },
      agreement: { id: 12, name: 'Þjónustusamningur 2018', type: 'Managed Services', _info: {} },
      extendedInvoiceAmount: 23800.0,
      enteredBy: 'jonr',
      dateEntered: '2018-05-05T14:44:45Z',
      status: 'WrittenOff',
      ticket: { id: 106, summary: 'Setja upp verkefni' },
      _info: { lastUpdated: '2017-10-17T18:33:20Z', updatedBy: 'CONVERSION' },
    };
    expect(connectWiseMapping('time_entries').map(entry)).toEqual({
      ok: true,
      row: {
        time_entry_id: '1',
        company_id: '250',
        company_name: 'Þekking',
        charge_to_type: 'ProjectTicket',
        charge_to_id: '106',
        ticket_id: '106',
        member: 'jonr',
        work_type: 'Regular',
        time_start: new Date('2018-05-05T14:00:00Z'),
        time_end: new Date('2018-05-05T14:44:00Z'),
        actual_hours: 0.73,
        billed_hours: 1,
        billable_option: 'DoNotBill',
        status: 'WrittenOff',
        notes: null,
        date_entered: new Date('2018-05-05T14:44:45Z'),
        updated_at: new Date('2017-10-17T18:33:20Z'),
        custom_fields: null,
        hourly_rate: 23800,
        hourly_cost: 10800,
        extended_invoice_amount: 23800,
        agreement_id: '12',
        agreement_name: 'Þjónustusamningur 2018',
        work_role: 'Forritari',
      },
    });
  });

  it('given a time entry with an explicit null agreement and no rates, when mapped, then the rate and agreement columns are null', () => {
    const result = connectWiseMapping('time_entries').map({
      id: 7,
      timeStart: '2026-11-30T09:00:00Z',
      agreement: null,
      _info: { lastUpdated: '2026-11-30T10:00:00Z' },
    });
    expect(result.ok && result.row).toMatchObject({
      hourly_rate: null,
      hourly_cost: null,
      extended_invoice_amount: null,
      agreement_id: null,
      agreement_name: null,
      work_role: null,
    });
  });

  it('given a real-shaped company (reference §1.8), when mapped, then every canonical column has the expected value', () => {
    const company = {
      id: 2,
      identifier: 'YourCompany',
      name: 'TestCompany',
      status: { id: 1, name: 'Active' },
      types: [{ id: 5, name: 'Partner' }],
      phoneNumber: '1450994900',
      website: 'www.YourCompany.com',
      country: null,
      defaultContact: { id: 77, name: 'Bob Dobbs' },
      deletedFlag: false,
      _info: { lastUpdated: '2015-12-24T22:08:22Z', updatedBy: 'omnicorp' },
    };
    expect(connectWiseMapping('companies').map(company)).toEqual({
      ok: true,
      row: {
        company_id: '2',
        identifier: 'YourCompany',
        name: 'TestCompany',
        status: 'Active',
        types: JSON.stringify([{ id: 5, name: 'Partner' }]),
        phone_number: '1450994900',
        website: 'www.YourCompany.com',
        city: null,
        state: null,
        zip: null,
        country: null,
        deleted: false,
        date_entered: null,
        updated_at: new Date('2015-12-24T22:08:22Z'),
        custom_fields: null,
      },
    });
  });

  it.each([
    ['a missing id', { ...TICKET, id: undefined }, 'missing required field "id" (canonical ticket_id)'],
    ['an id that is not a scalar', { ...TICKET, id: { value: 69 } }, '"id": expected text, got {"value":69}'],
    [
      'hours that are not a number',
      { ...TICKET, actualHours: 'lots' },
      '"actualHours": expected a number, got "lots"',
    ],
    [
      'an SLA flag that is not a boolean',
      { ...TICKET, isInSla: 'maybe' },
      '"isInSla": expected true or false, got "maybe"',
    ],
    [
      'a response time that is not a number',
      { ...TICKET, respondMinutes: 'soon' },
      '"respondMinutes": expected a number, got "soon"',
    ],
    [
      'a broken timestamp',
      { ...TICKET, _info: { lastUpdated: 'yesterday' } },
      '"_info/lastUpdated": expected an ISO timestamp, got "yesterday"',
    ],
    ['not an object', [1, 2], 'the record is not a JSON object'],
  ])('given %s, when mapped, then it is rejected with the reason', (_case, record, reason) => {
    expect(connectWiseMapping('tickets').map(record)).toEqual({ ok: false, reason });
  });
});

describe('mapping language: timestamps with a colon-less offset and quotients', () => {
  const ticketsWith = (columns: Record<string, unknown>) => ({
    source: 'test',
    sourceTable: 't',
    table: 'tickets',
    columns: {
      ...Object.fromEntries(CANONICAL_TABLES.tickets.columns.map((column) => [column.name, { const: null }])),
      ticket_id: { from: 'id' },
      updated_at: { from: 'at' },
      ...columns,
    },
  });

  it.each([
    ['2024-05-01T12:00:03.000+0000', '2024-05-01T12:00:03.000Z'],
    ['2024-05-01T12:00:03.000-0500', '2024-05-01T17:00:03.000Z'],
    ['2024-05-01T12:00:03+0530', '2024-05-01T06:30:03.000Z'],
    ['2024-05-01T12:00:03.000-05:00', '2024-05-01T17:00:03.000Z'],
  ])(
    'given a timestamp written %s (Salesforce REST writes ±hhmm), when mapped, then it is the instant %s',
    (written, instant) => {
      const result = compileMapping(ticketsWith({})).map({ id: 'x', at: written });
      expect(result).toMatchObject({ ok: true, row: { updated_at: new Date(instant) } });
    },
  );

  it.each(['2024-05-01T12:00:03.000+000', '2024-05-01T12:00:03.000+00000', 'Zürich'])(
    'given %p, which is not a timestamp with a zone, when mapped, then the record is rejected',
    (written) => {
      expect(compileMapping(ticketsWith({})).map({ id: 'x', at: written })).toEqual({
        ok: false,
        reason: `"at": expected an ISO timestamp, got ${JSON.stringify(written)}`,
      });
    },
  );

  it.each([
    [45, 0.75],
    [23, 23 / 60],
    ['90', 1.5],
    [0, 0],
  ])(
    'given minutes %p and divideBy 60, when mapped, then the hours are %p (the correctly rounded quotient)',
    (minutes, hours) => {
      const mapping = compileMapping(ticketsWith({ actual_hours: { from: 'minutes', divideBy: 60 } }));
      const result = mapping.map({ id: 'x', at: '2024-01-01T00:00:00Z', minutes });
      expect(result.ok && result.row.actual_hours).toBe(hours);
    },
  );

  it('given divideBy and a value that is not a number, when mapped, then the record is rejected with the reason; absent stays null', () => {
    const mapping = compileMapping(ticketsWith({ actual_hours: { from: 'minutes', divideBy: 60 } }));
    expect(mapping.map({ id: 'x', at: '2024-01-01T00:00:00Z', minutes: 'lots' })).toEqual({
      ok: false,
      reason: '"minutes": expected a number, got "lots"',
    });
    expect(mapping.map({ id: 'x', at: '2024-01-01T00:00:00Z', minutes: null })).toMatchObject({
      ok: true,
      row: { actual_hours: null },
    });
  });

  it.each([
    [
      { summary: { from: 'a', divideBy: 60 } },
      ['t: column "summary": "divideBy" gives a number, but tickets.summary is string'],
    ],
    [
      { actual_hours: { from: 'a', divideBy: 60, duration: 'hours' } },
      ['t: column "actual_hours": "divideBy" cannot be combined with "map" or "duration"'],
    ],
    [{ actual_hours: { from: 'a', divideBy: 0 } }, [expect.stringMatching(/^t: columns\.actual_hours/)]],
  ])(
    'given a divideBy that cannot work (%j), when validated, then the problem is named',
    (columns, problems) => {
      expect(mappingProblems(ticketsWith(columns), 't')).toEqual(problems);
    },
  );
});

describe('mapping language: deletedWhen', () => {
  const document = (deletedWhen?: unknown) => ({
    source: 'test',
    sourceTable: 't',
    table: 'companies',
    columns: {
      ...Object.fromEntries(
        CANONICAL_TABLES.companies.columns.map((column) => [column.name, { const: null }]),
      ),
      company_id: { from: 'Id' },
      name: { from: 'Name' },
      updated_at: { from: 'Stamp' },
    },
    ...(deletedWhen === undefined ? {} : { deletedWhen }),
  });

  it('given deletedWhen IsDeleted = true, then exactly the records whose field equals it are deletions', () => {
    const mapping = compileMapping(document({ from: 'IsDeleted', equals: true }));

    expect(mapping.isDeletion({ Id: '1', IsDeleted: true })).toBe(true);
    expect(mapping.isDeletion({ Id: '1', IsDeleted: false })).toBe(false);
    expect(mapping.isDeletion({ Id: '1', IsDeleted: 'true' })).toBe(false);
    expect(mapping.isDeletion({ Id: '1' })).toBe(false);
    expect(
      compileMapping(document({ from: 'Meta/State', equals: 'gone' })).isDeletion({
        Meta: { State: 'gone' },
      }),
    ).toBe(true);
  });

  it('given no deletedWhen, then no record is a deletion; given a malformed one, then the mapping is refused', () => {
    expect(compileMapping(document()).isDeletion({ IsDeleted: true })).toBe(false);
    expect(() => compileMapping(document({ from: 'IsDeleted' }), 'x.json')).toThrow(
      /x\.json: deletedWhen\.equals/,
    );
  });
});
