/**
 * The operator restarts a service whose secret changed: `config set` writes a new version, and the next
 * resync pass under `driftPolicy: correct` rolls exactly that service (a new deployment, read back from
 * ECS) and nothing else; the pass after it changes nothing. Under `warn` the same change is reported as
 * drift of the service and left running.
 */
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import type { Operator } from '../../../src/operator/operator.js';
import { PASS_EVENT_REASONS } from '../../../src/operator/pass-record.js';
import { listEvents, readStatus, type StackRef } from '../../../src/state/index.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import {
  cli,
  converged,
  memoryLogger,
  passesOf,
  push,
  testConfig,
  testOperator,
  useMotoEnvironment,
  waitFor,
  writeProject,
} from './operator-fixture.js';

const TABLE = 'rotation-state';
const PROJECT = 'rotor';
const RESYNC_MS = 4_000;

let moto: MotoServer;
let clients: AwsClients;
let operator: Operator;
let dir: string;
const logs = memoryLogger();

function ref(stack: string): StackRef {
  return { client: clients.dynamodb, table: TABLE, project: PROJECT, stack };
}

/** The app service's primary deployment id, read back from ECS. */
async function deploymentId(stack: string): Promise<string | undefined> {
  const out = await clients.ecs.send(
    new DescribeServicesCommand({ cluster: `${PROJECT}-${stack}`, services: ['app'] }),
  );
  const s = out.services?.[0];
  return ((s?.deployments ?? []).find((d) => d.status === 'PRIMARY') ?? s?.deployments?.[0])?.id;
}

async function setToken(stack: string): Promise<void> {
  const set = await cli(['config', 'set', 'TOKEN', '--random', '--stack', stack, '-C', dir], TABLE);
  expect(set.code, set.err).toBe(0);
}

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  useMotoEnvironment(moto.endpoint);
  dir = writeProject(
    PROJECT,
    { fixed: { driftPolicy: 'correct' }, watched: { driftPolicy: 'warn' } },
    { secret: true },
  );
  for (const stack of ['fixed', 'watched']) {
    await setToken(stack);
    await push(dir, stack, TABLE);
  }
  operator = testOperator(moto.endpoint, testConfig(TABLE, { owner: 'rotor-op', resyncMs: RESYNC_MS }), {
    logger: logs,
  });
  await operator.start();
  await converged(ref('fixed'), 1, 90_000);
  await converged(ref('watched'), 1, 90_000);
}, 180_000);

afterAll(async () => {
  await operator?.stop();
  await moto?.stop();
});

describe('a changed secret under the operator', () => {
  it('is rolled out by the next resync under correct: one restart, then nothing to do', async () => {
    const before = await deploymentId('fixed');
    const changedAt = Date.now();
    await setToken('fixed');
    await waitFor(
      'the app to get a new deployment',
      async () => (await deploymentId('fixed')) !== before,
      RESYNC_MS * 2 + 40_000,
    );
    // The pass's event is written once the pass ends, a little after the deployment starts.
    const corrected = await waitFor(
      'the pass event of the restart',
      async () => {
        const events = (await listEvents({ ...ref('fixed'), limit: 100 })).filter(
          (e) => Date.parse(e.at) >= changedAt && e.reason === PASS_EVENT_REASONS.driftCorrected,
        );
        return events.length > 0 ? events : undefined;
      },
      20_000,
    );
    expect(
      corrected.map((e) => e.message.replace(/\s*\[fence=.*$/, '')),
      logs.lines.join('\n'),
    ).toEqual(['corrected drift: service/app (update)']);
    const restartedAt = Date.now();
    await waitFor(
      'a later pass of the stack',
      async () => (await passesOf(ref('fixed'))).find((r) => Date.parse(r.startedAt) >= restartedAt),
      RESYNC_MS * 2 + 40_000,
    );
    const status = await readStatus(ref('fixed'));
    expect(status?.lastPass?.mutations).toBe(0);
    expect(status?.conditions.Synced.status).toBe('True');
  }, 120_000);

  it('is reported as drift of the service under warn, and the service keeps running', async () => {
    const before = await deploymentId('watched');
    const changedAt = Date.now();
    await setToken('watched');
    await waitFor(
      'a pass of the watched stack after the change',
      async () => (await passesOf(ref('watched'))).find((r) => Date.parse(r.startedAt) >= changedAt),
      RESYNC_MS * 2 + 40_000,
    );
    const status = await readStatus(ref('watched'));
    expect(status?.conditions.Synced).toMatchObject({ status: 'False' });
    expect(status?.conditions.Synced.message).toContain('service/app');
    expect(await deploymentId('watched')).toBe(before);
  }, 120_000);
});
