/**
 * Wording shared by the human renderers (text, Markdown, HTML), so the three say the same thing
 * (changed fields: field-view.ts).
 *
 * @module
 */
import type { DriftSummary, FieldDrift, ResourceDrift, ResourceStatus, StackDrift } from './types.js';

/** The sections a stack's drifted resources are grouped into, in reading order. */
export const SECTIONS: readonly {
  readonly status: ResourceStatus;
  readonly title: string;
  readonly marker: string;
  readonly hint: (stack: string) => string;
}[] = [
  {
    status: 'changed',
    title: 'Changed',
    marker: '~',
    hint: (s) => `\`stackctl reconcile --once --stack ${s}\` puts them back`,
  },
  {
    status: 'missing',
    title: 'Missing',
    marker: '+',
    hint: (s) => `\`stackctl reconcile --once --stack ${s}\` creates them`,
  },
  {
    status: 'unmanaged',
    title: 'Unmanaged',
    marker: '-',
    hint: (s) => `tagged for this stack but no longer rendered; \`stackctl prune --stack ${s}\` deletes them`,
  },
  {
    status: 'conflict',
    title: 'Conflicts',
    marker: '!',
    hint: (s) => `our name, not our tags; \`stackctl adopt --stack ${s} KIND/ID ARN\` takes them over`,
  },
  {
    status: 'unknown',
    title: 'Unknown',
    marker: '?',
    hint: () => 'cannot be checked yet',
  },
];

/** `in place` or `forces replacement`. */
export function fixLabel(fix: FieldDrift['fix'] | ResourceDrift['fix']): string {
  return fix === 'replace' ? 'forces replacement' : 'in place';
}

/** The resources of a stack in one status. */
export function resourcesIn(stack: StackDrift, status: ResourceStatus): readonly ResourceDrift[] {
  return stack.resources.filter((r) => r.status === status);
}

/** `34 resources: 31 in sync, 1 changed, …; coverage 97.1%; 12 ignored`, zero counts left out. */
export function summaryLine(s: DriftSummary): string {
  const parts = [
    [s.inSync, 'in sync'],
    [s.changed, 'changed'],
    [s.missing, 'missing'],
    [s.unmanaged, 'unmanaged'],
    [s.conflict, 'in conflict'],
    [s.unknown, 'unknown'],
  ]
    .filter(([n]) => n !== 0)
    .map(([n, label]) => `${n} ${label}`);
  const counts = parts.length > 0 ? `: ${parts.join(', ')}` : '';
  return `${s.total} resource${s.total === 1 ? '' : 's'}${counts}; coverage ${s.coverage}%; ${s.ignored} ignored`;
}

/** `name` and, when it differs, the physical id: what a person searches the console for. */
export function resourceLabel(r: ResourceDrift): string {
  return r.physicalId && r.physicalId !== r.name ? `${r.name} (${r.physicalId})` : r.name;
}

/** The non-zero ignore counts of a stack, as `rule ×n (source)`. */
export function ignoredLines(stack: StackDrift): readonly string[] {
  return stack.ignored
    .filter((i) => i.count > 0)
    .map((i) => `${i.rule} ×${i.count}${i.source ? ` (${i.source})` : ''}`);
}
