/**
 * Against a real moto server: two stacks want one DNS name. The first creates it; the second gets an
 * ownership conflict naming the first stack (read from the `_stackctl` TXT marker), never a suggestion
 * to `adopt` it, and the record and its marker are left exactly as the first stack wrote them. The plan
 * of the second stack says the same before anything is written.
 */
import {
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import type { DesiredResource } from '../../../src/desired/resource-types.js';
import { ownershipTags } from '../../../src/desired/tags.js';
import { planStack } from '../../../src/diff/plan-stack.js';
import { route53RecordObserver } from '../../../src/observed/route53-record.js';
import { OwnershipConflictError } from '../../../src/reconcilers/errors.js';
import { route53RecordApplier } from '../../../src/reconcilers/route53-record.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';

const PROJECT = 'shop';
const NAME = 'api.example.com';

let moto: MotoServer;
let clients: AwsClients;
let zoneId = '';

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  const zone = await clients.route53.send(
    new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'route53-ownership' }),
  );
  zoneId = (zone.HostedZone?.Id ?? '').replace('/hostedzone/', '');
});
afterAll(async () => {
  await moto?.stop();
});

function record(stack: string, value: string): DesiredResource {
  return {
    kind: 'route53.Record',
    logicalId: `dns/${NAME}`,
    name: NAME,
    spec: { hostedZoneName: 'example.com.', name: NAME, type: 'CNAME', ttl: 300, values: [value] },
    tags: ownershipTags(PROJECT, stack, `dns/${NAME}`),
    dependsOn: [],
  };
}

const ctx = (stack: string) => ({ clients, project: PROJECT, stack, clientToken: `tok-${stack}` });

async function setsAt(name: string): Promise<ResourceRecordSet[]> {
  const out = await clients.route53.send(
    new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: name }),
  );
  return (out.ResourceRecordSets ?? []).filter((s) => s.Name === `${name}.`);
}

describe('route53.Record: two stacks, one name', () => {
  it('the second stack gets a conflict naming the first; nothing is overwritten', async () => {
    await route53RecordApplier.create(record('prod', 'prod.example.net'), ctx('prod'));
    const before = { record: await setsAt(NAME), marker: await setsAt(`_stackctl.${NAME}`) };
    expect(before.record.map((s) => s.ResourceRecords?.[0]?.Value)).toEqual(['prod.example.net']);

    const attempt = route53RecordApplier.create(record('dev', 'dev.example.net'), ctx('dev'));

    await expect(attempt).rejects.toBeInstanceOf(OwnershipConflictError);
    const err = (await attempt.catch((e: unknown) => e)) as OwnershipConflictError;
    expect(err.owners).toEqual(['shop/prod']);
    expect(err.message).toContain('belongs to stackctl stack shop/prod');
    expect(err.message).not.toMatch(/adopt/i);
    expect({ record: await setsAt(NAME), marker: await setsAt(`_stackctl.${NAME}`) }).toEqual(before);
  });

  it("the second stack's plan reports the same conflict, naming the owner, before any write", async () => {
    const desired = record('dev', 'dev.example.net');
    const observed = await route53RecordObserver.observe(
      [{ logicalId: desired.logicalId, name: desired.name, spec: desired.spec }],
      { clients, project: PROJECT, stack: 'dev', outputs: new Map() },
    );
    const plan = planStack({ project: PROJECT, stack: 'dev', desired: [desired], observed });
    const step = plan.steps[0];
    expect(step?.action.type).toBe('conflict');
    const reason = step?.action.type === 'conflict' ? step.action.reason : '';
    expect(reason).toContain('belongs to stackctl stack shop/prod');
    expect(reason).not.toMatch(/adopt/i);
  });

  it('the owner can still update and delete its record, and the name is then free', async () => {
    await route53RecordApplier.create(record('prod', 'prod2.example.net'), ctx('prod'));
    expect((await setsAt(NAME)).map((s) => s.ResourceRecords?.[0]?.Value)).toEqual(['prod2.example.net']);
    const [observed] = await route53RecordObserver.observe(
      [{ logicalId: `dns/${NAME}`, name: NAME, spec: record('prod', 'x').spec }],
      { clients, project: PROJECT, stack: 'prod', outputs: new Map() },
    );
    if (!observed) throw new Error('not observed');
    await route53RecordApplier.delete(observed, ctx('prod'));
    expect(await setsAt(NAME)).toEqual([]);

    await route53RecordApplier.create(record('dev', 'dev.example.net'), ctx('dev'));
    expect((await setsAt(NAME)).map((s) => s.ResourceRecords?.[0]?.Value)).toEqual(['dev.example.net']);
  });
});
