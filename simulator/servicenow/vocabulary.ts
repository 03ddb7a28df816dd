/** Static text for generated ServiceNow records (people and company names come from core/names.ts). */

export const CITIES: readonly (readonly [city: string, state: string, zip: string, country: string])[] = [
  ['Tampa', 'FL', '33607', 'USA'],
  ['Toronto', 'ON', 'M5V 2T6', 'Canada'],
  ['Reykjavík', '', '101', 'Iceland'],
  ['München', 'BY', '80331', 'Germany'],
  ['Zürich', 'ZH', '8001', 'Switzerland'],
  ['東京', '', '100-0005', 'Japan'],
  ['Austin', 'TX', '78701', 'USA'],
];

export const STREETS: readonly string[] = [
  'Main Street',
  'Laugavegur',
  'Bahnhofstraße',
  'Harbor Blvd',
  'Elm Avenue',
];

export const TIME_ZONES: readonly string[] = [
  '',
  'America/New_York',
  'America/Toronto',
  'Atlantic/Reykjavik',
  'Europe/Berlin',
  'Asia/Tokyo',
];

export const GROUP_NAMES: readonly string[] = [
  'Service Desk',
  'Network',
  'Database',
  'Hardware',
  'Software',
  'Field Services',
  'Application Support',
  'Identity & Access',
  'Cloud Operations',
  'Security Operations',
];

export const AGENT_TITLES: readonly string[] = [
  'Service Desk Agent',
  'Network Engineer',
  'Database Administrator',
  'Field Technician',
  'Team Lead',
  'IT-Sérfræðingur',
];

export const INCIDENT_SUMMARIES: readonly string[] = [
  "Can't access SFA software",
  'Email server is down',
  'VPN drops every hour',
  'Printer offline on 2nd floor',
  'Outlook keeps asking for password',
  'Laptop won’t boot after update',
  'Backup job failed: "Nightly" (code 0x80070005)',
  'Wi-Fi slow in conference room',
  'サーバーの再起動',
  'Zugang zum Drucker fehlt',
  'Setja upp verkefni',
  '100% CPU on SQL01',
];

export const SUBCATEGORIES: Readonly<Record<string, readonly string[]>> = {
  inquiry: ['antivirus', 'email', 'internal application'],
  software: ['email', 'os'],
  hardware: ['cpu', 'disk', 'keyboard', 'memory', 'monitor', 'mouse'],
  network: ['dhcp', 'dns', 'ip address', 'vpn', 'wireless'],
  database: ['db2', 'oracle', 'sql server'],
};

export const CASE_SUMMARIES: readonly string[] = [
  'Invoice shows the wrong billing address',
  'Request for a service credit',
  'Onboarding: new site in Zürich',
  'Contract renewal question',
  'Portal login fails for several users',
  'Beiðni um nýjan notanda',
];

export const DETAILS: readonly string[] = [
  'User reports the problem started this morning.',
  'Happens on every machine in the office.',
  'Tried a restart, no change.',
  'Caller says it worked yesterday; screenshot attached.',
];

export const CLOSE_NOTES: readonly string[] = [
  'Restarted the service; user confirmed it works.',
  'Replaced the faulty part.',
  'Duplicate of another incident.',
  'Vandamálið leyst.',
];

export const TIME_COMMENTS: readonly string[] = [
  'Remote session, restarted the print spooler.',
  'Called the user, walked through MFA re-registration.',
  'Onsite: patched switch port 14, tested OK.',
  'Reviewed logs, escalated to vendor (case #44812).',
  'Uppfærði vélbúnað og prófaði tengingu.',
];

export const ACCOUNT_NOTES: readonly string[] = [
  'Key account; escalate P1s to the account manager.',
  'Billing contact changed in Q2.',
  'Hat einen Wartungsvertrag.',
];
