import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dhcpSearchDomainWarnings,
  SHORT_NAMES_NEED_SEARCH_DOMAIN_WARNING,
} from '../../../../src/desired/stack/dhcp-warning.js';
import { loadStackFile, StackFileError, type StackProblem } from '../../../../src/desired/stack/index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackctl-dhcp-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function load(text: string) {
  const folder = mkdtempSync(join(dir, 'case-'));
  mkdirSync(join(folder, '.stackctl'));
  const file = join(folder, '.stackctl', 'prod.yaml');
  writeFileSync(file, text);
  return loadStackFile(file);
}

const existing = (extra: string) =>
  `region: eu-west-1\nnetwork:\n  vpc: vpc-0123abcd\n  publicSubnets: [subnet-0123abcd]\n  privateSubnets: [subnet-0123abce]\n${extra}`;

describe('network.dhcpOptions', () => {
  it.each([
    {
      reason: 'manage on an existing VPC is read',
      yaml: existing('  dhcpOptions: manage\n'),
      dhcpOptions: 'manage',
      warned: false,
    },
    {
      reason: 'absent on an existing VPC: the VPC is left alone, with a warning on how to opt in',
      yaml: existing(''),
      dhcpOptions: undefined,
      warned: true,
    },
  ])('$reason', ({ yaml, dhcpOptions, warned }) => {
    const sf = load(yaml);
    expect((sf.network as { dhcpOptions?: string }).dhcpOptions).toBe(dhcpOptions);
    const warnings = dhcpSearchDomainWarnings(sf, 2);
    expect(warnings.map((w) => w.code)).toEqual(warned ? [SHORT_NAMES_NEED_SEARCH_DOMAIN_WARNING] : []);
    if (warned) expect(warnings[0]?.message).toContain('dhcpOptions: manage');
  });

  it('says nothing for a created VPC (its DHCP options are always the stack’s) or a stack without services', () => {
    expect(dhcpSearchDomainWarnings(load('region: eu-west-1\n'), 3)).toEqual([]);
    expect(dhcpSearchDomainWarnings(load(existing('')), 0)).toEqual([]);
  });

  it.each([
    {
      reason: 'an unknown policy',
      yaml: existing('  dhcpOptions: replace\n'),
      field: 'network.dhcpOptions',
      line: 6,
    },
    {
      reason: 'dhcpOptions next to a created VPC (always managed there)',
      yaml: 'region: eu-west-1\nnetwork:\n  vpc: create\n  dhcpOptions: manage\n',
      field: 'network.dhcpOptions',
      line: 4,
    },
  ])('rejects $reason at its line', ({ yaml, field, line }) => {
    let problems: readonly StackProblem[] = [];
    try {
      load(yaml);
    } catch (error) {
      if (!(error instanceof StackFileError)) throw error;
      problems = error.problems;
    }
    expect(problems).toContainEqual(
      expect.objectContaining({ field, location: expect.objectContaining({ line }) }),
    );
  });
});
