/**
 * Applies `acm.Certificate`: RequestCertificate (DNS validation, ownership tags, idempotency token from
 * the context), tag updates, DeleteCertificate.
 *
 * ACM honours the idempotency token for one hour only (moto not at all), so create first looks for a
 * certificate this stack already requested for the logical id and adopts it. The outputs include the
 * validation CNAME; until ACM has generated it the step is {@link NotReadyError}, so the DNS record that
 * validates the certificate waits instead of failing.
 *
 * @module
 */
import {
  type ACMClient,
  AddTagsToCertificateCommand,
  DeleteCertificateCommand,
  RemoveTagsFromCertificateCommand,
  RequestCertificateCommand,
} from '@aws-sdk/client-acm';
import { classifyAwsError, isNotFound } from '../aws/errors.js';
import { type SpecValue, validationRecordAttrs } from '../desired/resource-types.js';
import { recordToTagList } from '../desired/tags.js';
import type { FieldDelta } from '../diff/types.js';
import { StackctlError } from '../errors.js';
import {
  acmCertificateObserver,
  certificateNames,
  certificateOutputs,
  describeCertificate,
} from '../observed/acm-certificate.js';
import { NOT_READY_RETRY_MS } from './data-helpers.js';
import { assertObservedOwned, isEmptyTagChange, specString, tagChanges } from './delta-helpers.js';
import { NotReadyError } from './errors.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** ACM's limit on IdempotencyToken: at most 32 word characters. */
const MAX_IDEMPOTENCY_TOKEN_LENGTH = 32;

/** ACM generates the validation record within seconds of the request: retry the step soon. */
export const VALIDATION_RECORD_RETRY_MS = 5_000;

/** The strings of a spec list, sorted (a missing list is empty). */
function sortedStrings(v: SpecValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string').sort() : [];
}

/** `clientToken` reduced to what ACM accepts (`\w{1,32}`); undefined when nothing is left. */
export function acmIdempotencyToken(clientToken: string): string | undefined {
  const token = clientToken.replace(/\W/g, '').slice(0, MAX_IDEMPOTENCY_TOKEN_LENGTH);
  return token === '' ? undefined : token;
}

/** The outputs of certificate `arn`, or NotReady while the validation record is not generated yet. */
async function readyResult(acm: ACMClient, arn: string, logicalId: string): Promise<ApplyResult> {
  const cert = await describeCertificate(acm, arn);
  const outputs: Record<string, string> = cert ? certificateOutputs(cert) : { arn };
  const names = cert ? certificateNames(cert) : [''];
  const missing = names.filter((_, i) => {
    const attrs = validationRecordAttrs(i);
    return outputs[attrs.name] === undefined || outputs[attrs.value] === undefined;
  });
  if (missing.length > 0) {
    throw new NotReadyError(
      `${logicalId}: ACM has not generated the DNS validation record of ${arn} yet (${missing.join(', ') || 'its domain'})`,
      VALIDATION_RECORD_RETRY_MS,
    );
  }
  return { physicalId: arn, outputs };
}

/** The certificate this stack already requested for `desired`'s logical id and names, if any. */
async function findOwned(desired: ResolvedResource, ctx: ApplyContext): Promise<string | undefined> {
  const observed = await acmCertificateObserver.observe(
    [{ logicalId: desired.logicalId, name: desired.name, spec: desired.spec }],
    {
      clients: ctx.clients,
      project: ctx.project,
      stack: ctx.stack,
      outputs: new Map(),
    },
  );
  const mine = observed.find((o) => o.logicalId === desired.logicalId);
  if (!mine) return undefined;
  const sameNames =
    mine.spec.domainName === desired.spec.domainName &&
    sortedStrings(mine.spec.subjectAlternativeNames).join(',') ===
      sortedStrings(desired.spec.subjectAlternativeNames).join(',');
  return sameNames ? mine.physicalId : undefined;
}

/** One RequestCertificate for `desired`; returns the ARN. */
async function request(
  desired: ResolvedResource,
  token: { IdempotencyToken?: string },
  ctx: ApplyContext,
): Promise<string> {
  const sans = desired.spec.subjectAlternativeNames;
  const res = await ctx.clients.acm.send(
    new RequestCertificateCommand({
      DomainName: specString(desired.spec, 'domainName', desired.logicalId),
      ...(Array.isArray(sans) && sans.length > 0
        ? { SubjectAlternativeNames: sans.filter((s): s is string => typeof s === 'string') }
        : {}),
      ValidationMethod: 'DNS',
      ...token,
      Tags: recordToTagList(desired.tags),
    }),
  );
  if (!res.CertificateArn) {
    throw new StackctlError(
      'AWS_UNEXPECTED_RESPONSE',
      `${desired.logicalId}: RequestCertificate returned no ARN`,
    );
  }
  return res.CertificateArn;
}

async function applyTagDeltas(
  acm: ACMClient,
  arn: string,
  deltas: readonly FieldDelta[],
  desired: ResolvedResource,
) {
  const changes = tagChanges(deltas, desired.tags);
  if (isEmptyTagChange(changes)) return;
  if (Object.keys(changes.set).length > 0) {
    await acm.send(
      new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: recordToTagList(changes.set) }),
    );
  }
  if (changes.remove.length > 0) {
    await acm.send(
      new RemoveTagsFromCertificateCommand({
        CertificateArn: arn,
        Tags: changes.remove.map((Key) => ({ Key })),
      }),
    );
  }
}

/** The certificate applier. Names and SANs cannot change in place: the diff plans a replacement. */
export const acmCertificateApplier: Applier = {
  kind: 'acm.Certificate',

  async create(desired, ctx) {
    const { acm } = ctx.clients;
    const existing = await findOwned(desired, ctx);
    if (existing) return readyResult(acm, existing, desired.logicalId);
    const token = acmIdempotencyToken(ctx.clientToken);
    const arn = await request(desired, token ? { IdempotencyToken: token } : {}, ctx);
    // Within an hour ACM answers a reused token with the earlier certificate, even one deleted since
    // (a stack destroyed and deployed again): then request a fresh one without the token.
    const live = token ? await describeCertificate(acm, arn) : undefined;
    const usable = token && !live ? await request(desired, {}, ctx) : arn;
    return readyResult(acm, usable, desired.logicalId);
  },

  async update(desired, observed, deltas, ctx) {
    assertObservedOwned(observed, ctx);
    await applyTagDeltas(ctx.clients.acm, observed.physicalId, deltas, desired);
    return { physicalId: observed.physicalId, outputs: observed.outputs };
  },

  async delete(observed, ctx) {
    assertObservedOwned(observed, ctx);
    try {
      await ctx.clients.acm.send(new DeleteCertificateCommand({ CertificateArn: observed.physicalId }));
    } catch (err) {
      if (isNotFound(err)) return;
      if (classifyAwsError(err) === 'dependency') {
        throw new NotReadyError(
          `${observed.logicalId}: certificate ${observed.physicalId} is still in use (a listener has not let go yet)`,
          NOT_READY_RETRY_MS,
          { cause: err },
        );
      }
      throw err;
    }
  },
};
