/**
 * Two operator replicas against one moto: pushed stacks converge, each stack's passes run under one
 * lease at a time (asserted from the pass records and the fences on the status and journal items),
 * and when one replica dies mid-pass without releasing its leases, the other takes its stacks over
 * once the leases expire and finishes them without duplicate resources.
 */
import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import { ListServicesCommand } from '@aws-sdk/client-ecs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import type { PassStart } from '../../../src/operator/controller.js';
import type { Operator } from '../../../src/operator/operator.js';
import { leaseViolations, type PassRecord } from '../../../src/operator/pass-record.js';
import { documentClient, getSpec, readLease, type StackRef } from '../../../src/state/index.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import {
  converged,
  memoryLogger,
  passesOf,
  push,
  testConfig,
  testOperator,
  useMotoEnvironment,
  writeProject,
} from './operator-fixture.js';

const TABLE = 'fleet-state';
const PROJECT = 'fleet';
const FIRST = ['s1', 's2', 's3'] as const;
const SECOND = ['s4', 's5', 's6'] as const;

let moto: MotoServer;
let clients: AwsClients;
let dir: string;
const logs = memoryLogger();
const starts: (PassStart & { readonly operator: string })[] = [];
let a: Operator;
let b: Operator;
/** Progress hooks installed per test; the operators forward to them. */
const progressHooks = new Map<string, (key: string, e: { type: string }) => void>();

function ref(stack: string): StackRef {
  return { client: clients.dynamodb, table: TABLE, project: PROJECT, stack };
}

/** Raw `writtenByFence` of the status item and every journal item of a stack. */
async function writtenFences(stack: string): Promise<{ status: number; journal: readonly number[] }> {
  const out = await documentClient(clients.dynamodb).send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `STACK#${PROJECT}#${stack}` },
      ConsistentRead: true,
    }),
  );
  const items = out.Items ?? [];
  const status = items.find((i) => i.sk === 'STATUS');
  return {
    status: Number(status?.writtenByFence),
    journal: items.filter((i) => String(i.sk).startsWith('RES#')).map((i) => Number(i.writtenByFence)),
  };
}

/** Counts of the resources a stack must have exactly once (twice for subnets). */
async function inventory(stack: string): Promise<Record<string, number>> {
  const filters = [
    { Name: 'tag:stackctl:project', Values: [PROJECT] },
    { Name: 'tag:stackctl:stack', Values: [stack] },
  ];
  const vpcs = await clients.ec2.send(new DescribeVpcsCommand({ Filters: filters }));
  const subnets = await clients.ec2.send(new DescribeSubnetsCommand({ Filters: filters }));
  const groups = await clients.ec2.send(new DescribeSecurityGroupsCommand({ Filters: filters }));
  const services = await clients.ecs.send(new ListServicesCommand({ cluster: `${PROJECT}-${stack}` }));
  return {
    vpcs: vpcs.Vpcs?.length ?? 0,
    subnets: subnets.Subnets?.length ?? 0,
    securityGroups: groups.SecurityGroups?.length ?? 0,
    services: services.serviceArns?.length ?? 0,
  };
}

function expectOneLeaseAtATime(stack: string, records: readonly PassRecord[]): void {
  expect(records.length, `${stack} has committed passes`).toBeGreaterThan(0);
  expect(leaseViolations(records), `${stack}: ${JSON.stringify(records)}`).toEqual([]);
}

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  useMotoEnvironment(moto.endpoint);
  dir = writeProject(PROJECT, Object.fromEntries([...FIRST, ...SECOND].map((s) => [s, {}])));
  const make = (owner: string) =>
    testOperator(moto.endpoint, testConfig(TABLE, { owner }), {
      logger: logs,
      onPassStart: (s) => starts.push({ ...s, operator: owner }),
      onProgress: (key, e) => progressHooks.get(owner)?.(key, e),
      // Short, so a pass over moto (seconds) logs the steps still running at least once.
      stepHeartbeatMs: 250,
    });
  a = make('op-a');
  b = make('op-b');
  await a.start();
  // Offset the second replica's polls, so the two rarely race for one lease in the same millisecond
  // (moto does not serialize concurrent conditional writes the way DynamoDB does).
  await new Promise((r) => setTimeout(r, 150));
  await b.start();
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await moto?.stop();
});

describe('two operators', () => {
  it('converge three pushed stacks, each stack passed under one lease at a time', async () => {
    for (const s of FIRST) await push(dir, s, TABLE);
    for (const s of FIRST) await converged(ref(s), 1, 90_000);
    for (const s of FIRST) {
      const records = await passesOf(ref(s));
      expectOneLeaseAtATime(s, records);
      const fences = await writtenFences(s);
      const committed = new Set(records.map((r) => r.fence));
      // The status and every journal item were written under fences of committed passes only.
      expect(committed.has(fences.status)).toBe(true);
      expect(fences.status).toBe(Math.max(...committed));
      for (const f of fences.journal) expect(committed.has(f)).toBe(true);
      expect(await inventory(s)).toEqual({ vpcs: 1, subnets: 2, securityGroups: 1, services: 1 });
    }
    // Every step is logged as it starts and ends, and a running pass lists its steps in flight.
    const logged = (msg: string) =>
      logs.lines
        .filter((l) => l.startsWith(`info ${msg} {`))
        .map((l) => JSON.parse(l.slice(`info ${msg} `.length)) as Record<string, unknown>);
    for (const s of FIRST) {
      const finished = logged('step finished').filter((f) => f.stack === `${PROJECT}/${s}`);
      expect(finished.length, logs.lines.join('\n')).toBeGreaterThanOrEqual(12);
      expect(finished.every((f) => typeof f.kind === 'string' && typeof f.durationMs === 'number')).toBe(
        true,
      );
    }
    const beats = logged('pass still running');
    expect(beats.length, logs.lines.join('\n')).toBeGreaterThan(0);
    const listed = beats.flatMap(
      (b) => b.steps as { kind: string; logicalId: string; runningForMs: number }[],
    );
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((st) => st.kind !== '' && st.logicalId !== '' && st.runningForMs >= 0)).toBe(true);
    const owners = new Set(starts.map((s) => s.operator));
    expect(owners.size, `passes ran on: ${[...owners].join(', ')}\n${logs.lines.join('\n')}`).toBeGreaterThan(
      0,
    );
  }, 120_000);

  it('takes over the stacks of a replica that died mid-pass, after lease expiry, without duplicates', async () => {
    let victim: { operator: Operator; name: string; stack: string; fence: number } | undefined;
    const firstStep = new Promise<void>((resolve) => {
      const watch = (operator: Operator, name: string) => (key: string, e: { type: string }) => {
        if (victim || e.type !== 'done' || !SECOND.some((s) => key === `${PROJECT}/${s}`)) return;
        const start = [...starts].reverse().find((s) => s.key === key && s.operator === name);
        victim = { operator, name, stack: key.split('/')[1] ?? '', fence: start?.fence ?? -1 };
        void operator.halt(); // the crash: no more writes, leases kept until they expire
        resolve();
      };
      progressHooks.set('op-a', watch(a, 'op-a'));
      progressHooks.set('op-b', watch(b, 'op-b'));
    });
    for (const s of SECOND) await push(dir, s, TABLE);
    await firstStep;
    if (!victim) throw new Error('no replica started a pass');
    const crashedAt = Date.now();
    const held = await readLease(ref(victim.stack));
    expect(held?.owner).toBe(victim.name);
    const survivorName = victim.name === 'op-a' ? 'op-b' : 'op-a';

    for (const s of SECOND) await converged(ref(s), 1, 120_000);

    const records = await passesOf(ref(victim.stack));
    expectOneLeaseAtATime(victim.stack, records);
    // The crashed pass never committed; the survivor's first pass began only once the lease lapsed.
    expect(records.some((r) => r.fence === victim?.fence)).toBe(false);
    const takeover = records.find((r) => r.owner === survivorName && r.fence > (victim?.fence ?? 0));
    expect(takeover, JSON.stringify(records)).toBeDefined();
    expect(Date.parse(takeover?.startedAt ?? '')).toBeGreaterThanOrEqual(
      (held?.expiresAtMs ?? crashedAt) - 5,
    );
    for (const s of SECOND) {
      expectOneLeaseAtATime(s, await passesOf(ref(s)));
      expect(await inventory(s)).toEqual({ vpcs: 1, subnets: 2, securityGroups: 1, services: 1 });
      expect((await getSpec(ref(s)))?.generation).toBe(1);
    }
    const lease = await readLease(ref(victim.stack));
    expect(lease?.owner).not.toBe(victim.name);
  }, 180_000);
});
