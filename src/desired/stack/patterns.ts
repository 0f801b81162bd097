/**
 * Name and identifier rules for stack files, in one place so the loader, the resolver and the `init`
 * template agree on what is valid.
 *
 * @module
 */

/** Stack names: short, DNS- and AWS-name-safe, since they end up in resource names and tags. */
export const STACK_NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;

/**
 * Why `name` is not a valid stack name, or `undefined` when it is. The one check every entry point uses
 * (the stack-file loader, `--stack` on every command, `init`, `stacks show`): a stack name becomes a file
 * name under `.stackctl/`, resource names and tags, so anything else (`../x`, `BAD NAME`) is refused
 * before it is used, and a path built from a valid name can never leave `.stackctl/`.
 *
 * @example stackNameProblem('prod') // undefined
 * @example stackNameProblem('../x') // 'stack name "../x" must match ^[a-z][a-z0-9-]{0,30}$ …'
 */
export function stackNameProblem(name: string): string | undefined {
  if (STACK_NAME_PATTERN.test(name)) return undefined;
  return `stack name ${JSON.stringify(name)} must match ${STACK_NAME_PATTERN.source} (lower-case letters, digits and "-", starting with a letter, at most 31 characters)`;
}

/** Project names after sanitizing: `[a-z0-9-]`, starting with a letter or digit, not ending in `-`. */
export const PROJECT_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** AWS region codes such as `eu-west-1`, `us-gov-west-1`, `ap-southeast-2`. */
export const REGION_PATTERN = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

/** Existing VPC ids. */
export const VPC_ID_PATTERN = /^vpc-[0-9a-f]{8,17}$/;

/** Existing subnet ids. */
export const SUBNET_ID_PATTERN = /^subnet-[0-9a-f]{8,17}$/;

/** RDS instance classes (`db.t4g.micro`). */
export const DB_INSTANCE_CLASS_PATTERN = /^db\.[a-z0-9]+\.[a-z0-9]+$/;

/** ElastiCache node types (`cache.t4g.micro`). */
export const CACHE_NODE_TYPE_PATTERN = /^cache\.[a-z0-9]+\.[a-z0-9]+$/;

const HOSTNAME_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_HOSTNAME_LENGTH = 253;

/** VPC CIDR prefix lengths AWS allows. */
export const VPC_PREFIX_RANGE = { min: 16, max: 28 } as const;

/**
 * True for a fully qualified lower-case DNS name with at least two labels (`example.com`,
 * `shop.example.com`), which is what Route 53 zones and ACM certificates accept.
 */
export function isHostname(value: string): boolean {
  if (value.length > MAX_HOSTNAME_LENGTH) return false;
  const labels = value.split('.');
  return (
    labels.length >= 2 && labels.every((l) => HOSTNAME_LABEL.test(l)) && !/^\d+$/.test(labels.at(-1) ?? '')
  );
}

/** True when `hostname` is `zone` itself or a name under it. */
export function isInZone(hostname: string, zone: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  const z = zone.toLowerCase().replace(/\.$/, '');
  return h === z || h.endsWith(`.${z}`);
}

/** True for an IPv4 CIDR block whose prefix a VPC accepts (/16 to /28). */
export function isVpcCidr(value: string): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match) return false;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  return octets.every((o) => o <= 255) && prefix >= VPC_PREFIX_RANGE.min && prefix <= VPC_PREFIX_RANGE.max;
}

/**
 * Folds any name into `[a-z0-9-]` the way the compose project name is: lower-case, runs of other
 * characters become one `-`, no leading or trailing `-`.
 */
export function sanitizeName(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
}
