/**
 * The slice of an SDK v3 client's middleware stack that stackctl's own middlewares use, typed once.
 *
 * Why not the SDK's types: `@smithy/types`' generic middleware signatures differ per step and per
 * client; every stackctl middleware only needs the command name and a handler to call, so one small
 * structural type serves every client without casts at each call site.
 *
 * @module
 */

/** The next handler of the stack: sends the (serialized or not) request on. */
export type Handler = (args: unknown) => Promise<unknown>;

/** What a stackctl middleware reads of the SDK's per-call context. */
export interface CommandContext {
  /** `CreateVpcCommand`, `DescribeServicesCommand`…: the operation plus `Command`. */
  readonly commandName?: string;
}

/** A middleware: wraps the next handler for one call. */
export type Middleware = (next: Handler, context: CommandContext) => Handler;

/** The `add` of a client's `middlewareStack`; every v3 client satisfies it. */
export interface StackLike {
  add(
    middleware: Middleware,
    options: { step: string; name: string; priority: string; override: boolean },
  ): void;
}

/** The operation a middleware runs for: the command name without its `Command` suffix. */
export function operationOf(context: CommandContext, fallback = 'unknown'): string {
  return (context.commandName ?? fallback).replace(/Command$/, '');
}
