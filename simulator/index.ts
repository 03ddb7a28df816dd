/**
 * Simulators of the source APIs for tests, the demo and benchmarks, one folder per source on a shared HTTP core
 * (core/): ConnectWise Manage REST (connectwise/, reference source-apis.md §1.14) and the ServiceNow Table API
 * (servicenow/, reference sources-servicenow-salesforce-deletes.md §A).
 */
export {
  startSimulator,
  API_PREFIX,
  ConditionSyntaxError,
  parseConditions,
  compileCondition,
  LITERAL_RULES,
} from './connectwise';
export type {
  Condition,
  CwRecord,
  FaultOptions,
  LatencyOptions,
  Literal,
  RecordedRequest,
  RequestHook,
  SimulatedTenant,
  Simulator,
  SimulatorOptions,
} from './connectwise';
export { startServiceNowSimulator, SERVICENOW_TABLES } from './servicenow';
export type {
  ServiceNowRecord,
  ServiceNowRecordedRequest,
  ServiceNowRequestHook,
  ServiceNowSimulator,
  ServiceNowSimulatorOptions,
  ServiceNowTableName,
  SimulatedInstance,
} from './servicenow';
export { startSalesforceSimulator } from './salesforce';
export type {
  SalesforceApiUsage,
  SalesforceObjectName,
  SalesforceRecord,
  SalesforceRecordedRequest,
  SalesforceRequestHook,
  SalesforceSimulator,
  SalesforceSimulatorOptions,
  SimulatedOrg,
} from './salesforce';
