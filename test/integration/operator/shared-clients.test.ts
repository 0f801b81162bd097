/**
 * The operator's shared clients against moto: one bundle per region for the process, while each pass
 * keeps its own call counts, retry budget and deadline, even when passes send on the same client at
 * the same time.
 */
import { DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/aws/rate-limits.js';
import type { AwsClients } from '../../../src/aws/types.js';
import { ClientsClosedError } from '../../../src/operator/errors.js';
import { openPassSession } from '../../../src/operator/pass-session.js';
import { RegionClients } from '../../../src/operator/region-clients.js';
import { motoClients, TEST_REGION } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import { motoFactory } from './operator-fixture.js';

let moto: MotoServer;
let direct: AwsClients;
const built: string[] = [];
let regions: RegionClients;

beforeAll(async () => {
  moto = await startMoto();
  direct = motoClients(moto.endpoint);
  const factory = motoFactory(moto.endpoint);
  regions = new RegionClients({
    factory: (region, stats, budget) => {
      built.push(region);
      return factory(region, stats, budget);
    },
  });
});

afterAll(async () => {
  regions?.close();
  await moto?.stop();
});

/** `n` parameter writes and `reads` VPC reads, started together so two passes interleave. */
function work(clients: AwsClients, prefix: string, writes: number, reads: number): Promise<unknown>[] {
  return [
    ...Array.from({ length: writes }, (_, i) =>
      clients.ssm.send(
        new PutParameterCommand({ Name: `/${prefix}/p${i}`, Value: 'v', Type: 'String', Overwrite: true }),
      ),
    ),
    ...Array.from({ length: reads }, () => clients.ec2.send(new DescribeVpcsCommand({}))),
  ];
}

describe('shared clients, per-pass accounting', () => {
  it('counts each concurrent pass’s calls exactly, on clients built once per region', async () => {
    const a = openPassSession(regions, TEST_REGION, direct.dynamodb);
    const b = openPassSession(regions, TEST_REGION, direct.dynamodb);
    const c = openPassSession(regions, 'us-east-1', direct.dynamodb);
    await Promise.all([
      ...work(a.clients, 'a', 3, 2),
      ...work(b.clients, 'b', 1, 4),
      ...work(c.clients, 'c', 2, 0),
    ]);

    expect(a.stats.totals()).toMatchObject({ mutates: 3, reads: 2 });
    expect(b.stats.totals()).toMatchObject({ mutates: 1, reads: 4 });
    expect(c.stats.totals()).toMatchObject({ mutates: 2, reads: 0 });
    expect(regions.unscopedStats.totals().calls).toBe(0);
    // One bundle per region for the process, whatever the number of passes.
    expect(built).toEqual([TEST_REGION, 'us-east-1']);
    expect(regions.get(TEST_REGION)).toBe(regions.get(TEST_REGION));
    // The writes happened, each in its pass's region.
    const got = await direct.ssm.send(new GetParameterCommand({ Name: '/a/p2' }));
    expect(got.Parameter?.Value).toBe('v');
    const east = motoClients(moto.endpoint, 'us-east-1');
    expect((await east.ssm.send(new GetParameterCommand({ Name: '/c/p1' }))).Parameter?.Value).toBe('v');
  });

  it('keeps the clients open after a pass ends: the next pass reuses them', async () => {
    const first = openPassSession(regions, TEST_REGION, direct.dynamodb);
    await Promise.all(work(first.clients, 'first', 1, 1));
    const second = openPassSession(regions, TEST_REGION, direct.dynamodb);
    await Promise.all(work(second.clients, 'second', 1, 1));
    expect(second.stats.totals()).toMatchObject({ mutates: 1, reads: 1, errors: 0 });
    expect(built.filter((r) => r === TEST_REGION)).toHaveLength(1);
  });

  it('gives every pass its own retry budget', () => {
    const spender = openPassSession(regions, TEST_REGION, direct.dynamodb);
    const other = openPassSession(regions, TEST_REGION, direct.dynamodb);
    const budget = spender.clients.retryBudget;
    expect(budget).toBeDefined();
    let spent = 0;
    while (budget?.take()) spent += 1;
    expect(spent).toBe(budget?.limit);
    expect(other.clients.retryBudget?.take()).toBe(true);
  });

  it('applies each pass’s own deadline: an expired pass is refused while another one on the same client goes on', async () => {
    const expired = openPassSession(regions, TEST_REGION, direct.dynamodb, { deadlineMs: 0 });
    const live = openPassSession(regions, TEST_REGION, direct.dynamodb);
    const [refused, fine] = await Promise.allSettled([
      expired.clients.ec2.send(new DescribeVpcsCommand({})),
      live.clients.ec2.send(new DescribeVpcsCommand({})),
    ]);
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'DEADLINE_EXCEEDED' } });
    expect(fine.status).toBe('fulfilled');
    expect(live.stats.totals()).toMatchObject({ reads: 1, errors: 0 });
  });

  it('paces every pass on the shared clients through one rate limiter', async () => {
    const limiter = new RateLimiter({
      share: 1,
      buckets: [
        {
          id: 'test-ssm-writes',
          service: 'ssm',
          match: { kind: 'operations', names: ['PutParameter'] },
          capacity: 2,
          refillPerSecond: 5,
          scope: 'region',
          source: 'test',
        },
      ],
    });
    const paced = new RegionClients({ factory: motoFactory(moto.endpoint), rateLimiter: limiter });
    try {
      const passes = [1, 2].map(() => openPassSession(paced, TEST_REGION, direct.dynamodb));
      const started = Date.now();
      await Promise.all(passes.flatMap((p, i) => work(p.clients, `paced${i}`, 4, 0)));
      // 8 writes, 2 at once then 5/s: at least 6 × 200 ms, however the two passes interleave.
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_150);
      expect(limiter.delays.calls).toBe(6);
      for (const p of passes) expect(p.stats.totals()).toMatchObject({ mutates: 4, errors: 0 });
      const last = await direct.ssm.send(new GetParameterCommand({ Name: '/paced1/p3' }));
      expect(last.Parameter?.Value).toBe('v');
    } finally {
      paced.close();
    }
  });

  it('closes once, for the process: later passes are refused', () => {
    const own = new RegionClients({ factory: motoFactory(moto.endpoint) });
    own.get(TEST_REGION);
    own.close();
    own.close();
    expect(() => openPassSession(own, TEST_REGION, direct.dynamodb)).toThrow(ClientsClosedError);
  });
});
