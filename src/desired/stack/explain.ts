/**
 * `stackctl render --explain`: every resolved setting as one flat row with the layer that set it.
 *
 * Layering is only trustworthy when it is visible; this answers "why does web run 4 replicas?" with
 * `services.web.replicas = 4  (stack-file .stackctl/prod.yaml:7:14)`.
 *
 * @module
 */

import { looksSecret } from '../../diff/redact.js';
import type { SourceLocation } from '../../errors.js';
import type { ModePreset, ResolvedStack } from '../resolved-types.js';
import type { Layer, Provenanced } from '../stack-types.js';
import { provenanced } from './provenance.js';
import { secretReason } from './secret-detect.js';

/** One explained setting. */
export interface ExplainEntry {
  /** Dotted path, e.g. `services.web.replicas`. */
  readonly path: string;
  readonly value: unknown;
  readonly layer: Layer;
  readonly location?: SourceLocation;
}

/** Shown instead of an environment value that looks like a secret (defence in depth: output redacts). */
export const REDACTED = '<redacted>';

/** Preset fields explained on their own; `postgres`, `redis` and `logRetentionDays` have resolved rows. */
const PRESET_FIELDS = [
  'capacityProvider',
  'taskSubnets',
  'natGateways',
  'azCount',
  'minimumHealthyPercent',
  'maximumPercent',
  'circuitBreaker',
  'finalSnapshotOnDelete',
  'deregistrationDelaySeconds',
  'warnWhenReplicasBelow',
] as const satisfies readonly (keyof ModePreset)[];

function entry(path: string, p: Provenanced<unknown>): ExplainEntry {
  return p.location
    ? { path, value: p.value, layer: p.layer, location: p.location }
    : { path, value: p.value, layer: p.layer };
}

function entries(prefix: string, record: Readonly<Record<string, Provenanced<unknown>>>): ExplainEntry[] {
  return Object.entries(record).map(([key, p]) => entry(`${prefix}.${key}`, p));
}

/**
 * Flattens a resolved stack into rows, in a stable order: stack settings, mode preset, services (compose
 * order), then Postgres and Redis when some service asks for them.
 *
 * @example
 * explainStack(resolved).find((e) => e.path === 'services.web.replicas');
 * // { path: 'services.web.replicas', value: 4, layer: 'stack-file', location: { file, line: 7, column: 14 } }
 */
export function explainStack(resolved: ResolvedStack): readonly ExplainEntry[] {
  const out: ExplainEntry[] = [
    entry('project', resolved.project),
    entry('region', resolved.region),
    entry('mode', resolved.mode),
  ];
  if (resolved.domain) out.push(entry('domain', resolved.domain));
  out.push(entry('network', resolved.network), entry('driftPolicy', resolved.driftPolicy));
  if (resolved.ttlSeconds) out.push(entry('ttlSeconds', resolved.ttlSeconds));
  out.push(entry('logRetentionDays', resolved.logRetentionDays));
  for (const field of PRESET_FIELDS)
    out.push(entry(`preset.${field}`, provenanced(resolved.preset[field], 'mode')));

  for (const s of Object.values(resolved.services)) {
    const p = `services.${s.name}`;
    if (s.image) out.push(entry(`${p}.image`, s.image));
    out.push(
      entry(`${p}.replicas`, s.replicas),
      entry(`${p}.cpu`, s.cpu),
      entry(`${p}.memoryMiB`, s.memoryMiB),
    );
    for (const [key, value] of Object.entries(s.environment)) {
      // The output redaction rule (looksSecret) as well: a value it would hide elsewhere is hidden here too.
      const secret = secretReason(key, value.value) !== undefined || looksSecret(key);
      const shown = secret ? { ...value, value: REDACTED } : value;
      out.push(entry(`${p}.environment.${key}`, shown));
    }
    for (const [key, value] of Object.entries(s.composedEnvironment ?? {})) {
      // A template: secrets stay `${VAR}`, composed into SSM at deploy time.
      const shown = looksSecret(key) ? REDACTED : `composed from SSM at deploy time: ${value.template}`;
      out.push({ path: `${p}.environment.${key}`, value: shown, layer: 'compose' });
    }
    if (s.secretKeys.length > 0) out.push({ path: `${p}.secretKeys`, value: s.secretKeys, layer: 'compose' });
    if (s.domainname) out.push(entry(`${p}.domainname`, s.domainname));
    for (const [port, how] of Object.entries(s.portOverrides ?? {}))
      out.push(entry(`${p}.ports.${port}`, how));
    if (s.autoscaling) out.push(entry(`${p}.autoscaling`, s.autoscaling));
  }

  const services = Object.values(resolved.services);
  if (services.some((s) => s.compose.postgres !== undefined))
    out.push(...entries('postgres', { ...resolved.postgres }));
  if (services.some((s) => s.compose.redis !== undefined))
    out.push(...entries('redis', { ...resolved.redis }));
  return out;
}

/** `file:line:col`, leaving out what is unknown. */
function where(location: SourceLocation): string {
  return [location.file, location.line, location.column].filter((p) => p !== undefined).join(':');
}

/**
 * One row as the CLI prints it: `services.web.replicas = 4  (stack-file .stackctl/prod.yaml:7:14)`.
 */
export function formatExplainEntry(e: ExplainEntry): string {
  const origin = e.location ? `${e.layer} ${where(e.location)}` : e.layer;
  return `${e.path} = ${JSON.stringify(e.value)}  (${origin})`;
}
