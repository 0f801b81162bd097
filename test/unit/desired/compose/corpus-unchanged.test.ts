/**
 * Multi-file loading must not change what a single compose file loads to: every file of the shared corpus
 * is loaded through the one-file option (`file`) and through the file list the CLI builds
 * (`findComposeFiles` with `files: [that file]`, then `file` plus `overrides`), and both must give the
 * same outcome (models, warnings, locations and errors). No copy of the corpus or of what it loads to is
 * kept in this repository: the corpus is read from ../shared only.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ComposeError, type LoadComposeOptions, loadCompose } from '../../../../src/desired/compose/index.js';
import { findComposeFiles } from '../../../../src/desired/load-project.js';
import { corpusDir } from '../../../helpers/corpus.js';

const dir = corpusDir();
const COMPOSE_FILE = /^compose.*\.yaml$/;

function walk(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    if (statSync(path).isDirectory()) return walk(path);
    return COMPOSE_FILE.test(name)
      ? [
          relative(dir ?? '', path)
            .split(sep)
            .join('/'),
        ]
      : [];
  });
}

/** The outcome as plain data. */
function outcome(options: LoadComposeOptions): unknown {
  let result: unknown;
  try {
    result = { model: loadCompose(options) };
  } catch (e) {
    if (!(e instanceof ComposeError)) throw e;
    result = {
      problems: e.problems.map((p) => ({
        code: p.code,
        message: p.message,
        field: p.field,
        location: p.location,
      })),
    };
  }
  return JSON.parse(
    JSON.stringify(result)
      .split(dir ?? '\u0000')
      .join('<corpus>'),
  );
}

describe.runIf(dir !== undefined)('compose corpus after multi-file loading', () => {
  const files = dir === undefined ? [] : walk(dir).sort();

  it('covers the whole corpus', () => {
    expect(files.length).toBeGreaterThanOrEqual(42);
  });

  it('loads every file exactly as the one-file loader did', async () => {
    for (const rel of files) {
      const file = join(dir ?? '', rel);
      const single = outcome({ env: {}, file });
      const [first, ...overrides] = findComposeFiles({ cwd: dir ?? '', files: [rel] }, {});
      expect(overrides, rel).toEqual([]);
      expect(outcome({ env: {}, file: first as string, overrides }), rel).toEqual(single);
    }
  });
});
