/**
 * Test helper: writes a small compose project to a temp directory and loads it, returning the model or
 * the ComposeError (any other error propagates and fails the test).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { ComposeError, type LoadComposeOptions, loadCompose } from '../../../../src/desired/compose/index.js';
import type { ComposeModel } from '../../../../src/desired/compose-types.js';

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** Removes the common indentation of a template literal, so fixtures can be written indented. */
export function yaml(strings: TemplateStringsArray, ...values: readonly unknown[]): string {
  const text = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(
    ...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length),
  );
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** Writes `files` (path → content) into a fresh temp directory and returns it. */
export function writeProject(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'stackctl-compose-'));
  created.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** The outcome of a load: the model, or the ComposeError. */
export type LoadOutcome = { readonly model: ComposeModel } | { readonly error: ComposeError };

/** Writes `compose.yaml` (plus `extra` files) and loads it with an empty shell environment by default. */
export function load(
  compose: string,
  extra: Readonly<Record<string, string>> = {},
  options: Omit<LoadComposeOptions, 'file'> = {},
): LoadOutcome & { readonly dir: string; readonly file: string } {
  const dir = writeProject({ 'compose.yaml': compose, ...extra });
  const file = join(dir, 'compose.yaml');
  try {
    return { model: loadCompose({ env: {}, ...options, file }), dir, file };
  } catch (e) {
    if (e instanceof ComposeError) return { error: e, dir, file };
    throw e;
  }
}

/** The model of a load that must succeed (fails the test with the problems otherwise). */
export function loadOk(
  compose: string,
  extra: Readonly<Record<string, string>> = {},
  options: Omit<LoadComposeOptions, 'file'> = {},
): ComposeModel {
  const outcome = load(compose, extra, options);
  if ('error' in outcome)
    throw new Error(`expected the compose file to load, got:\n${outcome.error.message}`);
  return outcome.model;
}

/** The error of a load that must fail. */
export function loadError(
  compose: string,
  extra: Readonly<Record<string, string>> = {},
  options: Omit<LoadComposeOptions, 'file'> = {},
): ComposeError {
  const outcome = load(compose, extra, options);
  if ('model' in outcome) throw new Error('expected the compose file to be rejected, but it loaded');
  return outcome.error;
}
