/**
 * elbv2.Listener and elbv2.ListenerRule observers and appliers against a real moto server, on an ALB and
 * target groups made with the appliers: create → observe equals desired → idempotent re-create (one
 * listener per port, one rule per logical id) → out-of-band drift → update → delete; foreign listeners
 * and rules holding our port or priority are conflicts and stay untouched.
 */
import {
  CreateListenerCommand,
  CreateRuleCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import type { Spec } from '../../../src/desired/resource-types.js';
import { elbv2ListenerObserver } from '../../../src/observed/elbv2-listener.js';
import { elbv2ListenerRuleObserver } from '../../../src/observed/elbv2-listener-rule.js';
import { elbv2TargetGroupObserver } from '../../../src/observed/elbv2-target-group.js';
import { elbv2ListenerApplier } from '../../../src/reconcilers/elbv2-listener.js';
import { elbv2ListenerRuleApplier } from '../../../src/reconcilers/elbv2-listener-rule.js';
import { elbv2LoadBalancerApplier } from '../../../src/reconcilers/elbv2-load-balancer.js';
import { elbv2TargetGroupApplier } from '../../../src/reconcilers/elbv2-target-group.js';
import { NotReadyError, OwnershipConflictError } from '../../../src/reconcilers/errors.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import {
  applyCtx,
  createNetwork,
  deltasFor,
  observeCtx,
  observeOne,
  paths,
  resource,
} from './kind-fixtures.js';

let moto: MotoServer;
let clients: AwsClients;
let albArn: string;
const tgArns: string[] = [];

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  const net = await createNetwork(clients);
  for (const name of ['shop-it-api-80-aaaaaa', 'shop-it-web-80-bbbbbb']) {
    const tg = resource('elbv2.TargetGroup', `tg/${name}`, name, {
      deregistrationDelaySeconds: 0,
      healthCheck: {
        healthyThresholdCount: 2,
        intervalSeconds: 30,
        matcher: '200-399',
        path: '/',
        port: 'traffic-port',
        protocol: 'HTTP',
        timeoutSeconds: 5,
        unhealthyThresholdCount: 2,
      },
      name,
      port: 80,
      protocol: 'HTTP',
      targetType: 'ip',
      vpcId: net.vpcId,
    });
    tgArns.push((await elbv2TargetGroupApplier.create(tg, applyCtx(clients))).physicalId);
  }
  const alb = resource('elbv2.LoadBalancer', 'alb', 'shop-it-alb-123456', {
    name: 'shop-it-alb-123456',
    scheme: 'internet-facing',
    securityGroups: [...net.securityGroups],
    subnets: [...net.subnets],
    type: 'application',
  });
  albArn = (await elbv2LoadBalancerApplier.create(alb, applyCtx(clients))).physicalId;
});
afterAll(async () => {
  await moto?.stop();
});

const NOT_FOUND = {
  contentType: 'text/plain',
  messageBody: 'not found',
  statusCode: '404',
  type: 'fixed-response',
};

function listener(logicalId: string, port: number, defaultAction: Spec): ReturnType<typeof resource> {
  return resource('elbv2.Listener', logicalId, `shop-it-${port}`, {
    defaultAction,
    loadBalancerArn: albArn,
    port,
    protocol: 'HTTP',
  });
}

async function listenersOnPort(port: number) {
  const res = await clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: albArn }));
  return (res.Listeners ?? []).filter((l) => l.Port === port);
}

describe('elbv2.Listener', () => {
  const http = (): ReturnType<typeof resource> => listener('listener/http', 80, NOT_FOUND);

  it.each([
    { reason: 'fixed-response default action', r: (): ReturnType<typeof resource> => http() },
    {
      reason: 'redirect default action (AWS host/path/query defaults folded away)',
      r: (): ReturnType<typeof resource> =>
        listener('listener/redirect', 81, {
          port: '443',
          protocol: 'HTTPS',
          statusCode: 'HTTP_301',
          type: 'redirect',
        }),
    },
    {
      reason: 'forward default action',
      r: (): ReturnType<typeof resource> =>
        listener('listener/forward', 82, { targetGroupArn: tgArns[1] as string, type: 'forward' }),
    },
  ])('creates exactly one listener per port, observed equal to desired: $reason', async ({ r }) => {
    const first = await elbv2ListenerApplier.create(r(), applyCtx(clients));
    const again = await elbv2ListenerApplier.create(r(), applyCtx(clients));

    const observed = await observeOne(elbv2ListenerObserver, clients, r());
    expect(observed?.spec).toEqual(r().spec);
    expect(observed?.tags).toEqual(r().tags);
    expect(again.physicalId).toBe(first.physicalId);
    expect(await listenersOnPort(Number(r().spec.port))).toHaveLength(1);
  });

  it('sees an out-of-band default action as exactly that delta and restores it', async () => {
    const [live] = await listenersOnPort(80);
    await clients.elbv2.send(
      new ModifyListenerCommand({
        ListenerArn: live?.ListenerArn,
        DefaultActions: [
          {
            Type: 'fixed-response',
            FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'gone' },
          },
        ],
      }),
    );
    const drifted = await observeOne(elbv2ListenerObserver, clients, http());
    if (!drifted) throw new Error('listener not observed');
    const deltas = deltasFor(http(), drifted);
    expect(paths(deltas)).toEqual(['defaultAction.messageBody']);

    await elbv2ListenerApplier.update(http(), drifted, deltas, applyCtx(clients));

    const [after] = await listenersOnPort(80);
    expect(after?.DefaultActions?.[0]?.FixedResponseConfig?.MessageBody).toBe('not found');
  });

  it.each([
    { reason: 'to another target group', from: 1, to: 0 },
    { reason: 'back to the first one', from: 0, to: 1 },
  ])(
    'moves a forward default action $reason (one ModifyListener), observed equal afterwards',
    async ({ from, to }) => {
      const forwardTo = (i: number) =>
        listener('listener/forward', 82, { targetGroupArn: tgArns[i] as string, type: 'forward' });
      const before = await observeOne(elbv2ListenerObserver, clients, forwardTo(to));
      if (!before) throw new Error('listener not observed');
      expect(before.spec.defaultAction).toEqual({ targetGroupArn: tgArns[from], type: 'forward' });
      const deltas = deltasFor(forwardTo(to), before);
      expect(paths(deltas)).toEqual(['defaultAction.targetGroupArn']);

      await elbv2ListenerApplier.update(forwardTo(to), before, deltas, applyCtx(clients));

      const [live] = await listenersOnPort(82);
      expect(live?.DefaultActions?.[0]).toMatchObject({ Type: 'forward', TargetGroupArn: tgArns[to] });
      expect((await observeOne(elbv2ListenerObserver, clients, forwardTo(to)))?.spec).toEqual(
        forwardTo(to).spec,
      );
    },
  );

  it('turns a fixed-response default action into a forward one, as an upgraded stack does', async () => {
    const forward = listener('listener/http', 80, { targetGroupArn: tgArns[0] as string, type: 'forward' });
    const before = await observeOne(elbv2ListenerObserver, clients, forward);
    if (!before) throw new Error('listener not observed');
    const deltas = deltasFor(forward, before);
    await elbv2ListenerApplier.update(forward, before, deltas, applyCtx(clients));
    expect((await observeOne(elbv2ListenerObserver, clients, forward))?.spec).toEqual(forward.spec);

    // And back, so the tests after this one see the listener as created.
    const after = await observeOne(elbv2ListenerObserver, clients, http());
    if (!after) throw new Error('listener not observed');
    await elbv2ListenerApplier.update(http(), after, deltasFor(http(), after), applyCtx(clients));
    expect((await observeOne(elbv2ListenerObserver, clients, http()))?.spec).toEqual(http().spec);
  });

  it('refuses a foreign listener holding the port, leaving it the only one there', async () => {
    await clients.elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: albArn,
        Port: 8081,
        Protocol: 'HTTP',
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArns[0] }],
      }),
    );

    await expect(
      elbv2ListenerApplier.create(listener('listener/alt', 8081, NOT_FOUND), applyCtx(clients)),
    ).rejects.toBeInstanceOf(OwnershipConflictError);
    const live = await listenersOnPort(8081);
    expect(live).toHaveLength(1);
    expect(live[0]?.DefaultActions?.[0]?.Type).toBe('forward');
  });

  it('discovers owned listeners of a known load balancer without targets', async () => {
    const all = await elbv2ListenerObserver.observe(
      [],
      observeCtx(clients, new Map([['alb', { arn: albArn }]])),
    );
    expect(all.map((o) => o.logicalId).sort()).toEqual([
      'listener/forward',
      'listener/http',
      'listener/redirect',
    ]);
  });
});

describe('elbv2.ListenerRule', () => {
  let listenerArn: string;
  const rule = (priority: number, targetGroupArn: string): ReturnType<typeof resource> =>
    resource('elbv2.ListenerRule', 'rule/http/api-80', 'shop-it-api-80', {
      action: { targetGroupArn, type: 'forward' },
      conditions: [
        { field: 'host-header', values: ['api.example.com'] },
        { field: 'path-pattern', values: ['/api/*', '/v1/*'] },
      ],
      listenerArn,
      priority,
    });
  const nonDefaultRules = async () =>
    ((await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))).Rules ?? []).filter(
      (r) => !r.IsDefault,
    );

  beforeAll(async () => {
    listenerArn = (await listenersOnPort(80))[0]?.ListenerArn ?? '';
  });

  it('creates one tagged rule observed equal to desired; re-create adopts it', async () => {
    const first = await elbv2ListenerRuleApplier.create(rule(10, tgArns[0] as string), applyCtx(clients));
    const again = await elbv2ListenerRuleApplier.create(rule(10, tgArns[0] as string), applyCtx(clients));

    const observed = await observeOne(elbv2ListenerRuleObserver, clients, rule(10, tgArns[0] as string));
    expect(observed?.spec).toEqual(rule(10, tgArns[0] as string).spec);
    expect(again.physicalId).toBe(first.physicalId);
    expect(await nonDefaultRules()).toHaveLength(1);
  });

  it('sees out-of-band conditions as exactly that delta and restores them', async () => {
    const [live] = await nonDefaultRules();
    await clients.elbv2.send(
      new ModifyRuleCommand({
        RuleArn: live?.RuleArn,
        Conditions: [
          { Field: 'host-header', HostHeaderConfig: { Values: ['evil.example.com'] } },
          { Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*', '/v1/*'] } },
        ],
      }),
    );
    const desired = rule(10, tgArns[0] as string);
    const drifted = await observeOne(elbv2ListenerRuleObserver, clients, desired);
    if (!drifted) throw new Error('rule not observed');
    const deltas = deltasFor(desired, drifted);
    expect(paths(deltas)).toEqual(['conditions[0].values[0]']);

    await elbv2ListenerRuleApplier.update(desired, drifted, deltas, applyCtx(clients));

    expect((await observeOne(elbv2ListenerRuleObserver, clients, desired))?.spec).toEqual(desired.spec);
  });

  it('moves the rule to a new priority and target group with SetRulePriorities and ModifyRule', async () => {
    const desired = rule(20, tgArns[1] as string);
    const current = await observeOne(elbv2ListenerRuleObserver, clients, desired);
    if (!current) throw new Error('rule not observed');
    const deltas = deltasFor(desired, current);
    expect(paths(deltas)).toEqual(['action.targetGroupArn', 'priority']);

    await elbv2ListenerRuleApplier.update(desired, current, deltas, applyCtx(clients));

    const [live] = await nonDefaultRules();
    expect(live?.Priority).toBe('20');
    expect(live?.Actions?.[0]?.TargetGroupArn).toBe(tgArns[1]);
  });

  it('refuses to take a priority held by a foreign rule, which stays as it was', async () => {
    await clients.elbv2.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 30,
        Conditions: [{ Field: 'path-pattern', Values: ['/foreign/*'] }],
        Actions: [{ Type: 'forward', TargetGroupArn: tgArns[0] }],
      }),
    );
    const taken = resource('elbv2.ListenerRule', 'rule/http/web-80', 'shop-it-web-80', {
      ...rule(30, tgArns[1] as string).spec,
    });

    await expect(elbv2ListenerRuleApplier.create(taken, applyCtx(clients))).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );
    const foreign = (await nonDefaultRules()).filter((r) => r.Priority === '30');
    expect(foreign).toHaveLength(1);
    expect(foreign[0]?.Conditions?.[0]?.Values).toEqual(['/foreign/*']);
  });

  it('will not delete a target group a rule still forwards to (NotReadyError), then deletes the rule', async () => {
    const tgName = 'shop-it-web-80-bbbbbb';
    const tg = resource('elbv2.TargetGroup', `tg/${tgName}`, tgName, { name: tgName });
    const observedTg = await observeOne(elbv2TargetGroupObserver, clients, tg);
    if (!observedTg) throw new Error('target group not observed');
    await expect(elbv2TargetGroupApplier.delete(observedTg, applyCtx(clients))).rejects.toBeInstanceOf(
      NotReadyError,
    );
    const still = await clients.elbv2.send(
      new DescribeTargetGroupsCommand({ TargetGroupArns: [tgArns[1] as string] }),
    );
    expect(still.TargetGroups).toHaveLength(1);

    const observed = await observeOne(elbv2ListenerRuleObserver, clients, rule(20, tgArns[1] as string));
    if (!observed) throw new Error('rule not observed');
    await elbv2ListenerRuleApplier.delete(observed, applyCtx(clients));
    expect((await nonDefaultRules()).map((r) => r.Priority)).toEqual(['30']);
  });

  it('deletes the listener, after which it is no longer observed', async () => {
    const http = listener('listener/http', 80, NOT_FOUND);
    const observed = await observeOne(elbv2ListenerObserver, clients, http);
    if (!observed) throw new Error('listener not observed');
    await elbv2ListenerApplier.delete(observed, applyCtx(clients));
    await elbv2ListenerApplier.delete(observed, applyCtx(clients));

    expect(await listenersOnPort(80)).toEqual([]);
    expect(await observeOne(elbv2ListenerObserver, clients, http)).toBeUndefined();
  });
});
