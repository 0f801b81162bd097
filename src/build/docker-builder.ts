/**
 * `DockerBuilder`: builds with the local Docker engine and pushes to ECR.
 *
 * Available when `docker version` answers (the client alone is not enough: the engine must reply).
 * Logs in to the registry with an ECR authorization token (the password goes to `docker login` on
 * stdin, never on a command line or in output), then runs `docker buildx build --push` when buildx is
 * installed, else `docker build` followed by `docker push`. Docker reads the context and `.dockerignore`
 * itself, the same file set build-inputs.ts digests.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { type ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { BUILD_ERROR, BuildError } from './errors.js';
import type { BuildRequest, BuiltImage, ImageBuilder } from './image-builder.js';

/** How long `docker version` may take to answer before the engine counts as absent. */
export const DOCKER_PROBE_TIMEOUT_MS = 10_000;
/** Output lines kept to explain a failed build. */
const FAILURE_TAIL_LINES = 20;

/** One finished command. */
export interface CommandResult {
  readonly code: number;
  /** The last lines of stdout and stderr together. */
  readonly tail: readonly string[];
}

/** Runs a command, streaming each output line to `onLine`; `stdin` is written and closed. */
export type CommandRunner = (
  command: string,
  args: readonly string[],
  options: { readonly stdin?: string; readonly onLine?: (line: string) => void; readonly timeoutMs?: number },
) => Promise<CommandResult>;

/** {@link CommandRunner} with `child_process.spawn` (no shell: arguments are never re-parsed). */
export const spawnRunner: CommandRunner = (command, args, options) =>
  new Promise((resolve) => {
    const child = spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    let pending = '';
    const onData = (chunk: Buffer): void => {
      pending += chunk.toString('utf8');
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > FAILURE_TAIL_LINES) tail.shift();
        options.onLine?.(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', () => {
      clearTimeout(timer);
      resolve({ code: -1, tail });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (pending) tail.push(pending);
      resolve({ code: code ?? -1, tail });
    });
    child.stdin.end(options.stdin ?? '');
  });

/** The `docker` arguments of one build: buildx pushes itself; plain `docker build` only tags. */
export function dockerBuildArgs(request: BuildRequest, buildx: boolean): string[] {
  return [
    ...(buildx ? ['buildx', 'build', '--push'] : ['build']),
    '--platform',
    request.platform,
    '-f',
    request.dockerfilePath,
    ...(request.target ? ['--target', request.target] : []),
    ...Object.keys(request.args)
      .sort()
      .flatMap((k) => ['--build-arg', `${k}=${request.args[k]}`]),
    '-t',
    request.imageRef,
    request.context,
  ];
}

/** True when a Docker engine answers `docker version` within {@link DOCKER_PROBE_TIMEOUT_MS}. */
export async function dockerAvailable(run: CommandRunner = spawnRunner): Promise<boolean> {
  const result = await run('docker', ['version', '--format', '{{.Server.Version}}'], {
    timeoutMs: DOCKER_PROBE_TIMEOUT_MS,
  });
  return result.code === 0;
}

/** Builds with the local Docker engine (see the module doc). */
export class DockerBuilder implements ImageBuilder {
  readonly name = 'docker';
  readonly #ecr: ECRClient;
  readonly #run: CommandRunner;
  readonly #loggedIn = new Set<string>();

  constructor(ecr: ECRClient, run: CommandRunner = spawnRunner) {
    this.#ecr = ecr;
    this.#run = run;
  }

  async build(request: BuildRequest): Promise<BuiltImage> {
    await this.#login(request.imageRef.split('/')[0] ?? '');
    const buildx = (await this.#run('docker', ['buildx', 'version'], {})).code === 0;
    const onLine = (line: string): void => request.onProgress?.(`${request.service}: ${line}`);
    await this.#step(request, dockerBuildArgs(request, buildx), onLine);
    if (!buildx) await this.#step(request, ['push', request.imageRef], onLine);
    return { imageRef: request.imageRef };
  }

  async #step(request: BuildRequest, args: readonly string[], onLine: (line: string) => void): Promise<void> {
    const result = await this.#run('docker', args, { onLine });
    if (result.code !== 0)
      throw new BuildError(
        BUILD_ERROR.failed,
        `docker ${args[0] === 'push' ? 'push' : 'build'} of ${request.service} failed (exit ${result.code}):\n${result.tail.join('\n')}`,
      );
  }

  async #login(registry: string): Promise<void> {
    if (this.#loggedIn.has(registry)) return;
    const out = await this.#ecr.send(new GetAuthorizationTokenCommand({}));
    const token = out.authorizationData?.[0]?.authorizationToken ?? '';
    const password = Buffer.from(token, 'base64').toString('utf8').replace(/^AWS:/, '');
    const result = await this.#run('docker', ['login', '--username', 'AWS', '--password-stdin', registry], {
      stdin: password,
    });
    if (result.code !== 0)
      throw new BuildError(BUILD_ERROR.failed, `docker login to ${registry} failed (exit ${result.code})`);
    this.#loggedIn.add(registry);
  }
}
