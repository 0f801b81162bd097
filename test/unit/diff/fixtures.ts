/**
 * Builders for desired and observed resources in diff tests.
 *
 * @module
 */
import type { DesiredResource, ResourceKind, Spec } from '../../../src/desired/resource-types.js';
import { ownershipTags } from '../../../src/desired/tags.js';
import type { ObservedResource } from '../../../src/observed/types.js';

export const PROJECT = 'shop';
export const STACK = 'prod';

/** A desired resource with ownership tags; the name defaults to the logical id. */
export function desired(
  kind: ResourceKind,
  logicalId: string,
  spec: Spec,
  extra: { dependsOn?: readonly string[]; name?: string; tags?: Record<string, string> } = {},
): DesiredResource {
  return {
    kind,
    logicalId,
    name: extra.name ?? logicalId.replace(/\//g, '-'),
    spec,
    tags: { ...ownershipTags(PROJECT, STACK, logicalId), ...extra.tags },
    dependsOn: extra.dependsOn ?? [],
  };
}

/** An observed resource; owned by shop/prod unless `owned: false`. */
export function observed(
  kind: ResourceKind,
  logicalId: string,
  spec: Spec,
  extra: {
    owned?: boolean;
    name?: string;
    physicalId?: string;
    outputs?: Record<string, string | number>;
    tags?: Record<string, string>;
  } = {},
): ObservedResource {
  const owned = extra.owned ?? true;
  return {
    kind,
    logicalId,
    name: extra.name ?? logicalId.replace(/\//g, '-'),
    physicalId: extra.physicalId ?? `phys-${logicalId}`,
    spec,
    tags: { ...(owned ? ownershipTags(PROJECT, STACK, logicalId) : { team: 'other' }), ...extra.tags },
    outputs: extra.outputs ?? {},
    health: 'Healthy',
  };
}
