/**
 * Observes `acm.Certificate`. Certificates have no names, and ACM ignores a stale idempotency token, so
 * a certificate is ours only by its tags: candidates are the certificates whose domain a target asks
 * for, the ones the journal recorded, and the ones the tagging API lists for this stack; each candidate's
 * tags come from the pass's tagging-API read (tag-index.ts), else ListTagsForCertificate. A certificate for the same domain without this stack's tags is
 * someone else's and is not returned (it does not stop stackctl from requesting its own).
 *
 * @module
 */
import {
  type ACMClient,
  type CertificateDetail,
  type CertificateSummary,
  DescribeCertificateCommand,
  ListTagsForCertificateCommand,
  paginateListCertificates,
} from '@aws-sdk/client-acm';
import { isNotFound } from '../aws/errors.js';
import { TAG_KEYS, validationRecordAttrs } from '../desired/resource-types.js';
import { isOwnedBy, tagListToRecord } from '../desired/tags.js';
import { alignToDesired, collectPages, resolveSpecString } from './ec2-common.js';
import { compactSpec, mapLimited } from './observe-helpers.js';
import { discoverTaggedArns } from './tag-discovery.js';
import { indexedTags } from './tag-index.js';
import type { Health, ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** The ARN segment of certificates in tagging API answers. */
const CERTIFICATE_ARN_MARKER = ':certificate/';

/** A certificate found for this stack, before it is described. */
interface Candidate {
  readonly arn: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly createdAt: number;
}

/** Health from the certificate status. */
export function certificateHealth(status: string | undefined): { health: Health; healthReason?: string } {
  if (status === 'ISSUED') return { health: 'Healthy' };
  if (status === 'PENDING_VALIDATION') {
    return { health: 'Progressing', healthReason: 'certificate is waiting for DNS validation' };
  }
  if (status === undefined) return { health: 'Unknown', healthReason: 'ACM reported no status' };
  return { health: 'Degraded', healthReason: `certificate is ${status}` };
}

/**
 * The names of a certificate in output order: its domain, then its other names in code-unit order (the
 * renderer's order of `subjectAlternativeNames`), so index i is {@link validationRecordAttrs}(i).
 */
export function certificateNames(cert: CertificateDetail): string[] {
  const domain = cert.DomainName ?? '';
  const others = [...new Set(cert.SubjectAlternativeNames ?? [])].filter((n) => n !== domain).sort();
  return [domain, ...others];
}

/**
 * `arn`, and the validation CNAME of each of the certificate's names once ACM has generated it: the
 * domain's as `validationRecordName`/`validationRecordValue`, the i-th other name's with suffix i.
 * Looked up by domain name, because moto lists the validation options in any order.
 */
export function certificateOutputs(cert: CertificateDetail): Record<string, string> {
  const out: Record<string, string> = {};
  if (cert.CertificateArn) out.arn = cert.CertificateArn;
  const options = cert.DomainValidationOptions ?? [];
  certificateNames(cert).forEach((name, i) => {
    const record = (options.find((o) => o.DomainName === name) ?? (i === 0 ? options[0] : undefined))
      ?.ResourceRecord;
    const attrs = validationRecordAttrs(i);
    if (record?.Name) out[attrs.name] = record.Name;
    if (record?.Value) out[attrs.value] = record.Value;
  });
  return out;
}

/** The certificate `arn`, if it exists. */
export async function describeCertificate(
  acm: ACMClient,
  arn: string,
): Promise<CertificateDetail | undefined> {
  try {
    return (await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function certificateTags(acm: ACMClient, arn: string): Promise<Record<string, string> | undefined> {
  try {
    return tagListToRecord((await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }))).Tags);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

function domainOf(target: ObserveTarget, ctx: ObserveContext): string {
  return (resolveSpecString(target.spec?.domainName, ctx) ?? target.name).toLowerCase();
}

/**
 * The desired-shape spec. ACM lists the domain itself among the SANs; it is left out unless the desired
 * list names it too, so either rendering convention compares equal.
 */
export function certificateSpec(
  cert: CertificateDetail,
  target: ObserveTarget | undefined,
  ctx: ObserveContext,
) {
  const domain = cert.DomainName;
  const desiredSans = target?.spec?.subjectAlternativeNames;
  const keepDomain = Array.isArray(desiredSans) && desiredSans.some((s) => s === domain);
  const sans = (cert.SubjectAlternativeNames ?? []).filter((s) => keepDomain || s !== domain);
  return compactSpec({
    domainName: domain,
    subjectAlternativeNames: alignToDesired(sans, desiredSans, ctx),
    validationMethod: cert.DomainValidationOptions?.[0]?.ValidationMethod,
  });
}

/** Every certificate that may be one of this stack's, with its tags. */
async function candidates(targets: readonly ObserveTarget[], ctx: ObserveContext): Promise<Candidate[]> {
  const { acm } = ctx.clients;
  const summaries = await collectPages(
    paginateListCertificates({ client: acm }, {}),
    (p) => p.CertificateSummaryList,
  );
  const created = new Map<string, CertificateSummary>(summaries.map((s) => [s.CertificateArn ?? '', s]));
  const domains = new Set(targets.map((t) => domainOf(t, ctx)));
  const recorded = new Set(targets.flatMap((t) => (t.physicalId ? [t.physicalId] : [])));
  const arns = new Set([
    ...summaries
      .filter((s) => domains.has((s.DomainName ?? '').toLowerCase()))
      .map((s) => s.CertificateArn ?? ''),
    ...recorded,
    ...(await discoverTaggedArns(ctx, 'acm', CERTIFICATE_ARN_MARKER)),
  ]);
  arns.delete('');
  const found = await mapLimited([...arns].sort(), async (arn): Promise<Candidate | undefined> => {
    // A deleted certificate the index still lists is dropped later: DescribeCertificate finds nothing.
    const tags = (await indexedTags(ctx, arn)) ?? (await certificateTags(acm, arn));
    if (tags === undefined) return undefined;
    if (!recorded.has(arn) && !isOwnedBy(tags, ctx.project, ctx.stack)) return undefined;
    return { arn, tags, createdAt: created.get(arn)?.CreatedAt?.getTime() ?? 0 };
  });
  return found.filter((c): c is Candidate => c !== undefined);
}

/**
 * One certificate per logical id: the one the journal recorded, else the newest carrying the logical-id
 * tag. A second one with the same tag (a request repeated after a crash) is not reported: deleting it
 * could race a certificate whose create is still being recorded, and an unused certificate costs nothing.
 */
function pickPerLogicalId(
  found: readonly Candidate[],
  targets: readonly ObserveTarget[],
): Map<string, Candidate> {
  const picked = new Map<string, Candidate>();
  const byNewest = [...found].sort((a, b) => b.createdAt - a.createdAt || a.arn.localeCompare(b.arn));
  for (const t of targets) {
    const hit = found.find((c) => c.arn === t.physicalId);
    if (hit) picked.set(t.logicalId, hit);
  }
  for (const c of byNewest) {
    const logicalId = c.tags[TAG_KEYS.logicalId] ?? c.arn;
    if ([...picked.values()].some((p) => p.arn === c.arn)) continue;
    if (!picked.has(logicalId)) picked.set(logicalId, c);
  }
  return picked;
}

/** Finds this stack's certificates by tag (see the module doc). Physical id: the certificate ARN. */
export const acmCertificateObserver: Observer = {
  kind: 'acm.Certificate',
  async observe(
    targets: readonly ObserveTarget[],
    ctx: ObserveContext,
  ): Promise<readonly ObservedResource[]> {
    const picked = pickPerLogicalId(await candidates(targets, ctx), targets);
    const observed = await mapLimited([...picked.entries()], async ([logicalId, c]) => {
      const cert = await describeCertificate(ctx.clients.acm, c.arn);
      if (!cert) return undefined;
      const target = targets.find((t) => t.logicalId === logicalId);
      const resource: ObservedResource = {
        kind: 'acm.Certificate',
        logicalId,
        name: target?.name ?? cert.DomainName ?? c.arn,
        physicalId: c.arn,
        spec: certificateSpec(cert, target, ctx),
        tags: c.tags,
        outputs: certificateOutputs(cert),
        ...certificateHealth(cert.Status),
      };
      return resource;
    });
    return observed.filter((o): o is ObservedResource => o !== undefined);
  },
};
