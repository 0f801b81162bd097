/**
 * Headless Chromium for tests that must see a page the way a person would (the HTML drift report, the
 * operator's status page), driven through playwright-core (which downloads no browser).
 *
 * The browser, in order: the executable named by {@link CHROMIUM_ENV}; else the system Chromium at
 * {@link SYSTEM_CHROMIUM_PATH} when installed; else the build shipped in the `@sparticuz/chromium` dev
 * dependency, which `npm ci` fetches from the npm registry like any package, so a fresh machine needs
 * no apt and no browser CDN. That build is extracted once per version into the temp directory, together
 * with the shared libraries (NSS, expat) and font it carries, so it runs where those are not installed.
 *
 * When no browser launches: under CI (`CI=true`) the test fails with the ways to get one; elsewhere it
 * is skipped with a loud message saying what was not tested and how to get a browser.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { type Browser, chromium } from 'playwright-core';

/** Where the Debian `chromium` package installs the browser; used first when present. */
export const SYSTEM_CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Environment variable naming the browser to use: a Chromium executable, or `npm` for the
 * `@sparticuz/chromium` build even when a system Chromium exists (how the fresh-machine path is tested).
 */
export const CHROMIUM_ENV = 'STACKCTL_TEST_CHROMIUM';

/** The dev dependency that carries a Chromium build on the npm registry. */
export const NPM_CHROMIUM_PACKAGE = '@sparticuz/chromium';

/** What a person does to get a browser for these tests. */
export const CHROMIUM_INSTALL_HINT = `Run \`npm ci\` (it installs the ${NPM_CHROMIUM_PACKAGE} dev dependency from the npm registry), or install a system Chromium at ${SYSTEM_CHROMIUM_PATH} (\`apt-get install -y chromium\`), or set ${CHROMIUM_ENV} to a Chromium executable.`;

/** Flags that keep a test browser headless, offline and quiet. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The archives of `@sparticuz/chromium` (in its `bin/`) that the headless browser needs. */
const NPM_CHROMIUM_BINARY = 'chromium.br';
/** Shared libraries (lib/: NSS, NSPR, expat) a machine without a system Chromium may lack. */
const NPM_CHROMIUM_LIBRARIES = 'al2023.tar.br';
/** A font (fonts/) so text renders where no system fonts are installed. */
const NPM_CHROMIUM_FONTS = 'fonts.tar.br';

/** A browser executable and the environment it runs in. */
interface ChromiumExecutable {
  readonly source: string;
  readonly path: string;
  readonly env?: Readonly<Record<string, string>>;
}

/** What the caller gives up when no browser launches, and how its test is skipped outside CI. */
export interface ChromiumUse {
  /** What goes untested without a browser, e.g. "the HTML drift report as rendered in a browser". */
  readonly untested: string;
  /** The test context's `skip`. */
  readonly skip: (note: string) => never;
}

/**
 * Launches headless Chromium. Without one that launches: throws under CI, else skips the test loudly.
 * Close the browser when done.
 */
export async function launchChromium(use: ChromiumUse): Promise<Browser> {
  const failures: string[] = [];
  for (const candidate of chromiumCandidates()) {
    try {
      const executable = await candidate();
      return await chromium.launch({
        executablePath: executable.path,
        args: CHROMIUM_ARGS,
        ...(executable.env ? { env: { ...process.env, ...executable.env } } : {}),
      });
    } catch (error) {
      failures.push(error instanceof Error ? error.message.split('\n')[0]! : String(error));
    }
  }
  const message = `No headless Chromium could be launched (${failures.join('; ')}). ${CHROMIUM_INSTALL_HINT}`;
  if (isCi()) throw new Error(`${message} Not tested: ${use.untested}.`);
  const banner = '!'.repeat(100);
  console.warn(
    `\n${banner}\nSKIPPED, NOT TESTED: ${use.untested}.\n${message}\n(Under CI=true this fails.)\n${banner}\n`,
  );
  return use.skip(`not tested without headless Chromium: ${use.untested}`);
}

/** True under a CI runner: a missing browser is then a failure, never a skip. */
function isCi(): boolean {
  const ci = process.env.CI?.toLowerCase();
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/** Where to look for a browser, in order; each throws why it is not usable. */
function chromiumCandidates(): readonly (() => Promise<ChromiumExecutable>)[] {
  const chosen = process.env[CHROMIUM_ENV];
  if (chosen === 'npm') return [npmChromium];
  if (chosen) return [async () => existingExecutable(`${CHROMIUM_ENV}=${chosen}`, chosen)];
  const system = async () => existingExecutable('system Chromium', SYSTEM_CHROMIUM_PATH);
  return existsSync(SYSTEM_CHROMIUM_PATH) ? [system, npmChromium] : [npmChromium];
}

function existingExecutable(source: string, path: string): ChromiumExecutable {
  if (!existsSync(path)) throw new Error(`${source}: ${path} does not exist`);
  return { source, path };
}

/** The `@sparticuz/chromium` build, extracted on first use; throws when the package is not installed. */
async function npmChromium(): Promise<ChromiumExecutable> {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(NPM_CHROMIUM_PACKAGE);
  } catch (cause) {
    throw new Error(`${NPM_CHROMIUM_PACKAGE} is not installed`, { cause });
  }
  const packageDir = dirname(dirname(entry));
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const dir = await extractedOnce(join(tmpdir(), `stackctl-chromium-${version}`), (staging, final) =>
    extractNpmChromium(join(packageDir, 'bin'), staging, final),
  );
  return {
    source: `${NPM_CHROMIUM_PACKAGE}@${version}`,
    path: join(dir, 'chromium'),
    env: {
      LD_LIBRARY_PATH: [join(dir, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      FONTCONFIG_PATH: dir,
    },
  };
}

/**
 * `dir`, filled by `fill` unless a complete copy exists. Filled in a private staging directory renamed
 * into place, so parallel test workers never run a half-written browser.
 */
async function extractedOnce(
  dir: string,
  fill: (staging: string, final: string) => Promise<void>,
): Promise<string> {
  if (existsSync(dir)) return dir;
  const staging = await mkdtemp(`${dir}.partial-`);
  try {
    await fill(staging, dir);
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(dir)) throw error;
  }
  return dir;
}

/** Fills `dest` (renamed to `final` afterwards) with the browser, its libraries and fonts. */
async function extractNpmChromium(bin: string, dest: string, final: string): Promise<void> {
  await pipeline(
    createReadStream(join(bin, NPM_CHROMIUM_BINARY)),
    createBrotliDecompress(),
    createWriteStream(join(dest, 'chromium'), { mode: 0o755 }),
  );
  await untarBrotli(join(bin, NPM_CHROMIUM_LIBRARIES), dest);
  await untarBrotli(join(bin, NPM_CHROMIUM_FONTS), dest);
  // The package's fonts.conf names Lambda's directories; this one names the system's and the extracted.
  await writeFile(
    join(dest, 'fonts.conf'),
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>/usr/share/fonts</dir>\n  <dir>${join(final, 'fonts')}</dir>\n  <cachedir>${join(tmpdir(), 'stackctl-chromium-fonts-cache')}</cachedir>\n</fontconfig>\n`,
  );
}

/** Extracts a Brotli-compressed tar archive with the system `tar`. */
async function untarBrotli(archive: string, dest: string): Promise<void> {
  const tar = spawn('tar', ['-x', '-C', dest], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  tar.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    tar.once('error', reject);
    tar.once('close', resolve);
  });
  await pipeline(createReadStream(archive), createBrotliDecompress(), tar.stdin);
  const code = await exited;
  if (code !== 0) throw new Error(`tar -x of ${archive} exited ${code}: ${stderr.trim()}`);
}
