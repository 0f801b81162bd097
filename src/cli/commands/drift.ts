/**
 * `stackctl drift`: does what runs in AWS still match the repository? A read-only report for CI gates
 * (exit 2 on drift, like `terraform plan -detailed-exitcode`), audits (JSON) and people (Markdown, HTML).
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import type { CallStats } from '../../aws/index.js';
import {
  buildDriftReport,
  type DriftReport,
  driftExitCode,
  driftReportToJson,
  driftReportToJsonValue,
  formatDriftHtml,
  formatDriftMarkdown,
  formatDriftText,
} from '../../diff/drift/index.js';
import { driftStacks, type StackDriftResult } from '../../reconcilers/drift-pass.js';
import type { Flags } from '../args.js';
import { type ExitCode, formatData, type Io } from '../output.js';
import { openAwsSession, printStats } from './aws-context.js';
import { recordedSecretVersions } from './recorded-versions.js';
import { type SelectedStacks, selectStacks } from './stack-selection.js';
import type { Command } from './types.js';

/** Who made the report, as its `tool` field says. */
export const REPORT_TOOL = { name: 'stackctl', version: '0.1.0' } as const;

/** The stacks checked and the AWS call accounting per region. */
export interface CollectedDrift {
  readonly selection: SelectedStacks;
  readonly results: readonly StackDriftResult[];
  readonly report: DriftReport;
  readonly stats: ReadonlyMap<string, CallStats>;
}

/**
 * Selects the stacks, checks them (one client bundle per region, reads shared) and builds the report.
 * Shared by `drift` and `status`.
 */
export async function collectDrift(flags: Flags, io: Io): Promise<CollectedDrift> {
  const started = Date.now();
  const selection = await selectStacks(flags, io);
  const stats = new Map<string, CallStats>();
  const results = await driftStacks({
    project: selection.project,
    stacks: selection.stacks,
    rules: selection.rules,
    remembered: (desired, clients) => recordedSecretVersions(flags, clients, desired),
    clientsFor: (region) => {
      const session = openAwsSession(flags, region);
      stats.set(region, session.stats);
      return session.clients;
    },
  });
  const readCalls = [...stats.values()].reduce((sum, s) => sum + s.totals().reads, 0);
  const report = buildDriftReport({
    project: selection.project,
    stacks: results.map((r) => r.drift),
    tool: REPORT_TOOL,
    generatedAt: new Date().toISOString(),
    durationMs: Date.now() - started,
    readCalls,
  });
  return { selection, results, report, stats };
}

/** The report in the requested format. */
export function renderDrift(report: DriftReport, flags: Flags, forTerminal: boolean): string {
  switch (flags.output) {
    case 'json':
      return driftReportToJson(report);
    case 'yaml':
      return formatData(driftReportToJsonValue(report), 'yaml');
    case 'markdown':
      return formatDriftMarkdown(report);
    case 'html':
      return formatDriftHtml(report);
    case 'text':
      return formatDriftText(report, { color: flags.color && forTerminal });
  }
}

/** `drift (--stack S | --all)`. */
export const driftCommand: Command = {
  words: ['drift'],
  usage: 'stackctl drift (--stack S | --all) [--output text|json|markdown|html] [--out FILE] [--stats]',
  summary:
    'Reports, without changing anything, where AWS differs from the repository: per stack sync and health, per resource in-sync/changed/missing/unmanaged, per field live and desired values and whether fixing it replaces the resource. Honours .stackctl/driftignore. Exit 0 in sync, 2 drift, 1 error.',
  async run({ flags }, io): Promise<ExitCode> {
    const { report, stats } = await collectDrift(flags, io);
    const text = renderDrift(report, flags, flags.out === undefined);
    if (flags.out !== undefined) {
      writeFileSync(flags.out, text);
      const s = report.summary;
      io.err(
        `wrote the ${flags.output} drift report to ${flags.out}: ${report.sync}, ${s.stacksOutOfSync} of ${s.stacks} stacks out of sync\n`,
      );
    } else io.out(text);
    for (const [region, regionStats] of stats) {
      if (flags.stats && stats.size > 1) io.err(`\n${region}:`);
      printStats(io, { ...flags, output: 'text' }, regionStats);
    }
    return driftExitCode(report);
  },
};
