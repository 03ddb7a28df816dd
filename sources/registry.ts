import type { SourceConnector } from '../shared/sources/connector';
import { connectWise } from './connectwise';
import { salesforce } from './salesforce';
import { serviceNow } from './servicenow';

/**
 * The one list of sources. A new source is a folder under sources/ (with its mappings and simulator) and a
 * line here; nothing else in the pipeline names a source.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each connector has its own settings type
export const SOURCES: readonly SourceConnector<any, any>[] = [connectWise, serviceNow, salesforce];

export const SOURCE_NAMES: readonly string[] = SOURCES.map((source) => source.name);

/** The connector of a registered source, or undefined. */
export function findSource(name: string): SourceConnector | undefined {
  return SOURCES.find((source) => source.name === name);
}
