/**
 * The build context as one zip, for an in-account build: CodeBuild's S3 source must be a zip.
 *
 * Layout: the context files (only those `.dockerignore` lets through, see build-inputs.ts) under
 * {@link ARCHIVE_CONTEXT_DIR}, and the Dockerfile at {@link ARCHIVE_DOCKERFILE}, outside the context so
 * it adds no file a `COPY . .` would pick up (and so one outside the context or excluded by
 * `.dockerignore` still builds, as with `docker build -f`). Zipped with `fflate` (no native code, no
 * dependencies); entries carry a fixed timestamp so the same inputs give the same bytes.
 *
 * @module
 */
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { type Zippable, zipSync } from 'fflate';
import type { BuildInputsDigest } from './build-inputs.js';

/** Folder of the archive holding the context. */
export const ARCHIVE_CONTEXT_DIR = 'context';
/** Path of the Dockerfile inside the archive. */
export const ARCHIVE_DOCKERFILE = 'Dockerfile.stackctl';

/** A fixed entry time: zip bytes then depend on the inputs alone. */
const ENTRY_TIME = new Date('2000-01-01T00:00:00Z');
/** Unix mode bits go in the high half of a zip entry's external attributes. */
const UNIX_ATTRS_SHIFT = 16;

/** Zips `inputs.files` of `context` and the Dockerfile ({@link ARCHIVE_CONTEXT_DIR} / {@link ARCHIVE_DOCKERFILE}). */
export function contextArchive(context: string, inputs: BuildInputsDigest): Uint8Array {
  const tree: Zippable = {};
  for (const rel of inputs.files) {
    const abs = join(context, rel);
    const st = lstatSync(abs);
    // A symlink is stored as a zip symlink entry (its target as data, mode 120777), which unzip restores.
    const data = st.isSymbolicLink() ? new TextEncoder().encode(readlinkSync(abs)) : readFileSync(abs);
    const mode = st.isSymbolicLink() ? 0o120777 : 0o100000 | (st.mode & 0o777);
    tree[`${ARCHIVE_CONTEXT_DIR}/${rel}`] = [
      data,
      { mtime: ENTRY_TIME, attrs: mode << UNIX_ATTRS_SHIFT, os: 3 },
    ];
  }
  tree[ARCHIVE_DOCKERFILE] = [readFileSync(inputs.dockerfilePath), { mtime: ENTRY_TIME }];
  return zipSync(tree, { level: 6 });
}
