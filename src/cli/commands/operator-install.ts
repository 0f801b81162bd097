/**
 * `stackctl operator install --region R`: deploys the operator itself as an ECS service, with the same
 * reconciler as every other stack. The operator's compose file (`deploy/compose.yaml`) is loaded with
 * a generated stack file (project `stackctl`, stack `operator`), rendered, given the least-privilege
 * policy of `deploy/iam-policy.json` on its task role, and reconciled in one pass.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCompose } from '../../desired/compose/index.js';
import { renderStack, stableJson } from '../../desired/render/index.js';
import type { DesiredStack } from '../../desired/resource-types.js';
import { parseStackFile, resolveStack } from '../../desired/stack/index.js';
import { reconcilePass } from '../../reconcilers/reconcile-stack.js';
import { ensureStateTable } from '../../state/index.js';
import { UsageError } from '../args.js';
import { EXIT, paint } from '../output.js';
import { openAwsSession, printStats, progressPrinter, stateTableName } from './aws-context.js';
import { publishOperatorImage } from './build-step.js';
import { reportExitCode } from './reconcile.js';
import type { Command } from './types.js';

/** Where the operator's deployment files live (next to `src/` and `dist/` alike). */
export const DEPLOY_DIR = fileURLToPath(new URL('../../../deploy/', import.meta.url));
/** The stack name of the operator's own stack. */
export const OPERATOR_STACK = 'operator';
/** The compose service running the operator (target of `--image operator=REF`). */
export const OPERATOR_SERVICE = 'operator';
/** Name of the inline policy on the operator's task role. */
export const OPERATOR_POLICY_NAME = 'stackctl-operator';

/** The generated stack file: cheapest mode, its own VPC, drift corrected. */
function stackFileText(region: string): string {
  return `region: ${region}\nmode: affordable\nnetwork:\n  vpc: create\ndriftPolicy: correct\n`;
}

/** Tokens of deploy/iam-policy.json, written like IAM variables so the file reads like AWS examples. */
export const POLICY_TOKENS = { region: '$' + '{TableRegion}', table: '$' + '{TableName}' } as const;

/** `deploy/iam-policy.json` for one state table, as the canonical JSON the IAM observer compares. */
export function operatorPolicy(region: string, table: string, deployDir = DEPLOY_DIR): string {
  const text = readFileSync(`${deployDir}iam-policy.json`, 'utf8')
    .replaceAll(POLICY_TOKENS.region, region)
    .replaceAll(POLICY_TOKENS.table, table);
  return stableJson(JSON.parse(text));
}

/** Adds the operator policy to the stack's task role, leaving every other resource as rendered. */
export function withOperatorPolicy(desired: DesiredStack, policy: string): DesiredStack {
  let found = false;
  const resources = desired.resources.map((r) => {
    if (r.kind !== 'iam.Role' || r.logicalId !== 'role/task') return r;
    found = true;
    const inline = (r.spec.inlinePolicies ?? {}) as Readonly<Record<string, string>>;
    return { ...r, spec: { ...r.spec, inlinePolicies: { ...inline, [OPERATOR_POLICY_NAME]: policy } } };
  });
  if (!found)
    throw new UsageError('the operator stack renders no task role (role/task) to attach its policy to');
  return { ...desired, resources };
}

/** Options of {@link renderOperatorStack}. */
export interface OperatorStackOptions {
  readonly region: string;
  readonly table: string;
  /** `--image operator=REF`. */
  readonly images?: Readonly<Record<string, string>>;
  /** @default DEPLOY_DIR */
  readonly deployDir?: string;
}

/** The operator's desired stack: deploy/compose.yaml + generated stack file + policy. No AWS call. */
export function renderOperatorStack(options: OperatorStackOptions): {
  readonly desired: DesiredStack;
  readonly finalSnapshot: boolean;
} {
  const deployDir = options.deployDir ?? DEPLOY_DIR;
  const env: Record<string, string> = {
    STACKCTL_TABLE: options.table,
    STACKCTL_TABLE_REGION: options.region,
  };
  if (process.env.STACKCTL_OPERATOR_IMAGE) env.STACKCTL_OPERATOR_IMAGE = process.env.STACKCTL_OPERATOR_IMAGE;
  const stackFile = parseStackFile(
    `${deployDir}.stackctl/${OPERATOR_STACK}.yaml`,
    stackFileText(options.region),
  );
  const compose = loadCompose({ file: `${deployDir}compose.yaml`, env, stackEnv: {} });
  const resolved = resolveStack({ compose, stackFile, cli: { images: options.images ?? {} } });
  const desired = withOperatorPolicy(
    renderStack(resolved),
    operatorPolicy(options.region, options.table, deployDir),
  );
  return { desired, finalSnapshot: resolved.preset.finalSnapshotOnDelete };
}

/** `operator install --region R`. */
export const operatorInstallCommand: Command = {
  words: ['operator', 'install'],
  usage: 'stackctl operator install --region R [--image operator=REF] [--table T] [--stats]',
  summary:
    'Deploys the operator as an ECS service (two replicas, its own VPC, least-privilege task role) with the same reconciler, creating the state table if needed. Without --image it builds deploy/Dockerfile (local Docker, else CodeBuild) and pushes it to ECR repository stackctl/operator, unless that image is already there. Re-run to upgrade (new --image) or repair; it is idempotent.',
  async run({ flags }, io) {
    if (!flags.region)
      throw new UsageError('operator install needs --region (where the operator and its table run)');
    const unknown = Object.keys(flags.images).filter((s) => s !== OPERATOR_SERVICE);
    if (unknown.length > 0)
      throw new UsageError(`--image takes ${OPERATOR_SERVICE}=REF, not ${unknown.join(', ')}`);
    const table = stateTableName(flags);
    // No image given: build deploy/Dockerfile and push it to the project's ECR repository (build-step.ts).
    const images =
      flags.images[OPERATOR_SERVICE] || process.env.STACKCTL_OPERATOR_IMAGE
        ? flags.images
        : { [OPERATOR_SERVICE]: (await publishOperatorImage(flags, flags.region, io)).imageRef };
    const { desired, finalSnapshot } = renderOperatorStack({ region: flags.region, table, images });
    const { clients, stats } = openAwsSession(flags, flags.region);
    await ensureStateTable(clients.dynamodb, table);
    io.err(`installing the stackctl operator in ${flags.region} (state table ${table})\n`);
    const result = await reconcilePass({
      desired,
      clients,
      finalSnapshot,
      state: { table },
      onProgress: progressPrinter(io, flags),
    });
    const c = paint(flags.color);
    const s = result.report.summary;
    const line = `Operator: applied ${s.applied}, unchanged ${s.noop}, failed ${s.failed}, blocked ${s.blocked}.`;
    io.out(`${result.report.ok ? c.green(line) : c.red(line)}\n`);
    for (const r of result.report.results)
      if (r.status === 'failed' || r.status === 'blocked')
        io.out(`  ✗ ${r.logicalId}: ${r.error?.message ?? r.message ?? r.status}\n`);
    printStats(io, flags, stats);
    return result.report.ok ? reportExitCode(result.report) : EXIT.error;
  },
};
