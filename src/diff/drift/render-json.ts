/**
 * The drift report as JSON: the machine-readable form CI gates and dashboards consume.
 *
 * Stable: keys sorted at every level, stacks and resources in report order, absent values as `null`
 * (every optional field is always present), named by `kind: "DriftReport"`.
 * The shape is documented in docs/drift-report.md and versioned by `schemaVersion`.
 *
 * @module
 */
import { canonicalJson } from '../canonical-json.js';
import type { DriftReport, FieldDrift, ResourceDrift, StackDrift } from './types.js';

function jsonField(f: FieldDrift): unknown {
  return { path: f.path, desired: f.desired ?? null, observed: f.observed ?? null, fix: f.fix };
}

function jsonResource(r: ResourceDrift): unknown {
  return {
    ...r,
    physicalId: r.physicalId ?? null,
    healthReason: r.healthReason ?? null,
    fix: r.fix ?? null,
    reason: r.reason ?? null,
    fields: r.fields.map(jsonField),
  };
}

function jsonStack(s: StackDrift): unknown {
  return {
    ...s,
    wiring: s.wiring ?? null,
    error: s.error ?? null,
    resources: s.resources.map(jsonResource),
  };
}

/** The `kind` of the drift report document, as every CLI JSON document names itself (docs/json-output.md). */
export const DRIFT_REPORT_KIND = 'DriftReport';

/** The report as a plain JSON value (for embedding, e.g. with `--stats`). */
export function driftReportToJsonValue(report: DriftReport): unknown {
  return JSON.parse(
    canonicalJson({
      ...report,
      kind: DRIFT_REPORT_KIND,
      readCalls: report.readCalls ?? null,
      stacks: report.stacks.map(jsonStack),
    }),
  );
}

/**
 * The report as JSON text, two-space indented, with a final newline.
 *
 * @example
 * await writeFile('drift.json', driftReportToJson(report));
 */
export function driftReportToJson(report: DriftReport): string {
  return `${JSON.stringify(driftReportToJsonValue(report), null, 2)}\n`;
}
