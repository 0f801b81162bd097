/**
 * The HTTPS listener's gate on its certificate: ACM issues a DNS-validated certificate only once the
 * validation record resolves (minutes on AWS), and ELB refuses or serves errors with a certificate that
 * is not ISSUED yet (`research/aws-api-facts.md` §6, "HTTPS once the certificate is ISSUED").
 *
 * The check is one DescribeCertificate. While the certificate is PENDING_VALIDATION it throws a
 * {@link NotReadyError}: the engine requeues the listener step (reporting each wait as progress) until
 * its retry cap, and the next pass resumes; nothing blocks a worker for the whole validation. A
 * certificate that can no longer become ISSUED (FAILED, VALIDATION_TIMED_OUT, REVOKED, …) is a
 * permanent error naming the status, since waiting would never end.
 *
 * @module
 */

import { StackctlError } from '../errors.js';
import { describeCertificate } from '../observed/acm-certificate.js';
import { NotReadyError } from './errors.js';
import type { ApplyContext } from './types.js';

/** How long the engine waits before re-checking a certificate still waiting for DNS validation. */
export const CERTIFICATE_ISSUED_RETRY_MS = 15_000;

/** Statuses from which a certificate may still become ISSUED without anyone acting. */
const STILL_VALIDATING: ReadonlySet<string> = new Set(['PENDING_VALIDATION']);

/** The stable code of a certificate that will never be ISSUED. */
export const CERTIFICATE_NOT_USABLE = 'CERTIFICATE_NOT_USABLE';

/**
 * Resolves when certificate `arn` is ISSUED; throws {@link NotReadyError} while ACM is still validating
 * it (or does not list it yet, right after the request), and a permanent `CERTIFICATE_NOT_USABLE`
 * error when it failed, timed out or was revoked.
 *
 * @example await assertCertificateIssued(ctx, certificateArn, 'listener/https'); // before CreateListener
 */
export async function assertCertificateIssued(
  ctx: Pick<ApplyContext, 'clients'>,
  arn: string,
  logicalId: string,
): Promise<void> {
  const cert = await describeCertificate(ctx.clients.acm, arn);
  const status = cert?.Status;
  if (status === 'ISSUED') return;
  if (status === undefined || STILL_VALIDATING.has(status)) {
    throw new NotReadyError(
      `${logicalId}: waiting for certificate ${arn} to be ISSUED (now ${status ?? 'not visible yet'}; ACM validates it once the DNS validation record resolves, usually within minutes)`,
      CERTIFICATE_ISSUED_RETRY_MS,
    );
  }
  throw new StackctlError(
    CERTIFICATE_NOT_USABLE,
    `${logicalId}: certificate ${arn} is ${status} and will not be issued; check the validation record in the hosted zone, then delete the certificate so the next pass requests a new one`,
  );
}
