/**
 * Secret versions a service's running tasks were rolled out with.
 *
 * ECS reads a task's `secrets` only when the task starts: a changed SSM parameter reaches a service only
 * through a new deployment. So the desired `ecs.Service` spec carries `secretVersions`, the current SSM
 * version of every parameter its task definition reads (`[{ name: ENV, version }]`, sorted by name), and
 * the observed spec carries the versions recorded when the service was last rolled out (kept in the
 * service's journal entry, `outputs.secretVersions`, written by the same journal write every apply makes).
 * A changed version is then an ordinary field delta: the plan shows `~ restart`, the applier sends one
 * UpdateService with `forceNewDeployment`, drift reports it.
 *
 * Why the journal and not a tag on the service: UpdateService takes no tags, so a tag would cost a
 * TagResource beside every restart; the journal entry is written after every applied step anyway, and
 * read by every reconcile and operator pass (`plan`, `drift` and `status` read it for stacks whose
 * services read secrets: cli/commands/recorded-versions.ts). Versions are numbers, never values: nothing here ever reads
 * or holds a secret.
 *
 * Pure: no AWS call.
 *
 * @module
 */
import type { DesiredResource, Spec } from '../desired/resource-types.js';
import { isRef } from '../desired/resource-types.js';
import type { ObservedResource } from '../observed/types.js';
import { isPlainObject } from './canonical-json.js';
import type { FieldDelta, Plan, PlanStep } from './types.js';

/** The `ecs.Service` spec field holding the secret versions (and the journal output key). */
export const SECRET_VERSIONS_FIELD = 'secretVersions';

/** One secret of a service: the environment name it is injected as, and the SSM version. */
export type SecretVersion = {
  readonly name: string;
  readonly version: number;
};

/** Encoded entries look like `API_TOKEN=4`: an env name or config key, `=`, a positive version. */
const ENTRY = /^([A-Za-z_][A-Za-z0-9_.-]*)=([1-9][0-9]*)$/;

function byName(a: SecretVersion, b: SecretVersion): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The compact text a journal entry keeps: `API_TOKEN=4,DB_URL=2`, sorted by name. The journal's outputs
 * are flat strings and numbers, so the list is kept as one string.
 */
export function encodeSecretVersions(versions: readonly SecretVersion[]): string {
  return [...versions]
    .sort(byName)
    .map((v) => `${v.name}=${v.version}`)
    .join(',');
}

/**
 * Parses {@link encodeSecretVersions}' text; undefined when it is malformed (a record written by something
 * else is treated like no record: never a reason to restart).
 */
export function decodeSecretVersions(text: string): readonly SecretVersion[] | undefined {
  if (text === '') return [];
  const out: SecretVersion[] = [];
  for (const part of text.split(',')) {
    const m = ENTRY.exec(part);
    if (m === null) return undefined;
    out.push({ name: m[1] as string, version: Number(m[2]) });
  }
  return out.sort(byName);
}

/** `[{ name, valueFrom }]` of the task definition's containers, as env name → parameter name. */
function taskSecrets(taskDefinition: DesiredResource | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const containers = taskDefinition?.spec.containerDefinitions;
  if (!Array.isArray(containers)) return out;
  for (const c of containers) {
    const secrets = isPlainObject(c) ? c.secrets : undefined;
    if (!Array.isArray(secrets)) continue;
    for (const s of secrets) {
      if (isPlainObject(s) && typeof s.name === 'string' && typeof s.valueFrom === 'string')
        out[s.name] = s.valueFrom;
    }
  }
  return out;
}

/**
 * Env name → SSM parameter name of the secrets each `ecs.Service` reads, by the service's logical id: the
 * `secrets` of the task definition its spec references.
 */
export function serviceSecretParameters(
  resources: readonly DesiredResource[],
): ReadonlyMap<string, Readonly<Record<string, string>>> {
  const byId = new Map(resources.map((r) => [r.logicalId, r]));
  const out = new Map<string, Readonly<Record<string, string>>>();
  for (const r of resources) {
    if (r.kind !== 'ecs.Service') continue;
    const td = r.spec.taskDefinition;
    if (!isRef(td)) continue;
    out.set(r.logicalId, taskSecrets(byId.get(td.$ref)));
  }
  return out;
}

/**
 * The desired resources with `secretVersions` on every `ecs.Service` that reads at least one parameter
 * whose version is known (`versions`: parameter name → current SSM version). A parameter with no known
 * version (not created yet) is left out: its service is being created or updated anyway.
 */
export function withSecretVersions(
  resources: readonly DesiredResource[],
  versions: ReadonlyMap<string, number>,
): readonly DesiredResource[] {
  const used = serviceSecretParameters(resources);
  const parameterIds = stackParameterIds(resources);
  return resources.map((r) => {
    const params = used.get(r.logicalId);
    if (params === undefined) return r;
    const list = Object.entries(params)
      .flatMap(([name, param]) => {
        const version = versions.get(param);
        return version === undefined ? [] : [{ name, version }];
      })
      .sort(byName);
    if (list.length === 0) return r;
    // A restart must follow the rewrite of a parameter the stack writes itself (a composed value): new
    // tasks would read the old value otherwise, and a failed rewrite must block the restart.
    const writes = Object.values(params).flatMap((p) => parameterIds.get(parameterNameOf(p)) ?? []);
    const dependsOn = [...new Set([...r.dependsOn, ...writes])].sort();
    return { ...r, dependsOn, spec: { ...r.spec, [SECRET_VERSIONS_FIELD]: list } };
  });
}

/** A parameter's name from a `valueFrom` that is a name or an SSM parameter ARN. */
function parameterNameOf(valueFrom: string): string {
  const at = valueFrom.indexOf(':parameter/');
  return at >= 0 ? valueFrom.slice(at + ':parameter'.length) : valueFrom;
}

/** The logical ids of the `ssm.Parameter` resources the stack itself writes, by parameter name. */
function stackParameterIds(resources: readonly DesiredResource[]): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const r of resources)
    if (r.kind === 'ssm.Parameter' && typeof r.spec.name === 'string') out.set(r.spec.name, r.logicalId);
  return out;
}

/** The `secretVersions` list of a spec, when it has a well-formed one. */
export function secretVersionsOf(spec: Spec): readonly SecretVersion[] | undefined {
  const list = spec[SECRET_VERSIONS_FIELD];
  if (!Array.isArray(list)) return undefined;
  const out: SecretVersion[] = [];
  for (const v of list) {
    if (!isPlainObject(v) || typeof v.name !== 'string' || typeof v.version !== 'number') return undefined;
    out.push({ name: v.name, version: v.version });
  }
  return out;
}

/**
 * What an applier adds to a service's outputs so the journal records the versions it rolled out:
 * `{ secretVersions: 'API_TOKEN=4' }`, or nothing when the spec has none.
 */
export function secretVersionsOutput(spec: Spec): Readonly<Record<string, string>> {
  const list = secretVersionsOf(spec);
  return list === undefined ? {} : { [SECRET_VERSIONS_FIELD]: encodeSecretVersions(list) };
}

/**
 * The observed services with the versions they were rolled out with, from the journal (`recorded`:
 * logical id → encoded versions). A service with no (readable) record is assumed to run the current
 * versions: the first pass after an upgrade never restarts everything, and the record starts with the
 * next rollout (or the pass's baseline write, reconcile-stack.ts).
 */
export function withRecordedSecretVersions(
  observed: readonly ObservedResource[],
  desired: readonly DesiredResource[],
  recorded: ReadonlyMap<string, string>,
): readonly ObservedResource[] {
  const wanted = new Map(
    desired.flatMap((d) => {
      const list = d.kind === 'ecs.Service' ? secretVersionsOf(d.spec) : undefined;
      return list === undefined ? [] : [[d.logicalId, list] as const];
    }),
  );
  return observed.map((o) => {
    const want = o.kind === 'ecs.Service' ? wanted.get(o.logicalId) : undefined;
    if (want === undefined) return o;
    const text = recorded.get(o.logicalId);
    const list = (text === undefined ? undefined : decodeSecretVersions(text)) ?? want;
    return { ...o, spec: { ...o.spec, [SECRET_VERSIONS_FIELD]: list } };
  });
}

/** True when a delta is on the secret versions. */
export function isSecretVersionDelta(delta: FieldDelta): boolean {
  return delta.path === SECRET_VERSIONS_FIELD || delta.path.startsWith(`${SECRET_VERSIONS_FIELD}[`);
}

/**
 * Why a step restarts its service, when the step changes nothing but secret versions:
 * `secret API_TOKEN changed: version 3 → 4` per changed secret. Undefined for any other step.
 */
export function restartReasons(step: PlanStep): readonly string[] | undefined {
  const a = step.action;
  if (a.type !== 'update' || a.deltas.length === 0 || !a.deltas.every(isSecretVersionDelta)) return undefined;
  const before = new Map((secretVersionsOf(a.observed.spec) ?? []).map((v) => [v.name, v.version]));
  const reasons = (secretVersionsOf(a.desired.spec) ?? []).flatMap((v) => {
    const old = before.get(v.name);
    if (old === v.version) return [];
    return [
      old === undefined
        ? `secret ${v.name} added: version ${v.version}`
        : `secret ${v.name} changed: version ${old} → ${v.version}`,
    ];
  });
  return reasons.length > 0 ? reasons : undefined;
}

/** The composed `ssm.Parameter`s whose value is built from `parameterName` (one of their `sources`). */
function composedParameters(resources: readonly DesiredResource[], parameterName: string): DesiredResource[] {
  return resources.filter((r) => {
    const sources = r.spec.sources;
    return (
      r.kind === 'ssm.Parameter' && isPlainObject(sources) && Object.values(sources).includes(parameterName)
    );
  });
}

/**
 * The `ecs.Service` logical ids whose tasks read `parameterName`, directly or through a composed
 * parameter built from it, sorted: what a change of that parameter must restart.
 */
export function servicesReading(
  resources: readonly DesiredResource[],
  parameterName: string,
): readonly string[] {
  const composed = new Set(composedParameters(resources, parameterName).map((r) => r.name));
  const out: string[] = [];
  for (const [id, params] of serviceSecretParameters(resources)) {
    const names = Object.values(params);
    if (names.includes(parameterName) || names.some((n) => composed.has(n))) out.push(id);
  }
  return out.sort();
}

/** The logical ids of the composed parameters built from `parameterName` (rewritten when it changes). */
export function composedFrom(
  resources: readonly DesiredResource[],
  parameterName: string,
): readonly string[] {
  return composedParameters(resources, parameterName)
    .map((r) => r.logicalId)
    .sort();
}

/** True when an `ssm.Parameter` step writes a new value: a create or replace, or a composed rewrite. */
function writesValue(step: PlanStep): boolean {
  const a = step.action;
  if (step.kind !== 'ssm.Parameter') return false;
  if (a.type === 'create' || a.type === 'replace') return true;
  return (
    a.type === 'update' &&
    typeof a.desired.spec.template === 'string' &&
    a.deltas.some((d) => d.path !== 'tags' && !d.path.startsWith('tags.'))
  );
}

/**
 * The versions the stack's own parameters will have once `plan` is applied: SSM numbers a new parameter
 * 1 and adds 1 per overwrite, so a created one is at 1 and a rewritten composed one at its version + 1.
 * Returns `versions` itself when the plan writes no parameter (the caller then plans once).
 */
export function versionsAfterPlan(
  plan: Plan,
  versions: ReadonlyMap<string, number>,
): ReadonlyMap<string, number> {
  const writes = plan.steps.filter(writesValue);
  if (writes.length === 0) return versions;
  const out = new Map(versions);
  for (const step of writes) {
    const a = step.action;
    if (a.type !== 'create' && a.type !== 'replace' && a.type !== 'update') continue;
    const name = typeof a.desired.spec.name === 'string' ? a.desired.spec.name : a.desired.name;
    const live = a.type === 'update' ? a.observed.outputs.version : undefined;
    if (a.type !== 'update') out.set(name, 1);
    else if (typeof live === 'number') out.set(name, live + 1);
  }
  return out;
}
