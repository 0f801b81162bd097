import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import { type ResourceKind, ref } from '../../../src/desired/resource-types.js';
import { StackctlError } from '../../../src/errors.js';
import { observeGraph } from '../../../src/observed/observe-graph.js';
import { observeStack } from '../../../src/observed/observe-stack.js';
import { withReadMemo } from '../../../src/observed/read-memo.js';
import type { ObservedResource, Observer, ObserveTarget } from '../../../src/observed/types.js';
import { desired, observed, PROJECT, STACK } from '../diff/fixtures.js';

const vpc = desired('ec2.Vpc', 'vpc', { cidrBlock: '10.0.0.0/16' });
const subnet = desired('ec2.Subnet', 'subnet/a', { vpcId: ref('vpc', 'id') });
const group = desired('ec2.SecurityGroup', 'sg/web', { vpcId: ref('vpc', 'id') });
const lb = desired('elbv2.LoadBalancer', 'alb', {
  subnets: [ref('subnet/a', 'id')],
  securityGroups: [ref('sg/web', 'id')],
});
const listener = desired('elbv2.Listener', 'listener/80', { port: 80 });

describe('observeGraph', () => {
  it.each([
    {
      reason: 'a ref makes the referencing kind wait for the referenced one',
      kinds: ['ec2.Vpc', 'ec2.Subnet'] as ResourceKind[],
      stack: [vpc, subnet],
      want: { 'ec2.Vpc': [], 'ec2.Subnet': ['ec2.Vpc'] },
    },
    {
      reason: 'refs to several kinds are all needs',
      kinds: ['ec2.Vpc', 'ec2.Subnet', 'ec2.SecurityGroup', 'elbv2.LoadBalancer'] as ResourceKind[],
      stack: [vpc, subnet, group, lb],
      want: {
        'ec2.Vpc': [],
        'ec2.Subnet': ['ec2.Vpc'],
        'ec2.SecurityGroup': ['ec2.Vpc'],
        'elbv2.LoadBalancer': ['ec2.SecurityGroup', 'ec2.Subnet'],
      },
    },
    {
      reason: 'outputs read without a ref (a listener scans for load balancer ARNs) are needs too',
      kinds: ['elbv2.LoadBalancer', 'elbv2.Listener'] as ResourceKind[],
      stack: [listener],
      want: { 'elbv2.LoadBalancer': [], 'elbv2.Listener': ['elbv2.LoadBalancer'] },
    },
    {
      reason: 'a kind without an observer is no need (nothing would ever finish it)',
      kinds: ['ec2.Subnet'] as ResourceKind[],
      stack: [vpc, subnet],
      want: { 'ec2.Subnet': [] },
    },
  ])('$reason', ({ kinds, stack, want }) => {
    const graph = observeGraph(kinds, stack);
    expect(Object.fromEntries([...graph].map(([k, needs]) => [k, [...needs].sort()]))).toEqual(want);
  });

  it('refuses a cycle, naming it', () => {
    const a = desired('ec2.Vpc', 'vpc', { x: ref('subnet/a', 'id') });
    const err = (() => {
      try {
        observeGraph(['ec2.Vpc', 'ec2.Subnet'], [a, subnet]);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(StackctlError);
    expect((err as StackctlError).code).toBe('OBSERVE_CYCLE');
  });
});

/** An observer answering `live` after `delayMs`, recording what it was asked and when. */
function slowObserver(
  kind: ResourceKind,
  live: readonly ObservedResource[],
  delayMs: number,
  asked: { kind: ResourceKind; targets: readonly ObserveTarget[]; at: number }[],
): Observer {
  return {
    kind,
    async observe(targets) {
      asked.push({ kind, targets, at: Date.now() });
      await new Promise((r) => setTimeout(r, delayMs));
      return live;
    },
  };
}

describe('observeStack walks the graph', () => {
  it('starts an independent kind at once and resolves a dependent kind against its needs', async () => {
    const asked: { kind: ResourceKind; targets: readonly ObserveTarget[]; at: number }[] = [];
    const liveVpc = observed('ec2.Vpc', 'vpc', {}, { physicalId: 'vpc-1', outputs: { id: 'vpc-1' } });
    const liveSubnet = observed('ec2.Subnet', 'subnet/a', {}, { outputs: { id: 'subnet-1' } });
    const liveNs = observed('servicediscovery.Namespace', 'ns', {}, { outputs: { id: 'ns-1' } });
    const result = await observeStack({
      project: PROJECT,
      stack: STACK,
      desired: [vpc, subnet, desired('servicediscovery.Namespace', 'ns', {})],
      clients: {} as AwsClients,
      observers: new Map<ResourceKind, Observer>([
        ['ec2.Vpc', slowObserver('ec2.Vpc', [liveVpc], 40, asked)],
        ['ec2.Subnet', slowObserver('ec2.Subnet', [liveSubnet], 5, asked)],
        ['servicediscovery.Namespace', slowObserver('servicediscovery.Namespace', [liveNs], 5, asked)],
      ]),
    });
    // The subnet is asked twice: early (for the read memo) and once the VPC is read, resolved.
    const subnetAsks = asked.filter((a) => a.kind === 'ec2.Subnet');
    expect(subnetAsks.map((a) => a.targets[0]?.spec?.vpcId)).toEqual([ref('vpc', 'id'), 'vpc-1']);
    // The namespace needs nothing: it was asked before the VPC's answer came.
    const vpcAnswered = (asked.find((a) => a.kind === 'ec2.Vpc')?.at ?? 0) + 40;
    expect(asked.find((a) => a.kind === 'servicediscovery.Namespace')?.at ?? Infinity).toBeLessThan(
      vpcAnswered,
    );
    expect(result.outputs.get('subnet/a')).toEqual({ id: 'subnet-1' });
    expect(result.observed.map((o) => o.logicalId).sort()).toEqual(['ns', 'subnet/a', 'vpc']);
  });

  it('lets a one-off task resolve its task definition from the early read', async () => {
    const asked: { kind: ResourceKind; targets: readonly ObserveTarget[]; at: number }[] = [];
    const role = desired('iam.Role', 'role/exec', {});
    const td = desired('ecs.TaskDefinition', 'td/migrate', { executionRoleArn: ref('role/exec', 'arn') });
    const task = desired('ecs.OneOffTask', 'task/migrate', { taskDefinition: ref('td/migrate', 'arn') });
    const liveRole = observed('iam.Role', 'role/exec', {}, { outputs: { arn: 'arn:role' } });
    const liveTd = observed('ecs.TaskDefinition', 'td/migrate', {}, { outputs: { arn: 'arn:td:3' } });
    await observeStack({
      project: PROJECT,
      stack: STACK,
      desired: [role, td, task],
      clients: {} as AwsClients,
      observers: new Map<ResourceKind, Observer>([
        ['iam.Role', slowObserver('iam.Role', [liveRole], 60, asked)],
        ['ecs.TaskDefinition', slowObserver('ecs.TaskDefinition', [liveTd], 5, asked)],
        ['ecs.OneOffTask', slowObserver('ecs.OneOffTask', [], 5, asked)],
      ]),
    });
    const taskAsk = asked.find((a) => a.kind === 'ecs.OneOffTask');
    const roleDone = (asked.find((a) => a.kind === 'iam.Role')?.at ?? 0) + 60;
    expect(taskAsk?.targets[0]?.spec?.taskDefinition).toBe('arn:td:3');
    expect(taskAsk?.at ?? Infinity).toBeLessThan(roleDone);
  });
});

describe('withReadMemo', () => {
  it.each([
    { reason: 'the same request twice is sent once', second: { Names: ['a'] }, sent: 1 },
    { reason: 'a different request is sent', second: { Names: ['b'] }, sent: 2 },
  ])('$reason', async ({ second, sent }) => {
    class GetParametersCommand {
      constructor(readonly input: unknown) {}
    }
    const sends: unknown[] = [];
    const ssm = {
      async send(command: GetParametersCommand) {
        sends.push(command.input);
        return { asked: command.input };
      },
    };
    const clients = withReadMemo({ region: 'eu-west-1', ssm } as unknown as AwsClients);
    const first = await clients.ssm.send(new GetParametersCommand({ Names: ['a'] }) as never);
    const again = await clients.ssm.send(new GetParametersCommand(second) as never);
    expect(sends).toHaveLength(sent);
    expect(first).toEqual({ asked: { Names: ['a'] } });
    expect(again).toEqual({ asked: second });
    expect(clients.region).toBe('eu-west-1');
  });
});
