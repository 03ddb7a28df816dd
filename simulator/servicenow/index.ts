/**
 * ServiceNow Table API simulator (reference sources-servicenow-salesforce-deletes.md §A), on the HTTP core shared
 * with the ConnectWise simulator.
 */
export { startServiceNowSimulator, DEFAULT_LIMIT } from './server';
export { SERVICENOW_TABLES } from './tables';
export { parseEncodedQuery, compileFilter, compileOrder, QUERY_OPERATORS } from './encodedQuery';
export type {
  EncodedQuery,
  OrderTerm,
  QueryCondition,
  QueryGroup,
  QueryOperator,
  QueryRow,
  RowPredicate,
} from './encodedQuery';
export type {
  DeleteOptions,
  ServiceNowRecord,
  ServiceNowRecordedRequest,
  ServiceNowRequestHook,
  ServiceNowSimulator,
  ServiceNowSimulatorOptions,
  ServiceNowTableName,
  SimulatedInstance,
} from './types';
