/**
 * Crash-test hook: `STACKCTL_FAULT_KILL_AFTER_MUTATIONS=N` makes the process SIGKILL itself right after
 * its Nth mutating AWS call returns (or fails).
 *
 * Why: ARCHITECTURE "Crash safety" promises that a `kill -9` at any point of a pass, followed by another
 * pass, ends converged with no duplicate and no orphan. The only honest way to show that is to really
 * kill the process at every point where the outside world changed: after each mutating call, before the
 * caller could record its result (journal, outputs). SIGKILL cannot be caught, so no `finally`, no
 * lease release and no journal write runs afterwards, exactly as after an OOM kill or a lost host.
 *
 * Counting uses {@link classifyOperation} (the same read/mutate split as `--stats`), one count per logical
 * call (after the SDK's own retries), across every client of the process: DynamoDB state writes (lease,
 * journal) are mutating calls of the pass too. Unset, the hook adds nothing to any client.
 *
 * @module
 */
import { writeSync } from 'node:fs';
import { StackctlError } from '../errors.js';
import { classifyOperation } from './call-stats.js';
import type { Middleware, StackLike } from './middleware-types.js';
import type { AwsClients } from './types.js';

/** The environment variable that arms the hook; a positive integer. */
export const FAULT_KILL_AFTER_MUTATIONS_ENV = 'STACKCTL_FAULT_KILL_AFTER_MUTATIONS';
/**
 * Optional: count only the mutating calls of this operation (`CreateListener` or `elbv2:CreateListener`).
 * A pass runs its steps concurrently, so which call is "the Nth" varies from run to run; this lets a crash
 * test cut a pass right after one given operation, whatever the interleaving.
 */
export const FAULT_KILL_OPERATION_ENV = 'STACKCTL_FAULT_KILL_OPERATION';
/** Name of the middleware on every client's stack (also the key to remove it by). */
export const FAULT_INJECTION_MIDDLEWARE = 'stackctlFaultKillAfterMutations';

/** The variable is set but is not a positive integer: fail loudly rather than run a test unarmed. */
export class FaultInjectionConfigError extends StackctlError {
  constructor(value: string) {
    super(
      'FAULT_INJECTION_CONFIG',
      `${FAULT_KILL_AFTER_MUTATIONS_ENV} must be a positive integer (the mutating call after which the process kills itself), got "${value}"`,
    );
    this.name = 'FaultInjectionConfigError';
  }
}

/** The mutating call that triggered the fault. */
export interface FaultCall {
  /** 1-based position among the process's mutating calls. */
  readonly count: number;
  /** Bundle key of the client (`ec2`, `dynamodb`…). */
  readonly service: string;
  readonly operation: string;
  readonly outcome: 'ok' | 'error';
}

/** Mutating calls seen so far; one per process unless a test passes its own. */
export interface MutationCounter {
  count: number;
}

/** Options for {@link attachKillAfterMutations}. */
export interface KillAfterMutationsOptions {
  /** Fire after this many mutating calls (1-based). */
  readonly afterMutations: number;
  /** Count only calls of this operation (`Operation` or `service:Operation`). @default every mutating call */
  readonly operation?: string;
  /** Shared by every client that should count together. @default the process-wide counter */
  readonly counter?: MutationCounter;
  /** What firing does. @default {@link killSelf}: a line on stderr, then SIGKILL to this process */
  readonly onFault?: (call: FaultCall) => void;
}

/** The counter every client of this process shares, so "the Nth call" means the Nth of the process. */
const PROCESS_COUNTER: MutationCounter = { count: 0 };

/**
 * Parses the variable's value: `undefined` when unset or empty (the hook stays inert).
 *
 * @throws FaultInjectionConfigError when set to anything but a positive integer
 */
export function parseKillAfterMutations(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n) || n < 1) throw new FaultInjectionConfigError(value);
  return n;
}

/**
 * The default fault: says which call it was (so a crash test can tell where it cut the pass), then
 * SIGKILLs this process. The message goes through a synchronous write because nothing runs after the kill.
 */
export function killSelf(call: FaultCall): void {
  writeSync(
    2,
    `stackctl: fault injection: SIGKILL after mutating call ${call.count} (${call.service} ${call.operation}, ${call.outcome})\n`,
  );
  process.kill(process.pid, 'SIGKILL');
}

/**
 * Adds the fault middleware to every client of the bundle. It sits in the `initialize` step at high
 * priority, outermost, so it sees each logical call once, after the SDK's retries, and fires before the
 * caller gets the result back.
 */
export function attachKillAfterMutations(clients: AwsClients, options: KillAfterMutationsOptions): void {
  const counter = options.counter ?? PROCESS_COUNTER;
  const onFault = options.onFault ?? killSelf;
  for (const [service, value] of Object.entries(clients)) {
    if (typeof value !== 'object' || value === null || !('middlewareStack' in value)) continue;
    const middleware: Middleware = (next, context) => async (args) => {
      const operation = (context.commandName ?? 'unknown').replace(/Command$/, '');
      const count = (outcome: FaultCall['outcome']): void => {
        if (classifyOperation(operation) !== 'mutate') return;
        const only = options.operation;
        if (only !== undefined && only !== operation && only !== `${service}:${operation}`) return;
        counter.count += 1;
        if (counter.count === options.afterMutations)
          onFault({ count: counter.count, service, operation, outcome });
      };
      try {
        const result = await next(args);
        count('ok');
        return result;
      } catch (err) {
        count('error');
        throw err;
      }
    };
    (value.middlewareStack as StackLike).add(middleware, {
      step: 'initialize',
      name: FAULT_INJECTION_MIDDLEWARE,
      priority: 'high',
      override: true,
    });
  }
}

/**
 * Arms the hook when {@link FAULT_KILL_AFTER_MUTATIONS_ENV} is set (narrowed by
 * {@link FAULT_KILL_OPERATION_ENV} when that is set too); does nothing at all otherwise.
 * Called by `createAwsClients`, so every command of the CLI can be crash-tested without a flag.
 *
 * @throws FaultInjectionConfigError when the variable holds anything but a positive integer
 */
export function attachFaultInjectionFromEnv(
  clients: AwsClients,
  env: Readonly<Record<string, string | undefined>> = process.env,
): void {
  const afterMutations = parseKillAfterMutations(env[FAULT_KILL_AFTER_MUTATIONS_ENV]);
  if (afterMutations === undefined) return;
  const operation = env[FAULT_KILL_OPERATION_ENV]?.trim();
  attachKillAfterMutations(clients, { afterMutations, ...(operation ? { operation } : {}) });
}
