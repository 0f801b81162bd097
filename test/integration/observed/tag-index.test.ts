/**
 * The pass's one tagging-API read against a real moto server: a single GetResources call with every
 * type of TAGGED_RESOURCE_TYPES finds the stack's resources of each type with all their tags, exactly as
 * a call per type would (so moto honours a list of ResourceTypeFilters for every merged type), and leaves
 * out another stack's resources of the same types.
 */
import { RequestCertificateCommand } from '@aws-sdk/client-acm';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateReplicationGroupCommand } from '@aws-sdk/client-elasticache';
import { CreateDBInstanceCommand } from '@aws-sdk/client-rds';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallStats } from '../../../src/aws/call-stats.js';
import { createAwsClients } from '../../../src/aws/clients.js';
import type { AwsClients } from '../../../src/aws/types.js';
import { TAG_KEYS } from '../../../src/desired/resource-types.js';
import { createTagIndex, TAGGED_RESOURCE_TYPES } from '../../../src/observed/tag-index.js';
import { motoClients, TEST_REGION } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import { createNetwork } from '../kinds/kind-fixtures.js';

const PROJECT = 'shop';

let moto: MotoServer;
let setup: AwsClients;

/** Ownership tags of `stack` in the SDK's `Key`/`Value` shape, plus a logical id. */
function tagsOf(stack: string, logicalId: string) {
  return [
    { Key: TAG_KEYS.project, Value: PROJECT },
    { Key: TAG_KEYS.stack, Value: stack },
    { Key: TAG_KEYS.logicalId, Value: logicalId },
  ];
}

/** One resource of every merged type, tagged for `stack`. */
async function createResources(stack: string, vpc: { vpcId: string; subnets: readonly string[] }) {
  const tags = tagsOf(stack, 'x');
  const name = `${PROJECT}-${stack}`;
  await setup.acm.send(new RequestCertificateCommand({ DomainName: `${stack}.example.com`, Tags: tags }));
  await setup.logs.send(
    new CreateLogGroupCommand({
      logGroupName: `/stackctl/${PROJECT}/${stack}/web`,
      tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])),
    }),
  );
  await setup.elasticache.send(
    new CreateReplicationGroupCommand({
      ReplicationGroupId: `${name}-cache`,
      ReplicationGroupDescription: 'cache',
      Engine: 'redis',
      CacheNodeType: 'cache.t4g.micro',
      NumCacheClusters: 1,
      Tags: tags,
    }),
  );
  await setup.elbv2.send(
    new CreateLoadBalancerCommand({ Name: `${name}-lb`, Subnets: [...vpc.subnets], Tags: tags }),
  );
  await setup.elbv2.send(
    new CreateTargetGroupCommand({
      Name: `${name}-tg`,
      Protocol: 'HTTP',
      Port: 80,
      VpcId: vpc.vpcId,
      TargetType: 'ip',
      Tags: tags,
    }),
  );
  await setup.rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: `${name}-db`,
      DBInstanceClass: 'db.t4g.micro',
      Engine: 'postgres',
      AllocatedStorage: 20,
      MasterUsername: 'shop',
      MasterUserPassword: 'not-a-real-secret-1',
      Tags: tags,
    }),
  );
  await setup.ssm.send(
    new PutParameterCommand({
      Name: `/stackctl/${PROJECT}/${stack}/p`,
      Value: 'v',
      Type: 'String',
      Tags: tags,
    }),
  );
}

/** The ARN fragment that tells each merged type apart. */
const TYPE_MARKERS: readonly { readonly type: string; readonly marker: string }[] = [
  { type: 'acm', marker: ':certificate/' },
  { type: 'elasticache', marker: ':replicationgroup:' },
  { type: 'elasticloadbalancing:loadbalancer', marker: ':loadbalancer/' },
  { type: 'elasticloadbalancing:targetgroup', marker: ':targetgroup/' },
  { type: 'logs', marker: ':log-group:' },
  { type: 'rds', marker: ':db:' },
  { type: 'ssm:parameter', marker: ':parameter/' },
];

beforeAll(async () => {
  moto = await startMoto();
  setup = motoClients(moto.endpoint);
  const network = await createNetwork(setup);
  await createResources('dev', network);
  await createResources('prod', network);
}, 120_000);

afterAll(async () => {
  await moto?.stop();
});

describe('createTagIndex against moto', () => {
  it('finds the stack resources of every merged type, with their tags, in one GetResources call', async () => {
    const stats = new CallStats();
    const clients = createAwsClients({
      region: TEST_REGION,
      endpoint: moto.endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      maxAttempts: 2,
      stats,
    });
    const index = createTagIndex({ clients, project: PROJECT, stack: 'dev' });
    const [first, again] = [await index.resources(), await index.resources()];

    expect(again).toBe(first);
    const arns = [...first.keys()];
    for (const { marker } of TYPE_MARKERS) {
      expect(
        arns.filter((a) => a.includes(marker)),
        marker,
      ).toHaveLength(1);
    }
    expect(arns).toHaveLength(TYPE_MARKERS.length);
    for (const tags of first.values()) {
      expect(tags).toEqual({
        [TAG_KEYS.project]: PROJECT,
        [TAG_KEYS.stack]: 'dev',
        [TAG_KEYS.logicalId]: 'x',
      });
    }
    expect(stats.snapshot().map((r) => [`${r.service}:${r.operation}`, r.count])).toEqual([
      ['tagging:GetResources', 1],
    ]);
  });

  it.each(TYPE_MARKERS.map((t) => ({ ...t, reason: `moto answers ${t.type} in a list as alone` })))(
    '$reason',
    async ({ type, marker }) => {
      const filters = [
        { Key: TAG_KEYS.project, Values: [PROJECT] },
        { Key: TAG_KEYS.stack, Values: ['dev'] },
      ];
      const alone = await setup.tagging.send(
        new GetResourcesCommand({ ResourceTypeFilters: [type], TagFilters: filters }),
      );
      const merged = await createTagIndex({ clients: setup, project: PROJECT, stack: 'dev' }).resources();
      const aloneArns = (alone.ResourceTagMappingList ?? []).map((m) => m.ResourceARN ?? '');
      expect(aloneArns.filter((a) => a.includes(marker))).toHaveLength(1);
      expect([...merged.keys()].filter((a) => a.includes(marker))).toEqual(
        aloneArns.filter((a) => a.includes(marker)),
      );
      expect(TAGGED_RESOURCE_TYPES).toContain(type);
    },
  );
});
