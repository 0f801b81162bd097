/**
 * Counts every resource in a moto account and checks it against a rendered stack: exactly one resource
 * per desired logical id (no duplicate, none missing) and nothing else (no orphan, tagged or not).
 *
 * The crash suite resets moto before each case, so the account holds this stack alone: anything that is
 * not one of its rendered resources is a leak of the pass under test.
 *
 * @module
 */
import type { AwsClients } from '../../../src/aws/types.js';
import type { DesiredResource } from '../../../src/desired/resource-types.js';
import { listEcs, listElbv2 } from './inventory-compute.js';
import { listCertificatesAndScaling, listDataStores, listLogsIamSsm } from './inventory-data.js';
import { listDiscovery } from './inventory-discovery.js';
import { listEc2 } from './inventory-ec2.js';
import { type FoundResource, type KindLister, logicalIdOf } from './inventory-types.js';

const LISTERS: readonly KindLister[] = [
  listEc2,
  listElbv2,
  listEcs,
  listLogsIamSsm,
  listDataStores,
  listCertificatesAndScaling,
  listDiscovery,
];

/** Every resource of every kind stackctl can make, account defaults excluded. */
export async function takeInventory(clients: AwsClients): Promise<readonly FoundResource[]> {
  return (await Promise.all(LISTERS.map((list) => list(clients)))).flat();
}

/** What {@link checkInventory} found wrong; all empty when the account is exactly the stack. */
export interface InventoryProblems {
  /** `kind logicalId ×count` for desired resources found more than once. */
  readonly duplicates: readonly string[];
  /** `kind logicalId` for desired resources not found. */
  readonly missing: readonly string[];
  /** `kind id (logical id tag)` for resources that are no desired resource. */
  readonly orphans: readonly string[];
  /** Resources found per kind, for the report. */
  readonly countsByKind: Readonly<Record<string, number>>;
}

/** Options for {@link checkInventory}. */
export interface CheckInventoryOptions {
  /** Resources that exist on purpose outside the rendered stack (the user's config parameters). */
  readonly allowedIds?: readonly string[];
}

/**
 * Matches what exists against what the stack renders, by kind and the `stackctl:logical-id` tag.
 *
 * @example
 * const problems = checkInventory(await takeInventory(clients), desired.resources);
 * expect(problems).toMatchObject({ duplicates: [], missing: [], orphans: [] });
 */
export function checkInventory(
  found: readonly FoundResource[],
  desired: readonly DesiredResource[],
  options: CheckInventoryOptions = {},
): InventoryProblems {
  const allowed = new Set(options.allowedIds ?? []);
  const wanted = new Map(desired.map((r) => [`${r.kind} ${r.logicalId}`, r]));
  const seen = new Map<string, number>();
  const orphans: string[] = [];
  const countsByKind: Record<string, number> = {};
  for (const r of found) {
    countsByKind[r.kind] = (countsByKind[r.kind] ?? 0) + 1;
    if (allowed.has(r.id)) continue;
    const key = `${r.kind} ${logicalIdOf(r) ?? '?'}`;
    if (!wanted.has(key)) {
      orphans.push(`${r.kind} ${r.id} (${logicalIdOf(r) ?? 'untagged'})`);
      continue;
    }
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const duplicates = [...seen].filter(([, n]) => n > 1).map(([key, n]) => `${key} ×${n}`);
  const missing = [...wanted.keys()].filter((key) => !seen.has(key));
  return { duplicates, missing, orphans, countsByKind };
}
