/**
 * The wiring of a stack, for `stackctl check`: which edges the app relies on (from the resolved stack),
 * the live facts they depend on (read by `observed/wiring-facts.ts`), the verdict per edge, and the
 * report. Pure; import from here outside the folder.
 *
 * @module
 */
export {
  ALL_PORTS,
  bareHost,
  type EdgePort,
  type EdgeSource,
  edgeName,
  type HostReference,
  hostReferences,
  listeningPorts,
  MANAGED_POSTGRES_PORT,
  MANAGED_REDIS_PORT,
  type PrivateEdge,
  type PublicEdge,
  SCHEME_DEFAULT_PORTS,
  serviceLabels,
  type WiringEdge,
  wiringEdges,
} from './edges.js';
export type {
  ObservedDataStore,
  ObservedDnsService,
  ObservedEcsService,
  ObservedGroup,
  ObservedIngressRule,
  ObservedListener,
  ObservedNamespace,
  WiringFacts,
} from './facts.js';
export { ANYWHERE_CIDR, type EdgeVerdict, judgeEdges, verdictReason, type WiringCheck } from './judge.js';
export {
  brokenEdges,
  type EdgeVerdictJson,
  formatWiringText,
  verdictToJson,
  WIRING_REPORT_SCHEMA_VERSION,
  type WiringReport,
  type WiringTextOptions,
  wiringOk,
  wiringReportToJsonValue,
} from './report.js';
