/**
 * What an image is built from, and the digest of it that becomes the image tag.
 *
 * The tag is a sha256 over everything `docker build` would see: the files of the context that
 * `.dockerignore` lets through (sorted paths, executable bit, contents, symlink targets), the Dockerfile,
 * the build args, the target stage and the platform. Same inputs, same tag: a tag already in the
 * repository means the image is there, so nothing is built or pushed again. A file `.dockerignore`
 * excludes never reaches the builder, so changing it changes nothing here either.
 *
 * `.dockerignore` is matched with `@balena/dockerignore`, a port of Docker's own matcher (moby's
 * `fileutils`, Go `filepath.Match` semantics). The more popular `ignore` package implements
 * `.gitignore`, whose rules differ in ways that change the file set: a pattern without a slash matches
 * at any depth in git but only at the context root in Docker (`*.log` does not exclude `a/b.log` in a
 * Docker build). Using git's rules would make the digest disagree with what the builder receives.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import dockerignore from '@balena/dockerignore';
import { BUILD_ERROR, BuildError } from './errors.js';

/** The Dockerfile compose assumes when `build.dockerfile` is absent. */
export const DEFAULT_DOCKERFILE = 'Dockerfile';

/** Platform images are built for: Fargate's default CPU architecture. */
export const BUILD_PLATFORM = 'linux/amd64';

/** Prefix of every tag stackctl gives a built image, so its tags are told apart from hand-pushed ones. */
export const BUILD_TAG_PREFIX = 'build-';

/** Hex characters of the digest kept in the tag (160 bits: collisions are not a practical concern). */
export const TAG_DIGEST_LENGTH = 40;

/** Version of the digest recipe; changing the recipe changes it, so old tags are never misread. */
const DIGEST_RECIPE = 'stackctl-build-inputs/v1';

/** The inputs of one image build, as compose's `build:` states them. */
export interface BuildInputs {
  /** Absolute path of the build context folder. */
  readonly context: string;
  /** Dockerfile path relative to the context (compose's rule). @default {@link DEFAULT_DOCKERFILE} */
  readonly dockerfile?: string;
  /** Build args (`--build-arg`). @default {} */
  readonly args?: Readonly<Record<string, string>>;
  /** Stage to build (`--target`). @default the last stage */
  readonly target?: string;
  /** @default {@link BUILD_PLATFORM} */
  readonly platform?: string;
}

/** The digest of one build's inputs and what it was computed over. */
export interface BuildInputsDigest {
  /** Full sha256, hex. */
  readonly digest: string;
  /** The image tag: {@link BUILD_TAG_PREFIX} + the first {@link TAG_DIGEST_LENGTH} hex digits. */
  readonly tag: string;
  /** Context files sent to the builder (after `.dockerignore`), relative POSIX paths, sorted. */
  readonly files: readonly string[];
  /** Absolute path of the Dockerfile. */
  readonly dockerfilePath: string;
}

/** The image tag for a digest. */
export function imageTagFor(digest: string): string {
  return `${BUILD_TAG_PREFIX}${digest.slice(0, TAG_DIGEST_LENGTH)}`;
}

/**
 * The `.dockerignore` that applies: BuildKit's `<Dockerfile>.dockerignore` next to the Dockerfile when
 * present, else `<context>/.dockerignore`, else none.
 */
export function dockerignoreFile(context: string, dockerfilePath: string): string | undefined {
  for (const candidate of [`${dockerfilePath}.dockerignore`, join(context, '.dockerignore')])
    if (existsSync(candidate)) return candidate;
  return undefined;
}

/** Context files the builder receives: every regular file and symlink `.dockerignore` does not exclude. */
export function contextFiles(context: string, ignoreFile: string | undefined): string[] {
  const patterns = ignoreFile === undefined ? [] : readFileSync(ignoreFile, 'utf8').split(/\r?\n/);
  // The package is CommonJS whose typings declare `export default`: `.default` is the factory either way.
  const matcher = dockerignore.default().add(patterns);
  // An excluded folder is read only when an exception could bring something inside it back (as Docker
  // itself decides): `*` + `!src` never opens node_modules.
  const exceptions = patterns
    .map((p) => p.trim())
    .filter((p) => p.startsWith('!'))
    .map((p) => p.slice(1).replace(/^\/+/, ''));
  const mayReinclude = (rel: string): boolean =>
    exceptions.some((e) => /[*?[\\]/.test(e) || e.startsWith(`${rel}/`));
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, entry.name);
      const rel = relative(context, abs).split(sep).join('/');
      if (entry.isDirectory()) {
        if (!matcher.ignores(rel) || mayReinclude(rel)) walk(abs);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && !matcher.ignores(rel)) {
        out.push(rel);
      }
    }
  };
  walk(context);
  return out.sort();
}

/**
 * The digest of `inputs` ({@link BuildInputsDigest}); reads the context, no other I/O.
 *
 * @example buildInputsDigest({ context: '/app/web', args: { NODE_ENV: 'production' } }).tag // 'build-3f2a…'
 */
export function buildInputsDigest(inputs: BuildInputs): BuildInputsDigest {
  const context = resolve(inputs.context);
  if (!existsSync(context) || !statSync(context).isDirectory())
    throw new BuildError(BUILD_ERROR.badContext, `build context ${context} is not a folder`);
  const dockerfile = inputs.dockerfile ?? DEFAULT_DOCKERFILE;
  const dockerfilePath = isAbsolute(dockerfile) ? dockerfile : join(context, dockerfile);
  if (!existsSync(dockerfilePath))
    throw new BuildError(BUILD_ERROR.badContext, `Dockerfile ${dockerfilePath} does not exist`);
  const files = contextFiles(context, dockerignoreFile(context, dockerfilePath));
  const hash = createHash('sha256');
  const field = (...parts: readonly (string | number)[]): void => {
    for (const p of parts) hash.update(`${p}\0`);
  };
  field(DIGEST_RECIPE, 'platform', inputs.platform ?? BUILD_PLATFORM, 'target', inputs.target ?? '');
  const args = inputs.args ?? {};
  for (const key of Object.keys(args).sort()) field('arg', key, args[key] as string);
  field('dockerfile');
  hash.update(readFileSync(dockerfilePath));
  for (const rel of files) {
    const abs = join(context, rel);
    const st = lstatSync(abs);
    if (st.isSymbolicLink()) {
      field('link', rel, readlinkSync(abs));
    } else {
      // Only the executable bit survives into the image in a way a program can notice.
      field('file', rel, st.mode & 0o111 ? 'x' : '-', st.size);
      hash.update(readFileSync(abs));
    }
  }
  const digest = hash.digest('hex');
  return { digest, tag: imageTagFor(digest), files, dockerfilePath };
}
