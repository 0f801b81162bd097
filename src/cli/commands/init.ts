/**
 * `stackctl init`: write a commented starter stack file.
 *
 * @module
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadCompose } from '../../desired/compose/index.js';
import { findComposeFiles, stackDirOf } from '../../desired/load-project.js';
import { renderStackFileTemplate, TEMPLATE_DEFAULT_REGION } from '../../desired/stack/index.js';
import { StackctlError } from '../../errors.js';
import { requireValidStackName } from '../args.js';
import { EXIT } from '../output.js';
import { resolveRegion } from './aws-context.js';
import { REMOTE_BUILD_CONTEXT } from './build-step.js';
import { projectLocationFromFlags } from './common.js';
import type { Command } from './types.js';

/** The stack `init` writes when `--stack` is not given. */
export const DEFAULT_INIT_STACK = 'dev';

/**
 * The file `init` writes for `stack`: `<dir>/<stack>.yaml`, refused (`STACK_NAME_INVALID`) if it would
 * resolve anywhere but directly inside `dir` (a second guard behind the stack-name check).
 */
export function stackFileTarget(dir: string, stack: string): string {
  const file = join(dir, `${stack}.yaml`);
  if (dirname(resolve(file)) !== resolve(dir)) {
    throw new StackctlError('STACK_NAME_INVALID', `stack file ${file} would be written outside ${dir}`);
  }
  return file;
}

/**
 * Services compose gives `build:` and no `image:`: the stack file `init` writes says, for each, that
 * reconcile builds it (or, for a context stackctl cannot build, that an image must be given).
 */
export function buildOnlyServices(
  services: Readonly<Record<string, { readonly image?: string; readonly build?: unknown }>>,
): readonly string[] {
  return Object.entries(services)
    .filter(([, s]) => s.build !== undefined && !s.image)
    .map(([name]) => name);
}

/** A build whose context is a git or URL context (compose allows them; stackctl builds local folders). */
function isRemoteBuildContext(build: unknown): boolean {
  const context =
    typeof build === 'object' && build !== null && 'context' in build ? String(build.context) : undefined;
  return context !== undefined && REMOTE_BUILD_CONTEXT.test(context);
}

/** `init [--stack S]`. */
export const initCommand: Command = {
  words: ['init'],
  usage: 'stackctl init [--stack S] [--region R] [--force]',
  summary:
    'Writes .stackctl/<stack>.yaml, a commented starter stack file for the compose app (default stack: dev).',
  async run({ flags }, io) {
    // The files docker compose would read (-f, COMPOSE_FILE, or compose.yaml plus its override file).
    const [composeFile, ...overrides] = findComposeFiles(projectLocationFromFlags(flags)) as [
      string,
      ...string[],
    ];
    // `--stack` was checked when the command line was parsed; checked again here because this is the
    // one command that builds a path from it and writes there.
    const stack = requireValidStackName(flags.stack ?? DEFAULT_INIT_STACK, '--stack');
    const compose = loadCompose({ file: composeFile, overrides, env: process.env as Record<string, string> });
    const dir = stackDirOf(composeFile);
    const file = stackFileTarget(dir, stack);
    if (existsSync(file) && !flags.force) {
      throw new StackctlError('STACK_EXISTS', `${file} already exists; pass --force to overwrite it`);
    }
    // --region > AWS_REGION > AWS_DEFAULT_REGION > the profile's region > us-east-1 (aws-context.ts).
    const region = await resolveRegion(flags, { fallback: TEMPLATE_DEFAULT_REGION });
    const buildOnly = buildOnlyServices(compose.services);
    const unbuildable = buildOnly.filter((name) => isRemoteBuildContext(compose.services[name]?.build));
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      file,
      renderStackFileTemplate({
        stack,
        ...(region ? { region: region.value } : {}),
        services: Object.keys(compose.services),
        buildOnly,
        unbuildable,
      }),
    );
    io.out(`wrote ${file}\n`);
    for (const name of buildOnly)
      io.out(
        unbuildable.includes(name)
          ? `  ${name}: its build context is remote and stackctl cannot build it; set its image in ${file} or pass --image ${name}=REF to plan/reconcile\n`
          : `  ${name}: built from source by reconcile (local Docker, else CodeBuild); an image in ${file} or --image ${name}=REF overrides that\n`,
      );
    return EXIT.ok;
  },
};
