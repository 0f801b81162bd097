/**
 * acm.Certificate and route53.Record against a real moto server, asserting the end state by reading
 * ACM and Route 53 back. The ALB an alias points at is a real moto ALB made with the ELBv2 SDK.
 *
 * moto notes: ACM keeps a certificate PENDING_VALIDATION for MOTO_ACM_VALIDATION_WAIT (60 s), answers a
 * reused IdempotencyToken with the old ARN even after a delete (then fails with a 500), so each logical
 * certificate here gets its own token as the engine would give it; Route 53 zone names are not unique.
 */
import {
  AddTagsToCertificateCommand,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
  RemoveTagsFromCertificateCommand,
  RequestCertificateCommand,
} from '@aws-sdk/client-acm';
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import { CreateLoadBalancerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  ChangeResourceRecordSetsCommand,
  ChangeTagsForResourceCommand,
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import { type ResourceKind, type Spec, TAG_KEYS } from '../../../src/desired/resource-types.js';
import { ownershipTags, tagListToRecord } from '../../../src/desired/tags.js';
import { diffResource } from '../../../src/diff/compare.js';
import { tagDeltas } from '../../../src/diff/tags.js';
import type { FieldDelta } from '../../../src/diff/types.js';
import { StackctlError } from '../../../src/errors.js';
import { acmCertificateObserver } from '../../../src/observed/acm-certificate.js';
import { route53RecordObserver } from '../../../src/observed/route53-record.js';
import type {
  ObserveContext,
  ObservedResource,
  Observer,
  ObserveTarget,
} from '../../../src/observed/types.js';
import { acmCertificateApplier } from '../../../src/reconcilers/acm-certificate.js';
import { OwnershipConflictError } from '../../../src/reconcilers/errors.js';
import { route53RecordApplier } from '../../../src/reconcilers/route53-record.js';
import type { ApplyContext, ResolvedResource } from '../../../src/reconcilers/types.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';

const PROJECT = 'shop';
const STACK = 'it';

let moto: MotoServer;
let clients: AwsClients;
let zoneId: string;
let alb: { dnsName: string; zoneId: string };

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  const zone = await clients.route53.send(
    new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'zone-1' }),
  );
  zoneId = (zone.HostedZone?.Id ?? '').replace('/hostedzone/', '');
  const vpcId =
    (await clients.ec2.send(new CreateVpcCommand({ CidrBlock: '10.50.0.0/16' }))).Vpc?.VpcId ?? '';
  const subnets: string[] = [];
  for (const [i, az] of ['a', 'b'].entries()) {
    const s = await clients.ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: `10.50.${i}.0/24`,
        AvailabilityZone: `eu-west-1${az}`,
      }),
    );
    subnets.push(s.Subnet?.SubnetId ?? '');
  }
  const sg = await clients.ec2.send(
    new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'alb', Description: 'alb' }),
  );
  const lb = await clients.elbv2.send(
    new CreateLoadBalancerCommand({
      Name: 'shop-it-alb',
      Subnets: subnets,
      SecurityGroups: [sg.GroupId ?? ''],
    }),
  );
  const created = lb.LoadBalancers?.[0];
  alb = { dnsName: created?.DNSName ?? '', zoneId: created?.CanonicalHostedZoneId ?? '' };
});

afterAll(async () => {
  await moto?.stop();
});

function applyCtx(clientToken = 'domains-test-token'): ApplyContext {
  return { clients, project: PROJECT, stack: STACK, clientToken };
}

function observeCtx(): ObserveContext {
  return { clients, project: PROJECT, stack: STACK, outputs: new Map() };
}

function resolved(kind: ResourceKind, logicalId: string, name: string, spec: Spec): ResolvedResource {
  return { kind, logicalId, name, spec, tags: ownershipTags(PROJECT, STACK, logicalId) };
}

function targetOf(r: ResolvedResource, physicalId?: string): ObserveTarget {
  return { logicalId: r.logicalId, name: r.name, spec: r.spec, ...(physicalId ? { physicalId } : {}) };
}

async function mustObserve(
  observer: Observer,
  r: ResolvedResource,
  physicalId?: string,
): Promise<ObservedResource> {
  const found = (await observer.observe([targetOf(r, physicalId)], observeCtx())).find(
    (o) => o.logicalId === r.logicalId,
  );
  if (!found) throw new Error(`${r.logicalId} was not observed`);
  return found;
}

function deltasFor(r: ResolvedResource, observed: ObservedResource): FieldDelta[] {
  return [...diffResource(r.spec, observed.spec, r.kind), ...tagDeltas(r.tags, observed.tags)];
}

async function certTags(arn: string): Promise<Record<string, string>> {
  return tagListToRecord(
    (await clients.acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }))).Tags,
  );
}

async function certArnsFor(domain: string): Promise<string[]> {
  const list = (await clients.acm.send(new ListCertificatesCommand({}))).CertificateSummaryList ?? [];
  return list.filter((c) => c.DomainName === domain).map((c) => c.CertificateArn ?? '');
}

describe('acm.Certificate', () => {
  const cert = () =>
    resolved('acm.Certificate', 'cert', 'shop.example.com', {
      domainName: 'shop.example.com',
      subjectAlternativeNames: ['www.shop.example.com'],
      validationMethod: 'DNS',
    });

  it('requests, observes as desired, adopts on re-create, restores a removed tag, deletes', async () => {
    const r = cert();
    const created = await acmCertificateApplier.create(r, applyCtx());
    expect(created.outputs).toEqual({
      arn: created.physicalId,
      validationRecordName: expect.stringMatching(/\.shop\.example\.com\.$/),
      validationRecordValue: expect.stringContaining('acm-validations.aws'),
      // Every name has its own validation record (ACM issues once all resolve).
      validationRecordName1: expect.stringMatching(/\.www\.shop\.example\.com\.$/),
      validationRecordValue1: expect.stringContaining('acm-validations.aws'),
    });
    const live = (
      await clients.acm.send(new DescribeCertificateCommand({ CertificateArn: created.physicalId }))
    ).Certificate;
    expect(live?.DomainName).toBe('shop.example.com');
    expect([...(live?.SubjectAlternativeNames ?? [])].sort()).toEqual([
      'shop.example.com',
      'www.shop.example.com',
    ]);
    expect(await certTags(created.physicalId)).toEqual(r.tags);

    const observed = await mustObserve(acmCertificateObserver, r);
    expect(deltasFor(r, observed)).toEqual([]);
    expect(observed).toMatchObject({
      physicalId: created.physicalId,
      outputs: created.outputs,
      health: 'Progressing',
    });

    // moto ignores the idempotency token, so only the tag lookup prevents a second certificate.
    expect(await acmCertificateApplier.create(r, applyCtx('another-token'))).toEqual(created);
    expect(await certArnsFor('shop.example.com')).toEqual([created.physicalId]);

    await clients.acm.send(
      new RemoveTagsFromCertificateCommand({
        CertificateArn: created.physicalId,
        Tags: [{ Key: TAG_KEYS.logicalId }],
      }),
    );
    const drifted = await mustObserve(acmCertificateObserver, r, created.physicalId);
    expect(deltasFor(r, drifted).map((d) => d.path)).toEqual([`tags.${TAG_KEYS.logicalId}`]);
    await acmCertificateApplier.update(r, drifted, deltasFor(r, drifted), applyCtx());
    expect(await certTags(created.physicalId)).toEqual(r.tags);

    await acmCertificateApplier.delete(await mustObserve(acmCertificateObserver, r), applyCtx());
    expect(await certArnsFor('shop.example.com')).toEqual([]);
    const after = await acmCertificateObserver.observe([targetOf(r)], observeCtx());
    expect(after.find((o) => o.logicalId === r.logicalId)).toBeUndefined();
  });

  it('ignores a foreign certificate for the same domain and leaves it unchanged', async () => {
    const theirs = await clients.acm.send(
      new RequestCertificateCommand({ DomainName: 'api.example.com', ValidationMethod: 'DNS' }),
    );
    const foreignArn = theirs.CertificateArn ?? '';
    await clients.acm.send(
      new AddTagsToCertificateCommand({ CertificateArn: foreignArn, Tags: [{ Key: 'team', Value: 'them' }] }),
    );
    const r = resolved('acm.Certificate', 'cert', 'api.example.com', {
      domainName: 'api.example.com',
      subjectAlternativeNames: [],
      validationMethod: 'DNS',
    });
    expect(await acmCertificateObserver.observe([targetOf(r)], observeCtx())).toEqual([]);
    const ours = await acmCertificateApplier.create(r, applyCtx('token-of-api-cert'));
    expect(ours.physicalId).not.toBe(foreignArn);
    expect([...(await certArnsFor('api.example.com'))].sort()).toEqual([foreignArn, ours.physicalId].sort());
    expect(await certTags(foreignArn)).toEqual({ team: 'them' });
  });
});

describe('route53.Record', () => {
  const aliasRecord = (evaluateTargetHealth = false) =>
    resolved('route53.Record', 'dns/shop.example.com', 'shop.example.com', {
      hostedZoneName: 'example.com.',
      name: 'shop.example.com',
      type: 'A',
      aliasTarget: { dnsName: alb.dnsName, hostedZoneId: alb.zoneId, evaluateTargetHealth },
    });
  const cname = (logicalId: string, name: string, value: string) =>
    resolved('route53.Record', logicalId, name, {
      hostedZoneName: 'example.com.',
      name,
      type: 'CNAME',
      ttl: 300,
      values: [value],
    });

  async function recordsAt(name: string, zone = zoneId): Promise<ResourceRecordSet[]> {
    const sets =
      (await clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone })))
        .ResourceRecordSets ?? [];
    return sets.filter((s) => s.Name === name);
  }

  it('creates an alias to the ALB with its marker, observes it as desired, restores drift', async () => {
    const r = aliasRecord();
    const created = await route53RecordApplier.create(r, applyCtx());
    expect(created).toEqual({
      physicalId: `${zoneId}/shop.example.com./A`,
      outputs: { fqdn: 'shop.example.com' },
    });
    const [record] = await recordsAt('shop.example.com.');
    expect(record).toMatchObject({
      Type: 'A',
      AliasTarget: { HostedZoneId: alb.zoneId, EvaluateTargetHealth: false },
    });
    expect(record?.AliasTarget?.DNSName?.toLowerCase().replace(/\.$/, '')).toBe(alb.dnsName.toLowerCase());
    expect(await recordsAt('_stackctl.shop.example.com.')).toEqual([
      expect.objectContaining({
        Type: 'TXT',
        ResourceRecords: [{ Value: '"stackctl:shop/it/dns/shop.example.com"' }],
      }),
    ]);

    const observed = await mustObserve(route53RecordObserver, r);
    expect(deltasFor(r, observed)).toEqual([]);
    expect(observed).toMatchObject({ physicalId: created.physicalId, tags: r.tags, health: 'Healthy' });

    expect(await route53RecordApplier.create(r, applyCtx())).toEqual(created);
    expect(await recordsAt('shop.example.com.')).toHaveLength(1);

    const flipped: ResourceRecordSet = {
      Name: 'shop.example.com.',
      Type: 'A',
      AliasTarget: { DNSName: alb.dnsName, HostedZoneId: alb.zoneId, EvaluateTargetHealth: true },
    };
    await clients.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: flipped }] },
      }),
    );
    const drifted = await mustObserve(route53RecordObserver, r, created.physicalId);
    expect(deltasFor(r, drifted)).toEqual([
      { path: 'aliasTarget.evaluateTargetHealth', desired: false, observed: true, replace: false },
    ]);
    await route53RecordApplier.update(r, drifted, deltasFor(r, drifted), applyCtx());
    expect((await recordsAt('shop.example.com.'))[0]?.AliasTarget?.EvaluateTargetHealth).toBe(false);
  });

  it('creates, updates and deletes a CNAME together with its marker', async () => {
    const r = cname('dns/docs.example.com', 'docs.example.com', 'shop.example.com');
    const created = await route53RecordApplier.create(r, applyCtx());
    const observed = await mustObserve(route53RecordObserver, r, created.physicalId);
    expect(deltasFor(r, observed)).toEqual([]);

    const changed = cname('dns/docs.example.com', 'docs.example.com', 'www.shop.example.com');
    await route53RecordApplier.update(changed, observed, deltasFor(changed, observed), applyCtx());
    expect((await recordsAt('docs.example.com.'))[0]).toMatchObject({
      TTL: 300,
      ResourceRecords: [{ Value: 'www.shop.example.com' }],
    });

    await route53RecordApplier.delete(
      await mustObserve(route53RecordObserver, changed, created.physicalId),
      applyCtx(),
    );
    expect(await recordsAt('docs.example.com.')).toEqual([]);
    expect(await recordsAt('_stackctl.docs.example.com.')).toEqual([]);
    // Other records of this stack in the zone are still found (through their markers), this one is not.
    const after = await route53RecordObserver.observe([targetOf(changed, created.physicalId)], observeCtx());
    expect(after.map((o) => o.logicalId)).not.toContain(changed.logicalId);
  });

  it('finds a record no target names any more through its marker, and deletes it', async () => {
    const old = cname('dns/old.example.com', 'old.example.com', 'shop.example.com');
    await route53RecordApplier.create(old, applyCtx());
    const found = await route53RecordObserver.observe([targetOf(aliasRecord())], observeCtx());
    const leftover = found.find((o) => o.logicalId === 'dns/old.example.com');
    expect(leftover).toMatchObject({ tags: old.tags, spec: { name: 'old.example.com.', type: 'CNAME' } });
    await route53RecordApplier.delete(leftover as ObservedResource, applyCtx());
    expect(await recordsAt('old.example.com.')).toEqual([]);
    expect(await recordsAt('_stackctl.old.example.com.')).toEqual([]);
  });

  it('refuses a pre-existing record without a marker and leaves it unchanged', async () => {
    const legacy: ResourceRecordSet = {
      Name: 'legacy.example.com.',
      Type: 'CNAME',
      TTL: 60,
      ResourceRecords: [{ Value: 'elsewhere.example.net' }],
    };
    await clients.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: legacy }] },
      }),
    );
    const r = cname('dns/legacy.example.com', 'legacy.example.com', 'shop.example.com');
    await expect(route53RecordApplier.create(r, applyCtx())).rejects.toBeInstanceOf(OwnershipConflictError);
    const observed = await mustObserve(route53RecordObserver, r);
    expect(observed.tags).toEqual({});
    await expect(route53RecordApplier.delete(observed, applyCtx())).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );
    expect(await recordsAt('legacy.example.com.')).toEqual([expect.objectContaining(legacy)]);
    expect(await recordsAt('_stackctl.legacy.example.com.')).toEqual([]);
  });

  it('reports a missing zone with the stable code HOSTED_ZONE_NOT_FOUND', async () => {
    const r = resolved('route53.Record', 'dns/x', 'x.missing.org', {
      hostedZoneName: 'missing.org.',
      name: 'x.missing.org',
      type: 'CNAME',
      ttl: 300,
      values: ['shop.example.com'],
    });
    await expect(route53RecordApplier.create(r, applyCtx())).rejects.toMatchObject({
      code: 'HOSTED_ZONE_NOT_FOUND',
    });
    expect(await route53RecordObserver.observe([targetOf(r)], observeCtx())).toEqual([]);
  });

  it('picks the public zone over a private twin, then the tagged one among public twins', async () => {
    const vpcId =
      (await clients.ec2.send(new CreateVpcCommand({ CidrBlock: '10.51.0.0/16' }))).Vpc?.VpcId ?? '';
    const make = async (ref: string, vpc?: string) =>
      (
        (
          await clients.route53.send(
            new CreateHostedZoneCommand({
              Name: 'twin.test',
              CallerReference: ref,
              ...(vpc
                ? { VPC: { VPCId: vpc, VPCRegion: 'eu-west-1' }, HostedZoneConfig: { PrivateZone: true } }
                : {}),
            }),
          )
        ).HostedZone?.Id ?? ''
      ).replace('/hostedzone/', '');
    await make('twin-private', vpcId);
    const publicOne = await make('twin-public-1');
    const r = cname('dns/a.twin.test', 'a.twin.test', 'shop.example.com');
    const twin = { ...r, spec: { ...r.spec, hostedZoneName: 'twin.test.' } };
    expect((await route53RecordApplier.create(twin, applyCtx())).physicalId).toBe(
      `${publicOne}/a.twin.test./CNAME`,
    );

    const publicTwo = await make('twin-public-2');
    const error = await route53RecordApplier.create(twin, applyCtx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackctlError);
    expect(error).toMatchObject({ code: 'HOSTED_ZONE_AMBIGUOUS' });

    await clients.route53.send(
      new ChangeTagsForResourceCommand({
        ResourceType: 'hostedzone',
        ResourceId: publicTwo,
        AddTags: [{ Key: TAG_KEYS.project, Value: PROJECT }],
      }),
    );
    expect((await route53RecordApplier.create(twin, applyCtx())).physicalId).toBe(
      `${publicTwo}/a.twin.test./CNAME`,
    );
    expect(await recordsAt('a.twin.test.', publicTwo)).toHaveLength(1);
  });
});
