/**
 * Salesforce REST API simulator (reference sources-servicenow-salesforce-deletes.md §B): OAuth client credentials,
 * SOQL query / queryAll with query locators, getDeleted and the daily allocation, on the HTTP core shared with the
 * other simulators.
 */
export { startSalesforceSimulator, DEFAULT_BATCH_SIZE, MIN_BATCH_SIZE } from './server';
export { SALESFORCE_OBJECTS, KEY_PREFIXES } from './objects';
export { DEFAULT_API_VERSION } from './render';
export { parseSoql, SoqlSyntaxError } from './soql';
export type { SoqlCondition, SoqlLiteral, SoqlOrder, SoqlQuery } from './soql';
export { compileQuery, SoqlSemanticError } from './evaluate';
export type { CompiledQuery, FieldValue, ResolvedField, SoqlRow } from './evaluate';
export { caseSafeSuffix } from './ids';
export type {
  SalesforceApiUsage,
  SalesforceObjectName,
  SalesforceRecord,
  SalesforceRecordedRequest,
  SalesforceRequestHook,
  SalesforceSimulator,
  SalesforceSimulatorOptions,
  SimulatedOrg,
} from './types';
