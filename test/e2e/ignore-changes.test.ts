/**
 * Fields a stack lets others own (`ignoreChanges:` in the stack file), end to end against moto: another
 * pipeline changes the worker's replica count and deploys its own image revision; `plan` shows both as
 * ignored (never silently), `reconcile --once` keeps them (read back from ECS), an unrelated change still
 * applies with the live values kept, and `drift` counts them against the rule. A bad rule is rejected with
 * the stack file's line and no AWS call.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftReport } from '../../src/diff/drift/types.js';
import { createNetwork, tinyStackFile, writeTinyApp } from '../integration/drift/drift-env.js';
import { type E2eEnv, parseJson, startE2e } from './helpers/harness.js';

const CLUSTER = 'tiny-dev';
const PIPELINE_IMAGE = 'busybox:1.37-from-pipeline';
const RULES = [
  'ignoreChanges:',
  '  - ecs.Service:service/worker:desiredCount   # scaled by a schedule',
  '  - ecs.TaskDefinition:taskdef/worker:containerDefinitions[*].image   # deployed by another pipeline',
  '',
].join('\n');

let e2e: E2eEnv;
let dir: string;
let stackFile: string;
let base: string;
let cli: (...args: string[]) => ReturnType<E2eEnv['cli']>;

async function worker() {
  const res = await e2e.clients.ecs.send(
    new DescribeServicesCommand({ cluster: CLUSTER, services: ['worker'] }),
  );
  const svc = res.services?.[0];
  const td = await e2e.clients.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: svc?.taskDefinition ?? '' }),
  );
  return {
    desiredCount: svc?.desiredCount,
    taskDefinition: svc?.taskDefinition,
    image: td.taskDefinition?.containerDefinitions?.[0]?.image,
  };
}

/** What another pipeline does: scale the worker and deploy a revision with its own image. */
async function anotherPipelineDeploys(): Promise<string> {
  const current = await worker();
  const td = (
    await e2e.clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: current.taskDefinition ?? '' }),
    )
  ).taskDefinition;
  if (td === undefined) throw new Error('no task definition');
  const registered = await e2e.clients.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: td.family ?? '',
      containerDefinitions: (td.containerDefinitions ?? []).map((c) => ({ ...c, image: PIPELINE_IMAGE })),
      requiresCompatibilities: td.requiresCompatibilities,
      networkMode: td.networkMode,
      cpu: td.cpu,
      memory: td.memory,
      executionRoleArn: td.executionRoleArn,
      taskRoleArn: td.taskRoleArn,
      tags: (await readTags(td.taskDefinitionArn ?? '')) ?? [],
    }),
  );
  const arn = registered.taskDefinition?.taskDefinitionArn ?? '';
  await e2e.clients.ecs.send(
    new UpdateServiceCommand({ cluster: CLUSTER, service: 'worker', desiredCount: 3, taskDefinition: arn }),
  );
  return arn;
}

async function readTags(arn: string) {
  const res = await e2e.clients.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }),
  );
  return res.tags;
}

beforeAll(async () => {
  e2e = await startE2e();
  dir = await mkdtemp(join(tmpdir(), 'stackctl-ignore-changes-'));
  base = tinyStackFile(await createNetwork(e2e.clients));
  await writeTinyApp(dir, { dev: base });
  stackFile = join(dir, '.stackctl', 'dev.yaml');
  cli = (...args) => e2e.cliIn(dir)(...args);
  const first = await cli('reconcile', '--once', '--stack', 'dev');
  expect(first.code, first.err).toBe(0);
}, 240_000);

afterAll(async () => {
  await e2e?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('ignoreChanges: fields another owner sets', () => {
  let pipelineRevision: string;

  it('without the rules, the other pipeline’s changes are drift the plan would undo', async () => {
    pipelineRevision = await anotherPipelineDeploys();
    const plan = await cli('plan', '--stack', 'dev');
    expect(plan.code).toBe(2);
    expect(plan.out).toContain('desiredCount: 3 → 1');
  });

  it('with them, plan lists both fields as ignored and exits 0', async () => {
    await writeFile(stackFile, `${base}${RULES}`);
    const plan = await cli('plan', '--stack', 'dev');
    expect(plan.code, plan.out + plan.err).toBe(0);
    expect(plan.out).toContain(
      'desiredCount: ignored, owned elsewhere (ecs.Service:service/worker:desiredCount at .stackctl/dev.yaml:',
    );
    expect(plan.out).toContain('containerDefinitions[0].image: ignored, owned elsewhere');
    expect(plan.out).toContain('left to other owners');
  });

  it('reconcile keeps the live values, read back from ECS', async () => {
    const run = await cli('reconcile', '--once', '--stack', 'dev');
    expect(run.code, run.err).toBe(0);
    expect(await worker()).toEqual({
      desiredCount: 3,
      taskDefinition: pipelineRevision,
      image: PIPELINE_IMAGE,
    });
  });

  it('an unrelated change still applies, and carries the live image into the new revision', async () => {
    await writeFile(
      join(dir, 'compose.yaml'),
      (await readFile(join(dir, 'compose.yaml'), 'utf8')).replace('sleep 3600', 'sleep 7200'),
    );
    const run = await cli('reconcile', '--once', '--stack', 'dev');
    expect(run.code, run.err).toBe(0);
    const after = await worker();
    expect(after.desiredCount).toBe(3);
    expect(after.image).toBe(PIPELINE_IMAGE);
    expect(after.taskDefinition).not.toBe(pipelineRevision);
    expect((await cli('plan', '--stack', 'dev')).code).toBe(0);
  });

  it('drift is in sync and counts what each rule left alone', async () => {
    const drift = await cli('drift', '--stack', 'dev', '--output', 'json');
    expect(drift.code, drift.err).toBe(0);
    const report = parseJson<DriftReport>(drift);
    const counts = report.stacks[0]?.ignored ?? [];
    expect(counts.find((c) => c.rule === 'ecs.Service:service/worker:desiredCount')?.count).toBe(1);
    expect(
      counts.find((c) => c.rule === 'ecs.TaskDefinition:taskdef/worker:containerDefinitions[*].image')?.count,
    ).toBe(1);
  });

  it.each([
    { reason: 'an unknown kind', rule: 'ecs.Servise:service/worker:desiredCount', says: 'unknown kind' },
    { reason: 'an empty field', rule: 'ecs.Service:service/worker:', says: 'the field is empty' },
  ])('a rule with $reason is rejected at its line, as the stack file loads', async ({ rule, says }) => {
    await writeFile(stackFile, `${base}ignoreChanges:\n  - "${rule}"\n`);
    const plan = await cli('plan', '--stack', 'dev', '--output', 'json');
    expect(plan.code).toBe(1);
    const line = base.split('\n').length + 1;
    expect(plan.err).toContain(`dev.yaml:${line}`);
    expect(plan.err).toContain(says);
    expect(plan.err).toContain('ignoreChanges[0]');
  });
});
