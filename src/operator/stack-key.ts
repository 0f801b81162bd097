/**
 * The queue key of a stack, `project/stack`: what the watcher enqueues, the workers process and the
 * logs print. Project and stack names cannot contain `/` (they are `[a-z0-9-]`).
 *
 * @module
 */

/** `project/stack`. */
export function stackKey(project: string, stack: string): string {
  return `${project}/${stack}`;
}

/** The parts of a key made by {@link stackKey}. */
export function splitStackKey(key: string): { readonly project: string; readonly stack: string } {
  const i = key.indexOf('/');
  return { project: key.slice(0, i), stack: key.slice(i + 1) };
}
