/**
 * The end-to-end harness: one real moto server per test file, and the `stackctl` CLI driven in-process
 * through `run(argv, io)` with a captured Io, so a test sees exactly the exit code, stdout and stderr a
 * user would, without paying a process start per command.
 *
 * The CLI builds its own AWS clients from the environment (as it does for users), so the harness scopes
 * moto's fake credentials to the test file's process and restores the previous values on stop; the
 * endpoint is always passed as `--endpoint-url`. Test files run in separate forks, so nothing leaks.
 *
 * @module
 */
import type { AwsClients } from '../../../src/aws/types.js';
import { run } from '../../../src/cli/main.js';
import type { ExitCode, Io } from '../../../src/cli/output.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';

/** What one CLI invocation printed and returned. */
export interface CliResult {
  readonly code: ExitCode;
  readonly out: string;
  readonly err: string;
}

/** Environment variables the harness sets (or clears) for the CLI while a test file runs. */
const SCOPED_ENV: Readonly<Record<string, string | undefined>> = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_ENDPOINT_URL: undefined,
  STACKCTL_TABLE: undefined,
  NO_COLOR: '1',
};

/**
 * moto keeps a run task RUNNING until it is described a few times; the one-off-task applier polls every
 * 5 s, so a migration would cost ~15 s per converge. "immediate" makes a task finish on its first read
 * (exit code 0), which keeps the suite fast without changing what is asserted.
 */
const ECS_TASK_TRANSITION = { model_name: 'ecs::task', transition: { progression: 'immediate' } };

/** A moto server plus the CLI and SDK clients pointed at it. */
export interface E2eEnv {
  readonly endpoint: string;
  /** SDK clients for setting up scenarios and reading AWS back (not counted by the CLI's `--stats`). */
  readonly clients: AwsClients;
  /** Runs `stackctl ...args` against moto. */
  cli(...args: string[]): Promise<CliResult>;
  /** {@link cli} with `-C dir` prepended: a command in a project directory. */
  cliIn(dir: string): (...args: string[]) => Promise<CliResult>;
  /** Wipes moto (between independent scenarios of one file). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

async function configureMoto(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify(ECS_TASK_TRANSITION),
  });
  if (!res.ok) throw new Error(`moto refused the ECS task transition: HTTP ${res.status}`);
}

/**
 * Sets the CLI's environment ({@link SCOPED_ENV} plus `extra`) in this process; the returned function
 * puts the previous values back. Used by the e2e harness and by `npm run bench`.
 */
export function scopeCliEnv(extra: Readonly<Record<string, string | undefined>> = {}): () => void {
  const wanted = { ...SCOPED_ENV, ...extra };
  const saved = new Map(Object.keys(wanted).map((k) => [k, process.env[k]] as const));
  for (const [k, v] of Object.entries(wanted)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** An Io that records everything and answers no to every prompt (there is no terminal). */
export function captureIo(stdin = ''): { io: Io; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      out: (t) => {
        out += t;
      },
      err: (t) => {
        err += t;
      },
      readStdin: async () => stdin,
      confirm: async () => false,
    },
    out: () => out,
    err: () => err,
  };
}

/** Runs the CLI in-process with `argv` and a captured Io. */
export async function runCli(argv: readonly string[]): Promise<CliResult> {
  const cap = captureIo();
  const code = await run(argv, cap.io);
  return { code, out: cap.out(), err: cap.err() };
}

/** Options of {@link startE2e}. */
export interface E2eOptions {
  /**
   * Tasks moto reports running per ECS service (`MOTO_ECS_SERVICE_RUNNING`). A service counts as healthy
   * once as many run as it desires, so stacks with more replicas (prod: 4) need as many. @default 1
   */
  readonly runningTasksPerService?: number;
}

/** Starts moto and scopes the CLI's environment to it; call in `beforeAll`, `stop()` in `afterAll`. */
export async function startE2e(options: E2eOptions = {}): Promise<E2eEnv> {
  const moto: MotoServer = await startMoto({
    env: {
      MOTO_ECS_SERVICE_RUNNING: String(options.runningTasksPerService ?? 1),
      // ACM certificates are ISSUED at once instead of after 60 s (an HTTPS listener waits for it).
      MOTO_ACM_VALIDATION_WAIT: '0',
    },
  });
  const restoreEnv = scopeCliEnv();
  await configureMoto(moto.endpoint);
  const cli = (...args: string[]) => runCli([...args, '--endpoint-url', moto.endpoint]);
  return {
    endpoint: moto.endpoint,
    clients: motoClients(moto.endpoint),
    cli,
    cliIn:
      (dir) =>
      (...args) =>
        cli('-C', dir, ...args),
    async reset() {
      await moto.reset();
      await configureMoto(moto.endpoint);
    },
    async stop() {
      restoreEnv();
      await moto.stop();
    },
  };
}

/** Parses a command's stdout as JSON, failing with what it printed when it is not JSON. */
export function parseJson<T>(result: CliResult): T {
  try {
    return JSON.parse(result.out) as T;
  } catch (cause) {
    throw new Error(
      `expected JSON on stdout (exit ${result.code}):\n${result.out}\n--- stderr:\n${result.err}`,
      {
        cause,
      },
    );
  }
}
