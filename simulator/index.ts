/**
 * ConnectWise Manage (PSA) REST API simulator for tests, the demo and benchmarks.
 * See reference/source-apis.md §1.14 for the behaviour it reproduces.
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
