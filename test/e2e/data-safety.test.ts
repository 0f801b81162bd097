/**
 * End to end, real moto, through the CLI, on a copy of the example's prod stack (high_availability):
 * what a change to the managed database does.
 *
 * - A new instance class in prod.yaml is an in-place modify: same instance, new class.
 * - A new Postgres major version (the db service's image tag) is refused without --allow-data-loss,
 *   with the reason, and nothing changes.
 * - Removing the database from compose never deletes it without --allow-data-loss (it is reported, and
 *   what it uses stays too); with the flag it is deleted, leaving a final snapshot.
 * - `destroy` of a high_availability stack keeps its database (deletion protection on) unless told
 *   otherwise; with --allow-data-loss it lifts the protection and leaves a final snapshot.
 */

import { join } from 'node:path';
import {
  DeleteNatGatewayCommand,
  DescribeAddressesCommand,
  DescribeNatGatewaysCommand,
  DisassociateAddressCommand,
  ReleaseAddressCommand,
} from '@aws-sdk/client-ec2';
import { DescribeDBSubnetGroupsCommand } from '@aws-sdk/client-rds';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { DesiredStack } from '../../src/desired/resource-types.js';
import { createPublicZone, type DataEnv, startDataE2e } from './data-helpers/data-env.js';
import { dbSnapshots, liveDb, liveSecurityGroup, renderedName } from './data-helpers/live-data.js';
import { removeProjects, stackFile, writeProject } from './data-helpers/projects.js';
import { parseJson } from './helpers/harness.js';
import { applyOf, changes, planOf } from './helpers/plan-output.js';
import { copyShop, editFile, removeWorkspaces } from './helpers/workspace.js';

const STEP_TIMEOUT_MS = 180_000;

let env: DataEnv;
let dir: string;
let prod: (...args: string[]) => ReturnType<ReturnType<DataEnv['cliIn']>>;
let rendered: DesiredStack;
let dbId: string;

beforeAll(async () => {
  env = await startDataE2e();
  dir = await copyShop();
  const cli = env.cliIn(dir);
  prod = (...args) => cli(...args, '--stack', 'prod');
  await createPublicZone(env.clients, 'example.com');
  expect((await prod('config', 'set', 'API_TOKEN', '--random')).code).toBe(0);
  rendered = parseJson<DesiredStack>(await prod('render', '--output', 'json'));
  dbId = renderedName(rendered, 'db/db');
  const first = await prod('reconcile', '--once');
  expect(first.code, first.out + first.err).toBe(0);
}, STEP_TIMEOUT_MS);
afterAll(async () => {
  await env?.stop();
  await removeWorkspaces();
  await removeProjects();
});

/** Deletes every NAT gateway and releases every Elastic IP of the account (moto: no waiting needed). */
async function freeElasticIps(clients: DataEnv['clients']): Promise<void> {
  const nats = (await clients.ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways ?? [];
  for (const n of nats) await clients.ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: n.NatGatewayId }));
  const addresses = (await clients.ec2.send(new DescribeAddressesCommand({}))).Addresses ?? [];
  for (const a of addresses) {
    if (a.AssociationId)
      await clients.ec2.send(new DisassociateAddressCommand({ AssociationId: a.AssociationId }));
    await clients.ec2.send(new ReleaseAddressCommand({ AllocationId: a.AllocationId }));
  }
}

const dbStep = (plan: ReturnType<typeof planOf>) => plan.steps.find((s) => s.logicalId === 'db/db');

describe('changing the managed database of a high_availability stack', () => {
  it(
    'a new instance class in prod.yaml is an in-place modify of the same instance',
    async () => {
      const before = await liveDb(env.clients, dbId);
      await editFile(join(dir, '.stackctl', 'prod.yaml'), (t) =>
        t.replace(
          'postgres:\n  allocatedStorage: 50\n',
          'postgres:\n  allocatedStorage: 50\n  instanceClass: db.r6g.xlarge\n',
        ),
      );

      const text = await prod('plan');
      const plan = planOf(await prod('plan', '--output', 'json'));

      expect(text.code).toBe(2);
      expect(text.out).toContain(
        '~ update  rds.DBInstance db/db\n    instanceClass: "db.r6g.large" → "db.r6g.xlarge"\n',
      );
      // Multi-AZ in eu-west-1: 2 × 730 h × ($0.50 − $0.25) (price table, src/estimate/price-table.ts).
      expect(text.out).toContain('Monthly cost: +$365.00/month (estimate)\n');
      expect(changes(plan).map((s) => [s.logicalId, s.action])).toEqual([['db/db', 'update']]);
      expect(dbStep(plan)?.deltas?.map((d) => d.path)).toEqual(['instanceClass']);

      const applied = await prod('reconcile', '--once');
      expect(applied.code, applied.out).toBe(0);
      const after = await liveDb(env.clients, dbId);
      expect(after?.DBInstanceClass).toBe('db.r6g.xlarge');
      expect(after?.DbiResourceId).toBe(before?.DbiResourceId);
      expect((await prod('plan')).code).toBe(0);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'a new Postgres major version is refused without --allow-data-loss, with the reason, and nothing changes',
    async () => {
      const compose = join(dir, 'compose.yaml');
      await editFile(compose, (t) =>
        t.replace('  db:\n    image: postgres:16-alpine', '  db:\n    image: postgres:17-alpine'),
      );

      const text = await prod('plan');
      const plan = planOf(await prod('plan', '--output', 'json'));
      const applied = await prod('reconcile', '--once', '--output', 'json');

      expect(text.code).toBe(2);
      expect(text.out).toContain(
        '· skip    rds.DBInstance db/db (data safety: rds.DBInstance would change in place (engineVersion 16 → 17 is a major version change, which cannot be undone) and holds data; it is left as it is: rerun with --allow-data-loss to allow it)',
      );
      expect(dbStep(plan)).toMatchObject({ action: 'skip' });
      expect(applied.code).toBe(2);
      const result = applyOf(applied).results.find((r) => r.logicalId === 'db/db');
      expect(result).toMatchObject({
        status: 'skipped',
        message: expect.stringContaining('engineVersion 16 → 17'),
      });
      expect((await liveDb(env.clients, dbId))?.EngineVersion?.split('.')[0]).toBe('16');

      await editFile(compose, (t) => t.replace('postgres:17-alpine', 'postgres:16-alpine'));
      expect((await prod('plan')).code).toBe(0);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'removing the database from compose keeps it (reported) without the flag; with it, deletes it after a final snapshot',
    async () => {
      const compose = join(dir, 'compose.yaml');
      await editFile(compose, (t) => {
        const doc = parse(t) as { services: Record<string, { depends_on?: unknown }> };
        delete doc.services.db;
        for (const svc of Object.values(doc.services)) {
          const deps = svc.depends_on;
          if (Array.isArray(deps)) svc.depends_on = deps.filter((d) => d !== 'db');
          else if (deps && typeof deps === 'object') delete (deps as Record<string, unknown>).db;
        }
        return stringify(doc);
      });
      const dbSg = renderedName(rendered, 'sg/db/db');

      const kept = await prod('reconcile', '--once', '--output', 'json');

      expect(kept.code, kept.out).toBe(2);
      const results = new Map(applyOf(kept).results.map((r) => [r.logicalId, r]));
      expect(results.get('db/db')).toMatchObject({
        status: 'skipped',
        message: expect.stringMatching(
          /^data safety: rds\.DBInstance is no longer rendered .* --allow-data-loss/,
        ),
      });
      for (const id of ['db/subnets', 'sg/db/db', 'param/db-password']) {
        expect(results.get(id), id).toMatchObject({
          status: 'skipped',
          message: expect.stringMatching(/^kept: /),
        });
      }
      expect(applyOf(kept).summary).toMatchObject({ failed: 0, blocked: 0 });
      expect(await liveDb(env.clients, dbId)).toMatchObject({
        DBInstanceStatus: 'available',
        DeletionProtection: true,
      });
      expect(await liveSecurityGroup(env.clients, dbSg)).toBeDefined();
      const password = await env.clients.ssm.send(
        new GetParameterCommand({ Name: '/stackctl/shop/prod/DB_PASSWORD' }),
      );
      expect(password.Parameter).toBeDefined();
      expect(await dbSnapshots(env.clients, dbId)).toEqual([]);

      const deleted = await prod('reconcile', '--once', '--allow-data-loss', '--output', 'json');

      expect(deleted.code, deleted.out).toBe(0);
      expect(await liveDb(env.clients, dbId)).toBeUndefined();
      const snapshots = await dbSnapshots(env.clients, dbId);
      expect(snapshots.map((s) => s.DBSnapshotIdentifier)).toEqual([
        expect.stringMatching(new RegExp(`^${dbId}-final-\\d{12}$`)),
      ]);
      const groups = await env.clients.rds.send(new DescribeDBSubnetGroupsCommand({}));
      expect((groups.DBSubnetGroups ?? []).map((g) => g.DBSubnetGroupName)).not.toContain(
        renderedName(rendered, 'db/subnets'),
      );
      expect(await liveSecurityGroup(env.clients, dbSg)).toBeUndefined();
      expect((await prod('plan')).code).toBe(0);
    },
    STEP_TIMEOUT_MS,
  );
});

const NOTES_APP = `name: notes
services:
  api:
    image: nginxdemos/hello:0.4-plain-text
    ports: ["80:80"]
    depends_on: { db: { condition: service_healthy } }
  db:
    image: postgres:16-alpine
    x-stackctl-postgres: true
`;

describe('destroy of a high_availability stack', () => {
  it(
    'keeps the database (protected, reported) without the flag; with it, lifts protection and snapshots',
    async () => {
      // moto's Elastic IP quota is AWS's default, 5 per region: the prod stack above holds 3 (one NAT
      // gateway per AZ) and this stack needs 3, which preflight rightly refuses. prod is not used after
      // this point, so its gateways and addresses are removed out of band to make room.
      await freeElasticIps(env.clients);
      const notes = env.cliIn(
        await writeProject('notes', NOTES_APP, { ha: stackFile('high_availability', '10.30.0.0/16') }),
      );
      const desired = parseJson<DesiredStack>(await notes('render', '--stack', 'ha', '--output', 'json'));
      const id = renderedName(desired, 'db/db');
      const up = await notes('reconcile', '--once', '--stack', 'ha');
      expect(up.code, up.out + up.err).toBe(0);
      expect(await liveDb(env.clients, id)).toMatchObject({ DeletionProtection: true });

      const kept = await notes('destroy', '--stack', 'ha', '--yes', '--output', 'json');

      expect(kept.code, kept.out).toBe(2);
      const results = new Map(applyOf(kept).results.map((r) => [r.logicalId, r]));
      expect(results.get('db/db')).toMatchObject({
        status: 'skipped',
        message: expect.stringContaining('data safety'),
      });
      expect(results.get('service/api')).toMatchObject({ status: 'applied' });
      expect(applyOf(kept).summary).toMatchObject({ failed: 0, blocked: 0 });
      expect(await liveDb(env.clients, id)).toMatchObject({
        DBInstanceStatus: 'available',
        DeletionProtection: true,
      });
      expect(await dbSnapshots(env.clients, id)).toEqual([]);

      const gone = await notes('destroy', '--stack', 'ha', '--yes', '--allow-data-loss', '--output', 'json');

      expect(gone.code, gone.out).toBe(0);
      expect(applyOf(gone).summary).toMatchObject({ failed: 0, blocked: 0, skipped: 0 });
      expect(await liveDb(env.clients, id)).toBeUndefined();
      expect((await dbSnapshots(env.clients, id)).map((x) => x.DBSnapshotIdentifier)).toEqual([
        expect.stringMatching(new RegExp(`^${id}-final-\\d{12}$`)),
      ]);
      expect((await notes('plan', '--stack', 'ha', '--output', 'json')).code).toBe(2);
    },
    STEP_TIMEOUT_MS,
  );
});
