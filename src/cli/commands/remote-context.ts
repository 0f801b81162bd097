/**
 * What the commands that talk to the state table share (`push`, `stacks … --remote`, `stacks show`,
 * `pause`, `resume`, `rm`): which region the table is in, and which project a bare stack name means.
 *
 * @module
 */
import { hostname, userInfo } from 'node:os';
import { StackctlError } from '../../errors.js';
import { listSpecs, type StackRef } from '../../state/index.js';
import type { Flags } from '../args.js';
import { UsageError } from '../args.js';
import { type AwsSession, openAwsSession, stateTableName } from './aws-context.js';

/** The environment variable naming the state table's region, shared with the operator. */
export const TABLE_REGION_ENV = 'STACKCTL_TABLE_REGION';

/** A session against the state table. */
export interface StateSession extends AwsSession {
  readonly table: string;
  readonly region: string;
}

/**
 * The state table's region: `STACKCTL_TABLE_REGION`, else `fallback` (the stack's own region, as
 * `reconcile --once` uses), else `--region`, `AWS_REGION`, `AWS_DEFAULT_REGION`.
 */
export function stateRegion(flags: Flags, fallback?: string): string {
  const env = process.env;
  const region =
    env[TABLE_REGION_ENV] || fallback || flags.region || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new UsageError(
      `which region is the state table in? Set ${TABLE_REGION_ENV} (or pass --region, or set AWS_REGION)`,
    );
  }
  return region;
}

/** Clients for the state table's region, plus its name. */
export function openStateSession(flags: Flags, fallbackRegion?: string): StateSession {
  const region = stateRegion(flags, fallbackRegion);
  return { ...openAwsSession(flags, region), table: stateTableName(flags), region };
}

/** Who is running the command, for the spec's `updatedBy` (CI actor, else user@host). */
export function actor(): string {
  const env = process.env;
  if (env.GITHUB_ACTOR) return `${env.GITHUB_ACTOR} (GitHub Actions)`;
  let user = env.USER ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers): keep $USER
  }
  return `${user}@${hostname()}`;
}

/**
 * The stack named on the command line (`stacks show S`) as a key into the table. With `--project` it
 * is that project's; otherwise the only project that has a stack of that name.
 */
export async function resolveRemoteStack(
  session: StateSession,
  flags: Flags,
  stack: string,
): Promise<StackRef> {
  const target = { client: session.clients.dynamodb, table: session.table };
  if (flags.project) return { ...target, project: flags.project, stack };
  const matches = (await listSpecs(target)).filter((s) => s.stack === stack);
  if (matches.length === 1 && matches[0]) return { ...target, project: matches[0].project, stack };
  if (matches.length === 0) {
    throw new StackctlError(
      'STACK_NOT_PUSHED',
      `no stack "${stack}" in table ${session.table} (${session.region}); push it with \`stackctl push --stack ${stack}\``,
    );
  }
  throw new UsageError(
    `several projects have a stack "${stack}" (${matches.map((m) => m.project).join(', ')}); pass --project`,
  );
}
