/**
 * Static vocabulary for generated records: reference objects shaped as in reference source-apis.md §1.6–1.8
 * (`{id, name, _info: {<name>_href}}`), and names with the non-ASCII characters real tenants have
 * ("Þekking", "Jón Kristinn Ragnarsson", …). Reference objects are frozen and shared between records.
 */

/**
 * Host used inside `_info` hrefs. Fixed rather than the simulator's own address so that records are identical on
 * every run and port (the hrefs are informational; clients do not follow them, and the `Link` header does point
 * at the simulator).
 */
export const HREF_BASE = 'https://api-na.myconnectwise.net/v4_6_release/apis/3.0';

import { deepFreeze } from '../core/records';

export type Ref = Readonly<Record<string, unknown>>;

export {
  COMPANY_NOUNS,
  COMPANY_PREFIXES,
  COMPANY_SUFFIXES,
  FIRST_NAMES,
  LAST_NAMES,
  SPECIAL_COMPANY_NAMES,
  TITLES,
} from '../core/names';

function ref(
  id: number,
  name: string,
  hrefKey: string,
  hrefPath: string,
  extra: Record<string, unknown> = {},
): Ref {
  return deepFreeze({ id, name, ...extra, _info: { [`${hrefKey}_href`]: `${HREF_BASE}${hrefPath}/${id}` } });
}

export interface Member {
  id: number;
  identifier: string;
  name: string;
}

export const MEMBERS: readonly Member[] = [
  { id: 159, identifier: 'jonr', name: 'Jón Kristinn Ragnarsson' },
  { id: 12, identifier: 'akeller', name: 'Anna Keller' },
  { id: 23, identifier: 'ksato', name: '佐藤 健' },
  { id: 31, identifier: 'mgarcia', name: 'María José García' },
  { id: 44, identifier: 'bdobbs', name: 'Bob Dobbs' },
  { id: 52, identifier: 'sobrien', name: "Siobhán O'Brien" },
  { id: 67, identifier: 'lnguyen', name: 'Linh Nguyễn' },
  { id: 71, identifier: 'pmuller', name: 'Peter Müller' },
  { id: 88, identifier: 'zsorensen', name: 'Zoë Sørensen' },
  { id: 93, identifier: 'admin1', name: 'Admin User' },
];

export const MEMBER_REFS: readonly Ref[] = MEMBERS.map((m) =>
  deepFreeze({
    id: m.id,
    identifier: m.identifier,
    name: m.name,
    _info: { member_href: `${HREF_BASE}/system/members/${m.id}` },
  }),
);

/** Real time entries carry member refs with an extra `dailyCapacity` (reference §1.6, S9). */
export const MEMBER_REFS_WITH_CAPACITY: readonly Ref[] = MEMBERS.map((m) =>
  deepFreeze({
    id: m.id,
    identifier: m.identifier,
    name: m.name,
    dailyCapacity: 0.0,
    _info: { member_href: `${HREF_BASE}/system/members/${m.id}` },
  }),
);

/** `updatedBy` values; some are space-padded as in real `_info` (reference §1.6, S9: `"trigger        "`). */
export const UPDATERS: readonly string[] = [
  ...MEMBERS.map((m) => m.identifier),
  'trigger        ',
  'CONVERSION',
  'ApiMember',
];

export interface Board {
  id: number;
  name: string;
  project: boolean;
}

export const BOARDS: readonly Board[] = [
  { id: 1, name: 'Service Desk', project: false },
  { id: 3, name: 'Network Operations', project: false },
  { id: 7, name: 'Internal Projects', project: true },
  { id: 9, name: 'Þjónustuborð', project: false },
];

export const BOARD_REFS: readonly Ref[] = BOARDS.map((b) => ref(b.id, b.name, 'board', '/service/boards'));

const STATUS_NAMES = [
  'New',
  'In Progress',
  'Waiting on Client',
  'Scheduled',
  '>Closed',
  'Completed',
] as const;
export const OPEN_STATUS_COUNT = 4;

/** Statuses belong to a board: ids are board-specific, hrefs nest under the board (reference §1.8 ticket). */
export const STATUS_REFS: readonly (readonly Ref[])[] = BOARDS.map((board) =>
  STATUS_NAMES.map((name, k) => {
    const id = board.id * 10 + k + 1;
    return deepFreeze({
      id,
      name,
      _info: { status_href: `${HREF_BASE}/service/boards/${board.id}/statuses/${id}` },
    });
  }),
);

export const PRIORITY_REFS: readonly Ref[] = [
  { id: 1, name: 'Priority 1 - Emergency Response', sort: 1 },
  { id: 2, name: 'Priority 2 - Quick Response', sort: 3 },
  { id: 4, name: 'Priority 3 - Normal Response', sort: 6 },
  { id: 8, name: 'Priority 4 - Schedule Maintenance', sort: 8 },
  { id: 15, name: 'Do Not Respond', sort: 10 },
].map((p) =>
  deepFreeze({
    ...p,
    _info: {
      priority_href: `${HREF_BASE}/service/priorities/${p.id}`,
      image_href: `${HREF_BASE}/service/priorities/${p.id}/image?lm=2005-05-27T17:30:19Z`,
    },
  }),
);

/**
 * Respond and resolve targets per priority id, in calendar minutes, as an MSP's SLA would set them; "Do Not
 * Respond" (15) has none. Kept apart from PRIORITY_REFS, whose JSON is the reference object tickets carry.
 */
export const PRIORITY_SLA_MINUTES: Readonly<Record<number, { respond: number; resolve: number }>> = {
  1: { respond: 30, resolve: 8 * 60 },
  2: { respond: 60, resolve: 24 * 60 },
  4: { respond: 4 * 60, resolve: 3 * 24 * 60 },
  8: { respond: 8 * 60, resolve: 10 * 24 * 60 },
};

/** In a live period, how often each of PRIORITY_REFS is chosen (percent): mostly normal, few emergencies. */
export const LIVE_PRIORITY_PERCENT: readonly number[] = [5, 15, 55, 20, 5];

export const TICKET_TYPE_REFS: readonly Ref[] = [
  [11, 'Incident'],
  [12, 'Request'],
  [13, 'Problem'],
  [14, 'Change'],
].map(([id, name]) => ref(id as number, name as string, 'type', '/service/boards/1/types'));

export const SOURCE_REFS: readonly Ref[] = [
  [1, 'Email'],
  [2, 'Phone'],
  [3, 'Portal'],
  [6, 'Email Connector'],
].map(([id, name]) => ref(id as number, name as string, 'source', '/service/sources'));

export const SERVICE_LOCATION_REFS: readonly Ref[] = [
  [1, 'On-Site'],
  [2, 'Remote'],
  [3, 'In-house'],
].map(([id, name]) => ref(id as number, name as string, 'location', '/service/locations'));

export const WORK_TYPE_REFS: readonly Ref[] = [
  { id: 3, name: 'Regular', utilizationFlag: true },
  { id: 5, name: 'Remote Support', utilizationFlag: true },
  { id: 6, name: 'Onsite', utilizationFlag: true },
  { id: 9, name: 'Travel', utilizationFlag: false },
  { id: 12, name: 'After Hours', utilizationFlag: true },
].map((w) => deepFreeze({ ...w, _info: { workType_href: `${HREF_BASE}/time/workTypes/${w.id}` } }));

export const WORK_ROLE_REFS: readonly Ref[] = [
  [1, 'Technician'],
  [2, 'Engineer'],
  [4, 'Project Manager'],
].map(([id, name]) => ref(id as number, name as string, 'workRole', '/time/workRoles'));

export const COMPANY_STATUS_REFS: readonly Ref[] = [
  [1, 'Active'],
  [2, 'Inactive'],
  [5, 'Not-Approved'],
].map(([id, name]) => ref(id as number, name as string, 'status', '/company/companies/statuses'));

export const COMPANY_TYPE_REFS: readonly Ref[] = [
  [1, 'Client'],
  [3, 'Prospect'],
  [5, 'Partner'],
  [7, 'Vendor'],
].map(([id, name]) => ref(id as number, name as string, 'type', '/company/companies/types'));

export const COUNTRY_REFS: readonly Ref[] = [
  { id: 1, identifier: 'US', name: 'United States' },
  { id: 2, identifier: 'CA', name: 'Canada' },
  { id: 9, identifier: 'IS', name: 'Iceland' },
  { id: 12, identifier: 'DE', name: 'Germany' },
  { id: 14, identifier: 'CH', name: 'Switzerland' },
  { id: 20, identifier: 'JP', name: 'Japan' },
].map((c) => deepFreeze({ ...c, _info: { country_href: `${HREF_BASE}/company/countries/${c.id}` } }));

export const CITIES: readonly (readonly [city: string, state: string, zip: string, countryIndex: number])[] =
  [
    ['Tampa', 'FL', '33607', 0],
    ['Toronto', 'ON', 'M5V 2T6', 1],
    ['Reykjavík', '', '101', 2],
    ['München', 'BY', '80331', 3],
    ['Zürich', 'ZH', '8001', 4],
    ['東京', '', '100-0005', 5],
    ['Austin', 'TX', '78701', 0],
  ];

export const TERRITORY_REFS: readonly Ref[] = [
  [1, 'Main'],
  [2, 'North'],
  [3, 'EMEA'],
].map(([id, name]) => ref(id as number, name as string, 'location', '/system/locations'));

export const MARKET_REFS: readonly Ref[] = [
  [1, 'Healthcare'],
  [2, 'Legal'],
  [3, 'Manufacturing'],
  [4, 'Retail'],
].map(([id, name]) => ref(id as number, name as string, 'market', '/company/marketDescriptions'));

export const BILLING_TERMS_REFS: readonly Ref[] = [
  [1, 'Net 30 days'],
  [2, 'Due on receipt'],
].map(([id, name]) => ref(id as number, name as string, 'billingTerms', '/finance/billingTerms'));

export const AGREEMENT_REFS: readonly Ref[] = [
  { id: 31, name: 'Managed Services Gold', type: 'Managed Services' },
  { id: 32, name: 'Block Hours 2024', type: 'Block Time' },
].map((a) => deepFreeze({ ...a, _info: { agreement_href: `${HREF_BASE}/finance/agreements/${a.id}` } }));

export const COMMUNICATION_TYPES = {
  email: deepFreeze({
    id: 1,
    name: 'Email',
    _info: { type_href: `${HREF_BASE}/company/communicationTypes/1` },
  }),
  direct: deepFreeze({
    id: 2,
    name: 'Direct',
    _info: { type_href: `${HREF_BASE}/company/communicationTypes/2` },
  }),
  mobile: deepFreeze({
    id: 4,
    name: 'Mobile',
    _info: { type_href: `${HREF_BASE}/company/communicationTypes/4` },
  }),
} as const;

export const TICKET_SUMMARIES: readonly string[] = [
  'Printer offline on 2nd floor',
  'VPN drops every hour',
  'New user setup: {name}',
  'Outlook keeps asking for password',
  'Replace failed disk in NAS',
  'Schedule and Execute Conversion',
  'Firewall firmware update',
  'Setja upp verkefni',
  'Wi-Fi slow in conference room',
  'Backup job failed: "Nightly" (code 0x80070005)',
  'Password reset for {name}',
  'サーバーの再起動',
  'Laptop won’t boot after update',
  'Quote request: 5x 27" monitors',
  'Zugang zum Drucker für {name}',
  'Phones down at Zürich office',
  '100% CPU on SQL01',
];

export const TIME_NOTES: readonly string[] = [
  'Remoted in and restarted the print spooler.',
  'Called user, walked through MFA re-registration.',
  'Replaced drive, rebuild started; will check tomorrow.',
  'Onsite: patched switch port 14, tested OK.',
  'Uppfærði vélbúnað og prófaði tengingu.',
  'Travel to client site.',
  'Reviewed logs, escalated to vendor (case #44812).',
];

export const SEVERITIES = ['Low', 'Medium', 'High'] as const;
export const BILL_OPTIONS = ['Billable', 'DoNotBill', 'NoCharge', 'NoDefault'] as const;
export const TIME_STATUSES = [
  'Open',
  'PendingApproval',
  'ApprovedByTierOne',
  'ReadyToBill',
  'Billed',
  'WrittenOff',
] as const;
export const CONTRACT_TIERS = ['Gold', 'Silver', 'Bronze'] as const;

/** GUIDs of the custom field definitions (`connectWiseId`, 2025.8 schema; reference §1.6). */
export const CUSTOM_FIELD_GUIDS = {
  storyPoints: '0f6c1f62-2b1e-ee11-9169-ad5b9ff09301',
  sNumber: 'a342924e-4b95-ee11-9169-ad5b9ff0933e',
  escalated: '6e0d2c11-7a44-ee11-9169-ad5b9ff09355',
  contractTier: '1b7e9a30-5c12-ee11-9169-ad5b9ff09312',
  onboarded: '2c8fab41-6d23-ee11-9169-ad5b9ff09323',
  tomNumber: '3d90bc52-7e34-ee11-9169-ad5b9ff09334',
  billingCode: '4ea1cd63-8f45-ee11-9169-ad5b9ff09345',
} as const;
