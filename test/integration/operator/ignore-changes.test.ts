/**
 * The operator honours a pushed stack file's `ignoreChanges:` rules: another owner scales the service
 * out of band, and the resync passes under `driftPolicy: correct` keep the live replica count, where
 * the same change on a stack without the rule is reverted by the same operator. The rule travels in
 * the stored spec as written (`{ text, source }`) and is compiled when the operator resolves it.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import type { Operator } from '../../../src/operator/operator.js';
import { PASS_EVENT_REASONS, parsePassTrailer } from '../../../src/operator/pass-record.js';
import { getSpec, listEvents, readStatus, type StackRef } from '../../../src/state/index.js';
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
  waitFor,
  writeProject,
} from './operator-fixture.js';

const TABLE = 'ignore-state';
const PROJECT = 'ignorer';
/** The stack whose file lets a scheduler own the replica count. */
const HELD = 'held';
/** The same stack without the rule: proof that a resync would revert the change. */
const CONTROL = 'control';
const RULE = 'ecs.Service:service/app:desiredCount';
const RESYNC_MS = 4_000;
/** What the other owner scales to; the compose file renders 1. */
const SCALED = 3;

let moto: MotoServer;
let clients: AwsClients;
let operator: Operator;
const logs = memoryLogger();

function ref(stack: string): StackRef {
  return { client: clients.dynamodb, table: TABLE, project: PROJECT, stack };
}

async function desiredCount(stack: string): Promise<number | undefined> {
  const out = await clients.ecs.send(
    new DescribeServicesCommand({ cluster: `${PROJECT}-${stack}`, services: ['app'] }),
  );
  return out.services?.[0]?.desiredCount;
}

/** What a scheduler or a person with the console does. */
async function scaleOutOfBand(stack: string): Promise<void> {
  await clients.ecs.send(
    new UpdateServiceCommand({ cluster: `${PROJECT}-${stack}`, service: 'app', desiredCount: SCALED }),
  );
}

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  useMotoEnvironment(moto.endpoint);
  const dir = writeProject(PROJECT, {
    [HELD]: { driftPolicy: 'correct' },
    [CONTROL]: { driftPolicy: 'correct' },
  });
  appendFileSync(
    join(dir, '.stackctl', `${HELD}.yaml`),
    `ignoreChanges:\n  - ${RULE}   # scaled by a schedule\n`,
  );
  for (const stack of [HELD, CONTROL]) await push(dir, stack, TABLE);
  operator = testOperator(moto.endpoint, testConfig(TABLE, { owner: 'ignore-op', resyncMs: RESYNC_MS }), {
    logger: logs,
  });
  await operator.start();
  await converged(ref(HELD), 1, 90_000);
  await converged(ref(CONTROL), 1, 90_000);
}, 180_000);

afterAll(async () => {
  await operator?.stop();
  await moto?.stop();
});

describe('ignoreChanges in a pushed stack', () => {
  it('stores the rule as written, with the line it came from', async () => {
    const spec = await getSpec(ref(HELD));
    expect(spec?.spec).toMatchObject({
      stackFile: { ignoreChanges: [{ text: RULE, source: expect.stringMatching(/held\.yaml:\d+$/) }] },
    });
  });

  it('keeps an out-of-band desiredCount through resync passes that revert it on a stack without the rule', async () => {
    expect(await desiredCount(HELD)).toBe(1);
    expect(await desiredCount(CONTROL)).toBe(1);
    const changedAt = Date.now();
    await scaleOutOfBand(HELD);
    await scaleOutOfBand(CONTROL);

    // The same operator reverts the control stack on its next resync...
    await waitFor(
      'the control stack to be scaled back',
      async () => (await desiredCount(CONTROL)) === 1,
      60_000,
    );
    // ...and runs at least one whole pass of the held stack that started after the change.
    const heldPass = await waitFor(
      'a resync pass of the held stack',
      async () => (await passesOf(ref(HELD))).find((r) => Date.parse(r.startedAt) >= changedAt),
      RESYNC_MS * 2 + 40_000,
    );
    expect(await desiredCount(HELD), logs.lines.join('\n')).toBe(SCALED);

    const events = (await listEvents({ ...ref(HELD), limit: 100 })).filter(
      (e) => Date.parse(e.at) >= changedAt,
    );
    const passEvent = events.find((e) => parsePassTrailer(e.message)?.fence === heldPass.fence);
    expect(passEvent?.reason).toBe(PASS_EVENT_REASONS.inSync);
    for (const e of events) {
      expect(e.reason, e.message).not.toBe(PASS_EVENT_REASONS.driftCorrected);
      expect(e.reason, e.message).not.toBe(PASS_EVENT_REASONS.applied);
      expect(e.message).not.toContain('service/app');
    }
    const status = await readStatus(ref(HELD));
    expect(status?.conditions.Synced).toMatchObject({
      status: 'True',
      message: 'in sync: nothing to change',
    });
    expect(status?.summary?.changed).toBe(0);

    const controlEvents = await listEvents({ ...ref(CONTROL), limit: 100 });
    expect(
      controlEvents.some(
        (e) => e.reason === PASS_EVENT_REASONS.driftCorrected && e.message.includes('service/app (update)'),
      ),
    ).toBe(true);
  }, 150_000);
});
