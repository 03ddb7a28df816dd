/**
 * ConnectWise Manage (PSA) REST API simulator (reference source-apis.md §1.14), on the HTTP core shared with the
 * ServiceNow simulator.
 */
export { startSimulator, API_PREFIX } from './server';
export type {
  CwRecord,
  FaultOptions,
  LatencyOptions,
  RecordedRequest,
  RequestHook,
  SimulatedTenant,
  Simulator,
  SimulatorOptions,
} from './types';
export { ConditionSyntaxError, parseConditions, compileCondition, LITERAL_RULES } from './conditions';
export type { Condition, Literal } from './conditions';
