import { CANONICAL_TABLES, type CanonicalTableName } from '../../mappings/canonical';
import { compileMapping } from '../../mappings/compile';
import { mappingProblems } from '../../mappings/mappingSchema';
import { ValidationError } from '../../shared/errors';
import { serviceNow } from '../../sources/servicenow';
import { serviceNowSettingsSchema } from '../../sources/servicenow/settings';
import { SERVICENOW_MAPPING_DOCUMENTS } from '../../sources/servicenow/tables';

const settingsWith = (tableMap?: Record<string, string>) =>
  serviceNowSettingsSchema.parse({
    instanceUrl: 'https://acme.service-now.com',
    ...(tableMap ? { tableMap } : {}),
  });
const mappingOf = (table: CanonicalTableName, tableMap?: Record<string, string>) =>
  serviceNow.mapping(settingsWith(tableMap), table);

// Database values as the Table API sends them with sysparm_display_value=false and
// sysparm_exclude_reference_link=true (reference §A.6): every scalar a string, empty as "", references bare sys_ids.
const INCIDENT = {
  sys_id: 'a9e30c7dc61122760116894de7bcc7bd',
  number: 'INC0000046',
  sys_class_name: 'incident',
  sys_updated_on: '2015-11-01 22:37:27',
  sys_created_on: '2015-11-01 22:05:30',
  sys_mod_count: '4',
  sys_updated_by: 'glide.maint',
  short_description: "  Can't access SFA software ",
  state: '2',
  incident_state: '2',
  priority: '3',
  impact: '1',
  urgency: '3',
  category: 'software',
  active: 'true',
  company: '31bea3d53790200044e0bfc8bcbe5dec',
  caller_id: '46c6f9efa9fe198101ddf5eed9adf6e7',
  assignment_group: '8a4dde73c6112278017a6a4baf547aa7',
  assigned_to: '',
  opened_at: '2015-11-02 22:04:15',
  due_date: '',
  resolved_at: '',
  closed_at: '',
  business_duration: '',
  calendar_duration: '',
  made_sla: 'true',
  reopen_count: '0',
  time_worked: '1970-01-01 01:30:00',
  sys_domain: 'global',
  u_customer_tier: 'gold',
};

describe('ServiceNow mappings', () => {
  it('given every shipped ServiceNow mapping, when validated against the canonical model, then each fills every column and has no problem', () => {
    for (const [sourceTable, document] of Object.entries(SERVICENOW_MAPPING_DOCUMENTS)) {
      const { table, source } = document as { table: CanonicalTableName; source: string };
      expect(mappingProblems(document, `servicenow/${sourceTable}`)).toEqual([]);
      expect(source).toBe('servicenow');
      expect(Object.keys((document as { columns: object }).columns).sort()).toEqual(
        CANONICAL_TABLES[table].columns.map((column) => column.name).sort(),
      );
    }
  });

  it('given a real-shaped incident in progress, when mapped, then every canonical column has the expected value', () => {
    expect(mappingOf('tickets').map(INCIDENT)).toEqual({
      ok: true,
      row: {
        ticket_id: 'a9e30c7dc61122760116894de7bcc7bd',
        summary: "Can't access SFA software",
        record_type: 'incident',
        status: 'In Progress',
        priority: '3 - Moderate',
        board: '8a4dde73c6112278017a6a4baf547aa7',
        type: 'software',
        severity: '3 - Low',
        impact: '1 - High',
        company_id: '31bea3d53790200044e0bfc8bcbe5dec',
        company_name: null,
        contact_id: '46c6f9efa9fe198101ddf5eed9adf6e7',
        contact_name: null,
        owner: null,
        date_entered: new Date('2015-11-02T22:04:15Z'),
        updated_at: new Date('2015-11-01T22:37:27Z'),
        required_date: null,
        closed_date: null,
        closed: false,
        actual_hours: 1.5,
        budget_hours: null,
        custom_fields: null,
        date_responded: null,
        date_resolved: null,
        respond_minutes: null,
        resolve_minutes: null,
        is_in_sla: true,
        sla_status: null,
        agreement_id: null,
        agreement_name: null,
        reopened_count: 0,
      },
    });
  });

  it('given a resolved incident that missed its SLA and was reopened once, when mapped, then date_resolved, the business resolve time, is_in_sla and reopened_count come from it', () => {
    const result = mappingOf('tickets').map({
      ...INCIDENT,
      state: '6',
      incident_state: '6',
      resolved_at: '2015-11-04 06:19:15',
      business_duration: '1970-01-01 19:00:00',
      calendar_duration: '1970-01-02 08:15:00',
      made_sla: 'false',
      reopen_count: '1',
    });
    expect(result.ok && result.row).toMatchObject({
      closed: true,
      date_resolved: new Date('2015-11-04T06:19:15Z'),
      resolve_minutes: 1140,
      is_in_sla: false,
      reopened_count: 1,
    });
  });

  it('given a resolved incident without a business duration, when mapped, then resolve_minutes is its calendar duration in minutes', () => {
    const result = mappingOf('tickets').map({
      ...INCIDENT,
      state: '7',
      resolved_at: '2015-11-03 22:34:15',
      closed_at: '2015-11-06 22:34:15',
      calendar_duration: '1970-01-01 00:30:00',
    });
    expect(result.ok && result.row.resolve_minutes).toBe(30);
  });

  it('given a made_sla that is not a boolean, when mapped, then the incident is rejected with the reason', () => {
    expect(mappingOf('tickets').map({ ...INCIDENT, made_sla: 'perhaps' })).toEqual({
      ok: false,
      reason: '"made_sla": expected true or false, got "perhaps"',
    });
  });

  it.each([
    ['6', 'Resolved', true, '2015-11-03 09:00:00', '', new Date('2015-11-03T09:00:00Z')],
    ['7', 'Closed', true, '2015-11-03 09:00:00', '2015-11-04 09:00:00', new Date('2015-11-04T09:00:00Z')],
    ['8', 'Canceled', true, '', '2015-11-03 09:00:00', new Date('2015-11-03T09:00:00Z')],
    ['1', 'New', false, '', '', null],
    ['3', 'On Hold', false, '', '', null],
    ['42', '42', false, '', '', null],
  ])(
    'given an incident in state %s, when mapped, then its status is %s, closed is %s and the closed date is closed_at, else resolved_at',
    (state, status, closed, resolvedAt, closedAt, closedDate) => {
      const result = mappingOf('tickets').map({
        ...INCIDENT,
        state,
        resolved_at: resolvedAt,
        closed_at: closedAt,
      });
      expect(result.ok && result.row).toMatchObject({ status, closed, closed_date: closedDate });
    },
  );

  it('given an incident whose scalars are all empty text, when mapped, then they read as null and closed takes its default', () => {
    const empty = Object.fromEntries(Object.keys(INCIDENT).map((field) => [field, '']));
    const result = mappingOf('tickets').map({
      ...empty,
      sys_id: INCIDENT.sys_id,
      sys_updated_on: INCIDENT.sys_updated_on,
    });
    expect(result).toEqual({
      ok: true,
      row: expect.objectContaining({
        summary: null,
        status: null,
        priority: null,
        severity: null,
        date_entered: null,
        closed: false,
        actual_hours: null,
      }),
    });
  });

  it.each([
    [
      'a time worked that is not a duration',
      { time_worked: '90 minutes' },
      '"time_worked": expected a duration as an offset from 1970-01-01, got "90 minutes"',
    ],
    [
      'a broken sys_updated_on',
      { sys_updated_on: '2015-13-45 99:00:00' },
      '"sys_updated_on": expected an ISO timestamp, got "2015-13-45 99:00:00"',
    ],
    ['an empty sys_id', { sys_id: '' }, 'missing required field "sys_id" (canonical ticket_id)'],
    [
      'a reference with its link (display values asked)',
      { company: { link: 'https://x', value: 'abc' } },
      '"company": expected text, got {"link":"https://x","value":"abc"}',
    ],
  ])(
    'given an incident with %s, when mapped, then it is rejected with the reason',
    (_case, change, reason) => {
      expect(mappingOf('tickets').map({ ...INCIDENT, ...change })).toEqual({ ok: false, reason });
    },
  );

  it('given a tenant whose tableMap reads tickets from CSM cases, when a real-shaped case is mapped, then every canonical column has the expected value', () => {
    const mapping = mappingOf('tickets', { tickets: 'sn_customerservice_case' });
    expect(serviceNow.sourceTable(settingsWith({ tickets: 'sn_customerservice_case' }), 'tickets')).toBe(
      'sn_customerservice_case',
    );
    const result = mapping.map({
      sys_id: 'f352e2d2db1120100b45f7d31d9619c4',
      number: 'CS0001042',
      sys_class_name: 'sn_customerservice_case',
      sys_updated_on: '2024-06-30 23:59:59',
      sys_created_on: '2024-06-28 08:00:00',
      short_description: 'Router firmware update bricked the device',
      state: '6',
      priority: '2',
      urgency: '1',
      impact: '2',
      category: '',
      account: '86837a386f0331003b3c498f5d3ee4ca',
      company: '',
      contact: '60beb5e7d7600200e5982cf65e6103ad',
      consumer: '',
      assignment_group: 'e4f8a8f3db9a2300f6f86e4bdb9619a1',
      assigned_to: '46d44a23a9fe19810012d100cca80666',
      opened_at: '2024-06-28 08:00:00',
      due_date: '2024-07-05 17:00:00',
      resolved_at: '2024-06-30 23:59:58',
      closed_at: '',
      made_sla: 'false',
      time_worked: '1970-01-02 02:15:00',
    });
    expect(result).toEqual({
      ok: true,
      row: {
        ticket_id: 'f352e2d2db1120100b45f7d31d9619c4',
        summary: 'Router firmware update bricked the device',
        record_type: 'sn_customerservice_case',
        status: 'Resolved',
        priority: '2 - High',
        board: 'e4f8a8f3db9a2300f6f86e4bdb9619a1',
        type: null,
        severity: '1 - High',
        impact: '2 - Medium',
        company_id: '86837a386f0331003b3c498f5d3ee4ca',
        company_name: null,
        contact_id: '60beb5e7d7600200e5982cf65e6103ad',
        contact_name: null,
        owner: '46d44a23a9fe19810012d100cca80666',
        date_entered: new Date('2024-06-28T08:00:00Z'),
        updated_at: new Date('2024-06-30T23:59:59Z'),
        required_date: new Date('2024-07-05T17:00:00Z'),
        closed_date: new Date('2024-06-30T23:59:58Z'),
        closed: true,
        actual_hours: 26.25,
        budget_hours: null,
        custom_fields: null,
        date_responded: null,
        date_resolved: new Date('2024-06-30T23:59:58Z'),
        respond_minutes: null,
        // Cases get no durations out of the box (only incidents and problems do): nothing to read.
        resolve_minutes: null,
        is_in_sla: false,
        sla_status: null,
        agreement_id: null,
        agreement_name: null,
        reopened_count: null,
      },
    });
  });

  it.each([
    ['1', 'New', false],
    ['10', 'Open', false],
    ['18', 'Awaiting Info', false],
    ['6', 'Resolved', true],
    ['3', 'Closed', true],
    ['7', 'Cancelled', true],
  ])(
    'given a CSM case in state %s, when mapped, then its status is %s and closed is %s (out of the backlog once resolved, closed or cancelled)',
    (state, status, closed) => {
      const mapping = mappingOf('tickets', { tickets: 'sn_customerservice_case' });
      const result = mapping.map({
        sys_id: 'f352e2d2db1120100b45f7d31d9619c4',
        state,
        sys_updated_on: '2024-06-30 23:59:59',
      });
      expect(result.ok && result.row).toMatchObject({ status, closed });
    },
  );

  it('given a real-shaped CSM account, when mapped, then every canonical column has the expected value', () => {
    const result = mappingOf('companies').map({
      sys_id: '86837a386f0331003b3c498f5d3ee4ca',
      number: 'ACC0000001',
      name: 'Boxeo Cafés & Bäckerei',
      sys_class_name: 'customer_account',
      customer: 'true',
      partner: 'false',
      phone: '+1 858 867 7638',
      website: 'https://boxeo.example',
      street: '4100 Camino Real',
      city: 'San Diego',
      state: 'CA',
      zip: '92101',
      country: 'USA',
      primary_contact: '60beb5e7d7600200e5982cf65e6103ad',
      sys_created_on: '2016-01-08 18:51:19',
      sys_updated_on: '2023-05-17 07:04:11',
    });
    expect(result).toEqual({
      ok: true,
      row: {
        company_id: '86837a386f0331003b3c498f5d3ee4ca',
        identifier: 'ACC0000001',
        name: 'Boxeo Cafés & Bäckerei',
        status: null,
        types: null,
        phone_number: '+1 858 867 7638',
        website: 'https://boxeo.example',
        city: 'San Diego',
        state: 'CA',
        zip: '92101',
        country: 'USA',
        deleted: false,
        date_entered: new Date('2016-01-08T18:51:19Z'),
        updated_at: new Date('2023-05-17T07:04:11Z'),
        custom_fields: null,
      },
    });
  });

  it('given a real-shaped CSM contact who is no longer active, when mapped, then every canonical column has the expected value', () => {
    const result = mappingOf('contacts').map({
      sys_id: '60beb5e7d7600200e5982cf65e6103ad',
      sys_class_name: 'customer_contact',
      user_name: 'julie.lewis',
      name: 'Julie Lewis',
      first_name: 'Julie',
      last_name: 'Lewis',
      title: 'Office Manager',
      email: 'julie.lewis@boxeo.example',
      phone: '',
      mobile_phone: '+1 858 555 0101',
      account: '86837a386f0331003b3c498f5d3ee4ca',
      company: '86837a386f0331003b3c498f5d3ee4ca',
      active: 'false',
      sys_created_on: '2016-01-08 18:51:19',
      sys_updated_on: '2024-02-29 12:00:00',
    });
    expect(result).toEqual({
      ok: true,
      row: {
        contact_id: '60beb5e7d7600200e5982cf65e6103ad',
        first_name: 'Julie',
        last_name: 'Lewis',
        company_id: '86837a386f0331003b3c498f5d3ee4ca',
        company_name: null,
        title: 'Office Manager',
        email: 'julie.lewis@boxeo.example',
        phone: '+1 858 555 0101',
        inactive: true,
        updated_at: new Date('2024-02-29T12:00:00Z'),
        custom_fields: null,
      },
    });
  });

  it.each([
    ['true', false],
    ['', false],
  ])('given a contact whose active is %p, when mapped, then inactive is %p', (active, inactive) => {
    const result = mappingOf('contacts').map({
      sys_id: '60beb5e7d7600200e5982cf65e6103ad',
      active,
      sys_updated_on: '2024-02-29 12:00:00',
    });
    expect(result.ok && result.row.inactive).toBe(inactive);
  });

  it('given a real-shaped Time Worked record, when mapped, then every canonical column has the expected value', () => {
    const result = mappingOf('time_entries').map({
      sys_id: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      task: 'a9e30c7dc61122760116894de7bcc7bd',
      user: '46d44a23a9fe19810012d100cca80666',
      time_worked: '1970-01-01 00:45:00',
      time_in_seconds: '2700',
      category: 'task_work',
      work_date: '',
      time_card: '',
      comments: 'Reimaged the laptop and restored the profile',
      sys_created_on: '2015-11-03 10:15:00',
      sys_updated_on: '2015-11-03 10:16:30',
      sys_mod_count: '1',
    });
    expect(result).toEqual({
      ok: true,
      row: {
        time_entry_id: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
        company_id: null,
        company_name: null,
        charge_to_type: null,
        charge_to_id: 'a9e30c7dc61122760116894de7bcc7bd',
        ticket_id: 'a9e30c7dc61122760116894de7bcc7bd',
        member: '46d44a23a9fe19810012d100cca80666',
        work_type: 'task_work',
        time_start: new Date('2015-11-03T10:15:00Z'),
        time_end: null,
        actual_hours: 0.75,
        billed_hours: null,
        billable_option: null,
        status: null,
        notes: 'Reimaged the laptop and restored the profile',
        date_entered: new Date('2015-11-03T10:15:00Z'),
        updated_at: new Date('2015-11-03T10:16:30Z'),
        custom_fields: null,
        // Time Worked carries no rates, roles or agreements.
        hourly_rate: null,
        hourly_cost: null,
        extended_invoice_amount: null,
        agreement_id: null,
        agreement_name: null,
        work_role: null,
      },
    });
  });

  it('given a Time Worked record with a work date, when mapped, then the work date is its start (midnight UTC)', () => {
    const result = mappingOf('time_entries').map({
      sys_id: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      work_date: '2015-11-02',
      time_worked: '1970-01-01 08:00:00',
      sys_created_on: '2015-11-03 10:15:00',
      sys_updated_on: '2015-11-03 10:16:30',
    });
    expect(result.ok && [result.row.time_start, result.row.actual_hours]).toEqual([
      new Date('2015-11-02T00:00:00Z'),
      8,
    ]);
  });

  it('given a tableMap naming a table without a mapping document, when its mapping is asked for, then a ValidationError names the table and the missing file', () => {
    const settings = { ...settingsWith(), tableMap: { tickets: 'u_ticket' } };
    expect(() => serviceNow.mapping(settings, 'tickets')).toThrow(ValidationError);
    expect(() => serviceNow.mapping(settings, 'tickets')).toThrow(
      /ServiceNow table u_ticket \(for tickets\) has no mapping: add mappings\/servicenow\/u_ticket\.json/,
    );
    expect(() =>
      serviceNowSettingsSchema.parse({
        instanceUrl: 'https://acme.service-now.com',
        tableMap: { tickets: 'u_ticket' },
      }),
    ).toThrow(/u_ticket\.json/);
  });

  it('given a tableMap naming a mapped table of another canonical table, when its mapping is asked for, then it is refused', () => {
    const settings = { ...settingsWith(), tableMap: { companies: 'incident' } };
    expect(() => serviceNow.mapping(settings, 'companies')).toThrow(
      /incident is mapped onto tickets .* not companies/,
    );
  });
});

describe('mapping language extensions', () => {
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
  const AT = '2024-01-01 00:00:00';

  it.each([
    ['hours', '1970-01-01 01:30:00', 1.5],
    ['minutes', '1970-01-01 01:30:00', 90],
    ['minutes', '1970-01-03 00:00:45', 2880.75],
  ])('given a duration read in %s, when %s is mapped, then it is %p', (unit, duration, expected) => {
    const mapping = compileMapping(ticketsWith({ actual_hours: { from: 'worked', duration: unit } }));
    expect(mapping.map({ id: 'x', at: AT, worked: duration })).toMatchObject({
      ok: true,
      row: { actual_hours: expected },
    });
  });

  it('given a duration unit the language does not know, when validated, then it is named', () => {
    expect(
      mappingProblems(ticketsWith({ actual_hours: { from: 'a', duration: 'fortnights' } }), 't'),
    ).toEqual([expect.stringMatching(/^t: columns\.actual_hours/)]);
  });

  it('given a map with numbers and booleans as source values, when mapped, then they are looked up as text', () => {
    const mapping = compileMapping(
      ticketsWith({ status: { from: 'code', map: { '1': 'Open', true: 'Yes' } } }),
    );
    expect(
      [1, true, 2].map((code) => {
        const result = mapping.map({ id: 'x', at: AT, code });
        return result.ok && result.row.status;
      }),
    ).toEqual(['Open', 'Yes', '2']);
  });

  it('given "true" and "false" as text, when mapped onto a boolean column, then they are booleans; other text is rejected', () => {
    const mapping = compileMapping(ticketsWith({ closed: { from: 'flag' } }));
    expect(mapping.map({ id: 'x', at: AT, flag: 'true' })).toMatchObject({ ok: true, row: { closed: true } });
    expect(mapping.map({ id: 'x', at: AT, flag: 'false' })).toMatchObject({
      ok: true,
      row: { closed: false },
    });
    expect(mapping.map({ id: 'x', at: AT, flag: 'yes' })).toEqual({
      ok: false,
      reason: '"flag": expected true or false, got "yes"',
    });
  });

  it('given empty text in number and timestamp columns, when mapped, then they are null rather than rejected', () => {
    const mapping = compileMapping(
      ticketsWith({ actual_hours: { from: 'hours' }, closed_date: { from: 'closed' } }),
    );
    expect(mapping.map({ id: 'x', at: AT, hours: '', closed: ' ' })).toMatchObject({
      ok: true,
      row: { actual_hours: null, closed_date: null },
    });
  });

  it.each([
    [{ status: { from: 'a', otherwise: 'x' } }, 't: column "status": "otherwise" needs a "map"'],
    [
      { actual_hours: { from: 'a', map: {}, duration: 'hours' } },
      't: column "actual_hours": "map" and "duration" cannot be combined',
    ],
    [
      { summary: { from: 'a', duration: 'hours' } },
      't: column "summary": "duration" gives a number, but tickets.summary is string',
    ],
  ])(
    'given a conversion that cannot work (%j), when validated, then the problem is named',
    (columns, problem) => {
      expect(mappingProblems(ticketsWith(columns), 't')).toEqual([problem]);
    },
  );
});
