/**
 * Read sharing across the stacks of one project in one region, for read-only multi-stack passes
 * (`stackctl drift --all`, `stackctl status --all`).
 *
 * Observers are written per stack: each lists "everything tagged for this project+stack". Twenty stacks
 * would ask AWS twenty times for nearly the same lists. This layer sits in front of each client (a
 * middleware placed before the call accounting, so only real calls are counted) and
 * - answers an identical read request once (in flight or done), for account-wide lists such as
 *   ListClusters, ListCertificates or DescribeScalableTargets;
 * - widens a stack-scoped list to the whole project and narrows the answer back per stack: EC2
 *   `tag:stackctl:stack` filters, tagging-API `TagFilters`, the `/stackctl/<project>/<stack>/` prefixes of
 *   log groups and IAM role paths, SSM parameter paths and `<project>-<stack>-` task definition families;
 * - serves lookups by names, ids or parent from one list of the region where AWS has one (load balancers,
 *   target groups, VPCs, the project's security groups, Cloud Map services: fleet-lists.ts), falling back
 *   to the request as asked when the list cannot prove the narrow answer.
 *
 * What remains per stack is what the APIs force: calls that take one resource or one parent (tags of a
 * log group, a role's policies, a cluster's services, a load balancer's listeners, a VPC's attributes,
 * a Cloud Map service's instances) and name lookups the lists cannot answer. Never use it for a pass
 * that mutates: answers are kept for its lifetime.
 *
 * @module
 */
import { classifyOperation } from '../aws/index.js';
import type { AwsClients } from '../aws/types.js';
import { TAG_KEYS } from '../desired/resource-types.js';
import { canonicalJson } from '../diff/index.js';
import { isObj, type Obj, tagValue, type Widened, widenToFleet } from './fleet-lists.js';

/** Name of the sharing middleware. */
export const SHARED_READS_MIDDLEWARE = 'stackctlSharedReads';

/** Clients never shared: the state table must be read fresh. */
const UNSHARED_CLIENTS: ReadonlySet<string> = new Set(['dynamodb', 'sts']);

type Handler = (args: { readonly input: Obj }) => Promise<{ readonly output: unknown }>;
type Middleware = (next: Handler, context: { readonly commandName?: string }) => Handler;
interface StackLike {
  addRelativeTo(
    m: Middleware,
    o: { relation: 'before'; toMiddleware: string; name: string; override: boolean },
  ): void;
  add(m: Middleware, o: { step: string; name: string; priority: string; override: boolean }): void;
  identify(): string[];
}

/** Keeps, in every top-level list of tagged items, the items whose stack tag is one of `stacks`. */
function narrowByStackTag(stacks: readonly string[]): (output: Obj) => Obj {
  return (output) => {
    const out: Record<string, unknown> = { ...output };
    for (const [key, value] of Object.entries(output)) {
      if (!Array.isArray(value) || !value.every((i: unknown) => isObj(i) && Array.isArray(i.Tags))) continue;
      out[key] = value.filter((i: Obj) => stacks.includes(tagValue(i.Tags, TAG_KEYS.stack) ?? ''));
    }
    return out;
  };
}

/** EC2 `Filters`/`Filter` and tagging `TagFilters`: drop the stack filter when the project one is ours. */
function widenTagFilters(input: Obj, project: string): Widened | undefined {
  for (const field of ['Filters', 'Filter', 'TagFilters']) {
    const list = input[field];
    if (!Array.isArray(list)) continue;
    const nameOf = (f: Obj): unknown => (field === 'TagFilters' ? f.Key : f.Name);
    const want = (key: string): string => (field === 'TagFilters' ? key : `tag:${key}`);
    const filters = list.filter(isObj);
    const stackFilter = filters.find((f) => nameOf(f) === want(TAG_KEYS.stack));
    const projectFilter = filters.find((f) => nameOf(f) === want(TAG_KEYS.project));
    const values = projectFilter?.Values;
    if (!stackFilter || !Array.isArray(values) || values.length !== 1 || values[0] !== project) continue;
    const stacks = Array.isArray(stackFilter.Values) ? stackFilter.Values.map(String) : [];
    return {
      input: { ...input, [field]: filters.filter((f) => f !== stackFilter) },
      narrow: narrowByStackTag(stacks),
    };
  }
  return undefined;
}

/** A stack-scoped prefix (`/stackctl/p/s/`, `p-s-`) widened to the project's, and the answer cut back. */
function widenPrefix(
  input: Obj,
  field: string,
  wide: string,
  list: string,
  keyOf: (item: unknown) => unknown,
): Widened | undefined {
  const prefix = input[field];
  if (typeof prefix !== 'string' || !prefix.startsWith(wide) || prefix === wide) return undefined;
  return {
    input: { ...input, [field]: wide },
    narrow: (output) => {
      const items = output[list];
      if (!Array.isArray(items)) return output;
      return { ...output, [list]: items.filter((i: unknown) => String(keyOf(i) ?? '').startsWith(prefix)) };
    },
  };
}

/** SSM `DescribeParameters` with one recursive `Path` filter under `/stackctl/<project>/`. */
function widenParameterPath(input: Obj, project: string): Widened | undefined {
  const filters = input.ParameterFilters;
  const wide = `/stackctl/${project}`;
  if (!Array.isArray(filters) || filters.length !== 1 || !isObj(filters[0])) return undefined;
  const f = filters[0];
  const path = Array.isArray(f.Values) && f.Values.length === 1 ? String(f.Values[0]) : '';
  if (f.Key !== 'Path' || f.Option !== 'Recursive' || !path.startsWith(`${wide}/`)) return undefined;
  const under = `${path.replace(/\/$/, '')}/`;
  return {
    input: { ...input, ParameterFilters: [{ ...f, Values: [wide] }] },
    narrow: (output) => {
      const items = Array.isArray(output.Parameters) ? output.Parameters : [];
      return {
        ...output,
        Parameters: items.filter((p: unknown) => isObj(p) && String(p.Name).startsWith(under)),
      };
    },
  };
}

function widen(service: string, operation: string, input: Obj, project: string): Widened | undefined {
  const root = `/stackctl/${project}/`;
  const fleet = widenToFleet(service, operation, input, project);
  if (fleet) return fleet;
  if (
    (service === 'ec2' && operation.startsWith('Describe')) ||
    (service === 'tagging' && operation === 'GetResources')
  )
    return widenTagFilters(input, project);
  if (service === 'logs' && operation === 'DescribeLogGroups')
    return widenPrefix(input, 'logGroupNamePrefix', root, 'logGroups', (g) =>
      isObj(g) ? g.logGroupName : '',
    );
  if (service === 'iam' && operation === 'ListRoles')
    return widenPrefix(input, 'PathPrefix', root, 'Roles', (r) => (isObj(r) ? r.Path : ''));
  if (service === 'ecs' && operation === 'ListTaskDefinitionFamilies')
    return widenPrefix(input, 'familyPrefix', `${project}-`, 'families', (f) => f);
  if (service === 'ssm' && operation === 'DescribeParameters') return widenParameterPath(input, project);
  return undefined;
}

/** What sharing saved, for `--stats` and tests. */
export interface SharedReadsStats {
  /** Requests answered without a call. */
  readonly shared: number;
  /** Requests that made a call. */
  readonly called: number;
}

/** A handle on the sharing attached to one client bundle. */
export interface SharedReads {
  stats(): SharedReadsStats;
}

/**
 * Makes every read of `clients` shared for as long as the bundle lives. Use a bundle created for one
 * read-only multi-stack pass; returns counters of what was shared.
 *
 * @example
 * const { clients, stats } = openAwsSession(flags, region);
 * shareReads(clients, { project: 'shop' });
 * for (const desired of stacks) await planPass({ desired, clients, finalSnapshot: false });
 */
export function shareReads(clients: AwsClients, options: { readonly project: string }): SharedReads {
  const cache = new Map<string, Promise<{ readonly output: unknown }>>();
  let shared = 0;
  let called = 0;
  for (const [service, client] of Object.entries(clients)) {
    if (UNSHARED_CLIENTS.has(service) || !isObj(client) || !('middlewareStack' in client)) continue;
    const stack = client.middlewareStack as StackLike;
    const middleware: Middleware = (next, context) => async (args) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      if (classifyOperation(operation) !== 'read') return next(args);
      const once = (input: Obj): Promise<{ readonly output: unknown }> => {
        const key = `${service} ${operation} ${canonicalJson(input)}`;
        let pending = cache.get(key);
        if (pending) shared += 1;
        else {
          called += 1;
          pending = next({ ...args, input });
          cache.set(key, pending);
          pending.catch(() => cache.delete(key));
        }
        return pending;
      };
      const widened = widen(service, operation, args.input, options.project);
      if (!widened) {
        const result = await once(args.input);
        return { ...result, output: structuredClone(result.output) };
      }
      // A wide answer that cannot stand for the narrow one (or a wide read that failed): ask as asked.
      const wide = await once(widened.input).catch(() => undefined);
      const output = structuredClone(wide?.output);
      if (wide && isObj(output) && (widened.complete?.(output) ?? true))
        return { ...wide, output: widened.narrow(output) };
      const result = await once(args.input);
      return { ...result, output: structuredClone(result.output) };
    };
    const name = SHARED_READS_MIDDLEWARE;
    if (stack.identify().some((m) => m.startsWith('stackctlCallStats '))) {
      stack.addRelativeTo(middleware, {
        relation: 'before',
        toMiddleware: 'stackctlCallStats',
        name,
        override: true,
      });
    } else stack.add(middleware, { step: 'initialize', name, priority: 'high', override: true });
  }
  return { stats: () => ({ shared, called }) };
}
