/**
 * `stackctl rollout --remote` over pushed stacks, deployed by a real operator against moto: each wave
 * writes the new image into the stacks' pushed specs and waits for the operator to report them Synced
 * and Ready. A paused stack (the operator leaves it alone) fails its wave by timeout: the rollout stops
 * there, the next wave's specs and services are untouched, and `resume` after un-pausing completes it.
 */
import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import type { Operator } from '../../../src/operator/operator.js';
import { getSpec, type StackRef } from '../../../src/state/index.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import {
  cli,
  converged,
  push,
  testConfig,
  testOperator,
  useMotoEnvironment,
  writeProject,
} from '../operator/operator-fixture.js';

const TABLE = 'rollout-state';
const PROJECT = 'fleet';
const STACKS = ['a', 'b', 'c', 'd'];
const OLD = 'busybox:1.36';
const NEW = 'busybox:1.37';

let moto: MotoServer;
let clients: AwsClients;
let dir: string;
let operator: Operator;

const ref = (stack: string): StackRef => ({
  client: clients.dynamodb,
  table: TABLE,
  project: PROJECT,
  stack,
});

async function appImage(stack: string): Promise<string | undefined> {
  const svc = await clients.ecs.send(
    new DescribeServicesCommand({ cluster: `${PROJECT}-${stack}`, services: ['app'] }),
  );
  const td = await clients.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: svc.services?.[0]?.taskDefinition }),
  );
  return td.taskDefinition?.containerDefinitions?.[0]?.image;
}

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  useMotoEnvironment(moto.endpoint);
  dir = writeProject(PROJECT, Object.fromEntries(STACKS.map((s) => [s, {}])));
  operator = testOperator(moto.endpoint, testConfig(TABLE, { owner: 'rollout-op' }));
  await operator.start();
  for (const s of STACKS) await push(dir, s, TABLE);
  for (const s of STACKS) await converged(ref(s), 1, 120_000);
}, 240_000);

afterAll(async () => {
  await operator?.stop();
  await moto?.stop();
});

describe('rollout --remote', () => {
  it('stops at a wave the operator does not converge, leaves the next wave alone, and resume completes', async () => {
    const paused = await cli(['stacks', 'pause', 'b', '-p', PROJECT], TABLE);
    expect(paused.code, paused.err).toBe(0);
    const first = await cli(
      [
        'rollout',
        '--remote',
        '-p',
        PROJECT,
        '--image',
        `app=${NEW}`,
        '--waves',
        '1,50%,100%',
        '--timeout',
        '8s',
      ],
      TABLE,
    );
    expect(first.code, first.err).toBe(1);
    expect(first.out).toMatch(/wave 2 failed: b \(generation \d+ not synced and ready/);
    expect(first.err).toContain('wave 1/3: a');
    expect(await appImage('a')).toBe(NEW);
    // Wave 3 untouched: specs still at generation 1, services on the old image.
    for (const s of ['c', 'd']) {
      expect((await getSpec(ref(s)))?.generation).toBe(1);
      expect(await appImage(s)).toBe(OLD);
    }

    const status = await cli(['rollout', 'status', '--remote', '-p', PROJECT, '-o', 'json'], TABLE);
    expect(JSON.parse(status.out)).toMatchObject({ kind: 'Rollout', phase: 'failed', failed: ['b'] });
    // Without --remote the record is not this command's to resume.
    const wrong = await cli(['rollout', 'resume', '-C', dir], TABLE);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('add --remote');

    expect((await cli(['stacks', 'resume', 'b', '-p', PROJECT], TABLE)).code).toBe(0);
    const resumed = await cli(
      ['rollout', 'resume', '--remote', '-p', PROJECT, '--timeout', '90s', '-o', 'json'],
      TABLE,
    );
    expect(resumed.code, resumed.err + resumed.out).toBe(0);
    expect(JSON.parse(resumed.out)).toMatchObject({ phase: 'completed', failed: [] });
    for (const s of STACKS) expect({ s, image: await appImage(s) }).toEqual({ s, image: NEW });
  }, 240_000);
});
