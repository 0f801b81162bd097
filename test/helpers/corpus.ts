/**
 * Finds the shared compose corpus (`../shared/compose-corpus`, beside the repository), which holds real
 * compose files for the loader's corpus test.
 *
 * The corpus lives outside the repository: on a developer machine without it the corpus test is skipped
 * with a message; under CI (`CI=true`) a missing corpus is a failure, so CI can never pass by skipping.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is `test/helpers/corpus.ts`). */
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where the corpus is expected, relative to the repository root. */
export const CORPUS_RELATIVE_PATH = '../shared/compose-corpus';

/** The message of the CI failure when the corpus is absent. */
export const CORPUS_MISSING_MESSAGE = `${CORPUS_RELATIVE_PATH} is missing (expected at ${resolve(REPO_ROOT, CORPUS_RELATIVE_PATH)}); CI must run the compose corpus test`;

/** The absolute corpus directory, or `undefined` when it is absent. */
export function corpusDir(): string | undefined {
  const dir = resolve(REPO_ROOT, CORPUS_RELATIVE_PATH);
  return existsSync(dir) ? dir : undefined;
}

/**
 * The corpus directory; when it is absent, throws {@link CORPUS_MISSING_MESSAGE} under CI and otherwise
 * logs that the corpus test is skipped and returns `undefined`.
 *
 * @param env - where `CI` is read. @default process.env
 * @param locate - finds the corpus (injected by the helper's own tests). @default corpusDir
 */
export function requireCorpus(
  env: Readonly<Record<string, string | undefined>> = process.env,
  locate: () => string | undefined = corpusDir,
): string | undefined {
  const dir = locate();
  if (dir !== undefined) return dir;
  if (env.CI === 'true') throw new Error(CORPUS_MISSING_MESSAGE);
  console.info(`compose corpus absent (${CORPUS_RELATIVE_PATH}): the corpus test was skipped`);
  return undefined;
}
