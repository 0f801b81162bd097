/**
 * Which of a stack's required config keys are missing from SSM: checked before any mutation so a user
 * learns every missing key at once, not one failed deployment at a time.
 *
 * Reads names only (never `WithDecryption`): a secret's value never enters this process here.
 *
 * @module
 */
import { GetParametersCommand } from '@aws-sdk/client-ssm';
import type { AwsClients } from '../aws/types.js';

/** GetParameters takes at most 10 names per call. */
export const GET_PARAMETERS_MAX = 10;

/** The SSM name of one config key of a stack. */
export function configParameterName(project: string, stack: string, key: string): string {
  return `/stackctl/${project}/${stack}/${key}`;
}

/** What {@link readConfigSecrets} found: the missing keys, and the current version of each present one. */
export interface ConfigSecrets {
  /** Keys (not names) with no parameter, sorted. */
  readonly missing: readonly string[];
  /** Parameter name → its current SSM version (a number, never the value). */
  readonly versions: ReadonlyMap<string, number>;
}

/**
 * Which of `keys` exist and at which version, from GetParameters without decryption (its answer carries
 * `Version` beside the ciphertext, which is dropped here): the pass's one SSM read of the user's config
 * gives both the missing-keys check and the versions a restart is decided on (secret-versions.ts).
 */
export async function readConfigSecrets(
  clients: AwsClients,
  project: string,
  stack: string,
  keys: readonly string[],
): Promise<ConfigSecrets> {
  const missing: string[] = [];
  const versions = new Map<string, number>();
  for (let i = 0; i < keys.length; i += GET_PARAMETERS_MAX) {
    const batch = keys.slice(i, i + GET_PARAMETERS_MAX);
    const res = await clients.ssm.send(
      new GetParametersCommand({ Names: batch.map((k) => configParameterName(project, stack, k)) }),
    );
    const invalid = new Set(res.InvalidParameters ?? []);
    for (const k of batch) if (invalid.has(configParameterName(project, stack, k))) missing.push(k);
    for (const p of res.Parameters ?? [])
      if (p.Name && p.Version !== undefined) versions.set(p.Name, p.Version);
  }
  return { missing: missing.sort(), versions };
}

/** Returns the keys (not names) that have no parameter, sorted. */
export async function findMissingSecrets(
  clients: AwsClients,
  project: string,
  stack: string,
  keys: readonly string[],
): Promise<readonly string[]> {
  return (await readConfigSecrets(clients, project, stack, keys)).missing;
}
