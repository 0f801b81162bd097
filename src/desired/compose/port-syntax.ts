/**
 * The short port syntax `[HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]`, with ranges, parsed into plain
 * numbers; stackctl's rules about what may be published are applied separately in `ports.ts`.
 *
 * @module
 */

/** Most ports one range (`3000-3005`) may expand to. */
export const MAX_PORT_RANGE = 100;
/** Highest TCP/UDP port. */
export const MAX_PORT = 65535;

/** A short-syntax port, parsed but not yet checked against stackctl's rules. */
export interface ParsedShortPort {
  readonly target: number;
  readonly published?: number;
  readonly protocol: string;
  readonly hostIp?: string;
}

/**
 * Parses `[HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]`, where ports may be ranges (`9090-9091:8080-8081`).
 * Returns the expanded ports, or an error message.
 *
 * @example
 * parseShortPort('127.0.0.1:8080:80/udp') // [{ target: 80, published: 8080, protocol: 'udp', hostIp: '127.0.0.1' }]
 */
export function parseShortPort(spec: string): readonly ParsedShortPort[] | string {
  let text = spec.trim();
  let protocol = 'tcp';
  const slash = text.lastIndexOf('/');
  if (slash >= 0) {
    protocol = text.slice(slash + 1).toLowerCase();
    text = text.slice(0, slash);
  }
  let hostIp: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':')
      return `"${spec}" is not a valid port: unclosed "[" around the host IP`;
    hostIp = text.slice(1, close);
    text = text.slice(close + 2);
  }
  let parts = text.split(':');
  if (hostIp === undefined && parts.length === 3) {
    hostIp = parts[0];
    parts = parts.slice(1);
  }
  if (parts.length > 2)
    return `"${spec}" is not a valid port: expected [HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]`;
  const targetText = parts.length === 2 ? parts[1] : parts[0];
  const publishedText = parts.length === 2 ? parts[0] : '';
  const targets = portRange(targetText ?? '');
  if (targets === undefined) return `"${spec}" is not a valid port: bad container port "${targetText}"`;
  const published = publishedText === '' ? undefined : portRange(publishedText ?? '');
  if (publishedText !== '' && published === undefined) {
    return `"${spec}" is not a valid port: bad published port "${publishedText}"`;
  }
  if (published !== undefined && published.length !== targets.length) {
    return `"${spec}" is not a valid port: the published range and the container range differ in length`;
  }
  if (targets.length > MAX_PORT_RANGE) return `"${spec}" expands to more than ${MAX_PORT_RANGE} ports`;
  return targets.map((target, i) => ({
    target,
    protocol,
    ...(published?.[i] === undefined ? {} : { published: published[i] }),
    ...(hostIp === undefined ? {} : { hostIp }),
  }));
}

/** `3000` or `3000-3005` as the list of ports; `undefined` when invalid. */
export function portRange(text: string): number[] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from < 1 || to > MAX_PORT || to < from) return undefined;
  if (to - from >= MAX_PORT_RANGE) return Array.from({ length: MAX_PORT_RANGE + 1 }, (_, i) => from + i);
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
