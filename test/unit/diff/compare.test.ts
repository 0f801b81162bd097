import { describe, expect, it } from 'vitest';
import { type ResourceKind, ref, type Spec } from '../../../src/desired/resource-types.js';
import { diffResource } from '../../../src/diff/compare.js';

describe('diffResource', () => {
  it.each([
    {
      reason: 'a changed scalar is one delta',
      kind: 'ecs.Service' as ResourceKind,
      desired: { desiredCount: 3 },
      observed: { desiredCount: 1 },
      want: [{ path: 'desiredCount', desired: 3, observed: 1, replace: false }],
    },
    {
      reason: 'keys only AWS sets (defaults) are not drift',
      kind: 'ecs.Service' as ResourceKind,
      desired: { desiredCount: 1 },
      observed: { desiredCount: 1, platformVersion: 'LATEST', propagateTags: 'NONE' },
      want: [],
    },
    {
      reason: 'nested objects are compared per desired key, with a dotted path',
      kind: 'elbv2.TargetGroup' as ResourceKind,
      desired: { healthCheck: { path: '/health', intervalSeconds: 10 } },
      observed: { healthCheck: { path: '/', intervalSeconds: 10, protocol: 'HTTP' } },
      want: [{ path: 'healthCheck.path', desired: '/health', observed: '/', replace: false }],
    },
    {
      reason: 'equal-length lists are compared per index (and extra keys in items ignored)',
      kind: 'ecs.TaskDefinition' as ResourceKind,
      desired: { containerDefinitions: [{ name: 'web', image: 'nginx:1.27' }] },
      observed: { containerDefinitions: [{ name: 'web', image: 'nginx:1.26', cpu: 0, mountPoints: [] }] },
      want: [
        {
          path: 'containerDefinitions[0].image',
          desired: 'nginx:1.27',
          observed: 'nginx:1.26',
          replace: false,
        },
      ],
    },
    {
      reason: 'lists of different length are one whole-list delta',
      kind: 'ecs.Service' as ResourceKind,
      desired: { networkConfiguration: { subnets: ['a', 'b'] } },
      observed: { networkConfiguration: { subnets: ['a'] } },
      want: [{ path: 'networkConfiguration.subnets', desired: ['a', 'b'], observed: ['a'], replace: false }],
    },
    {
      reason: 'a number equals the numeric string AWS returns',
      kind: 'ecs.TaskDefinition' as ResourceKind,
      desired: { cpu: '256', memory: 512 },
      observed: { cpu: 256, memory: '512' },
      want: [],
    },
    {
      reason: 'a number differs from a different numeric string',
      kind: 'ecs.TaskDefinition' as ResourceKind,
      desired: { cpu: '512' },
      observed: { cpu: 256 },
      want: [{ path: 'cpu', desired: '512', observed: 256, replace: false }],
    },
    {
      reason: 'a desired key missing in AWS is a delta',
      kind: 'ecs.Service' as ResourceKind,
      desired: { healthCheckGracePeriodSeconds: 30 },
      observed: {},
      want: [{ path: 'healthCheckGracePeriodSeconds', desired: 30, observed: undefined, replace: false }],
    },
    {
      reason: 'an empty desired list equals a list AWS omits',
      kind: 'ecs.Service' as ResourceKind,
      desired: { loadBalancers: [] },
      observed: {},
      want: [],
    },
    {
      reason: 'an immutable field is marked replace',
      kind: 'elbv2.TargetGroup' as ResourceKind,
      desired: { port: 8080, deregistrationDelaySeconds: 10 },
      observed: { port: 80, deregistrationDelaySeconds: 30 },
      want: [
        { path: 'port', desired: 8080, observed: 80, replace: true },
        { path: 'deregistrationDelaySeconds', desired: 10, observed: 30, replace: false },
      ],
    },
    {
      reason: 'an element of an immutable list is marked replace',
      kind: 'acm.Certificate' as ResourceKind,
      desired: { subjectAlternativeNames: ['a.example.com'] },
      observed: { subjectAlternativeNames: ['b.example.com'] },
      want: [
        {
          path: 'subjectAlternativeNames[0]',
          desired: 'a.example.com',
          observed: 'b.example.com',
          replace: true,
        },
      ],
    },
    {
      reason: 'a task definition change is an update (new revision), never a replace',
      kind: 'ecs.TaskDefinition' as ResourceKind,
      desired: { family: 'shop-prod-web2' },
      observed: { family: 'shop-prod-web' },
      want: [{ path: 'family', desired: 'shop-prod-web2', observed: 'shop-prod-web', replace: false }],
    },
    {
      reason: 'an inline IAM policy added out of band is drift: the role owns its inline policies whole',
      kind: 'iam.Role' as ResourceKind,
      desired: { inlinePolicies: { app: '{"v":1}' } },
      observed: { inlinePolicies: { app: '{"v":1}', backdoor: '{"v":2}' } },
      want: [{ path: 'inlinePolicies.backdoor', desired: undefined, observed: '{"v":2}', replace: false }],
    },
    {
      reason: 'extra keys of other maps stay AWS-owned (not drift)',
      kind: 'elbv2.TargetGroup' as ResourceKind,
      desired: { healthCheck: { path: '/' } },
      observed: { healthCheck: { path: '/', matcher: '200' } },
      want: [],
    },
  ])('$reason', ({ kind, desired, observed, want }) => {
    expect(diffResource(desired as Spec, observed as Spec, kind)).toEqual(want);
  });

  it('treats a remaining ref as changing by default and ignores it when told it is not', () => {
    const desired: Spec = { targetGroupArn: ref('tg/web-80', 'arn'), port: 80 };
    const observedSpec: Spec = { targetGroupArn: 'arn:old', port: 80 };

    const changing = diffResource(desired, observedSpec, 'elbv2.Listener');
    const unknown = diffResource(desired, observedSpec, 'elbv2.Listener', { isRefChanging: () => false });

    expect(changing).toEqual([
      { path: 'targetGroupArn', desired: ref('tg/web-80', 'arn'), observed: 'arn:old', replace: false },
    ]);
    expect(unknown).toEqual([]);
  });

  it.each([
    {
      reason: 'the known id is there, in another position; the pending ref stands for the other one',
      observed: ['sg-svc', 'sg-net'],
      want: [],
    },
    {
      reason: 'the known id is there in the same position',
      observed: ['sg-net', 'sg-svc'],
      want: [],
    },
    {
      reason: 'the known id is missing: drift',
      observed: ['sg-other', 'sg-svc'],
      want: ['networkConfiguration.securityGroups'],
    },
    {
      reason: 'one id too many: drift',
      observed: ['sg-net', 'sg-svc', 'sg-extra'],
      want: ['networkConfiguration.securityGroups'],
    },
  ])('compares an id list with a pending ref as a set: $reason', ({ observed, want }) => {
    const desired: Spec = { networkConfiguration: { securityGroups: ['sg-net', ref('sg/svc/web', 'id')] } };
    const live: Spec = { networkConfiguration: { securityGroups: observed } };

    const deltas = diffResource(desired, live, 'ecs.Service', { isRefChanging: () => false });

    expect(deltas.map((d) => d.path)).toEqual(want);
  });
});
