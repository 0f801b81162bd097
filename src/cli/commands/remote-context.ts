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
import { type AwsSession, openAwsSession, resolveRegion, stateTableName } from './aws-context.js';

/** The environment variable naming the state table's region, shared with the operator. */
export const TABLE_REGION_ENV = 'STACKCTL_TABLE_REGION';

/** A session against the state table. */
export interface StateSession extends AwsSession {
  readonly table: string;
  readonly region: string;
}

/**
 * The state table's region, by {@link resolveRegion}'s one precedence: `--region`, else
 * `STACKCTL_TABLE_REGION`, else `stackRegion` (the stack's own region, as `push` and `destroy` use),
 * else `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`.
 *
 * @throws {UsageError} when none names a region
 */
export async function stateRegion(flags: Flags, stackRegion?: string): Promise<string> {
  const choice = await resolveRegion(flags, { tableRegion: process.env[TABLE_REGION_ENV], stackRegion });
  if (!choice) {
    throw new UsageError(
      `which region is the state table in? Pass --region, or set ${TABLE_REGION_ENV} or AWS_REGION (or a region in your AWS profile)`,
    );
  }
  return choice.value;
}

/** Clients for the state table's region, plus its name. */
export async function openStateSession(flags: Flags, stackRegion?: string): Promise<StateSession> {
  const region = await stateRegion(flags, stackRegion);
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
