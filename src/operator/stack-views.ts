/**
 * Reading every stack's spec, status and lease holder in one go: the status page and
 * `stackctl stacks ls --remote` show the same rows.
 *
 * @module
 */
import pLimit from 'p-limit';
import { listSpecs, readLease, readStatus, type StateTarget } from '../state/index.js';
import type { StackView } from './status-page.js';

/** Status reads in flight at once: enough to be quick, few enough not to throttle a small table. */
export const VIEW_READ_CONCURRENCY = 8;

/**
 * Every stack (optionally of one project) with its status and current lease owner (a lease whose
 * expiry passed is shown as free).
 */
export async function loadStackViews(
  target: StateTarget,
  options: { readonly project?: string; readonly now?: () => number } = {},
): Promise<readonly StackView[]> {
  const specs = await listSpecs({ ...target, ...(options.project ? { project: options.project } : {}) });
  const limit = pLimit(VIEW_READ_CONCURRENCY);
  const now = options.now ?? Date.now;
  return Promise.all(
    specs.map((spec) =>
      limit(async () => {
        const ref = { ...target, project: spec.project, stack: spec.stack };
        const [status, lease] = await Promise.all([readStatus(ref), readLease(ref)]);
        const held = lease?.owner !== undefined && lease.expiresAtMs > now();
        return { spec, status, ...(held && lease?.owner ? { leaseOwner: lease.owner } : {}) };
      }),
    ),
  );
}
