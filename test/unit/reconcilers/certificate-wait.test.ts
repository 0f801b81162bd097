/**
 * The HTTPS listener waits for its certificate to be ISSUED, with aws-sdk-client-mock because moto issues
 * an Amazon certificate a fixed time after the request whatever DNS says: NotReady (requeued by the
 * engine, each wait reported as progress, up to the step's retry cap) while PENDING_VALIDATION, and a
 * permanent error when the certificate failed. And the certificate exposes a validation record for each
 * of its names, in the renderer's order, and is not ready until ACM generated all of them.
 */
import {
  type CertificateStatus,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  RequestCertificateCommand,
} from '@aws-sdk/client-acm';
import {
  CreateListenerCommand,
  DescribeListenersCommand,
  DescribeTagsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';
import { type RetryAttemptInfo, retryStep } from '../../../src/aws/retry.js';
import type { ResourceKind, Spec } from '../../../src/desired/resource-types.js';
import { ownershipTags } from '../../../src/desired/tags.js';
import { certificateOutputs } from '../../../src/observed/acm-certificate.js';
import { acmCertificateApplier } from '../../../src/reconcilers/acm-certificate.js';
import { CERTIFICATE_NOT_USABLE } from '../../../src/reconcilers/certificate-wait.js';
import { elbv2ListenerApplier } from '../../../src/reconcilers/elbv2-listener.js';
import { NotReadyError } from '../../../src/reconcilers/errors.js';
import type { ApplyContext, ResolvedResource } from '../../../src/reconcilers/types.js';

const clients = createAwsClients({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const acm = mockClient(clients.acm);
const elbv2 = mockClient(clients.elbv2);
const tagging = mockClient(clients.tagging);
const ctx: ApplyContext = { clients, project: 'shop', stack: 'it', clientToken: 'tok-1' };

afterEach(() => {
  for (const m of [acm, elbv2, tagging]) m.reset();
});

function resolved(kind: ResourceKind, logicalId: string, name: string, spec: Spec): ResolvedResource {
  return { kind, logicalId, name, spec, tags: ownershipTags('shop', 'it', logicalId) };
}

const CERT = 'arn:aws:acm:eu-west-1:1:certificate/abc';
const LB = 'arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/shop-it/1';
const https = resolved('elbv2.Listener', 'listener/https', 'shop-it-https', {
  certificateArn: CERT,
  defaultAction: {
    contentType: 'text/plain',
    messageBody: 'not found',
    statusCode: '404',
    type: 'fixed-response',
  },
  loadBalancerArn: LB,
  port: 443,
  protocol: 'HTTPS',
  sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
});

function certificateStatuses(...statuses: CertificateStatus[]): void {
  let chain = acm.on(DescribeCertificateCommand);
  for (const Status of statuses.slice(0, -1)) {
    chain = chain.resolvesOnce({ Certificate: { CertificateArn: CERT, Status } });
  }
  chain.resolves({ Certificate: { CertificateArn: CERT, Status: statuses.at(-1) } });
}

describe('the HTTPS listener waits for its certificate', () => {
  function noListenersYet(): void {
    elbv2.on(DescribeListenersCommand).resolves({ Listeners: [] });
    elbv2.on(DescribeTagsCommand).resolves({ TagDescriptions: [] });
    elbv2.on(CreateListenerCommand).resolves({ Listeners: [{ ListenerArn: 'arn:listener/https' }] });
  }

  it.each([
    {
      reason: 'pending validation: not ready, nothing created',
      status: 'PENDING_VALIDATION',
      error: NotReadyError,
    },
    { reason: 'failed: a permanent error, nothing created', status: 'FAILED', error: undefined },
    {
      reason: 'timed out: a permanent error, nothing created',
      status: 'VALIDATION_TIMED_OUT',
      error: undefined,
    },
  ] as const)('$reason', async ({ status, error }) => {
    noListenersYet();
    certificateStatuses(status);

    const outcome = elbv2ListenerApplier.create(https, ctx);

    if (error) await expect(outcome).rejects.toBeInstanceOf(error);
    else await expect(outcome).rejects.toMatchObject({ code: CERTIFICATE_NOT_USABLE });
    await expect(outcome).rejects.toThrow(status);
    expect(elbv2.commandCalls(CreateListenerCommand)).toHaveLength(0);
  });

  it('is requeued by the step runner, reporting each wait, and created once the certificate is ISSUED', async () => {
    noListenersYet();
    certificateStatuses('PENDING_VALIDATION', 'PENDING_VALIDATION', 'ISSUED');
    const waits: RetryAttemptInfo[] = [];
    const slept: number[] = [];

    const created = await retryStep(() => elbv2ListenerApplier.create(https, ctx), {
      sleep: async (ms) => {
        slept.push(ms);
      },
      onFailedAttempt: (info) => waits.push(info),
    });

    expect(created.physicalId).toBe('arn:listener/https');
    expect(waits.map((w) => w.reason)).toEqual(['not-ready', 'not-ready']);
    expect(waits[0]?.error).toBeInstanceOf(NotReadyError);
    expect(String((waits[0]?.error as NotReadyError | undefined)?.message)).toContain(
      `waiting for certificate ${CERT} to be ISSUED (now PENDING_VALIDATION`,
    );
    expect(slept).toEqual([15_000, 15_000]);
    const sent = elbv2.commandCalls(CreateListenerCommand).map((c) => c.args[0].input);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ Port: 443, Protocol: 'HTTPS', Certificates: [{ CertificateArn: CERT }] });
  });

  it('gives up at the step cap with the wait as the reason (the next pass resumes)', async () => {
    noListenersYet();
    certificateStatuses('PENDING_VALIDATION');

    const outcome = retryStep(() => elbv2ListenerApplier.create(https, ctx), {
      maxRetryTimeMs: 20,
      sleep: async () => {},
    });

    await expect(outcome).rejects.toBeInstanceOf(NotReadyError);
    expect(elbv2.commandCalls(CreateListenerCommand)).toHaveLength(0);
  });
});

describe('a validation record for every name of the certificate', () => {
  const record = (host: string) => ({
    Name: `_x.${host}.`,
    Type: 'CNAME' as const,
    Value: `_y.${host}.acm-validations.aws.`,
  });

  it('numbers the names like the renderer (domain first, then the others sorted), whatever order ACM lists them in', () => {
    const outputs = certificateOutputs({
      CertificateArn: CERT,
      DomainName: 'api.example.com',
      SubjectAlternativeNames: ['shop.example.com', 'api.example.com', 'admin.example.com'],
      DomainValidationOptions: ['shop.example.com', 'admin.example.com', 'api.example.com'].map((d) => ({
        DomainName: d,
        ResourceRecord: record(d),
      })),
    });

    expect(outputs).toEqual({
      arn: CERT,
      validationRecordName: '_x.api.example.com.',
      validationRecordValue: '_y.api.example.com.acm-validations.aws.',
      validationRecordName1: '_x.admin.example.com.',
      validationRecordValue1: '_y.admin.example.com.acm-validations.aws.',
      validationRecordName2: '_x.shop.example.com.',
      validationRecordValue2: '_y.shop.example.com.acm-validations.aws.',
    });
  });

  it('is not ready until ACM generated the record of every name', () => {
    const cert = {
      CertificateArn: CERT,
      DomainName: 'api.example.com',
      SubjectAlternativeNames: ['api.example.com', 'shop.example.com'],
      DomainValidationOptions: [
        { DomainName: 'api.example.com', ResourceRecord: record('api.example.com') },
        { DomainName: 'shop.example.com' },
      ],
    };
    acm.on(DescribeCertificateCommand).resolves({ Certificate: cert });
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [] });
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
    acm.on(RequestCertificateCommand).resolves({ CertificateArn: CERT });
    const r = resolved('acm.Certificate', 'cert', 'api.example.com', {
      domainName: 'api.example.com',
      subjectAlternativeNames: ['shop.example.com'],
      validationMethod: 'DNS',
    });

    return expect(acmCertificateApplier.create(r, ctx)).rejects.toThrow(
      'has not generated the DNS validation record of',
    );
  });
});
