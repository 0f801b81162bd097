/**
 * Which AWS call an error came from: `service:Operation`, the endpoint it was sent to and how many HTTP
 * attempts the SDK made, so every AWS failure a user reads names the call that failed
 * (`ecs:CreateService failed after 3 attempts (http://127.0.0.1:5000): ServiceUnavailable: injected`).
 *
 * Why a side table and not a wrapper error: appliers, observers and the state store branch on the SDK's
 * own exception (its name, `instanceof`, `$metadata`); wrapping every failure would break them. The
 * middleware ({@link attachCallSites}) records the call site of each failed `send` against the error
 * object itself, and the places that print errors (CLI, step results, {@link AwsCallError}) read it back.
 *
 * Only the client's bundle key, the command name, the endpoint's protocol/host/port and the attempt count
 * are recorded: never request parameters, which can hold secrets (SSM `PutParameter` `Value`).
 *
 * @module
 */
import type { AwsClients } from './types.js';

/** Where a failed AWS call went. */
export interface AwsCallSite {
  /** Bundle key of the client: `ecs`, `ssm`, `dynamodb`… */
  readonly service: string;
  /** API operation: `CreateService`. */
  readonly operation: string;
  /** `protocol//host:port` of the last attempt, when a request was built. */
  readonly endpoint?: string;
  /** HTTP attempts the SDK made (retries included); 0 when it failed before sending. */
  readonly attempts: number;
}

/** Name of the per-call middleware on every client (also the key to remove it by). */
export const CALL_SITE_MIDDLEWARE = 'stackctlCallSite';
/** Name of the per-attempt middleware that notes the endpoint and counts attempts. */
export const CALL_SITE_ATTEMPT_MIDDLEWARE = 'stackctlCallSiteAttempt';

/** How deep {@link callSiteOf} follows `cause` chains. */
const MAX_CAUSE_DEPTH = 5;

/** Call sites by error object; weak, so recording never keeps an error alive. */
const SITES = new WeakMap<object, AwsCallSite>();

/** Records that `err` came from `site` (the first record wins: the innermost call is the one that failed). */
export function recordCallSite(err: unknown, site: AwsCallSite): void {
  if (typeof err === 'object' && err !== null && !SITES.has(err)) SITES.set(err, site);
}

/** True for anything carrying its own call site (an `AwsCallError`), without importing it here. */
function ownSite(err: object): AwsCallSite | undefined {
  const e = err as { service?: unknown; operation?: unknown; callSite?: unknown };
  if (typeof e.callSite === 'object' && e.callSite !== null) return e.callSite as AwsCallSite;
  return undefined;
}

/**
 * The call site of `err` or of the first error in its `cause` chain that has one.
 *
 * @example callSiteOf(err) // { service: 'ecs', operation: 'CreateService', attempts: 3, endpoint: 'https://ecs…' }
 */
export function callSiteOf(err: unknown): AwsCallSite | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH; depth++) {
    if (typeof current !== 'object' || current === null) return undefined;
    const site = SITES.get(current) ?? ownSite(current);
    if (site) return site;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** `ecs:CreateService`, the form every message and the JSON `call` field use. */
export function formatCallName(site: Pick<AwsCallSite, 'service' | 'operation'>): string {
  return `${site.service}:${site.operation}`;
}

/**
 * `ecs:CreateService failed after 3 attempts (https://ecs.eu-west-1.amazonaws.com)`: the call, how many
 * times the SDK tried it and where it went.
 */
export function describeCallSite(site: AwsCallSite): string {
  const tries = site.attempts > 1 ? ` after ${site.attempts} attempts` : '';
  const where = site.endpoint ? ` (${site.endpoint})` : '';
  return `${formatCallName(site)} failed${tries}${where}`;
}

type Handler = (args: unknown) => Promise<unknown>;
interface SiteContext {
  readonly commandName?: string;
  /** Written by the attempt middleware, read by the call middleware: one context per `send`. */
  stackctlCallSite?: { endpoint?: string; attempts: number };
}
type Middleware = (next: Handler, context: SiteContext) => Handler;
interface StackLike {
  add(
    middleware: Middleware,
    options: { step: string; name: string; priority: string; override: boolean },
  ): void;
}

/** The request fields the attempt middleware reads: never headers, path, query or body. */
interface RequestLike {
  readonly protocol?: unknown;
  readonly hostname?: unknown;
  readonly port?: unknown;
}

function endpointOf(args: unknown): string | undefined {
  const request = (args as { request?: RequestLike } | undefined)?.request;
  if (!request || typeof request.hostname !== 'string') return undefined;
  const protocol = typeof request.protocol === 'string' ? request.protocol : 'https:';
  const port = typeof request.port === 'number' ? `:${request.port}` : '';
  return `${protocol}//${request.hostname}${port}`;
}

/**
 * Adds the call-site middlewares to one client, labelled `service`. Attaching again replaces them.
 * The call middleware sits in `initialize` (once per `send`, after all SDK retries); the attempt
 * middleware at the end of `finalizeRequest`, inside the SDK's retry loop.
 */
export function attachCallSiteToClient(client: { readonly middlewareStack: object }, service: string): void {
  const stack = client.middlewareStack as StackLike;
  const perCall: Middleware = (next, context) => async (args) => {
    try {
      return await next(args);
    } catch (err) {
      const seen = context.stackctlCallSite;
      recordCallSite(err, {
        service,
        operation: (context.commandName ?? 'unknown').replace(/Command$/, ''),
        attempts: seen?.attempts ?? 0,
        ...(seen?.endpoint ? { endpoint: seen.endpoint } : {}),
      });
      throw err;
    }
  };
  const perAttempt: Middleware = (next, context) => async (args) => {
    const seen = context.stackctlCallSite ?? { attempts: 0 };
    seen.attempts += 1;
    const endpoint = endpointOf(args);
    if (endpoint) seen.endpoint = endpoint;
    context.stackctlCallSite = seen;
    return next(args);
  };
  stack.add(perCall, { step: 'initialize', name: CALL_SITE_MIDDLEWARE, priority: 'high', override: true });
  stack.add(perAttempt, {
    step: 'finalizeRequest',
    name: CALL_SITE_ATTEMPT_MIDDLEWARE,
    priority: 'low',
    override: true,
  });
}

/** Attaches {@link attachCallSiteToClient} to every client of the bundle, labelled by its bundle key. */
export function attachCallSites(clients: AwsClients): void {
  for (const [key, value] of Object.entries(clients)) {
    if (typeof value === 'object' && value !== null && 'middlewareStack' in value) {
      attachCallSiteToClient(value as { readonly middlewareStack: object }, key);
    }
  }
}

/**
 * `message` naming the call that failed, when `err` carries a call site and the message does not name
 * the call already; else `message` unchanged. `lead` (for raw AWS errors, whose text is AWS's):
 * `ecs:CreateService failed after 3 attempts (…): message`. `trail` (for stackctl errors with an AWS
 * cause, whose text already says what went wrong): `message (call: dynamodb:PutItem)`.
 */
export function withCallSite(message: string, err: unknown, mode: 'lead' | 'trail' = 'lead'): string {
  const site = callSiteOf(err);
  if (!site || message.includes(formatCallName(site))) return message;
  return mode === 'lead'
    ? `${describeCallSite(site)}: ${message}`
    : `${message} (call: ${formatCallName(site)})`;
}
