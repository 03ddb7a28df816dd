import type { ConnectWiseTable } from '../sources/connectwise/endpoints';
import type { CanonicalTableName } from './canonical';
import { compileMapping, type CompiledMapping } from './compile';
import companies from './connectwise/companies.json';
import contacts from './connectwise/contacts.json';
import tickets from './connectwise/tickets.json';
import time_entries from './connectwise/time_entries.json';

/** The declarative ConnectWise mappings, as data; compiled once and validated against the canonical model. */
export const CONNECTWISE_MAPPING_DOCUMENTS: Record<ConnectWiseTable, unknown> = {
  companies,
  contacts,
  tickets,
  time_entries,
};

let compiled: Record<ConnectWiseTable, CompiledMapping> | undefined;

/** The compiled mapping for a ConnectWise table (the canonical table of the same name). */
export function connectWiseMapping(table: ConnectWiseTable): CompiledMapping {
  compiled ??= Object.fromEntries(
    Object.entries(CONNECTWISE_MAPPING_DOCUMENTS).map(([name, document]) => [
      name,
      compileMapping(document, `mappings/connectwise/${name}.json`),
    ]),
  ) as Record<ConnectWiseTable, CompiledMapping>;
  return compiled[table];
}

export type { CanonicalTableName };
