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

/** Returns the keys (not names) that have no parameter, sorted. */
export async function findMissingSecrets(
  clients: AwsClients,
  project: string,
  stack: string,
  keys: readonly string[],
): Promise<readonly string[]> {
  const missing: string[] = [];
  for (let i = 0; i < keys.length; i += GET_PARAMETERS_MAX) {
    const batch = keys.slice(i, i + GET_PARAMETERS_MAX);
    const res = await clients.ssm.send(
      new GetParametersCommand({ Names: batch.map((k) => configParameterName(project, stack, k)) }),
    );
    const invalid = new Set(res.InvalidParameters ?? []);
    for (const k of batch) if (invalid.has(configParameterName(project, stack, k))) missing.push(k);
  }
  return missing.sort();
}
