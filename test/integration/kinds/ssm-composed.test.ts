// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are compose templates, not JS template literals.
/**
 * A composed secret against a real moto server: `POSTGRES_URL=postgres://app:${POSTGRES_PASSWORD}@pg…`
 * rendered from compose, applied from its source parameters, observed in sync, re-planned and rewritten
 * when a source changes out of band, and never exposing a value on the way.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParametersCommand,
  PutParameterCommand,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import { loadStackProject } from '../../../src/desired/load-project.js';
import { COMPOSED_CONTENT_CURRENT } from '../../../src/desired/render/render-composed.js';
import { formatPlanText } from '../../../src/diff/format-plan.js';
import { planStack } from '../../../src/diff/plan-stack.js';
import { ssmParameterObserver } from '../../../src/observed/ssm-parameter.js';
import type { ObservedResource } from '../../../src/observed/types.js';
import { OwnershipConflictError } from '../../../src/reconcilers/errors.js';
import { ssmParameterApplier } from '../../../src/reconcilers/ssm-parameter.js';
import type { ResolvedResource } from '../../../src/reconcilers/types.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import { applyCtx, deltasFor, observeOne, PROJECT, paths, STACK } from './kind-fixtures.js';

const COMPOSE = `name: ${PROJECT}
services:
  pg:
    image: postgres:16.4
    environment: [POSTGRES_PASSWORD]
  app:
    image: app:1
    environment:
      - POSTGRES_URL=postgres://app:\${POSTGRES_PASSWORD}@pg:5432/db?sslmode=\${SSL_MODE}&cost=$$5
      - SSL_MODE
`;
const PASSWORD = 'pw-Orig-1111';
const ROTATED = 'pw-Rotated-2222';
const SOURCE = `/stackctl/${PROJECT}/${STACK}/POSTGRES_PASSWORD`;
const SSL = `/stackctl/${PROJECT}/${STACK}/SSL_MODE`;
const DERIVED = `/stackctl/${PROJECT}/${STACK}/_composed/app/POSTGRES_URL`;

let moto: MotoServer;
let clients: AwsClients;
let dir: string;
let desired: ResolvedResource;

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  dir = mkdtempSync(join(tmpdir(), 'stackctl-composed-'));
  mkdirSync(join(dir, '.stackctl'));
  writeFileSync(join(dir, 'compose.yaml'), COMPOSE);
  writeFileSync(
    join(dir, '.stackctl', `${STACK}.yaml`),
    'region: us-east-1\nmode: affordable\nnetwork: { vpc: create }\n',
  );
  const rendered = loadStackProject({ cwd: dir, stack: STACK, env: {} }).desired;
  const param = rendered.resources.find((r) => r.logicalId === 'param/composed/app/POSTGRES_URL');
  if (param === undefined) throw new Error('the composed parameter was not rendered');
  desired = {
    kind: param.kind,
    logicalId: param.logicalId,
    name: param.name,
    spec: param.spec,
    tags: param.tags,
  };
});

afterAll(async () => {
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function value(name: string): Promise<string | undefined> {
  const out = await clients.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  return out.Parameter?.Value;
}

async function exists(name: string): Promise<boolean> {
  const out = await clients.ssm.send(new GetParametersCommand({ Names: [name] }));
  return (out.Parameters ?? []).length > 0;
}

async function setSource(name: string, v: string): Promise<void> {
  await clients.ssm.send(
    new PutParameterCommand({ Name: name, Type: 'SecureString', Value: v, Overwrite: true }),
  );
}

function planOf(observed: ObservedResource | undefined) {
  return planStack({
    project: PROJECT,
    stack: STACK,
    desired: [{ ...desired, dependsOn: [] }],
    observed: observed ? [observed] : [],
  });
}

describe('composed ssm.Parameter', () => {
  it('refuses to write while a source is missing, naming every missing key', async () => {
    const failure = ssmParameterApplier.create(desired, applyCtx(clients));
    await expect(failure).rejects.toMatchObject({ code: 'MISSING_SECRETS' });
    await expect(failure).rejects.toThrow(/POSTGRES_PASSWORD, SSL_MODE/);
    expect(await exists(DERIVED)).toBe(false);
  });

  it('creates the derived SecureString with the composed value, then a second pass is a no-op', async () => {
    await setSource(SOURCE, PASSWORD);
    await setSource(SSL, 'require');
    expect(await observeOne(ssmParameterObserver, clients, desired)).toBeUndefined();

    await ssmParameterApplier.create(desired, applyCtx(clients));
    expect(await value(DERIVED)).toBe(`postgres://app:${PASSWORD}@pg:5432/db?sslmode=require&cost=$5`);

    const observed = (await observeOne(ssmParameterObserver, clients, desired)) as ObservedResource;
    expect(observed.spec.content).toBe(COMPOSED_CONTENT_CURRENT);
    expect(observed.spec.type).toBe('SecureString');
    expect(deltasFor(desired, observed)).toEqual([]);
    expect(planOf(observed).steps.map((s) => s.action.type)).toEqual(['noop']);
    expect(JSON.stringify(observed)).not.toContain(PASSWORD);
  });

  it('plans a source changed out of band as a change, without showing a value, and the next pass rewrites it', async () => {
    await setSource(SOURCE, ROTATED);
    const stale = (await observeOne(ssmParameterObserver, clients, desired)) as ObservedResource;
    const deltas = deltasFor(desired, stale);
    expect(paths(deltas)).toEqual(['content']);
    const plan = planOf(stale);
    expect(plan.steps.map((s) => s.action.type)).toEqual(['update']);
    const text = formatPlanText(plan, { color: false });
    expect(text).toContain('content');
    for (const secret of [PASSWORD, ROTATED]) expect(text + JSON.stringify(stale)).not.toContain(secret);

    await ssmParameterApplier.update(desired, stale, deltas, applyCtx(clients));
    expect(await value(DERIVED)).toBe(`postgres://app:${ROTATED}@pg:5432/db?sslmode=require&cost=$5`);
    const fresh = (await observeOne(ssmParameterObserver, clients, desired)) as ObservedResource;
    expect(deltasFor(desired, fresh)).toEqual([]);
  });

  it('reports a deleted source as a change and the applier refuses to rewrite, naming it', async () => {
    await clients.ssm.send(new DeleteParameterCommand({ Name: SSL }));
    const observed = (await observeOne(ssmParameterObserver, clients, desired)) as ObservedResource;
    expect(observed.spec.content).toBe('sources missing: SSL_MODE');
    await expect(
      ssmParameterApplier.update(desired, observed, deltasFor(desired, observed), applyCtx(clients)),
    ).rejects.toThrow(/SSL_MODE/);
    expect(await value(DERIVED)).toBe(`postgres://app:${ROTATED}@pg:5432/db?sslmode=require&cost=$5`);
  });

  it('never overwrites a same-name parameter without the stack tags', async () => {
    await setSource(SSL, 'require');
    const foreign: ResolvedResource = {
      ...desired,
      logicalId: 'param/composed/other/POSTGRES_URL',
      name: `/stackctl/${PROJECT}/${STACK}/_composed/other/POSTGRES_URL`,
      spec: { ...desired.spec, name: `/stackctl/${PROJECT}/${STACK}/_composed/other/POSTGRES_URL` },
    };
    await clients.ssm.send(
      new PutParameterCommand({ Name: foreign.name, Type: 'SecureString', Value: 'hand-made' }),
    );
    await expect(ssmParameterApplier.create(foreign, applyCtx(clients))).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );
    expect(await value(foreign.name)).toBe('hand-made');
  });

  it('adopts its own parameter left behind by a crashed pass and writes the current composition', async () => {
    await clients.ssm.send(new DeleteParameterCommand({ Name: DERIVED }));
    await clients.ssm.send(
      new PutParameterCommand({
        Name: DERIVED,
        Type: 'SecureString',
        Value: 'half-written',
        Tags: Object.entries(desired.tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    await ssmParameterApplier.create(desired, applyCtx(clients));
    expect(await value(DERIVED)).toBe(`postgres://app:${ROTATED}@pg:5432/db?sslmode=require&cost=$5`);
  });
});
