/**
 * Against a real moto server: a log group carrying only the stack's project and stack tags (not
 * `stackctl:managed-by` / `stackctl:logical-id`) is reported and never deleted by reconcile, prune or
 * destroy (issue 10: a plain reconcile deleted it), while a fully tagged orphan next to it still goes.
 */
import {
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import type { DesiredResource, DesiredStack } from '../../../src/desired/resource-types.js';
import { TAG_KEYS } from '../../../src/desired/resource-types.js';
import { ownershipTags } from '../../../src/desired/tags.js';
import { prunePass } from '../../../src/reconcilers/prune.js';
import { reconcilePass } from '../../../src/reconcilers/reconcile-stack.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';

const PROJECT = 'shop';
const STACK = 'dev';
const HAND_MADE = `/stackctl/${PROJECT}/${STACK}/hand-made`;
const ORPHAN = `/stackctl/${PROJECT}/${STACK}/old`;

let moto: MotoServer;
let clients: AwsClients;

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
});
afterAll(async () => {
  await moto?.stop();
});

function logGroup(logicalId: string, name: string): DesiredResource {
  return {
    kind: 'logs.LogGroup',
    logicalId,
    name,
    spec: { logGroupName: name, retentionInDays: 7 },
    tags: ownershipTags(PROJECT, STACK, logicalId),
    dependsOn: [],
  };
}

function stackOf(resources: readonly DesiredResource[]): DesiredStack {
  return {
    project: PROJECT,
    stack: STACK,
    region: 'eu-west-1',
    mode: 'affordable',
    resources,
    requiredSecrets: [],
  };
}

async function groupNames(): Promise<string[]> {
  const out = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/stackctl/' }));
  return (out.logGroups ?? []).map((g) => g.logGroupName ?? '').sort();
}

describe('ownership: a log group with only some ownership tags', () => {
  const web = logGroup('log/web', `/stackctl/${PROJECT}/${STACK}/web`);
  const old = logGroup('log/old', ORPHAN);

  beforeAll(async () => {
    // The stack once rendered log/old too: both created by stackctl, fully tagged.
    const first = await reconcilePass({ desired: stackOf([web, old]), clients, finalSnapshot: false });
    expect(first.report.ok).toBe(true);
    // Made by hand next to them, tagged with the project and stack only.
    await clients.logs.send(
      new CreateLogGroupCommand({
        logGroupName: HAND_MADE,
        tags: { [TAG_KEYS.project]: PROJECT, [TAG_KEYS.stack]: STACK },
      }),
    );
  });

  it('plain reconcile deletes the fully tagged orphan and reports the hand-made group, leaving it', async () => {
    const pass = await reconcilePass({ desired: stackOf([web]), clients, finalSnapshot: false });

    const step = pass.plan.steps.find((s) => s.logicalId === HAND_MADE);
    expect(step?.action.type).toBe('skip');
    expect(step?.action.type === 'skip' && step.action.reason).toContain(
      'not stackctl:managed-by or stackctl:logical-id',
    );
    expect(pass.plan.steps.find((s) => s.logicalId === 'log/old')?.action.type).toBe('delete');
    expect(await groupNames()).toEqual([HAND_MADE, web.name]);
  });

  it('prune leaves it', async () => {
    const pass = await prunePass({ desired: stackOf([web]), clients, finalSnapshot: false });
    expect(pass.report.results.filter((r) => r.action === 'delete')).toEqual([]);
    expect(await groupNames()).toEqual([HAND_MADE, web.name]);
  });

  it('destroy deletes what the stack owns and leaves it, tags untouched', async () => {
    const pass = await reconcilePass({
      desired: stackOf([web]),
      clients,
      finalSnapshot: false,
      destroy: true,
    });
    expect(pass.report.ok).toBe(true);
    expect(await groupNames()).toEqual([HAND_MADE]);
    const arn = `arn:aws:logs:eu-west-1:123456789012:log-group:${HAND_MADE}`;
    const tags = (await clients.logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags;
    expect(tags).toEqual({ [TAG_KEYS.project]: PROJECT, [TAG_KEYS.stack]: STACK });
  });
});
