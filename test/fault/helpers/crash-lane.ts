/**
 * One lane of the crash suite: a moto server, a copy of the example app, and the moves of a case: run the
 * CLI as a child that kills itself after its Nth mutating call, run it in-process, expire a dead holder's
 * lease, read the journal.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  FAULT_KILL_AFTER_MUTATIONS_ENV,
  FAULT_KILL_OPERATION_ENV,
} from '../../../src/aws/fault-injection.js';
import type { AwsClients } from '../../../src/aws/types.js';
import { run } from '../../../src/cli/main.js';
import { DEFAULT_TABLE_NAME } from '../../../src/state/index.js';
import { leaseKey, SK_RESOURCE_PREFIX, stackPk } from '../../../src/state/keys.js';
import { motoClients } from '../../helpers/aws.js';
import type { MotoServer } from '../../helpers/moto.js';

/** What a CLI run printed and how it ended. */
export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
}

/** A journal item, as stored. */
export interface JournalItem {
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly createPending?: { readonly token: string; readonly at: string };
}

/** Fake credentials moto accepts. */
export const MOTO_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' } as const;

/** The secret the example app needs; a fixed test value. */
export const CONFIG_KEY = 'API_TOKEN';

/** Options for {@link CrashLane}. */
export interface CrashLaneOptions {
  readonly moto: MotoServer;
  /** Directory holding compose.yaml and .stackctl/. */
  readonly appDir: string;
  /** The built CLI (`<outDir>/cli/main.js`) the child runs. */
  readonly cliJs: string;
  readonly project: string;
  readonly stack: string;
}

/** One moto server and what a case does with it. */
export class CrashLane {
  readonly clients: AwsClients;
  readonly #o: CrashLaneOptions;
  readonly #doc: DynamoDBDocumentClient;

  constructor(options: CrashLaneOptions) {
    this.#o = options;
    this.clients = motoClients(options.moto.endpoint);
    this.#doc = DynamoDBDocumentClient.from(this.clients.dynamodb);
  }

  get endpoint(): string {
    return this.#o.moto.endpoint;
  }

  /** The flags every command of a case shares. */
  #common(): string[] {
    return ['--stack', this.#o.stack, '-C', this.#o.appDir, '--endpoint-url', this.endpoint];
  }

  /** Runs stackctl in this process (`run()` of src/cli/main.ts), capturing its output. */
  async cli(argv: readonly string[], stdin = ''): Promise<CliRun> {
    let out = '';
    let err = '';
    const code = await run([...argv, ...this.#common()], {
      out: (t) => {
        out += t;
      },
      err: (t) => {
        err += t;
      },
      readStdin: async () => stdin,
      confirm: async () => false,
    });
    return { code, signal: null, out, err };
  }

  /** Wipes moto, then sets the config key the stack needs, as a user would after `init`. */
  async freshAccount(): Promise<void> {
    await this.#o.moto.reset();
    const set = await this.cli(['config', 'set', CONFIG_KEY, '--from-stdin'], 'kill9-test-token\n');
    if (set.code !== 0) throw new Error(`config set failed: ${set.err}`);
  }

  /**
   * Runs `reconcile --once` as a child process of the built CLI; with `killAfter`, the child SIGKILLs
   * itself after that many mutating calls (STACKCTL_FAULT_KILL_AFTER_MUTATIONS), of `operation` only
   * when given (STACKCTL_FAULT_KILL_OPERATION, `service:Operation`).
   */
  async spawnReconcile(killAfter?: number, operation?: string): Promise<CliRun> {
    return this.spawnCli(['reconcile', '--once', '--output', 'json', '--stats'], {
      [FAULT_KILL_AFTER_MUTATIONS_ENV]: killAfter === undefined ? undefined : String(killAfter),
      [FAULT_KILL_OPERATION_ENV]: operation,
    });
  }

  /**
   * Runs any command of the built CLI as a child process, with the lane's common flags and `env` on top
   * of this process's environment (the fault suite arms STACKCTL_FAULT_* this way: the hook must arm in
   * the child only). A variable set to `undefined` is removed. With `timeoutMs`, a child still running
   * then is killed (SIGKILL) and its output so far returned, so a hang shows what it was doing.
   */
  async spawnCli(
    argv: readonly string[],
    env: Readonly<Record<string, string | undefined>> = {},
    timeoutMs?: number,
  ): Promise<CliRun> {
    const childEnv: Record<string, string | undefined> = {
      ...process.env,
      ...MOTO_CREDENTIALS,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    };
    const child = spawn(process.execPath, [this.#o.cliJs, ...argv, ...this.#common()], {
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            err += `\n(killed by the test after ${timeoutMs} ms)\n`;
            child.kill('SIGKILL');
          }, timeoutMs);
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, out, err });
      });
    });
  }

  /** The lease item of the stack: who holds it and until when (undefined before the first pass). */
  async lease(): Promise<{ readonly owner?: string; readonly expiresAtMs: number } | undefined> {
    let item: Record<string, unknown> | undefined;
    try {
      const res = await this.#doc.send(
        new GetCommand({
          TableName: DEFAULT_TABLE_NAME,
          Key: leaseKey(this.#o.project, this.#o.stack),
          ConsistentRead: true,
        }),
      );
      item = res.Item;
    } catch (err) {
      // Killed before the state table existed.
      if (err instanceof Error && err.name === 'ResourceNotFoundException') return undefined;
      throw err;
    }
    if (!item) return undefined;
    return {
      ...(typeof item.owner === 'string' ? { owner: item.owner } : {}),
      expiresAtMs: Number(item.leaseExpiresAtMs ?? 0),
    };
  }

  /**
   * Moves a dead holder's lease expiry to the past: what the clock does by itself within the lease
   * duration (20 s). Only the expiry changes; owner and fence stay, so the next pass takes the lease over
   * through the product's own "expired" condition, with a new fence.
   */
  async expireLease(owner: string): Promise<void> {
    await this.#doc.send(
      new UpdateCommand({
        TableName: DEFAULT_TABLE_NAME,
        Key: leaseKey(this.#o.project, this.#o.stack),
        UpdateExpression: 'SET #exp = :past',
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#exp': 'leaseExpiresAtMs', '#owner': 'owner' },
        ExpressionAttributeValues: { ':past': Date.now() - 1, ':owner': owner },
      }),
    );
  }

  /** Every journal item of the stack. */
  async journal(): Promise<readonly JournalItem[]> {
    const { Items } = await this.#doc.send(
      new QueryCommand({
        TableName: DEFAULT_TABLE_NAME,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :res)',
        ExpressionAttributeValues: {
          ':pk': stackPk(this.#o.project, this.#o.stack),
          ':res': SK_RESOURCE_PREFIX,
        },
        ConsistentRead: true,
      }),
    );
    return (Items ?? []) as JournalItem[];
  }
}
