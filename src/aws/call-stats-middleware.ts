/**
 * Wires {@link CallStats} into SDK v3 clients through their middleware stack, so every call any layer
 * makes is counted without a wrapper around `send`.
 *
 * Two middlewares per client:
 * - `stackctlCallStats` in the `initialize` step runs once per `client.send`: one logical call, with its
 *   final outcome;
 * - `stackctlCallStatsAttempt` at the end of `finalizeRequest` runs inside the SDK's retry middleware, so
 *   it sees every HTTP attempt and which of them AWS throttled.
 *
 * A `DynamoDBDocumentClient` shares its base client's stack, so state-store calls are counted too (under
 * the low-level operation, e.g. `PutItem`).
 *
 * @module
 */
import type { CallOutcome, CallStats } from './call-stats.js';
import { classifyAwsError } from './errors.js';
import type { AwsClients } from './types.js';

/** Name of the per-call middleware (also the key to remove it by). */
export const CALL_STATS_MIDDLEWARE = 'stackctlCallStats';
/** Name of the per-attempt middleware. */
export const CALL_STATS_ATTEMPT_MIDDLEWARE = 'stackctlCallStatsAttempt';

/** The part of the SDK's handler context this module reads. */
interface CallContext {
  readonly clientName?: string;
  readonly commandName?: string;
}

type Handler = (args: unknown) => Promise<unknown>;
type Middleware = (next: Handler, context: CallContext) => Handler;

/** The part of an SDK client's middleware stack this module uses; every v3 client satisfies it. */
interface StackLike {
  add(
    middleware: Middleware,
    options: { step: string; name: string; priority: string; override: boolean },
  ): void;
}

/** Anything with a middleware stack: every SDK v3 client. */
export interface ClientWithStack {
  readonly middlewareStack: object;
}

/** `ECSClient` → `ECS`, the label used when no explicit service name is given. */
function serviceFromClientName(clientName: string | undefined): string {
  return (clientName ?? 'unknown').replace(/Client$/, '');
}

/** `DescribeServicesCommand` → `DescribeServices`. */
function operationFromCommandName(commandName: string | undefined): string {
  return (commandName ?? 'unknown').replace(/Command$/, '');
}

function outcomeOf(err: unknown): CallOutcome {
  return classifyAwsError(err) === 'throttle' ? 'throttled' : 'error';
}

/**
 * Attaches call accounting to one client. Attaching again replaces the previous middlewares, so a
 * client never double-counts.
 *
 * @param service - label for the service column; defaults to the client name without `Client` (`ECS`).
 */
export function attachCallStatsToClient(client: ClientWithStack, stats: CallStats, service?: string): void {
  const stack = client.middlewareStack as StackLike;
  const label = (ctx: CallContext): [string, string] => [
    service ?? serviceFromClientName(ctx.clientName),
    operationFromCommandName(ctx.commandName),
  ];
  const perCall: Middleware = (next, context) => async (args) => {
    const [svc, op] = label(context);
    try {
      const result = await next(args);
      stats.record(svc, op, 'ok');
      return result;
    } catch (err) {
      stats.record(svc, op, outcomeOf(err));
      throw err;
    }
  };
  const perAttempt: Middleware = (next, context) => async (args) => {
    const [svc, op] = label(context);
    try {
      const result = await next(args);
      stats.recordAttempt(svc, op, 'ok');
      return result;
    } catch (err) {
      stats.recordAttempt(svc, op, outcomeOf(err));
      throw err;
    }
  };
  stack.add(perCall, { step: 'initialize', name: CALL_STATS_MIDDLEWARE, priority: 'high', override: true });
  stack.add(perAttempt, {
    step: 'finalizeRequest',
    name: CALL_STATS_ATTEMPT_MIDDLEWARE,
    priority: 'low',
    override: true,
  });
}

/**
 * Attaches call accounting to every client of the bundle, labelling each by its bundle key (`ec2`,
 * `ecs`, `ssm`, `dynamodb`…), the same short names the rest of stackctl uses.
 *
 * @example
 * const stats = new CallStats();
 * attachCallStats(clients, stats);
 * await clients.ecs.send(new ListClustersCommand({}));
 * stats.snapshot(); // [{ service: 'ecs', operation: 'ListClusters', kind: 'read', count: 1, … }]
 */
export function attachCallStats(clients: AwsClients, stats: CallStats): void {
  for (const [key, value] of Object.entries(clients)) {
    if (typeof value === 'object' && value !== null && 'middlewareStack' in value) {
      attachCallStatsToClient(value as ClientWithStack, stats, key);
    }
  }
}
