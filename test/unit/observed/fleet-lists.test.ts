/**
 * The fleet-wide forms of per-stack lookups: which requests are widened, to what, and that the answer
 * cut back out of the wide list is exactly the narrow request's — or is refused (`complete` false) when
 * the list cannot prove it, so the narrow request goes to AWS.
 */
import { describe, expect, it } from 'vitest';
import { FLEET_ELB_PAGE_SIZE, type Obj, widenToFleet } from '../../../src/observed/fleet-lists.js';

const LB = (name: string) => ({ LoadBalancerName: name, LoadBalancerArn: `arn:lb/${name}` });
const TG = (name: string, lbs: string[]) => ({
  TargetGroupName: name,
  TargetGroupArn: `arn:tg/${name}`,
  LoadBalancerArns: lbs,
});
const VPC = (id: string, dhcp: string, tags: Record<string, string> = {}) => ({
  VpcId: id,
  DhcpOptionsId: dhcp,
  Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
});
const SVC = (id: string, ns?: string, type = 'A') => ({
  Id: id,
  ...(ns ? { DnsConfig: { NamespaceId: ns, DnsRecords: [{ Type: type, TTL: 10 }] } } : {}),
});

const LBS = { LoadBalancers: [LB('a'), LB('b'), LB('c')] };
const TGS = { TargetGroups: [TG('a-web', ['arn:lb/a']), TG('b-web', ['arn:lb/b']), TG('lone', [])] };
const VPCS = {
  Vpcs: [
    VPC('vpc-1', 'dopt-1', { 'stackctl:project': 'p', 'stackctl:stack': 's1' }),
    VPC('vpc-2', 'dopt-2'),
    VPC('vpc-3', 'dopt-1', { 'stackctl:project': 'p', 'stackctl:stack': 's2' }),
  ],
};
const GROUPS = { SecurityGroups: [{ GroupId: 'sg-1' }, { GroupId: 'sg-2' }] };
const SERVICES = { Services: [SVC('srv-1', 'ns-1'), SVC('srv-2', 'ns-2'), SVC('srv-3', 'ns-1', 'CNAME')] };

interface Row {
  readonly reason: string;
  readonly service: string;
  readonly operation: string;
  readonly input: Obj;
  readonly wide: Obj;
  readonly answer: Obj;
  /** The narrowed answer's list, or 'incomplete' when the narrow request must go to AWS. */
  readonly expected: unknown;
  readonly list: string;
}

const ELB_WIDE = { PageSize: FLEET_ELB_PAGE_SIZE };

const rows: readonly Row[] = [
  {
    reason: 'load balancers by name come out of the region list',
    ...{ service: 'elbv2', operation: 'DescribeLoadBalancers', list: 'LoadBalancers' },
    input: { Names: ['b'] },
    wide: ELB_WIDE,
    answer: LBS,
    expected: [LB('b')],
  },
  {
    reason: 'an unknown name is NotFound on AWS: only AWS can say so',
    ...{ service: 'elbv2', operation: 'DescribeLoadBalancers', list: 'LoadBalancers' },
    input: { Names: ['b', 'zz'] },
    wide: ELB_WIDE,
    answer: LBS,
    expected: 'incomplete',
  },
  {
    reason: 'a next page may hold more: the list cannot stand for the request',
    ...{ service: 'elbv2', operation: 'DescribeLoadBalancers', list: 'LoadBalancers' },
    input: { LoadBalancerArns: ['arn:lb/a'] },
    wide: ELB_WIDE,
    answer: { ...LBS, NextMarker: 'm' },
    expected: 'incomplete',
  },
  {
    reason: 'target groups of a load balancer: those that name it',
    ...{ service: 'elbv2', operation: 'DescribeTargetGroups', list: 'TargetGroups' },
    input: { LoadBalancerArn: 'arn:lb/a' },
    wide: ELB_WIDE,
    answer: TGS,
    expected: [TG('a-web', ['arn:lb/a'])],
  },
  {
    reason: 'none for a load balancer may mean it does not exist (an AWS error)',
    ...{ service: 'elbv2', operation: 'DescribeTargetGroups', list: 'TargetGroups' },
    input: { LoadBalancerArn: 'arn:lb/c' },
    wide: ELB_WIDE,
    answer: TGS,
    expected: 'incomplete',
  },
  {
    reason: 'target groups by name',
    ...{ service: 'elbv2', operation: 'DescribeTargetGroups', list: 'TargetGroups' },
    input: { Names: ['lone', 'b-web'], PageSize: 400 },
    wide: ELB_WIDE,
    answer: TGS,
    expected: [TG('b-web', ['arn:lb/b']), TG('lone', [])],
  },
  {
    reason: 'a VPC by id comes out of the region list',
    ...{ service: 'ec2', operation: 'DescribeVpcs', list: 'Vpcs' },
    input: { VpcIds: ['vpc-2'] },
    wide: {},
    answer: VPCS,
    expected: [VPC('vpc-2', 'dopt-2')],
  },
  {
    reason: 'an unknown VPC id is NotFound on AWS',
    ...{ service: 'ec2', operation: 'DescribeVpcs', list: 'Vpcs' },
    input: { VpcIds: ['vpc-9'] },
    wide: {},
    answer: VPCS,
    expected: 'incomplete',
  },
  {
    reason: 'EC2 filters: values OR, filters AND, tags by exact value',
    ...{ service: 'ec2', operation: 'DescribeVpcs', list: 'Vpcs' },
    input: {
      Filters: [
        { Name: 'dhcp-options-id', Values: ['dopt-1', 'dopt-2'] },
        { Name: 'tag:stackctl:project', Values: ['p'] },
      ],
    },
    wide: {},
    answer: VPCS,
    expected: [VPCS.Vpcs[0], VPCS.Vpcs[2]],
  },
  {
    reason: 'a security group by id comes out of the project list',
    ...{ service: 'ec2', operation: 'DescribeSecurityGroups', list: 'SecurityGroups' },
    input: { Filters: [{ Name: 'group-id', Values: ['sg-2'] }] },
    wide: { Filters: [{ Name: 'tag:stackctl:project', Values: ['p'] }] },
    answer: GROUPS,
    expected: [{ GroupId: 'sg-2' }],
  },
  {
    reason: 'a group without the project tag is not in the project list: asked as asked',
    ...{ service: 'ec2', operation: 'DescribeSecurityGroups', list: 'SecurityGroups' },
    input: { Filters: [{ Name: 'group-id', Values: ['sg-2', 'sg-foreign'] }] },
    wide: { Filters: [{ Name: 'tag:stackctl:project', Values: ['p'] }] },
    answer: GROUPS,
    expected: 'incomplete',
  },
  {
    reason: "a namespace's Cloud Map services, by the namespace each names",
    ...{ service: 'servicediscovery', operation: 'ListServices', list: 'Services' },
    input: { Filters: [{ Name: 'NAMESPACE_ID', Values: ['ns-1'], Condition: 'EQ' }] },
    wide: {},
    answer: SERVICES,
    expected: [SVC('srv-1', 'ns-1'), SVC('srv-3', 'ns-1', 'CNAME')],
  },
  {
    reason: 'a service that names no namespace cannot be placed: AWS filters',
    ...{ service: 'servicediscovery', operation: 'ListServices', list: 'Services' },
    input: { Filters: [{ Name: 'NAMESPACE_ID', Values: ['ns-1'], Condition: 'EQ' }] },
    wide: {},
    answer: { Services: [...SERVICES.Services, SVC('srv-http')] },
    expected: 'incomplete',
  },
];

describe('widenToFleet', () => {
  it.each(rows)('$reason', (row) => {
    const widened = widenToFleet(row.service, row.operation, row.input, 'p');
    expect(widened?.input).toEqual(row.wide);
    if (!widened) return;
    const complete = widened.complete?.(row.answer) ?? true;
    if (row.expected === 'incomplete') expect(complete).toBe(false);
    else {
      expect(complete).toBe(true);
      expect(widened.narrow(row.answer)[row.list]).toEqual(row.expected);
    }
  });

  it.each([
    {
      reason: 'a page token: the caller pages itself',
      op: 'DescribeVpcs',
      input: { VpcIds: ['v'], NextToken: 't' },
    },
    {
      reason: 'a wildcard filter value',
      op: 'DescribeVpcs',
      input: { Filters: [{ Name: 'tag:x', Values: ['a*'] }] },
    },
    {
      reason: 'a filter it cannot evaluate',
      op: 'DescribeVpcs',
      input: { Filters: [{ Name: 'cidr', Values: ['10.0.0.0/16'] }] },
    },
    { reason: 'every VPC asked for already', op: 'DescribeVpcs', input: {} },
    {
      reason: 'security groups by name and VPC (foreign groups, no project tag)',
      op: 'DescribeSecurityGroups',
      input: {
        Filters: [
          { Name: 'group-name', Values: ['x'] },
          { Name: 'vpc-id', Values: ['v'] },
        ],
      },
    },
  ])('leaves alone $reason', ({ op, input }) => {
    expect(widenToFleet('ec2', op, input, 'p')).toBeUndefined();
  });
});
