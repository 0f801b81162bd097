/**
 * Bounded waiting, for the SIGTERM drain: ECS kills the task when its stop timeout ends, so every wait
 * during shutdown must end on time whether or not what it waits for did.
 *
 * @module
 */

/** Waits for `promise` at most `ms`; true when it settled in time. */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
