/**
 * Compose variable interpolation on one string: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}`, nesting inside defaults
 * (`${A:-${B}}`) and `$$` for a literal `$`.
 *
 * Pure: values come from a lookup function, so the same code serves compose files and env files, and the
 * caller decides precedence (shell, stack file `env:`, `.env`).
 *
 * @module
 */

/** Looks a variable up; `undefined` means unset (as opposed to set to the empty string). */
export type VariableLookup = (name: string) => string | undefined;

/** What interpolating one string produced. */
export type InterpolationResult =
  | {
      readonly ok: true;
      readonly value: string;
      /** Variables used without a default while unset: each became `''` (compose warns about them). */
      readonly missing: readonly string[];
    }
  | { readonly ok: false; readonly error: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Signals a problem deep inside nested templates; caught once at the top. */
class TemplateError extends Error {}

/**
 * Interpolates `template`.
 *
 * @example
 * interpolate('${HOST:-localhost}:$PORT', (n) => ({ PORT: '80' })[n]) // { ok: true, value: 'localhost:80', missing: [] }
 */
export function interpolate(template: string, lookup: VariableLookup): InterpolationResult {
  if (!template.includes('$')) return { ok: true, value: template, missing: [] };
  const missing: string[] = [];
  try {
    return { ok: true, value: expand(template, lookup, missing), missing };
  } catch (e) {
    if (e instanceof TemplateError) return { ok: false, error: e.message };
    throw e;
  }
}

function expand(template: string, lookup: VariableLookup, missing: string[]): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, dollar);
    const next = template[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{') {
      const close = matchingBrace(template, dollar + 2);
      out += braced(template.slice(dollar + 2, close), lookup, missing);
      i = close + 1;
    } else {
      const name = NAME.exec(template.slice(dollar + 1))?.[0];
      if (name === undefined) {
        throw new TemplateError(
          `invalid interpolation: the "$" at character ${dollar + 1} must be followed by a name, "{" or "$" (write "$$" for a literal "$")`,
        );
      }
      out += plain(name, lookup, missing);
      i = dollar + 1 + name.length;
    }
  }
  return out;
}

/** Index of the `}` closing a `${` whose body starts at `start`, counting nested `${`. */
function matchingBrace(template: string, start: number): number {
  let depth = 1;
  for (let i = start; i < template.length; i++) {
    const c = template[i];
    if (c === '$' && template[i + 1] === '$') i++;
    else if (c === '$' && template[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}' && --depth === 0) return i;
  }
  throw new TemplateError(
    `invalid interpolation: the "\${" at character ${start - 1} is never closed with "}"`,
  );
}

function plain(name: string, lookup: VariableLookup, missing: string[]): string {
  const value = lookup(name);
  if (value === undefined) {
    missing.push(name);
    return '';
  }
  return value;
}

const OPERATORS = [':-', ':?', ':+', '-', '?', '+'] as const;

function braced(body: string, lookup: VariableLookup, missing: string[]): string {
  const name = NAME.exec(body)?.[0];
  if (name === undefined)
    throw new TemplateError('invalid interpolation: "${" must be followed by a variable name');
  const rest = body.slice(name.length);
  if (rest === '') return plain(name, lookup, missing);
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (op === undefined) {
    throw new TemplateError(
      `invalid interpolation: \${${name} must be followed by "}", ":-", "-", ":?", "?", ":+" or "+"`,
    );
  }
  const arg = rest.slice(op.length);
  const value = lookup(name);
  const set = value !== undefined;
  const nonEmpty = set && value !== '';
  switch (op) {
    case ':-':
      return nonEmpty ? value : expand(arg, lookup, missing);
    case '-':
      return set ? value : expand(arg, lookup, missing);
    case ':+':
      return nonEmpty ? expand(arg, lookup, missing) : '';
    case '+':
      return set ? expand(arg, lookup, missing) : '';
    case ':?':
    case '?':
      if (op === ':?' ? nonEmpty : set) return value ?? '';
      // The message is shown as written (not interpolated) so no other variable's value can leak into it.
      throw new TemplateError(`required variable ${name} is missing a value${arg === '' ? '' : `: ${arg}`}`);
  }
}
