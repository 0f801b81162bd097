/**
 * Database and cache images run as plain containers. On Fargate a task's disk is ephemeral and named
 * volumes are not persisted, so such a container loses its data on every restart or redeploy: the user
 * is told, and pointed at the managed extension where one exists.
 *
 * @module
 */

import type { SourceLocation } from '../../errors.js';
import type { ComposeService } from '../compose-types.js';
import type { Diagnostics } from './diagnostics.js';
import { COMPOSE_WARNING } from './errors.js';
import { fieldPath } from './raw-node.js';

/** What makes a stateful image managed, or `undefined` when stackctl has no managed form of it. */
export interface StatefulImage {
  /** The extension that turns the service into a managed one, when there is one. */
  readonly extension?: 'x-stackctl-postgres' | 'x-stackctl-redis';
}

/**
 * Image repositories (last path segment, tag and digest stripped) that keep data, and the extension
 * that makes each managed. One table: adding an engine is one row.
 */
export const STATEFUL_IMAGES: Readonly<Record<string, StatefulImage>> = {
  postgres: { extension: 'x-stackctl-postgres' },
  mysql: {},
  mariadb: {},
  mongo: {},
  redis: { extension: 'x-stackctl-redis' },
  valkey: { extension: 'x-stackctl-redis' },
};

/** The repository name of an image reference: `docker.io/library/postgres:16@sha256:…` → `postgres`. */
export function imageRepositoryName(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const last = noDigest.split('/').pop() ?? noDigest;
  return (last.split(':')[0] ?? last).toLowerCase();
}

/**
 * The stateful-image row of `service`, when its image is one and it is not already managed. A run-once
 * task (`restart: "no"`, e.g. a migration using the postgres image for `psql`) keeps no data: no row.
 */
export function unmanagedStatefulImage(service: ComposeService): StatefulImage | undefined {
  if (service.image === undefined || service.postgres !== undefined || service.redis !== undefined)
    return undefined;
  if (service.restart === 'no') return undefined;
  const name = imageRepositoryName(service.image);
  return Object.hasOwn(STATEFUL_IMAGES, name) ? STATEFUL_IMAGES[name] : undefined;
}

/** Warns once per service whose image keeps data in a plain, unmanaged container. */
export function warnStatefulImages(
  services: Iterable<ComposeService>,
  locations: Readonly<Record<string, SourceLocation>>,
  diag: Diagnostics,
): void {
  for (const service of services) {
    const row = unmanagedStatefulImage(service);
    if (row === undefined) continue;
    const field = fieldPath(fieldPath('services', service.name), 'image');
    const what = `service "${service.name}" runs ${service.image} as a plain container`;
    const message =
      row.extension === undefined
        ? `${what}: stackctl has no managed form of it, so its data lives only in the task and is lost on every restart (volumes are not persisted)`
        : `${what}: its data is lost on every restart (volumes are not persisted); add \`${row.extension}: true\` to the service to run it managed`;
    diag.warn(COMPOSE_WARNING.statefulImage, message, locations[field], field);
  }
}
