/**
 * The race moto cannot stage: between our ownership read and our write, another stack creates the same
 * name. New records are written with CREATE, so Route 53 refuses our batch (InvalidChangeBatch, "already
 * exists"); that must surface as an ownership conflict naming the stack the marker names, with no
 * further write. Mocked Route 53 whose zone changes at the moment of our write.
 */
import {
  type Change,
  ChangeResourceRecordSetsCommand,
  type ChangeResourceRecordSetsCommandInput,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';
import { ownershipTags } from '../../../src/desired/tags.js';
import { markerValue } from '../../../src/observed/route53-zone.js';
import { OwnershipConflictError } from '../../../src/reconcilers/errors.js';
import { route53RecordApplier } from '../../../src/reconcilers/route53-record.js';
import type { ApplyContext, ResolvedResource } from '../../../src/reconcilers/types.js';

const clients = createAwsClients({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const route53 = mockClient(clients.route53);
const ctx: ApplyContext = { clients, project: 'shop', stack: 'dev', clientToken: 'tok' };
const NAME = 'api.example.com.';

const desired: ResolvedResource = {
  kind: 'route53.Record',
  logicalId: 'dns/api',
  name: 'api.example.com',
  spec: {
    hostedZoneName: 'example.com.',
    name: 'api.example.com',
    type: 'CNAME',
    ttl: 300,
    values: ['dev.example.net'],
  },
  tags: ownershipTags('shop', 'dev', 'dns/api'),
};

const marker = (...values: string[]): ResourceRecordSet => ({
  Name: `_stackctl.${NAME}`,
  Type: 'TXT',
  TTL: 300,
  ResourceRecords: values.map((Value) => ({ Value })),
});
const cname = (value: string): ResourceRecordSet => ({
  Name: NAME,
  Type: 'CNAME',
  TTL: 300,
  ResourceRecords: [{ Value: value }],
});

/** The zone as Route 53 holds it; `onWrite` runs at the moment of each ChangeResourceRecordSets. */
let zone: ResourceRecordSet[];
const batches: ChangeResourceRecordSetsCommandInput[] = [];

function alreadyExists(): Error {
  return Object.assign(
    new Error(`Tried to create resource record set [name='${NAME}', type='CNAME'] but it already exists`),
    { name: 'InvalidChangeBatch', $fault: 'client', $metadata: { httpStatusCode: 400 } },
  );
}

beforeEach(() => {
  zone = [];
  batches.length = 0;
  route53
    .on(ListHostedZonesByNameCommand)
    .resolves({ HostedZones: [{ Id: '/hostedzone/Z1', Name: 'example.com.', CallerReference: 'x' }] });
  route53.on(ListResourceRecordSetsCommand).callsFake((input: { StartRecordName?: string }) => ({
    ResourceRecordSets: zone.filter((s) => s.Name === input.StartRecordName),
    IsTruncated: false,
  }));
});
afterEach(() => route53.reset());

/** Route 53 applying a batch atomically, as the real one does: CREATE of an existing set fails it all. */
function applyBatch(input: ChangeResourceRecordSetsCommandInput): void {
  const changes: readonly Change[] = input.ChangeBatch?.Changes ?? [];
  const key = (s: ResourceRecordSet | undefined) => `${s?.Name}|${s?.Type}`;
  for (const c of changes) {
    if (c.Action === 'CREATE' && zone.some((s) => key(s) === key(c.ResourceRecordSet))) throw alreadyExists();
  }
  for (const c of changes) {
    zone = zone.filter((s) => key(s) !== key(c.ResourceRecordSet));
    if (c.Action !== 'DELETE' && c.ResourceRecordSet) zone.push(c.ResourceRecordSet);
  }
}

describe('route53.Record create: CREATE, and a lost race is an ownership conflict', () => {
  it('writes a new record with CREATE', async () => {
    route53.on(ChangeResourceRecordSetsCommand).callsFake((input: ChangeResourceRecordSetsCommandInput) => {
      batches.push(input);
      applyBatch(input);
      return {};
    });
    await route53RecordApplier.create(desired, ctx);
    expect(
      batches.map((b) => b.ChangeBatch?.Changes?.map((c) => [c.Action, c.ResourceRecordSet?.Type])),
    ).toEqual([
      [
        ['CREATE', 'CNAME'],
        ['UPSERT', 'TXT'],
      ],
    ]);
    expect(zone).toContainEqual(cname('dev.example.net'));
  });

  it.each([
    {
      reason: 'another stack created the name after our read: conflict naming it, nothing written',
      winner: [cname('prod.example.net'), marker(markerValue('shop', 'prod', 'dns/api'))],
      outcome: 'conflict',
      owners: ['shop/prod'],
    },
    {
      reason: 'a hand-made record appeared: conflict without an owner (adopt may be suggested)',
      winner: [cname('someone.example.net')],
      outcome: 'conflict',
      owners: [],
    },
    {
      reason: 'our own earlier attempt had landed (a lost response): ours, brought to the spec',
      winner: [cname('dev.example.net'), marker(markerValue('shop', 'dev', 'dns/api'))],
      outcome: 'ours',
      owners: [],
    },
  ])('$reason', async ({ winner, outcome, owners }) => {
    let raced = false;
    route53.on(ChangeResourceRecordSetsCommand).callsFake((input: ChangeResourceRecordSetsCommandInput) => {
      batches.push(input);
      if (!raced) {
        raced = true;
        zone.push(...winner); // the other writer's batch lands just before ours
      }
      applyBatch(input);
      return {};
    });

    const attempt = route53RecordApplier.create(desired, ctx);

    if (outcome === 'conflict') {
      const err = await attempt.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OwnershipConflictError);
      expect((err as OwnershipConflictError).owners).toEqual(owners);
      if (owners.length > 0) {
        expect((err as Error).message).toContain('belongs to stackctl stack shop/prod');
        expect((err as Error).message).not.toMatch(/adopt/i);
      }
      expect(batches).toHaveLength(1); // the refused CREATE, and no second write
      expect(zone).toEqual(winner); // nothing of ours landed, nothing of theirs was overwritten
    } else {
      await expect(attempt).resolves.toMatchObject({ physicalId: 'Z1/api.example.com./CNAME' });
      expect(zone).toContainEqual(cname('dev.example.net'));
    }
  });
});
