/**
 * Against a real moto server, through whole reconcile passes with the state table: the ACM idempotency
 * token is the same for every attempt of one certificate create (a retry after a crash reuses the
 * journaled token, so AWS can never make a second certificate) and different for the next certificate
 * of the same logical id after a destroy (issue 10: a fixed token made ACM answer a re-create within an
 * hour with the deleted certificate's ARN).
 */
import { ListCertificatesCommand } from '@aws-sdk/client-acm';
import type { InitializeHandler, InitializeHandlerArguments, MetadataBearer } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import type { DesiredStack } from '../../../src/desired/resource-types.js';
import { ownershipTags } from '../../../src/desired/tags.js';
import { acmIdempotencyToken } from '../../../src/reconcilers/acm-certificate.js';
import { reconcilePass } from '../../../src/reconcilers/reconcile-stack.js';
import { Journal, type LeaseFence } from '../../../src/state/index.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';

const PROJECT = 'shop';
const STACK = 'dev';
const TABLE = 'stackctl-acm-token-test';
const DOMAIN = 'shop.example.com';

let moto: MotoServer;
let clients: AwsClients;
/** IdempotencyToken of every RequestCertificate that reached moto. */
const requested: (string | undefined)[] = [];
/** When set, the next RequestCertificate fails before it is sent (a request lost on the way). */
let loseNextRequest = false;

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  clients.acm.middlewareStack.add(
    (next: InitializeHandler<object, MetadataBearer>) => async (args: InitializeHandlerArguments<object>) => {
      const input = args.input as { IdempotencyToken?: string; DomainName?: string };
      if (input.DomainName !== undefined && 'ValidationMethod' in input) {
        if (loseNextRequest) {
          loseNextRequest = false;
          throw Object.assign(new Error('injected: the request never reached ACM'), {
            name: 'AccessDeniedException',
          });
        }
        requested.push(input.IdempotencyToken);
      }
      return next(args);
    },
    { step: 'initialize', name: 'captureRequestCertificate' },
  );
});
afterAll(async () => {
  await moto?.stop();
});

const stack: DesiredStack = {
  project: PROJECT,
  stack: STACK,
  region: 'eu-west-1',
  mode: 'affordable',
  requiredSecrets: [],
  resources: [
    {
      kind: 'acm.Certificate',
      logicalId: 'cert',
      name: DOMAIN,
      spec: { domainName: DOMAIN, validationMethod: 'DNS' },
      tags: ownershipTags(PROJECT, STACK, 'cert'),
      dependsOn: [],
    },
  ],
};

const pass = (destroy = false) =>
  reconcilePass({ desired: stack, clients, finalSnapshot: false, destroy, state: { table: TABLE } });

async function certificateArns(): Promise<string[]> {
  const list = (await clients.acm.send(new ListCertificatesCommand({}))).CertificateSummaryList ?? [];
  return list.filter((c) => c.DomainName === DOMAIN).map((c) => c.CertificateArn ?? '');
}

/** The token the journal holds for the pending create of `cert`, read without taking the lease. */
async function pendingToken(): Promise<string | undefined> {
  const fence = { token: 0 } as unknown as LeaseFence; // list() reads; it never checks the fence.
  const journal = new Journal({
    client: clients.dynamodb,
    table: TABLE,
    project: PROJECT,
    stack: STACK,
    lease: fence,
  });
  return (await journal.list()).find((e) => e.logicalId === 'cert')?.createPending?.token;
}

describe('ACM idempotency token per certificate generation', () => {
  let firstArn = '';

  it('a create retried after a failed attempt uses the journaled token again', async () => {
    loseNextRequest = true;
    const failed = await pass();
    expect(failed.report.ok).toBe(false);
    expect(requested).toEqual([]);
    const journaled = await pendingToken();
    expect(journaled).toMatch(/^[0-9a-f]{32}$/);

    const retried = await pass();
    expect(retried.report.ok).toBe(true);
    expect(requested).toEqual([acmIdempotencyToken(journaled ?? '')]);
    firstArn = (await certificateArns())[0] ?? '';
    expect(await certificateArns()).toEqual([firstArn]);
  }, 60_000);

  it('destroy then create again: a new token and a new certificate, not the deleted one', async () => {
    expect((await pass(true)).report.ok).toBe(true);
    expect(await certificateArns()).toEqual([]);

    const again = await pass();
    expect(again.report.ok).toBe(true);
    // One request per generation: no fallback request was needed to get past a reused token.
    expect(requested).toHaveLength(2);
    expect(requested[1]).toBeDefined();
    expect(requested[1]).not.toBe(requested[0]);
    const arns = await certificateArns();
    expect(arns).toHaveLength(1);
    expect(arns[0]).not.toBe(firstArn);
  }, 60_000);
});
