/**
 * What moto cannot stage: a namespace create resent while the first one is still running (its response
 * was lost, or the step was retried). Cloud Map refuses the resend with DuplicateRequest naming the
 * running operation; the applier must wait on that operation and return its namespace, never create a
 * second one nor fail the pass. Mocked Cloud Map.
 */
import {
  CreatePrivateDnsNamespaceCommand,
  DuplicateRequest,
  GetNamespaceCommand,
  GetOperationCommand,
  ListNamespacesCommand,
} from '@aws-sdk/client-servicediscovery';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';
import { ownershipTags } from '../../../src/desired/tags.js';
import {
  createServicediscoveryNamespaceApplier,
  duplicateOperationOf,
} from '../../../src/reconcilers/servicediscovery-namespace.js';
import type { ApplyContext, ResolvedResource } from '../../../src/reconcilers/types.js';

const clients = createAwsClients({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const sd = mockClient(clients.servicediscovery);
const ctx: ApplyContext = { clients, project: 'shop', stack: 'dev', clientToken: 'tok' };
const NS = 'dev.shop.internal';
const desired: ResolvedResource = {
  kind: 'servicediscovery.Namespace',
  logicalId: 'namespace',
  name: NS,
  spec: { name: NS, vpc: 'vpc-1' },
  tags: ownershipTags('shop', 'dev', 'namespace'),
};
const instant = createServicediscoveryNamespaceApplier({ pollIntervalMs: 0, maxWaitMs: 1_000 });

afterEach(() => sd.reset());

describe('servicediscovery.Namespace create resent while the first is running', () => {
  it('waits on the running operation named by DuplicateRequest and returns its namespace', async () => {
    sd.on(ListNamespacesCommand).resolves({ Namespaces: [] });
    sd.on(CreatePrivateDnsNamespaceCommand).rejects(
      new DuplicateRequest({ $metadata: {}, message: 'in progress', DuplicateOperationId: 'op-first' }),
    );
    sd.on(GetOperationCommand, { OperationId: 'op-first' }).resolves({
      Operation: { Id: 'op-first', Status: 'SUCCESS', Targets: { NAMESPACE: 'ns-1' } },
    });
    sd.on(GetNamespaceCommand, { Id: 'ns-1' }).resolves({
      Namespace: {
        Id: 'ns-1',
        Arn: 'arn:ns-1',
        Name: NS,
        Properties: { DnsProperties: { HostedZoneId: 'Z1' } },
      },
    });

    const created = await instant.create(desired, ctx);

    expect(created.physicalId).toBe('ns-1');
    expect(sd.commandCalls(CreatePrivateDnsNamespaceCommand)).toHaveLength(1);
    expect(sd.commandCalls(GetOperationCommand)[0]?.args[0].input).toEqual({ OperationId: 'op-first' });
  });

  it.each([
    {
      reason: 'DuplicateRequest with the operation id',
      err: new DuplicateRequest({ $metadata: {}, message: 'x', DuplicateOperationId: 'op-1' }),
      want: 'op-1',
    },
    {
      reason: 'DuplicateRequest without one is not waited on',
      err: new DuplicateRequest({ $metadata: {}, message: 'x' }),
      want: undefined,
    },
    { reason: 'any other error', err: new Error('boom'), want: undefined },
  ])('duplicateOperationOf: $reason', ({ err, want }) => {
    expect(duplicateOperationOf(err)).toBe(want);
  });
});
