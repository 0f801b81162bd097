/**
 * Describe-first creates, written once so every applier re-runs cheaply and treats a lost create race
 * (AlreadyExists) the same way: {@link createOrAdopt} for the named data kinds (RDS, ElastiCache), whose
 * `adopt` step checks the ownership tags, and {@link readOrCreate} for kinds that read the resource back
 * after creating it (IAM roles, log groups), whose caller checks the tags of what it read.
 *
 * @module
 */
import { isAlreadyExists } from '../aws/errors.js';
import type { ApplyResult } from './types.js';

/** The three service calls {@link createOrAdopt} orders. */
export interface CreateOrAdoptSteps<T> {
  /** The live resource by its name, or undefined when there is none. */
  readonly describe: () => Promise<T | undefined>;
  /** Creates the resource (with its ownership tags) and returns the apply result. */
  readonly create: () => Promise<ApplyResult>;
  /** Checks a live resource's ownership and returns its apply result (or throws a conflict). */
  readonly adopt: (live: T) => ApplyResult | Promise<ApplyResult>;
}

/**
 * Describes first and adopts a resource that exists; otherwise creates it. An AlreadyExists answer to
 * the create is a concurrent creator: the resource is described again and adopted (the original error is
 * rethrown when it cannot be found).
 */
export async function createOrAdopt<T>(steps: CreateOrAdoptSteps<T>): Promise<ApplyResult> {
  const existing = await steps.describe();
  if (existing) return steps.adopt(existing);
  try {
    return await steps.create();
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    const raced = await steps.describe();
    if (!raced) throw err;
    return steps.adopt(raced);
  }
}

/** The calls {@link readOrCreate} orders. */
export interface ReadOrCreateSteps<T> {
  /** The live resource by its exact name, or undefined when there is none. */
  readonly read: () => Promise<T | undefined>;
  /** Creates it with its ownership tags; an AlreadyExists answer (a concurrent creator) is ignored. */
  readonly create: () => Promise<unknown>;
  /** Names the resource in the error raised when it cannot be read back, e.g. `logs/app: log group x`. */
  readonly what: string;
}

/**
 * Reads the resource, creating it first when it does not exist yet, and returns what was read. For kinds
 * whose create answer lacks what the applier needs (IAM roles, log groups): the caller then checks the
 * ownership tags of whatever it got, created or pre-existing.
 */
export async function readOrCreate<T>(steps: ReadOrCreateSteps<T>): Promise<T> {
  const existing = await steps.read();
  if (existing) return existing;
  try {
    await steps.create();
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  const created = await steps.read();
  if (!created) throw new Error(`${steps.what} vanished right after create`);
  return created;
}
