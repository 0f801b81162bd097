/**
 * How a changed field reads to a person, shared by the text, Markdown and HTML renderers: values
 * whole (never cut), a changed list element shown whole before and after, a changed list as the
 * elements only one side has, and a changed secret by its key name only (`secret DB_PASSWORD: value
 * changed`), never its value: every value here comes from the already redacted report.
 *
 * @module
 */
import { canonicalJson } from '../canonical-json.js';
import { formatValue } from '../format-plan.js';
import { REDACTED } from '../redact.js';
import type { ElementChange, FieldDrift, Fix, ResourceDrift } from './types.js';

/** Width values are wrapped at in text, Markdown and HTML (continuation lines, never a cut). */
export const WRAP_WIDTH = 96;

/** One line (or group of lines) of a changed resource, ready to print. */
export type FieldView =
  /** A value changed: `path: live → desired`. */
  | {
      readonly type: 'value';
      readonly label: string;
      readonly observed: string;
      readonly desired: string;
      readonly fix: Fix;
    }
  /** Keys of one list element changed: the element whole, live and desired. */
  | {
      readonly type: 'element';
      readonly label: string;
      readonly changed: readonly string[];
      readonly observed: string;
      readonly desired: string;
      readonly fix: Fix;
    }
  /** A list changed length: the elements only live has (reconcile removes) and only desired has. */
  | {
      readonly type: 'list';
      readonly label: string;
      readonly liveOnly: readonly string[];
      readonly desiredOnly: readonly string[];
      readonly fix: Fix;
    }
  /** A secret changed: its key name and what changed, never the value. */
  | { readonly type: 'secret'; readonly key: string; readonly detail: string; readonly fix: Fix };

/**
 * Splits a long value over lines of at most `width` characters, breaking after a comma (else a space)
 * when there is one in the second half of the line; nothing is dropped.
 *
 * @example
 * wrapValue('{"a":1,"b":2}', 8) // ['{"a":1,', '"b":2}']
 */
export function wrapValue(text: string, width: number = WRAP_WIDTH): readonly string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const window = rest.slice(0, width);
    const comma = window.lastIndexOf(',');
    const cut = comma >= width / 2 ? comma : window.lastIndexOf(' ');
    const at = cut >= width / 2 ? cut + 1 : width;
    out.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  out.push(rest);
  return out;
}

/** `/stackctl/shop/prod/composed/api/DATABASE_URL` → `DATABASE_URL`. */
function lastSegment(name: string): string {
  return name.split('/').filter(Boolean).at(-1) ?? name;
}

/** `arn:…:parameter/x/KEY:3` → `{ base, version: '3' }`: SSM references may pin a version. */
function versioned(ref: unknown): { readonly base: string; readonly version?: string } | undefined {
  if (typeof ref !== 'string') return undefined;
  const m = /^(.*\/[^/:]+):(\d+)$/.exec(ref);
  return m ? { base: m[1] ?? ref, version: m[2] ?? '' } : { base: ref };
}

/** What changed about a secret reference (`valueFrom`), without reading the secret. */
function referenceDetail(observed: unknown, desired: unknown): string {
  const o = versioned(observed);
  const d = versioned(desired);
  if (o === undefined) return 'added';
  if (d === undefined) return 'removed';
  if (o.base === d.base) return `value changed (version ${o.version ?? 'latest'} → ${d.version ?? 'latest'})`;
  return `now read from ${d.base} (was ${o.base})`;
}

const nameOf = (v: unknown): string | undefined =>
  v !== null && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string'
    ? (v as { name: string }).name
    : undefined;

/** The secret a field is, when it is one: its key name and the change in words. */
function secretOf(r: ResourceDrift, f: FieldDrift): { key: string; detail: string } | undefined {
  const leaf = /(?:^|\.)([^.[\]]+)$/.exec(f.path)?.[1] ?? f.path;
  const redacted = f.observed === REDACTED || f.desired === REDACTED;
  const owner = f.element ? (nameOf(f.element.desired) ?? nameOf(f.element.observed)) : undefined;
  if (leaf === 'valueFrom' && owner !== undefined && /(^|\.)secrets\[\d+\]$/.test(f.element?.path ?? ''))
    return { key: owner, detail: referenceDetail(f.observed, f.desired) };
  if (redacted && leaf === 'value' && owner !== undefined) return { key: owner, detail: 'value changed' };
  if (r.kind === 'ssm.Parameter' && f.path === 'content')
    return { key: lastSegment(r.name), detail: `value ${String(f.observed ?? 'missing')}` };
  if (redacted) return { key: leaf, detail: 'value changed' };
  return undefined;
}

function show(v: unknown): string {
  return formatValue(v);
}

function listView(f: FieldDrift): FieldView | undefined {
  if (!Array.isArray(f.observed) || !Array.isArray(f.desired)) return undefined;
  const key = (v: unknown): string => canonicalJson(v);
  const live = new Set(f.observed.map(key));
  const want = new Set(f.desired.map(key));
  const liveOnly = f.observed.filter((v) => !want.has(key(v))).map(show);
  const desiredOnly = f.desired.filter((v) => !live.has(key(v))).map(show);
  if (liveOnly.length === 0 && desiredOnly.length === 0) return undefined; // same elements, new order
  return { type: 'list', label: f.path, liveOnly, desiredOnly, fix: f.fix };
}

function relativePath(element: ElementChange, path: string): string {
  return path.slice(element.path.length + 1);
}

/**
 * The views of a changed resource's fields, in field order: fields of one element become one view,
 * secrets one line each.
 */
export function fieldViews(r: ResourceDrift): readonly FieldView[] {
  const out: FieldView[] = [];
  const byElement = new Map<string, { view: FieldView & { type: 'element' }; index: number }>();
  for (const f of r.fields) {
    const secret = secretOf(r, f);
    if (secret) {
      const seen = out.some((v) => v.type === 'secret' && v.key === secret.key && v.detail === secret.detail);
      if (!seen) out.push({ type: 'secret', ...secret, fix: f.fix });
      continue;
    }
    if (f.element) {
      const group = byElement.get(f.element.path);
      if (group) {
        group.view = {
          ...group.view,
          changed: [...group.view.changed, relativePath(f.element, f.path)],
          fix: group.view.fix === 'replace' || f.fix === 'replace' ? 'replace' : 'in-place',
        };
        out[group.index] = group.view;
        continue;
      }
      const view = {
        type: 'element',
        label: f.element.path,
        changed: [relativePath(f.element, f.path)],
        observed: show(f.element.observed),
        desired: show(f.element.desired),
        fix: f.fix,
      } as const;
      byElement.set(f.element.path, { view, index: out.length });
      out.push(view);
      continue;
    }
    out.push(
      listView(f) ?? {
        type: 'value',
        label: f.path,
        observed: show(f.observed),
        desired: show(f.desired),
        fix: f.fix,
      },
    );
  }
  return out;
}
