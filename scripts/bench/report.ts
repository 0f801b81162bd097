/**
 * Turns one bench run's figures into the issue's table: `bench/RESULTS.md` for people (the issue's
 * columns plus what this run measured, whether the goal is met, and one line per row on how it was
 * measured) and `bench/results.json` for tools (every figure, per-operation reads included).
 *
 * Headline figures are counts and ratios; seconds appear only inside ratios or as context.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import type { CpuFigures } from './cpu.js';
import type { FleetFigures } from './fleet.js';
import type { OperatorFigures } from './operator.js';
import { CALL_DELAY_S } from './proxy.js';
import type { ShopFigures } from './shop.js';
import type { TerraformFigures } from './terraform.js';

/** Everything one run measured. */
export interface BenchFigures {
  readonly shop: ShopFigures;
  readonly fleet: FleetFigures;
  readonly operator: OperatorFigures;
  readonly cpu: CpuFigures;
  readonly terraform: TerraformFigures;
  readonly runSeconds: number;
}

/** One row of the issue's table, filled. */
export interface ResultRow {
  readonly id: string;
  readonly figure: string;
  /** The issue's "stackctl today" column, as filed. */
  readonly issueBaseline: string;
  readonly measured: string;
  readonly goal: string;
  /** Undefined when the row could not be measured in this run. */
  readonly goalMet?: boolean;
  readonly terraform: string;
  readonly method: string;
  /** The headline numbers of the row (counts and ratios). */
  readonly values: Readonly<Record<string, number | null>>;
}

/** Stacks and the per-stack resync period of the operator goal's fleet. */
const GOAL_FLEET_STACKS = 200;
const DEFAULT_RESYNC_S = 300;

const fmt = (n: number, digits = 1): string => (Number.isInteger(n) ? String(n) : n.toFixed(digits));
const delays = (seconds: number): number => seconds / CALL_DELAY_S;

function gitFacts(): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

/** The table rows of a run. */
export function resultRows(f: BenchFigures): readonly ResultRow[] {
  const tf = 'skipped' in f.terraform ? undefined : f.terraform;
  const tfSkipped = 'skipped' in f.terraform ? `skipped: ${f.terraform.skipped}` : '';
  const noop = f.shop.noop;
  const np = noop.proxied;
  const cv = f.shop.converge;
  const op = f.operator;
  const fleetRate = (GOAL_FLEET_STACKS * op.readsPerStackPerResync) / DEFAULT_RESYNC_S;
  return [
    {
      id: 'noop-reads',
      figure: `reads in a no-op pass, shop dev (${f.shop.resources} resources)`,
      issueBaseline: '67',
      measured: `${noop.reads} (+${noop.stateTableReads} state-table reads; \`plan\`: ${noop.planReads})`,
      goal: '≤ 35',
      goalMet: noop.reads <= 35,
      terraform: tf ? `${tf.reads} (${tf.resources} resources)` : tfSkipped,
      method:
        "`reconcile --once --stack dev --stats` on the converged example shop dev stack, in-process CLI against moto; reads of AWS resources counted by the CLI's own call accounting, state-table (DynamoDB) reads listed apart; per operation in results.json.",
      values: { reads: noop.reads, stateTableReads: noop.stateTableReads, planReads: noop.planReads },
    },
    {
      id: 'noop-time',
      figure: `time in AWS calls, no-op pass, at ${CALL_DELAY_S} s/call`,
      issueBaseline: '3.2 s: ~30 calls in sequence',
      measured: np
        ? `${fmt(delays(np.callSpanSeconds))}× the per-call delay (${np.callSpanSeconds.toFixed(2)} s), longest chain ${np.longestChain} calls; command wall time ${fmt(delays(noop.wallSeconds))}× the delay`
        : `skipped: ${f.shop.skipped ?? 'no proxy'}`,
      goal: '≤ 8× the delay (0.8 s), ≤ 6 calls in sequence',
      ...(np ? { goalMet: np.callSpanSeconds <= 0.8 && np.longestChain <= 6 } : {}),
      terraform: tf
        ? `${fmt(delays(tf.proxied.callSpanSeconds))}× (${tf.proxied.callSpanSeconds.toFixed(2)} s), longest chain ${tf.proxied.longestChain}`
        : tfSkipped,
      method:
        "The same no-op pass with the CLI pointed at the peer latency proxy (0.1 s added to every call) in front of moto; the proxy logs each call's start and end; time in AWS calls = first start to last end; longest chain = most calls each starting after the previous ended.",
      values: np
        ? {
            callSpanOverDelay: delays(np.callSpanSeconds),
            longestChain: np.longestChain,
            wallOverDelay: delays(noop.wallSeconds),
            proxiedCalls: np.calls,
          }
        : { callSpanOverDelay: null, longestChain: null, wallOverDelay: null, proxiedCalls: null },
    },
    {
      id: 'converge-ratio',
      figure: 'converge from empty ÷ (longest dependsOn chain × 0.1 s)',
      issueBaseline: '14.7× (~119 sequential calls)',
      measured:
        cv.ratioToCriticalPath !== undefined && cv.proxied
          ? `${fmt(cv.ratioToCriticalPath, 2)}× (chain of ${f.shop.longestDependencyChain} resources; ${cv.proxied.longestChain} calls in sequence, ${cv.calls} calls in all)`
          : `skipped: ${f.shop.skipped ?? 'no proxy'}`,
      goal: '≤ 2.5×',
      ...(cv.ratioToCriticalPath !== undefined ? { goalMet: cv.ratioToCriticalPath <= 2.5 } : {}),
      terraform: 'not measured (CloudFormation/terraform serialize and wait)',
      method:
        'First `reconcile --once --stack dev` of shop dev on an empty moto, through the proxy: command wall time ÷ (resources on the longest path of dependsOn and $ref edges of the rendered stack × 0.1 s); the longest sequential chain of calls from the proxy log.',
      values: {
        ratio: cv.ratioToCriticalPath ?? null,
        dependencyChain: f.shop.longestDependencyChain,
        sequentialCalls: cv.proxied?.longestChain ?? null,
        calls: cv.calls,
      },
    },
    {
      id: 'fleet-reads',
      figure: 'reads per additional stack, `drift --all`',
      issueBaseline: '44',
      measured: `${fmt(f.fleet.readsPerAdditionalStack)} (${f.fleet.readsOneStack} for 1 stack, ${f.fleet.readsAllStacks} for ${f.fleet.stacks}; ${f.fleet.resourcesPerStack} resources per stack)`,
      goal: '≤ 8',
      goalMet: f.fleet.readsPerAdditionalStack <= 8,
      terraform: tf ? `${tf.reads} per stack (a refresh per state)` : tfSkipped,
      method: `\`drift --all --output json\` (the report's readCalls) over the tiny two-service app of the drift tests, converged as ${f.fleet.stacks} stacks (each in a VPC made beforehand) on one moto: once with one stack file, once with all; (reads(${f.fleet.stacks}) − reads(1)) ÷ ${f.fleet.stacks - 1}.`,
      values: {
        readsPerAdditionalStack: f.fleet.readsPerAdditionalStack,
        readsOneStack: f.fleet.readsOneStack,
        readsAllStacks: f.fleet.readsAllStacks,
      },
    },
    {
      id: 'operator',
      figure: 'operator: SDK clients per pass; reads per stack per resync',
      issueBaseline: '14 new SDK clients per pass; ~840 reads per stack per hour at the 5-min resync',
      measured: `${fmt(op.clientsCreatedPerResync)} new SDK clients per resync pass (${op.clientsCreated} created over all ${op.passes} passes, converge included); ${fmt(op.readsPerStackPerResync)} reads per stack per resync = ${fmt(op.readsPerStackPerHour)} per hour at 5 min (a ${GOAL_FLEET_STACKS}-stack fleet: ${fmt(fleetRate, 1)} reads/s)`,
      goal: `clients reused; a ${GOAL_FLEET_STACKS}-stack fleet's resync stays under every API bucket with 0 throttles`,
      goalMet: op.clientsCreatedPerResync === 0,
      terraform: '—',
      method: `An operator in-process against moto (resync shortened to 3 s) reconciling one pushed ${op.resourcesPerStack}-resource stack; its ClientsFactory wrapped to count SDK clients never handed out before and to count every read they make (state table excluded); figures over the resync passes after the stack synced. Throttling under a real fleet is not measurable on moto: the fleet rate is reads per resync × ${GOAL_FLEET_STACKS} ÷ 300 s, to hold against the API buckets.`,
      values: {
        clientsCreatedPerResync: op.clientsCreatedPerResync,
        clientsCreatedPerPass: op.clientsCreatedPerPass,
        readsPerStackPerResync: op.readsPerStackPerResync,
        readsPerStackPerHour: op.readsPerStackPerHour,
        fleetReadsPerSecond: fleetRate,
      },
    },
    {
      id: 'render-diff-cpu',
      figure: `render + diff, ${f.cpu.stacks} stacks × ${f.cpu.services} services, no AWS`,
      issueBaseline: '10.8 CPU-s, 174 MB',
      measured: `${f.cpu.cpuSeconds.toFixed(2)} CPU-s, peak RSS ${fmt(f.cpu.peakRssMb, 0)} MB (peak heap ${fmt(f.cpu.peakHeapMb, 0)} MB)`,
      goal: '≤ 3 CPU-s, ≤ 300 MB',
      goalMet: f.cpu.cpuSeconds <= 3 && f.cpu.peakRssMb <= 300,
      terraform: '—',
      method: `A child process (its memory its own) loads and renders each of ${f.cpu.stacks} stack files of a ${f.cpu.services}-service app (half web, half workers; ${f.cpu.resources} resources in all) and plans it against an in-sync observed copy, keeping each plan's summary; process.cpuUsage() summed over the render and plan calls only; peak RSS from resourceUsage().maxRSS. ${f.cpu.plannedOther} of ${f.cpu.resources} planned steps were not noop.`,
      values: { cpuSeconds: f.cpu.cpuSeconds, peakRssMb: f.cpu.peakRssMb, peakHeapMb: f.cpu.peakHeapMb },
    },
    {
      id: 'terraform-refresh',
      figure: 'terraform: no-op refresh of ../shared/peer/terraform/main.tf',
      issueBaseline: '120 calls, 3.2 s',
      measured: tf
        ? `${tf.calls} calls (${tf.reads} reads${tf.parsePyRequests !== undefined ? `; parse.py: ${tf.parsePyRequests}` : ''}), ${fmt(delays(tf.proxied.callSpanSeconds))}× the delay in AWS calls, longest chain ${tf.proxied.longestChain}; plan wall time ${fmt(delays(tf.planWallSeconds))}× the delay (terraform and provider start-up included)`
        : tfSkipped,
      goal: '— (the peer)',
      terraform: tf ? `${tf.resources} resources` : tfSkipped,
      method: `The harness README's steps in a temp dir: its patched moto on a free port, certificate and zone made with the SDK, CLI config on the local provider mirror, \`terraform init\` and \`apply\` straight to moto, then \`terraform plan -refresh=true -parallelism=10\` with the provider pointed at the same latency proxy; calls from the proxy log.`,
      values: tf
        ? {
            calls: tf.calls,
            reads: tf.reads,
            callSpanOverDelay: delays(tf.proxied.callSpanSeconds),
            longestChain: tf.proxied.longestChain,
            wallOverDelay: delays(tf.planWallSeconds),
          }
        : { calls: null, reads: null, callSpanOverDelay: null, longestChain: null, wallOverDelay: null },
    },
  ];
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** RESULTS.md. */
export function resultsMarkdown(f: BenchFigures, rows: readonly ResultRow[], at: Date): string {
  const git = gitFacts();
  const met = (r: ResultRow) => (r.goalMet === undefined ? '—' : r.goalMet ? 'yes' : 'no');
  const skipped = [
    f.shop.skipped ? `- Latency rows (2, 3): ${f.shop.skipped}` : undefined,
    'skipped' in f.terraform ? `- terraform: ${f.terraform.skipped}` : undefined,
  ].filter((l) => l !== undefined);
  const reads = Object.entries(f.shop.noop.readsByOperation)
    .map(([op, n]) => `| ${op} | ${n} |`)
    .join('\n');
  return [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` on ${at.toISOString()} at commit \`${git.commit}\`${git.dirty ? ' (with uncommitted changes)' : ''}; ${cpus().length} CPUs, Node ${process.version}; the run took ${fmt(f.runSeconds, 0)} s.`,
    `Every row comes from this one run, against moto; the latency rows add ${CALL_DELAY_S} s to every call through the peer harness's proxy (\`../shared/peer/terraform/latency_proxy.py\`). Figures are counts and ratios; seconds are context only. Goals and "stackctl today" are from issue 11.`,
    '',
    '| figure | stackctl today (issue 11) | measured (this run) | goal | met | terraform (this run) |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${cell(r.figure)} | ${cell(r.issueBaseline)} | ${cell(r.measured)} | ${cell(r.goal)} | ${met(r)} | ${cell(r.terraform)} |`,
    ),
    '',
    '## How each row was measured',
    '',
    ...rows.map((r) => `- **${r.figure}**: ${r.method}`),
    '',
    ...(skipped.length > 0 ? ['## Skipped', '', ...skipped, ''] : []),
    ...chainSections(f),
    '## Reads per additional stack of `drift --all`, per operation',
    '',
    'What still grows with the number of stacks: reads AWS offers for one resource or one parent only.',
    '',
    '| service operation | reads per additional stack |',
    '|---|---|',
    ...Object.entries(f.fleet.readsPerAdditionalStackByOperation)
      .filter(([, n]) => n !== 0)
      .map(([op, n]) => `| ${op} | ${fmt(n)} |`),
    '',
    '## Reads of the no-op pass, shop dev, per operation',
    '',
    '| service operation | reads |',
    '|---|---|',
    reads,
    '',
  ].join('\n');
}

/** A chain of operations, consecutive repeats folded (`ec2 DescribeVpcs ×3`), as a numbered list. */
function chainList(ops: readonly string[] | undefined): readonly string[] {
  if (ops === undefined || ops.length === 0) return ['(not measured: the latency proxy was not available)'];
  const folded: { op: string; n: number }[] = [];
  for (const op of ops) {
    const last = folded.at(-1);
    if (last?.op === op) last.n += 1;
    else folded.push({ op, n: 1 });
  }
  return folded.map((f, i) => `${i + 1}. ${f.op}${f.n > 1 ? ` ×${f.n}` : ''}`);
}

/** Sections listing what the longest chains are made of: the reason behind the two latency ratios. */
export function chainSections(f: BenchFigures): readonly string[] {
  return [
    `## The converge's longest chain (${f.shop.converge.proxied?.longestChain ?? '?'} calls), in order`,
    '',
    ...chainList(f.shop.converge.proxied?.chainOperations),
    '',
    `## The no-op pass's longest chain (${f.shop.noop.proxied?.longestChain ?? '?'} calls), in order`,
    '',
    ...chainList(f.shop.noop.proxied?.chainOperations),
    '',
  ];
}

/** results.json. */
export function resultsJson(f: BenchFigures, rows: readonly ResultRow[], at: Date): unknown {
  const git = gitFacts();
  return {
    generatedAt: at.toISOString(),
    commit: git.commit,
    uncommittedChanges: git.dirty,
    cpus: cpus().length,
    node: process.version,
    callDelaySeconds: CALL_DELAY_S,
    runSeconds: f.runSeconds,
    rows: rows.map(({ id, figure, values, goal, goalMet, method }) => ({
      id,
      figure,
      values,
      goal,
      goalMet,
      method,
    })),
    raw: f,
  };
}
