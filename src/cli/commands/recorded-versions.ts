/**
 * The secret versions a stack's services were rolled out with, as `plan`, `drift` and `status` read
 * them: the journal entries that carry them (diff/secret-versions.ts), so these commands show a changed
 * secret as the restart reconcile would make.
 *
 * The state table is read only when some service reads a secret (one Query per stack), and only the
 * entries with versions are returned: the commands' observation stays by tags and names, as before.
 *
 * @module
 */
import type { AwsClients } from '../../aws/types.js';
import type { DesiredStack } from '../../desired/resource-types.js';
import { serviceSecretParameters } from '../../diff/secret-versions.js';
import type { RememberedResource } from '../../observed/observe-stack.js';
import type { Flags } from '../args.js';
import { stateTableName } from './aws-context.js';
import { readRememberedResources } from './destroy-state.js';

/** True when some ECS service of the stack reads an SSM parameter. */
export function readsSecrets(desired: DesiredStack): boolean {
  return [...serviceSecretParameters(desired.resources).values()].some((p) => Object.keys(p).length > 0);
}

/** The journal entries of `desired`'s stack that record secret versions; none without a state table. */
export async function recordedSecretVersions(
  flags: Flags,
  clients: AwsClients,
  desired: DesiredStack,
): Promise<readonly RememberedResource[]> {
  if (!readsSecrets(desired)) return [];
  const entries = await readRememberedResources({
    client: clients.dynamodb,
    table: stateTableName(flags),
    project: desired.project,
    stack: desired.stack,
  });
  return entries.filter((r) => r.secretVersions !== undefined);
}
