/**
 * End to end, against a real moto server: after the dev stack has converged, one out-of-band change per
 * case is made directly with the SDK. `plan` must report exactly that drift (one step, the right field)
 * and exit 2; one `reconcile --once` must put AWS back to the desired value; the next plan exits 0.
 */
import { DeleteLogGroupCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AuthorizeSecurityGroupIngressCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { DeleteServiceCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { ModifyListenerCommand, ModifyTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/types.js';
import type { DesiredStack } from '../../src/desired/resource-types.js';
import { type E2eEnv, parseJson, startE2e } from './helpers/harness.js';
import {
  liveListener,
  liveLogGroup,
  liveSecurityGroup,
  liveService,
  liveTargetGroup,
  nameOf,
  serviceImage,
} from './helpers/live-read.js';
import { ingressFromGroup, runServiceWithImage } from './helpers/out-of-band.js';
import { applyOf, changeShapes, changes, planOf, type StepShape } from './helpers/plan-output.js';
import { SHOP_DIR } from './helpers/workspace.js';

let env: E2eEnv;
let shop: E2eEnv['cli'];
let desired: DesiredStack;
const CLUSTER = 'shop-dev';

beforeAll(async () => {
  env = await startE2e();
  shop = env.cliIn(SHOP_DIR);
  desired = parseJson<DesiredStack>(await shop('render', '--stack', 'dev', '--output', 'json'));
  expect((await shop('config', 'set', 'API_TOKEN', '--random', '--stack', 'dev')).code).toBe(0);
  const first = await shop('reconcile', '--once', '--stack', 'dev');
  expect(first.code, first.err).toBe(0);
}, 120_000);
afterAll(async () => {
  await env?.stop();
});

/** The web service's ingress rule: port 80 from the load balancer's SG. */
const webIngressFromAlb = (c: AwsClients) =>
  ingressFromGroup(c, nameOf(desired, 'sg/svc/web'), nameOf(desired, 'sg/alb'), 80);

interface DriftCase {
  readonly reason: string;
  /** The out-of-band change. */
  readonly drift: (c: AwsClients) => Promise<void>;
  /** The plan's only steps. */
  readonly expected: readonly StepShape[];
  /** Reads the drifted value back from AWS. */
  readonly readBack: (c: AwsClients) => Promise<unknown>;
  /** What `readBack` returns once reconciled. */
  readonly want: unknown;
}

const CASES: readonly DriftCase[] = [
  {
    reason: 'ECS service desiredCount scaled by hand',
    drift: (c) =>
      c.ecs
        .send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'worker', desiredCount: 3 }))
        .then(() => {}),
    expected: [
      { kind: 'ecs.Service', logicalId: 'service/worker', action: 'update', paths: ['desiredCount'] },
    ],
    readBack: async (c) => (await liveService(c, CLUSTER, 'worker'))?.desiredCount,
    want: 1,
  },
  {
    reason: 'service moved to a hand-registered (untagged) task definition revision with another image',
    drift: (c) => runServiceWithImage(c, CLUSTER, 'web', 'nginx:1.25-alpine', false),
    // The foreign revision is not ours, so the family still stands for our newest revision: the drift is
    // the service's task definition.
    expected: [
      { kind: 'ecs.Service', logicalId: 'service/web', action: 'update', paths: ['taskDefinition'] },
    ],
    readBack: (c) => serviceImage(c, CLUSTER, 'web'),
    want: 'nginx:1.27-alpine',
  },
  {
    reason: 'service moved to a new task definition revision carrying our tags, with another image',
    drift: (c) => runServiceWithImage(c, CLUSTER, 'web', 'nginx:1.25-alpine', true),
    expected: [
      {
        kind: 'ecs.Service',
        logicalId: 'service/web',
        action: 'update',
        paths: ['taskDefinition'],
      },
      {
        kind: 'ecs.TaskDefinition',
        logicalId: 'taskdef/web',
        action: 'update',
        paths: ['containerDefinitions[0].image'],
      },
    ],
    readBack: (c) => serviceImage(c, CLUSTER, 'web'),
    want: 'nginx:1.27-alpine',
  },
  {
    reason: 'target group health-check path changed',
    drift: async (c) => {
      const tg = await liveTargetGroup(c, nameOf(desired, 'tg/web-80'));
      await c.elbv2.send(
        new ModifyTargetGroupCommand({ TargetGroupArn: tg.TargetGroupArn, HealthCheckPath: '/drifted' }),
      );
    },
    expected: [
      { kind: 'elbv2.TargetGroup', logicalId: 'tg/web-80', action: 'update', paths: ['healthCheck.path'] },
    ],
    readBack: async (c) => (await liveTargetGroup(c, nameOf(desired, 'tg/web-80'))).HealthCheckPath,
    want: '/',
  },
  {
    reason: 'security group ingress rule revoked',
    drift: async (c) => {
      const { group: webSg, rule } = await webIngressFromAlb(c);
      // Revoked as described (with its description): moto matches rules on every attribute.
      await c.ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: webSg.GroupId,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, UserIdGroupPairs: rule?.UserIdGroupPairs },
          ],
        }),
      );
      expect((await webIngressFromAlb(c)).rule).toBeUndefined();
    },
    expected: [{ kind: 'ec2.SecurityGroup', logicalId: 'sg/svc/web', action: 'update', paths: ['ingress'] }],
    readBack: async (c) => (await webIngressFromAlb(c)).rule !== undefined,
    want: true,
  },
  {
    reason: 'foreign security group ingress rule added',
    drift: async (c) => {
      const sg = await liveSecurityGroup(c, nameOf(desired, 'sg/svc/worker'));
      await c.ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: sg.GroupId,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.0/24' }] },
          ],
        }),
      );
    },
    expected: [
      { kind: 'ec2.SecurityGroup', logicalId: 'sg/svc/worker', action: 'update', paths: ['ingress'] },
    ],
    // Only the rendered rule is left: worker declares no port, so its network reaches every TCP port.
    readBack: async (c) =>
      ((await liveSecurityGroup(c, nameOf(desired, 'sg/svc/worker'))).IpPermissions ?? []).map((p) => [
        p.IpProtocol,
        p.FromPort,
        p.ToPort,
        p.IpRanges?.length ?? 0,
        p.UserIdGroupPairs?.length ?? 0,
      ]),
    want: [['tcp', 0, 65535, 0, 1]],
  },
  {
    reason: 'log retention changed',
    drift: (c) =>
      c.logs
        .send(
          new PutRetentionPolicyCommand({ logGroupName: nameOf(desired, 'log/web'), retentionInDays: 30 }),
        )
        .then(() => {}),
    expected: [{ kind: 'logs.LogGroup', logicalId: 'log/web', action: 'update', paths: ['retentionInDays'] }],
    readBack: async (c) => (await liveLogGroup(c, nameOf(desired, 'log/web')))?.retentionInDays,
    want: 1,
  },
  {
    reason: "a listener's default action changed (api's published port 8080 answering 503)",
    drift: async (c) => {
      const listener = await liveListener(c, nameOf(desired, 'alb'), 8080);
      await c.elbv2.send(
        new ModifyListenerCommand({
          ListenerArn: listener.ListenerArn,
          DefaultActions: [
            {
              Type: 'fixed-response',
              FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain', MessageBody: 'down' },
            },
          ],
        }),
      );
    },
    expected: [
      {
        kind: 'elbv2.Listener',
        logicalId: 'listener/http-8080',
        action: 'update',
        paths: ['defaultAction.targetGroupArn', 'defaultAction.type'],
      },
    ],
    readBack: async (c) => {
      const action = (await liveListener(c, nameOf(desired, 'alb'), 8080)).DefaultActions?.[0];
      const tg = await liveTargetGroup(c, nameOf(desired, 'tg/api-80'));
      return [action?.Type, action?.TargetGroupArn === tg?.TargetGroupArn];
    },
    want: ['forward', true],
  },
  {
    reason: 'log group deleted',
    drift: (c) =>
      c.logs.send(new DeleteLogGroupCommand({ logGroupName: nameOf(desired, 'log/worker') })).then(() => {}),
    expected: [{ kind: 'logs.LogGroup', logicalId: 'log/worker', action: 'create', paths: [] }],
    readBack: async (c) => (await liveLogGroup(c, nameOf(desired, 'log/worker')))?.retentionInDays,
    want: 1,
  },
  {
    reason: 'worker service deleted',
    drift: (c) =>
      c.ecs
        .send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'worker', force: true }))
        .then(() => {}),
    expected: [{ kind: 'ecs.Service', logicalId: 'service/worker', action: 'create', paths: [] }],
    readBack: async (c) => (await liveService(c, CLUSTER, 'worker'))?.desiredCount,
    want: 1,
  },
];

/** True while a case has drifted the stack and not yet seen it converge again. */
let dirty = false;

// Each case starts converged, even when the one before it failed half-way.
beforeEach(async () => {
  if (dirty) await shop('reconcile', '--once', '--stack', 'dev');
  dirty = false;
});

it.each(CASES)('$reason: plan shows exactly it, reconcile reverts it', async (tc) => {
  dirty = true;
  await tc.drift(env.clients);
  expect(await tc.readBack(env.clients)).not.toEqual(tc.want);

  const plan = await shop('plan', '--stack', 'dev', '--output', 'json');
  expect(plan.code, `${plan.err}${JSON.stringify(changes(planOf(plan)), null, 1)}`).toBe(2);
  expect(changeShapes(planOf(plan))).toEqual(tc.expected);

  const reconcile = await shop('reconcile', '--once', '--stack', 'dev', '--output', 'json');
  expect(reconcile.code, reconcile.out).toBe(0);
  expect(applyOf(reconcile).summary).toMatchObject({ applied: tc.expected.length, failed: 0, conflict: 0 });
  expect(await tc.readBack(env.clients)).toEqual(tc.want);

  const after = await shop('plan', '--stack', 'dev', '--output', 'json');
  expect(after.code, JSON.stringify(changeShapes(planOf(after)))).toBe(0);
  dirty = false;
});
