/**
 * The build-inputs digest: what changes the image tag (and so causes a build) and what must not.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BUILD_ERROR,
  BUILD_TAG_PREFIX,
  type BuildInputs,
  buildInputsDigest,
  TAG_DIGEST_LENGTH,
} from '../../../src/build/index.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A context: Dockerfile, src/app.js, logs/x.log, a/b.log, and a `.dockerignore` of `ignore` lines. */
function context(ignore: readonly string[] = ['logs', '*.log']): string {
  const dir = mkdtempSync(join(tmpdir(), 'stackctl-digest-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'Dockerfile'), 'FROM node:20-slim\nCOPY . /app\n');
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'app.js'), 'console.log(1)\n');
  mkdirSync(join(dir, 'logs'));
  writeFileSync(join(dir, 'logs', 'x.log'), 'log\n');
  writeFileSync(join(dir, 'top.log'), 'log\n');
  mkdirSync(join(dir, 'a'));
  writeFileSync(join(dir, 'a', 'b.log'), 'log\n');
  writeFileSync(join(dir, '.dockerignore'), `${ignore.join('\n')}\n`);
  return dir;
}

type Row = {
  readonly reason: string;
  readonly ignore?: readonly string[];
  readonly change: (dir: string) => Partial<BuildInputs> | undefined;
  readonly changesTag: boolean;
};

describe('buildInputsDigest', () => {
  it.each<Row>([
    { reason: 'nothing changed', change: () => undefined, changesTag: false },
    {
      reason: 'a source file changed',
      change: (d) => void writeFileSync(join(d, 'src', 'app.js'), 'x'),
      changesTag: true,
    },
    {
      reason: 'a file was added',
      change: (d) => void writeFileSync(join(d, 'src', 'new.js'), ''),
      changesTag: true,
    },
    {
      reason: 'the Dockerfile changed',
      change: (d) => void writeFileSync(join(d, 'Dockerfile'), 'FROM node:22\n'),
      changesTag: true,
    },
    {
      reason: 'a file became executable (COPY keeps the bit)',
      change: (d) => void chmodSync(join(d, 'src', 'app.js'), 0o755),
      changesTag: true,
    },
    {
      reason: 'a file in an ignored folder changed',
      change: (d) => void writeFileSync(join(d, 'logs', 'x.log'), 'more'),
      changesTag: false,
    },
    {
      reason: 'a root file matching *.log changed',
      change: (d) => void writeFileSync(join(d, 'top.log'), 'more'),
      changesTag: false,
    },
    {
      reason: 'Docker rules, not git rules: *.log does not match below the root',
      change: (d) => void writeFileSync(join(d, 'a', 'b.log'), 'more'),
      changesTag: true,
    },
    {
      reason: '**/*.log matches at any depth',
      ignore: ['logs', '**/*.log'],
      change: (d) => void writeFileSync(join(d, 'a', 'b.log'), 'more'),
      changesTag: false,
    },
    {
      reason: 'a ! exception brings a file back from an ignored folder',
      ignore: ['logs', '!logs/x.log'],
      change: (d) => void writeFileSync(join(d, 'logs', 'x.log'), 'more'),
      changesTag: true,
    },
    {
      reason: "a Dockerfile's own <Dockerfile>.dockerignore replaces .dockerignore",
      change: (d) => {
        writeFileSync(join(d, 'Dockerfile.dockerignore'), 'src\n');
        writeFileSync(join(d, 'src', 'app.js'), 'changed but now ignored');
        return undefined;
      },
      // The file set itself changed (src/ left, logs/ and *.log came back), so the tag changes once.
      changesTag: true,
    },
    {
      reason: 'a build arg was added',
      change: () => ({ args: { NODE_ENV: 'production' } }),
      changesTag: true,
    },
    { reason: 'the target stage changed', change: () => ({ target: 'runtime' }), changesTag: true },
    { reason: 'the platform changed', change: () => ({ platform: 'linux/arm64' }), changesTag: true },
  ])('$reason → tag changes: $changesTag', ({ ignore, change, changesTag }) => {
    const dir = context(ignore);
    const before = buildInputsDigest({ context: dir });

    const extra = change(dir);
    const after = buildInputsDigest({ context: dir, ...extra });

    expect(after.tag !== before.tag).toBe(changesTag);
  });

  it('names the tag build-<40 hex> and lists the files the builder receives, sorted', () => {
    const dir = context();

    const d = buildInputsDigest({ context: dir });

    expect(d.tag).toMatch(new RegExp(`^${BUILD_TAG_PREFIX}[0-9a-f]{${TAG_DIGEST_LENGTH}}$`));
    expect(d.tag.slice(BUILD_TAG_PREFIX.length)).toBe(d.digest.slice(0, TAG_DIGEST_LENGTH));
    expect(d.files).toEqual(['.dockerignore', 'Dockerfile', 'a/b.log', 'src/app.js']);
  });

  it('a file changed then changed back gives the first tag again (content, not time)', () => {
    const dir = context();
    const first = buildInputsDigest({ context: dir }).tag;
    writeFileSync(join(dir, 'src', 'app.js'), 'other');
    writeFileSync(join(dir, 'src', 'app.js'), 'console.log(1)\n');

    expect(buildInputsDigest({ context: dir }).tag).toBe(first);
  });

  it.each([
    { reason: 'the context folder does not exist', inputs: (d: string) => ({ context: join(d, 'missing') }) },
    { reason: 'the Dockerfile does not exist', inputs: (d: string) => ({ context: d, dockerfile: 'Nope' }) },
  ])('refuses with BUILD_BAD_CONTEXT when $reason', ({ inputs }) => {
    const dir = context();

    expect(() => buildInputsDigest(inputs(dir))).toThrow(
      expect.objectContaining({ code: BUILD_ERROR.badContext }),
    );
  });
});
