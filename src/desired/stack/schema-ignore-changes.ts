/**
 * Stack-file schema: `ignoreChanges:`, the fields this stack lets others own (terraform's
 * `ignore_changes`). Each entry is a driftignore rule, `kind:logicalId[:field]` with `*` wildcards:
 *
 * ```yaml
 * ignoreChanges:
 *   - ecs.TaskDefinition:taskdef/web:containerDefinitions[*].image   # deployed by another pipeline
 *   - "*:*:tags.cost-center"                                         # set by the cost tool
 * ```
 *
 * Unlike `.stackctl/driftignore` (which only keeps a difference out of drift reports), these rules are
 * honoured by `plan`, `reconcile` and the operator: the live value is kept, the plan lists the field as
 * ignored, and drift counts it against the rule (diff/ignore-changes.ts).
 *
 * @module
 * @internal
 */
import { basename, dirname } from 'node:path';
import { isSeq } from 'yaml';
import { ignoreRuleProblem } from '../../diff/drift/ignore-rules.js';
import type { IgnoreRuleSource } from '../stack-types.js';
import { deref, type ReadContext, readStringList, report, type YamlNode } from './yaml-reader.js';

/** Any non-blank text: the rule grammar is checked per entry, with its own message. */
const ANY_RULE = /\S/;

/** Reads `ignoreChanges:`; `undefined` when it is invalid (every bad entry reported at its line). */
export function readIgnoreChanges(ctx: ReadContext, node: YamlNode): readonly IgnoreRuleSource[] | undefined {
  const texts = readStringList(ctx, node, 'ignoreChanges', ANY_RULE, 'a rule kind:logicalId[:field]');
  if (texts === undefined) return undefined;
  const target = deref(ctx, node);
  const items = isSeq(target) ? (target.items as YamlNode[]) : [];
  const rules: IgnoreRuleSource[] = [];
  texts.forEach((text, i) => {
    const path = `ignoreChanges[${i}]`;
    const problem = ignoreRuleProblem(text);
    if (problem !== undefined) {
      report(ctx, deref(ctx, items[i] ?? null), path, `${problem}; rules are kind:logicalId[:field]`);
      return;
    }
    // Shown in plans and drift reports as `.stackctl/prod.yaml:12`, like driftignore's sources.
    const shown = `${basename(dirname(ctx.file))}/${basename(ctx.file)}`;
    rules.push({ text, source: `${shown}:${ctx.locations[path]?.line ?? 0}` });
  });
  return rules.length === texts.length ? rules : undefined;
}
