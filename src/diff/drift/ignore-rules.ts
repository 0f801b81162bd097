/**
 * `.stackctl/driftignore`: committed rules that say which differences are not drift.
 *
 * One rule per line, `kind:logicalId[:field]`, `*` matching any run of characters, `#` starting a
 * comment (whole line, or after whitespace). Without a field the whole resource is ignored; with one,
 * the field and everything under it (`healthCheck` covers `healthCheck.path`, `ingress` covers
 * `ingress[0].fromPort`). The field part may itself hold colons (`tags.aws:createdBy`).
 *
 * A malformed line is an error with its file:line, never skipped: a typo that silently ignored nothing
 * (or everything) would defeat a CI drift gate.
 *
 * @module
 */
import { RESOURCE_KINDS, type ResourceKind } from '../../desired/resource-types.js';
import { DriftIgnoreSyntaxError } from './errors.js';

/** One parsed rule. */
export interface IgnoreRule {
  /** As written (comment and surrounding blanks removed), shown in the report's counts. */
  readonly text: string;
  /** `file:line`. */
  readonly source: string;
  readonly kind: RegExp;
  readonly logicalId: RegExp;
  /** Undefined: the whole resource. */
  readonly field?: RegExp;
}

/** The characters a rule part may hold (kinds, logical ids and field paths, plus `*`). */
const PART_PATTERN = /^[A-Za-z0-9_.\-/*[\]:@+=]+$/;

const KNOWN_KINDS: ReadonlySet<string> = new Set(RESOURCE_KINDS);

function globToRegExp(glob: string, allowChildren: boolean): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(allowChildren ? `^${body}(?:$|[.[])` : `^${body}$`);
}

function stripComment(line: string): string {
  if (line.trimStart().startsWith('#')) return '';
  const at = line.search(/\s#/);
  return (at >= 0 ? line.slice(0, at) : line).trim();
}

/**
 * What is wrong with one rule, or `undefined` when it is well formed. Never quotes the rule, so a caller
 * can put the message next to a file location without echoing file content.
 */
export function ignoreRuleProblem(text: string): string | undefined {
  if (/\s/.test(text)) return 'a rule holds no spaces';
  const first = text.indexOf(':');
  if (first < 0) return 'missing ":" between kind and logical id';
  const { kind, logicalId, field } = splitRule(text);
  if (kind === '') return 'the kind is empty';
  if (logicalId === '') return 'the logical id is empty (use * for any)';
  if (field === '') return 'the field is empty (leave out the last ":" to ignore the whole resource)';
  for (const part of [kind, logicalId, field ?? '*']) {
    if (!PART_PATTERN.test(part)) return `"${part}" holds characters a kind, id or field never has`;
  }
  if (!kind.includes('*') && !KNOWN_KINDS.has(kind)) {
    return `unknown kind "${kind}" (kinds look like ecs.Service, logs.LogGroup; see docs/resource-specs.md)`;
  }
  return undefined;
}

function splitRule(text: string): { kind: string; logicalId: string; field: string | undefined } {
  const first = text.indexOf(':');
  const second = text.indexOf(':', first + 1);
  return {
    kind: text.slice(0, first),
    logicalId: second < 0 ? text.slice(first + 1) : text.slice(first + 1, second),
    field: second < 0 ? undefined : text.slice(second + 1),
  };
}

/** Compiles a well-formed rule ({@link ignoreRuleProblem} said nothing) found at `source` (`file:line`). */
export function compileIgnoreRule(text: string, source: string): IgnoreRule {
  const { kind, logicalId, field } = splitRule(text);
  return {
    text,
    source,
    kind: globToRegExp(kind, false),
    logicalId: globToRegExp(logicalId, false),
    ...(field === undefined ? {} : { field: globToRegExp(field, true) }),
  };
}

function parseLine(text: string, source: string, file: string, line: number): IgnoreRule {
  const problem = ignoreRuleProblem(text);
  if (problem !== undefined)
    throw new DriftIgnoreSyntaxError(`"${text}": ${problem}; rules are kind:logicalId[:field]`, {
      file,
      line,
    });
  return compileIgnoreRule(text, source);
}

/**
 * Parses the contents of a driftignore file.
 *
 * @param file - the path shown in errors and in the report's `source` (e.g. `.stackctl/driftignore`).
 * @throws DriftIgnoreSyntaxError naming file:line for the first malformed line.
 * @example
 * parseDriftIgnore('ecs.Service:service/web:desiredCount  # autoscaled\n', '.stackctl/driftignore')
 */
export function parseDriftIgnore(text: string, file: string): readonly IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const rule = stripComment(raw);
    if (rule === '') return;
    rules.push(parseLine(rule, `${file}:${index + 1}`, file, index + 1));
  });
  return rules;
}

/** True when `rule` covers the whole resource `kind`/`logicalId`. */
export function ignoresResource(rule: IgnoreRule, kind: ResourceKind, logicalId: string): boolean {
  return rule.field === undefined && rule.kind.test(kind) && rule.logicalId.test(logicalId);
}

/** True when `rule` covers field `path` of resource `kind`/`logicalId`. */
export function ignoresField(rule: IgnoreRule, kind: ResourceKind, logicalId: string, path: string): boolean {
  return (
    rule.field !== undefined &&
    rule.kind.test(kind) &&
    rule.logicalId.test(logicalId) &&
    rule.field.test(path)
  );
}
