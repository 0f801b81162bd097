/**
 * Observes `ssm.Parameter` (generated secrets). The value is never requested decrypted, never read from
 * the response, and never returned: only the name, type, ARN and tags are.
 *
 * @module
 */
import {
  GetParametersCommand,
  ListTagsForResourceCommand,
  paginateDescribeParameters,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { TAG_KEYS } from '../desired/resource-types.js';
import { isOwnedBy, tagListToRecord } from '../desired/tags.js';
import { chunks, collectPages, identify } from './ec2-common.js';
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

/** Name, type and ARN of each existing parameter; the value field of the response is ignored. */
async function describeNames(
  ssm: SSMClient,
  names: readonly string[],
): Promise<{ name: string; type: string; arn: string }[]> {
  const out: { name: string; type: string; arn: string }[] = [];
  for (const batch of chunks(names, GET_PARAMETERS_BATCH)) {
    const res = await ssm.send(new GetParametersCommand({ Names: batch }));
    for (const p of res.Parameters ?? []) {
      if (p.Name) out.push({ name: p.Name, type: p.Type ?? '', arn: p.ARN ?? '' });
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
  const names = listed
    .map((p) => p.Name)
    .filter((n): n is string => n?.startsWith(`${path}/`) === true && !skip.has(n));
  const found = new Map<string, Record<string, string>>();
  for (const name of names) {
    const tags = await parameterTags(ssm, name);
    if (isOwnedBy(tags, ctx.project, ctx.stack) && tags[TAG_KEYS.logicalId] !== undefined)
      found.set(name, tags);
  }
  return found;
}

/**
 * Reads target parameters by name in batches of {@link GET_PARAMETERS_BATCH} (whatever their tags), and
 * discovers the stack's other generated parameters. Spec: `{ generate: 'random', name, type }`.
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
      params.map(async ({ name, type, arn }): Promise<ObservedResource> => {
        const tags = discovered.get(name) ?? (await parameterTags(ssm, name));
        return {
          kind: 'ssm.Parameter',
          logicalId: identify(
            name,
            tags,
            targets,
            targets.find((t) => t.name === name),
          ).logicalId,
          name,
          physicalId: name,
          spec: { generate: GENERATE_RANDOM, name, type },
          tags,
          outputs: { arn, name },
          health: 'Healthy',
        };
      }),
    );
  },
};
