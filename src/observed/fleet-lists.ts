/**
 * Fleet-wide lists behind per-stack lookups, for the read sharing of multi-stack passes
 * (shared-reads.ts): a lookup by names, ids or a parent that AWS can also answer as one list of the
 * whole account and region is sent as that list, once per sweep, and each stack's answer is cut out of it.
 *
 * - ELBv2 `DescribeLoadBalancers` / `DescribeTargetGroups` by names, ARNs or load balancer: every load
 *   balancer / target group of the region (one page of 400), narrowed by name, ARN or `LoadBalancerArns`.
 * - EC2 `DescribeVpcs` by ids, `vpc-id`, `dhcp-options-id` or exact tag filters: every VPC of the region.
 * - EC2 `DescribeSecurityGroups` by `group-id` only: the project's tagged groups (the list the security
 *   group observers share already).
 * - Cloud Map `ListServices` of one namespace: every service, narrowed by `DnsConfig.NamespaceId`.
 *
 * Narrowing must be exact: each stack sees what the narrow request would have returned. Where the wide
 * list cannot prove that (a name or id it lacks, which AWS answers with a NotFound error; a next page; a
 * Cloud Map service that does not name its namespace; an empty answer for a load balancer, which may mean
 * "no such load balancer"), the answer is `incomplete` and the narrow request goes to AWS as it was.
 *
 * @module
 */
import { TAG_KEYS } from '../desired/resource-types.js';

/** A read's input or output, as the middleware sees it. */
export type Obj = Readonly<Record<string, unknown>>;

/** A request rewritten to a wider scope, and how to cut its answer back to the request's. */
export interface Widened {
  readonly input: Obj;
  readonly narrow: (output: Obj) => Obj;
  /** False when the wide answer cannot stand for the narrow one (send the narrow request instead). */
  readonly complete?: (output: Obj) => boolean;
}

/** Page size of the fleet-wide ELBv2 lists: the API maximum, as the observers' own scans use. */
export const FLEET_ELB_PAGE_SIZE = 400;

/** True for a plain object. */
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value of tag `key` in an AWS `[{ Key, Value }]` list. */
export function tagValue(tags: unknown, key: string): string | undefined {
  if (!Array.isArray(tags)) return undefined;
  const t = tags.find((x: unknown) => isObj(x) && x.Key === key);
  return isObj(t) && typeof t.Value === 'string' ? t.Value : undefined;
}

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined;

/** True when `input` sets only fields among `allowed` (undefined fields count as unset). */
function onlyFields(input: Obj, allowed: readonly string[]): boolean {
  return Object.entries(input).every(([k, v]) => v === undefined || allowed.includes(k));
}

/**
 * Narrowing of one list field to the items `keep` accepts. Complete when the wide answer has no next
 * page (`nextField`) and `found` accepts what was kept.
 */
function listNarrowing(
  wide: Obj,
  list: string,
  nextField: string,
  keep: (item: Obj) => boolean,
  found: (kept: readonly Obj[]) => boolean,
): Widened {
  const kept = (output: Obj): Obj[] =>
    (Array.isArray(output[list]) ? (output[list] as unknown[]) : []).filter(isObj).filter(keep);
  return {
    input: wide,
    narrow: (output) => ({ ...output, [list]: kept(output), [nextField]: undefined }),
    complete: (output) => output[nextField] === undefined && found(kept(output)),
  };
}

/** Every key of `wanted` is among the kept items' `field`. */
const allFound =
  (wanted: readonly string[], field: string) =>
  (kept: readonly Obj[]): boolean =>
    wanted.every((w) => kept.some((i) => i[field] === w));

/** ELBv2 describes by names or ARNs (or, for target groups, by load balancer), from the region's list. */
function widenElb(operation: string, input: Obj): Widened | undefined {
  const wide = { PageSize: FLEET_ELB_PAGE_SIZE };
  if (operation === 'DescribeLoadBalancers') {
    if (!onlyFields(input, ['Names', 'LoadBalancerArns', 'PageSize'])) return undefined;
    const [names, arns] = [strings(input.Names), strings(input.LoadBalancerArns)];
    const [field, wanted] = names ? ['LoadBalancerName', names] : ['LoadBalancerArn', arns];
    if (!wanted || wanted.length === 0 || (names && arns)) return undefined;
    const set = new Set(wanted);
    return listNarrowing(
      wide,
      'LoadBalancers',
      'NextMarker',
      (lb) => set.has(String(lb[field])),
      allFound(wanted, field),
    );
  }
  if (operation === 'DescribeTargetGroups') {
    if (!onlyFields(input, ['Names', 'TargetGroupArns', 'LoadBalancerArn', 'PageSize'])) return undefined;
    const keys = [strings(input.Names), strings(input.TargetGroupArns), input.LoadBalancerArn];
    if (keys.filter((k) => k !== undefined).length !== 1) return undefined;
    const lb = input.LoadBalancerArn;
    if (typeof lb === 'string')
      return listNarrowing(
        wide,
        'TargetGroups',
        'NextMarker',
        (tg) => (strings(tg.LoadBalancerArns) ?? []).includes(lb),
        // None attached, or no such load balancer (an error from AWS): only AWS can tell.
        (kept) => kept.length > 0,
      );
    const names = strings(input.Names);
    const [field, wanted] = names
      ? ['TargetGroupName', names]
      : ['TargetGroupArn', strings(input.TargetGroupArns)];
    if (!wanted || wanted.length === 0) return undefined;
    const set = new Set(wanted);
    return listNarrowing(
      wide,
      'TargetGroups',
      'NextMarker',
      (tg) => set.has(String(tg[field])),
      allFound(wanted, field),
    );
  }
  return undefined;
}

/** An EC2 filter this module evaluates exactly: by field, or `tag:<key>`; values without wildcards. */
function ec2FilterTest(
  filter: Obj,
  fields: Readonly<Record<string, string>>,
): ((item: Obj) => boolean) | undefined {
  const name = filter.Name;
  const values = strings(filter.Values);
  if (typeof name !== 'string' || !values || values.some((v) => /[*?]/.test(v))) return undefined;
  if (name.startsWith('tag:')) {
    const key = name.slice('tag:'.length);
    return (item) => values.includes(tagValue(item.Tags, key) ?? '\u0000');
  }
  const field = fields[name];
  return field ? (item) => values.includes(String(item[field])) : undefined;
}

/** EC2 `DescribeVpcs` by ids and exact filters, from every VPC of the region. */
function widenVpcs(input: Obj): Widened | undefined {
  if (!onlyFields(input, ['VpcIds', 'Filters'])) return undefined;
  const ids = input.VpcIds === undefined ? [] : strings(input.VpcIds);
  const filters = input.Filters === undefined ? [] : Array.isArray(input.Filters) ? input.Filters : undefined;
  if (!ids || !filters || (ids.length === 0 && filters.length === 0)) return undefined;
  const tests = filters.map((f: unknown) =>
    isObj(f) ? ec2FilterTest(f, { 'vpc-id': 'VpcId', 'dhcp-options-id': 'DhcpOptionsId' }) : undefined,
  );
  if (tests.some((t) => t === undefined)) return undefined;
  const keep = (vpc: Obj): boolean =>
    (ids.length === 0 || ids.includes(String(vpc.VpcId))) && tests.every((t) => t?.(vpc));
  return listNarrowing({}, 'Vpcs', 'NextToken', keep, allFound(ids, 'VpcId'));
}

/** EC2 `DescribeSecurityGroups` by `group-id` alone, from the project's tagged groups. */
function widenGroupIds(input: Obj, project: string): Widened | undefined {
  if (!onlyFields(input, ['Filters']) || !Array.isArray(input.Filters) || input.Filters.length !== 1)
    return undefined;
  const [filter] = input.Filters as unknown[];
  const ids = isObj(filter) && filter.Name === 'group-id' ? strings(filter.Values) : undefined;
  if (!ids || ids.length === 0) return undefined;
  const wide = { Filters: [{ Name: `tag:${TAG_KEYS.project}`, Values: [project] }] };
  return listNarrowing(
    wide,
    'SecurityGroups',
    'NextToken',
    (g) => ids.includes(String(g.GroupId)),
    allFound(ids, 'GroupId'),
  );
}

/** Cloud Map `ListServices` of one namespace, from every service, by the namespace each names. */
function widenCloudMapServices(input: Obj): Widened | undefined {
  if (!onlyFields(input, ['Filters']) || !Array.isArray(input.Filters) || input.Filters.length !== 1)
    return undefined;
  const [filter] = input.Filters as unknown[];
  if (!isObj(filter) || filter.Name !== 'NAMESPACE_ID' || (filter.Condition ?? 'EQ') !== 'EQ')
    return undefined;
  const ids = strings(filter.Values);
  const id = ids?.length === 1 ? ids[0] : undefined;
  if (id === undefined) return undefined;
  const namespaceOf = (s: Obj): unknown => (isObj(s.DnsConfig) ? s.DnsConfig.NamespaceId : undefined);
  return {
    input: {},
    narrow: (output) => ({
      ...output,
      Services: (Array.isArray(output.Services) ? output.Services : [])
        .filter(isObj)
        .filter((s) => namespaceOf(s) === id),
      NextToken: undefined,
    }),
    // A service that does not name its namespace cannot be placed: then AWS filters.
    complete: (output) =>
      output.NextToken === undefined &&
      (Array.isArray(output.Services) ? output.Services : []).every(
        (s: unknown) => isObj(s) && typeof namespaceOf(s) === 'string',
      ),
  };
}

/**
 * The fleet-wide form of a read, when it has one (see the module doc); undefined leaves the request to
 * the other widenings of shared-reads.ts.
 */
export function widenToFleet(
  service: string,
  operation: string,
  input: Obj,
  project: string,
): Widened | undefined {
  if (service === 'elbv2') return widenElb(operation, input);
  if (service === 'ec2' && operation === 'DescribeVpcs') return widenVpcs(input);
  if (service === 'ec2' && operation === 'DescribeSecurityGroups') return widenGroupIds(input, project);
  if (service === 'servicediscovery' && operation === 'ListServices') return widenCloudMapServices(input);
  return undefined;
}
