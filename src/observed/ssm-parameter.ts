/**
 * Observes `ssm.Parameter`: generated secrets and composed (derived) ones. A generated value is never
 * requested decrypted. A composed parameter's value and its sources' values are read decrypted only to
 * compare digests in memory (is it still the template composed from the current sources?); no value is
 * ever returned: only the name, type, ARN, version, tags and that verdict are. Tags come from the pass's
 * tagging-API read (tag-index.ts); a parameter it does not list (a user's config secret, untagged) costs a
 * ListTagsForResource.
 *
 * @module
 */

import { createHash } from 'node:crypto';
import {
  GetParametersCommand,
  ListTagsForResourceCommand,
  paginateDescribeParameters,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { interpolate } from '../desired/compose/index.js';
import { COMPOSED_CONTENT_CURRENT, COMPOSED_PATH_SEGMENT } from '../desired/render/render-composed.js';
import { type Spec, TAG_KEYS } from '../desired/resource-types.js';
import { isOwnedBy, tagListToRecord } from '../desired/tags.js';
import { chunks, collectPages, identify } from './ec2-common.js';
import { indexedTags } from './tag-index.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** GetParameters accepts at most this many names per call. */
export const GET_PARAMETERS_BATCH = 10;

/** The only generation strategy stackctl has; not observable, so every existing parameter reports it. */
const GENERATE_RANDOM = 'random';

/** The SSM path of a stack's parameters (generated ones and user secrets from `stackctl config set`). */
export function parameterPath(project: string, stack: string): string {
  return `/stackctl/${project}/${stack}`;
}

/** Tags of one parameter. */
export async function parameterTags(ssm: SSMClient, name: string): Promise<Record<string, string>> {
  const out = await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }));
  return tagListToRecord(out.TagList);
}

/** What {@link describeNames} keeps of a parameter: never its value. */
interface DescribedParameter {
  readonly name: string;
  readonly type: string;
  readonly arn: string;
  /** The current version: services reading the parameter are rolled out with it (secret-versions.ts). */
  readonly version: number | undefined;
}

/** Name, type, ARN and version of each existing parameter; the value field of the response is ignored. */
async function describeNames(ssm: SSMClient, names: readonly string[]): Promise<DescribedParameter[]> {
  const out: DescribedParameter[] = [];
  for (const batch of chunks(names, GET_PARAMETERS_BATCH)) {
    const res = await ssm.send(new GetParametersCommand({ Names: batch }));
    for (const p of res.Parameters ?? []) {
      if (p.Name) out.push({ name: p.Name, type: p.Type ?? '', arn: p.ARN ?? '', version: p.Version });
    }
  }
  return out;
}

/**
 * Stackctl-generated parameters under the stack's path: those tagged for this project+stack and with a
 * `stackctl:logical-id`. User secrets written by `stackctl config set` share the path but have no
 * logical id: they are inputs, not resources, and are never garbage-collected.
 */
async function discoverGenerated(
  ssm: SSMClient,
  ctx: ObserveContext,
  skip: ReadonlySet<string>,
): Promise<Map<string, Record<string, string>>> {
  const path = parameterPath(ctx.project, ctx.stack);
  const listed = await collectPages(
    paginateDescribeParameters(
      { client: ssm },
      { ParameterFilters: [{ Key: 'Path', Option: 'Recursive', Values: [path] }] },
    ),
    (p) => p.Parameters,
  );
  const names = listed.filter(
    (p): p is typeof p & { Name: string } => p.Name?.startsWith(`${path}/`) === true && !skip.has(p.Name),
  );
  const found = new Map<string, Record<string, string>>();
  for (const { Name: name, ARN: arn } of names) {
    const tags = (await indexedTags(ctx, arn)) ?? (await parameterTags(ssm, name));
    if (isOwnedBy(tags, ctx.project, ctx.stack) && tags[TAG_KEYS.logicalId] !== undefined)
      found.set(name, tags);
  }
  return found;
}

/** True for a derived (composed) parameter's desired spec: it has a template and its sources. */
function isComposedSpec(
  spec: Spec | undefined,
): spec is Spec & { template: string; sources: Record<string, string> } {
  return typeof spec?.template === 'string' && isRecord(spec.sources);
}

function isRecord(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Decrypted values of `names` that exist; only ever compared in memory, never returned or logged. */
async function decryptedValues(ssm: SSMClient, names: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const batch of chunks([...new Set(names)], GET_PARAMETERS_BATCH)) {
    const res = await ssm.send(new GetParametersCommand({ Names: batch, WithDecryption: true }));
    for (const p of res.Parameters ?? []) if (p.Name && p.Value !== undefined) out.set(p.Name, p.Value);
  }
  return out;
}

/**
 * Whether a composed parameter still holds its template composed from the current source values:
 * {@link COMPOSED_CONTENT_CURRENT}, else why not. Compares SHA-256 digests so no value outlives the call.
 */
export async function composedContent(
  ssm: SSMClient,
  name: string,
  spec: { readonly template: string; readonly sources: Readonly<Record<string, string>> },
): Promise<string> {
  const values = await decryptedValues(ssm, [name, ...Object.values(spec.sources)]);
  const missing = Object.keys(spec.sources).filter((v) => !values.has(spec.sources[v] ?? ''));
  if (missing.length > 0) return `sources missing: ${missing.sort().join(', ')}`;
  const stored = values.get(name);
  if (stored === undefined) return 'missing';
  const expected = composeValue(spec.template, (v) => values.get(spec.sources[v] ?? ''));
  return digest(stored) === digest(expected) ? COMPOSED_CONTENT_CURRENT : 'differs from its sources';
}

/** The template with each `${VAR}` replaced by its source's value (`$$` is a literal `$`). */
export function composeValue(template: string, value: (variable: string) => string | undefined): string {
  const result = interpolate(template, value);
  if (!result.ok) throw new Error('invalid composed template'); // rendered by stackctl: cannot happen
  return result.value;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Reads target parameters by name in batches of {@link GET_PARAMETERS_BATCH} (whatever their tags), and
 * discovers the stack's other generated parameters. Spec: `{ generate: 'random', name, type }`; for a
 * composed parameter `{ name, type, template, sources, content }` (template and sources as desired, the
 * content {@link COMPOSED_CONTENT_CURRENT} while the value matches its sources).
 */
export const ssmParameterObserver: Observer = {
  kind: 'ssm.Parameter',
  async observe(
    targets: readonly ObserveTarget[],
    ctx: ObserveContext,
  ): Promise<readonly ObservedResource[]> {
    const { ssm } = ctx.clients;
    const targetNames = new Set(targets.flatMap((t) => [t.name, ...(t.physicalId ? [t.physicalId] : [])]));
    const discovered = await discoverGenerated(ssm, ctx, targetNames);
    const params = await describeNames(ssm, [...targetNames, ...discovered.keys()]);
    return Promise.all(
      params.map(async ({ name, type, arn, version }): Promise<ObservedResource> => {
        const tags =
          discovered.get(name) ?? (await indexedTags(ctx, arn)) ?? (await parameterTags(ssm, name));
        const target = targets.find((t) => t.name === name);
        const desired = target?.spec;
        const spec: Spec = isComposedSpec(desired)
          ? {
              name,
              type,
              template: desired.template,
              sources: desired.sources,
              content: await composedContent(ssm, name, desired),
            }
          : name.includes(`/${COMPOSED_PATH_SEGMENT}/`)
            ? { name, type }
            : { generate: GENERATE_RANDOM, name, type };
        return {
          kind: 'ssm.Parameter',
          logicalId: identify(name, tags, targets, target).logicalId,
          name,
          physicalId: name,
          spec,
          tags,
          outputs: { arn, name, ...(version === undefined ? {} : { version }) },
          health: 'Healthy',
        };
      }),
    );
  },
};
