/**
 * Names shared by the generated tenants of every source, with the non-ASCII characters real tenants have
 * ("Þekking", "Guðmundsdóttir", "東京オフィス", …), so that unicode handling is always exercised.
 */

/** The first companies of every tenant get these names, so unicode handling is always exercised. */
export const SPECIAL_COMPANY_NAMES: readonly string[] = [
  'Þekking',
  'Zürich Dental GmbH',
  '東京オフィス',
  'Ørsted & Søn ApS',
  'O\'Reilly "Quoted" Plumbing',
  'Łódź Software Sp. z o.o.',
  'Café São Paulo Ltda.',
];

export const COMPANY_PREFIXES: readonly string[] = [
  'Northwind',
  'Contoso',
  'Fabrikam',
  'Blue Ridge',
  'Summit',
  'Harbor',
  'Evergreen',
  'Redwood',
  'Müller',
  'Nordic',
  'Pacific',
  'Alpine',
  'Kaizen',
  'Aurora',
  'Reykjavík',
];

export const COMPANY_NOUNS: readonly string[] = [
  'Dental',
  'Logistics',
  'Legal',
  'Accounting',
  'Manufacturing',
  'Medical',
  'Realty',
  'Consulting',
  'Engineering',
  'Foods',
  'Architects',
  'Clinic',
];

export const COMPANY_SUFFIXES: readonly string[] = [
  'LLC',
  'Inc.',
  'GmbH',
  'Ltd',
  'AG',
  'ehf.',
  '株式会社',
  'S.A.',
  'Group',
  '& Partners',
];

export const FIRST_NAMES: readonly string[] = [
  'Arnie',
  'Jón',
  'Zoë',
  'José',
  'Søren',
  'Siobhán',
  'Björk',
  'Ángel',
  '花子',
  'Ngọc',
  'Fatima',
  'Liam',
  'Olivia',
  'Mateo',
  'Ingrid',
  'Chloé',
  'Raj',
  'Mei',
];

export const LAST_NAMES: readonly string[] = [
  'Bellini',
  'Guðmundsdóttir',
  'Müller',
  'García',
  'Nørgaard',
  "O'Connor",
  '山田',
  'Nguyễn',
  'Smith',
  'Kowalski',
  'Dubois',
  'Rossi',
  'Patel',
  'Schäfer',
];

export const TITLES: readonly string[] = [
  'Office Manager',
  'CPA, MBA',
  'IT Coordinator',
  'Geschäftsführer',
  'Owner',
  'Practice Manager',
];
