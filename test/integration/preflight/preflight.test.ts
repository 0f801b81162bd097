/**
 * Against a real moto server: the preflight checks of a planned pass (src/reconcilers/preflight.ts).
 * Hosted zones are read live (one ListHostedZonesByName per zone the plan writes into); conflicts come
 * from the plan. Every problem is listed at once, and a stack with none passes.
 */
import { CreateHostedZoneCommand } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import type { DesiredResource } from '../../../src/desired/resource-types.js';
import { ownershipTags } from '../../../src/desired/tags.js';
import { planStack } from '../../../src/diff/plan-stack.js';
import type { ObservedResource } from '../../../src/observed/types.js';
import { PreflightError, preflightProblems } from '../../../src/reconcilers/preflight.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';

const PROJECT = 'shop';
const STACK = 'dev';

let moto: MotoServer;
let clients: AwsClients;

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  await clients.route53.send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'pf-1' }));
  // Two public zones of one name, neither tagged for the project: ambiguous.
  for (const ref of ['pf-2', 'pf-3'])
    await clients.route53.send(new CreateHostedZoneCommand({ Name: 'twice.example', CallerReference: ref }));
});
afterAll(async () => {
  await moto?.stop();
});

function record(name: string, zone: string): DesiredResource {
  const logicalId = `dns/${name}`;
  return {
    kind: 'route53.Record',
    logicalId,
    name,
    spec: {
      hostedZoneName: `${zone}.`,
      name: `${name}.`,
      type: 'CNAME',
      ttl: 300,
      values: ['x.example.net'],
    },
    tags: ownershipTags(PROJECT, STACK, logicalId),
    dependsOn: [],
  };
}

const logGroup: DesiredResource = {
  kind: 'logs.LogGroup',
  logicalId: 'log/web',
  name: '/stackctl/shop/dev/web',
  spec: { logGroupName: '/stackctl/shop/dev/web', retentionInDays: 1 },
  tags: ownershipTags(PROJECT, STACK, 'log/web'),
  dependsOn: [],
};

/** The log group, already there without our tags. */
const foreignLogGroup: ObservedResource = {
  kind: 'logs.LogGroup',
  logicalId: 'log/web',
  name: logGroup.name,
  physicalId: logGroup.name,
  spec: logGroup.spec,
  tags: { owner: 'someone-else' },
  outputs: {},
  health: 'Healthy',
};

describe('preflightProblems', () => {
  it.each([
    {
      reason: 'records into an existing zone, nothing foreign: no problem',
      desired: [record('api.example.com', 'example.com'), logGroup],
      observed: [],
      expected: [],
    },
    {
      reason: 'a zone that does not exist is named once, with every record that needs it',
      desired: [record('a.nosuch.example', 'nosuch.example'), record('b.nosuch.example', 'nosuch.example')],
      observed: [],
      expected: [
        {
          type: 'hosted-zone',
          zone: 'nosuch.example.',
          logicalIds: ['dns/a.nosuch.example', 'dns/b.nosuch.example'],
          message: expect.stringContaining('No Route 53 hosted zone named nosuch.example. exists'),
        },
      ],
    },
    {
      reason: 'two zones of one name, neither tagged for the project: ambiguous',
      desired: [record('a.twice.example', 'twice.example')],
      observed: [],
      expected: [
        {
          type: 'hosted-zone',
          zone: 'twice.example.',
          logicalIds: ['dns/a.twice.example'],
          message: expect.stringContaining('Several Route 53 hosted zones are named twice.example.'),
        },
      ],
    },
    {
      reason: 'a conflict and a missing zone: both listed, the conflict first',
      desired: [record('a.nosuch.example', 'nosuch.example'), logGroup],
      observed: [foreignLogGroup],
      expected: [
        {
          type: 'conflict',
          logicalId: 'log/web',
          message: expect.stringMatching(
            /^log\/web: .*not owned by stack shop\/dev.*\(reconcile changes nothing while a conflict remains\)$/,
          ),
        },
        expect.objectContaining({ type: 'hosted-zone', zone: 'nosuch.example.' }),
      ],
    },
  ])('$reason', async ({ desired, observed, expected }) => {
    const plan = planStack({ project: PROJECT, stack: STACK, desired, observed });
    expect(await preflightProblems({ clients, project: PROJECT, plan })).toEqual(expected);
  });

  it('PreflightError lists every problem and says nothing was changed', async () => {
    const plan = planStack({
      project: PROJECT,
      stack: STACK,
      desired: [record('a.nosuch.example', 'nosuch.example'), logGroup],
      observed: [foreignLogGroup],
    });
    const err = new PreflightError(STACK, await preflightProblems({ clients, project: PROJECT, plan }));
    expect(err.code).toBe('PREFLIGHT_FAILED');
    expect(err.message.split('\n')).toEqual([
      'stack dev was not reconciled: 2 problem(s) found before any change; nothing was changed in AWS:',
      expect.stringMatching(/^ {2}- log\/web: /),
      expect.stringMatching(/^ {2}- No Route 53 hosted zone named nosuch\.example\./),
    ]);
  });
});
