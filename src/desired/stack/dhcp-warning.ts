/**
 * The warning a stack on an existing VPC gets when stackctl may not touch the VPC's DHCP options:
 * service names then resolve only fully qualified (`db.<stack>.<project>.internal`), not as the short
 * names compose files use, until the namespace is in the VPC's DNS search domain.
 *
 * @module
 */
import type { Warning } from '../../errors.js';
import type { StackFile } from '../stack-types.js';
import { stackFileLocation } from './provenance.js';

/** Code of the warning: short service names need the namespace in the VPC's DHCP search domain. */
export const SHORT_NAMES_NEED_SEARCH_DOMAIN_WARNING = 'SHORT_NAMES_NEED_SEARCH_DOMAIN';

/**
 * The warning for an existing VPC without `network.dhcpOptions: manage`, when the compose file has
 * services (which call each other by short name); none otherwise.
 */
export function dhcpSearchDomainWarnings(stackFile: StackFile, serviceCount: number): Warning[] {
  const network = stackFile.network;
  if (!('publicSubnets' in network) || network.dhcpOptions === 'manage' || serviceCount === 0) return [];
  return [
    {
      code: SHORT_NAMES_NEED_SEARCH_DOMAIN_WARNING,
      message:
        `existing VPC ${network.vpc}: services resolve each other only by full name ` +
        "(<service>.<stack>.<project>.internal) until the stack's namespace is in the VPC's " +
        'DHCP search domain; set `network: { dhcpOptions: manage }` to let stackctl associate its own DHCP ' +
        "options set (the VPC's current set is restored when the stack is destroyed)",
      location: stackFileLocation(stackFile, 'network'),
      field: 'network.dhcpOptions',
    },
  ];
}
