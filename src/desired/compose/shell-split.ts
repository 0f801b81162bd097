/**
 * Splits a `command:`/`entrypoint:` string into words the way compose does (POSIX shell quoting, no
 * expansion): `sh -c "sleep 10 && run"` → `['sh', '-c', 'sleep 10 && run']`.
 *
 * @module
 */

/**
 * Splits `text` into words; `undefined` when a quote is never closed.
 *
 * @example
 * splitShellWords(`a 'b c' "d \\"e\\""`) // ['a', 'b c', 'd "e"']
 */
export function splitShellWords(text: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1] ?? '')) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== undefined) return undefined;
  if (inWord) words.push(word);
  return words;
}
