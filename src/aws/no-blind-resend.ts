/**
 * Never resend blindly a call AWS cannot deduplicate.
 *
 * The SDK retries a call whose connection was reset or timed out, or which AWS answered with a 5xx. For
 * most calls that is right: a read, a named create (AWS answers "already exists"), a create with a
 * client token (AWS answers with the same resource) or an update can be sent twice. For the calls in
 * {@link NO_BLIND_RESEND} it is not: the first request may have been carried out (the server acted, the
 * response was lost), and a resend makes a second VPC, a second task definition revision, or fails on
 * the association the first request already made. For those, an ambiguous failure ends the call at once
 * with an {@link AmbiguousOutcomeError}; the step that made it is retried from its start, and every
 * applier's create begins with a read by the logical-id tag (or, for task definitions, a comparison
 * with the family's newest revision), which finds what the lost request made.
 *
 * Two middlewares per client: one inside the SDK's retry loop (per attempt) stops the retry with a plain
 * marker error the SDK does not retry, and one outside it turns the marker into the
 * {@link AmbiguousOutcomeError} (whose `cause` is the original failure: inside the loop that cause
 * would make the SDK retry after all).
 *
 * @module
 */
import { AmbiguousOutcomeError } from './ambiguous-outcome.js';
import { classifyAwsError } from './errors.js';
import type { Middleware, StackLike } from './middleware-types.js';
import type { AwsClients } from './types.js';

/**
 * `service:Operation` (service = bundle key) → why a resend is unsafe, and how the step finds what a lost
 * request made. docs/RELIABILITY.md "Lost responses" lists the same table.
 */
export const NO_BLIND_RESEND: ReadonlyMap<string, string> = new Map([
  ['ec2:CreateVpc', 'no client token, no unique name: found again by its logical-id tag'],
  ['ec2:CreateSubnet', 'no client token, no unique name: found again by its logical-id tag'],
  ['ec2:CreateInternetGateway', 'no client token: found again by its logical-id tag'],
  ['ec2:CreateRouteTable', 'no client token: found again by its logical-id tag'],
  ['ec2:CreateDhcpOptions', 'no client token: found again by its logical-id tag and options'],
  ['ec2:AllocateAddress', 'no client token: the NAT gateway step finds the address by its logical-id tag'],
  ['ec2:AttachInternetGateway', 'a resend fails (already attached): the step reads the attachments again'],
  ['ec2:AssociateRouteTable', 'a resend fails (already associated): the step reads the associations again'],
  ['ec2:CreateRoute', 'a resend fails (RouteAlreadyExists): the step reads the routes again'],
  ['elbv2:CreateRule', 'no token and no name: found again by its logical-id tag on the listener'],
  [
    'ecs:RegisterTaskDefinition',
    'every call adds a revision: the step compares the family’s newest revision with the spec first',
  ],
]);

/** Name of the marker error thrown inside the SDK's retry loop. */
const RESEND_REFUSED = 'StackctlResendRefused';
/** Per-attempt middleware name (inside the retry loop). */
export const NO_BLIND_RESEND_ATTEMPT_MIDDLEWARE = 'stackctlNoBlindResendAttempt';
/** Per-call middleware name (outside the retry loop). */
export const NO_BLIND_RESEND_MIDDLEWARE = 'stackctlNoBlindResend';

/**
 * Stops the SDK's retry loop: no `cause`, no `$metadata`, no network code, so the SDK classifies it a
 * client error and does not retry. Carries the original failure in a field the SDK does not inspect.
 */
class ResendRefused extends Error {
  readonly original: unknown;

  constructor(original: unknown) {
    super('resend refused after an ambiguous failure');
    this.name = RESEND_REFUSED;
    this.original = original;
  }
}

/**
 * True when a failed attempt says nothing about whether AWS acted: no HTTP answer at all (reset,
 * timeout, refused after sending) or a 5xx that is not a throttle. A throttle or any 4xx is a definite
 * "not done" (or a definite error), and the SDK may resend it.
 */
export function isAmbiguousFailure(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  if (classifyAwsError(err) === 'throttle') return false;
  const status = (err as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  if (typeof status === 'number') return status >= 500;
  return true;
}

/** Adds both middlewares to one client; `service` is its bundle key. */
export function attachNoBlindResendToClient(client: { middlewareStack: unknown }, service: string): void {
  const stack = client.middlewareStack as StackLike;
  const guarded = (context: { readonly commandName?: string }): string | undefined => {
    const operation = (context.commandName ?? '').replace(/Command$/, '');
    return NO_BLIND_RESEND.has(`${service}:${operation}`) ? operation : undefined;
  };
  const perAttempt: Middleware = (next, context) => async (args) => {
    if (guarded(context) === undefined) return next(args);
    try {
      return await next(args);
    } catch (err) {
      throw isAmbiguousFailure(err) ? new ResendRefused(err) : err;
    }
  };
  const perCall: Middleware = (next, context) => async (args) => {
    const operation = guarded(context);
    if (operation === undefined) return next(args);
    try {
      return await next(args);
    } catch (err) {
      if (err instanceof ResendRefused) throw new AmbiguousOutcomeError(service, operation, err.original);
      throw err;
    }
  };
  stack.add(perCall, {
    step: 'initialize',
    name: NO_BLIND_RESEND_MIDDLEWARE,
    priority: 'low',
    override: true,
  });
  stack.add(perAttempt, {
    step: 'finalizeRequest',
    name: NO_BLIND_RESEND_ATTEMPT_MIDDLEWARE,
    priority: 'low',
    override: true,
  });
}

/** Adds the guard to every client of the bundle (see the module doc). */
export function attachNoBlindResend(clients: AwsClients): void {
  for (const [service, value] of Object.entries(clients)) {
    if (typeof value !== 'object' || value === null || !('middlewareStack' in value)) continue;
    attachNoBlindResendToClient(value as { middlewareStack: unknown }, service);
  }
}
