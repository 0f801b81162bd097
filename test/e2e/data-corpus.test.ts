/**
 * End to end, real moto, through the CLI: real-world compose files that use managed Postgres and Redis
 * (`x-defang-postgres`, `x-defang-redis`) deploy whole from an empty account, and a second pass makes no
 * mutating call but the state table's lease writes. Each file is copied from the shared corpus with a
 * `.stackctl/dev.yaml`; services that only have `build` get an image with `--image`; the config keys
 * the stack needs (environment keys without a value) are set with `config set --random` first.
 *
 * The corpus lives outside the repository: absent, this file is skipped with a message, except under
 * CI=true where that is a failure (test/helpers/corpus.ts).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesiredStack } from '../../src/desired/resource-types.js';
import { requireCorpus } from '../helpers/corpus.js';
import { type DataEnv, stackMutations, startDataE2e } from './data-helpers/data-env.js';
import { liveCache, liveDb, renderedName } from './data-helpers/live-data.js';
import { copyCorpusSample, imageFlagsFor, removeProjects, stackFile } from './data-helpers/projects.js';
import { parseJson } from './helpers/harness.js';
import { liveWiring, stackVpcId } from './helpers/live-wiring.js';
import { applyOf, changes } from './helpers/plan-output.js';

const CORPUS = requireCorpus();
const SAMPLE_TIMEOUT_MS = 180_000;

let env: DataEnv;

beforeAll(async () => {
  if (CORPUS !== undefined) env = await startDataE2e();
});
afterAll(async () => {
  await env?.stop();
  await removeProjects();
});

describe.skipIf(CORPUS === undefined)('corpus apps with managed data', () => {
  it.each([
    { sample: 'django-celery', postgres: 'db/database', redis: 'cache/broker', cidr: '10.41.0.0/16' },
    { sample: 'rails', postgres: 'db/db', redis: undefined, cidr: '10.42.0.0/16' },
    { sample: 'fastapi-postgres-pubsub', postgres: 'db/postgres', redis: undefined, cidr: '10.43.0.0/16' },
    { sample: 'bullmq-bullboard-redis', postgres: undefined, redis: 'cache/redisx', cidr: '10.44.0.0/16' },
  ])(
    'defang-samples/$sample converges wired (check exits 0, data keeps its compose name), and a second pass changes nothing',
    async ({ sample, postgres, redis, cidr }) => {
      const dir = await copyCorpusSample(join(CORPUS as string, 'defang-samples', sample), {
        dev: stackFile('affordable', cidr),
      });
      const images = await imageFlagsFor(dir);
      const cli = env.cliIn(dir);
      const dev = (...args: string[]) => cli(...args, '--stack', 'dev');
      // Deploys take the images of build: services from --image: moto runs no builds (--no-build).
      const deploy = (...args: string[]) => dev(...args, ...images, '--no-build');
      const rendered = parseJson<DesiredStack>(await dev('render', '--output', 'json', ...images));
      for (const key of rendered.requiredSecrets) {
        const set = await dev('config', 'set', key, '--random');
        expect(set.code, set.err).toBe(0);
      }

      const first = await deploy('reconcile', '--once', '--output', 'json');

      expect(first.code, first.out + first.err).toBe(0);
      expect(applyOf(first).summary).toMatchObject({ failed: 0, blocked: 0, skipped: 0, conflict: 0 });
      if (postgres) {
        expect(await liveDb(env.clients, renderedName(rendered, postgres))).toMatchObject({
          DBInstanceStatus: 'available',
          Engine: 'postgres',
        });
      }
      if (redis) expect(await liveCache(env.clients, renderedName(rendered, redis))).toBeDefined();

      // Wired, not only converged: stackctl's own proof, then the names read straight from AWS — the
      // managed database and cache keep their compose names as CNAMEs to their endpoints.
      const check = await dev('check', '--output', 'json');
      expect(check.code, check.out + check.err).toBe(0);
      const project = rendered.project;
      const wiring = await liveWiring(env.clients, {
        project,
        stack: 'dev',
        cluster: `${project}-dev`,
        vpcId: await stackVpcId(env.clients, project, 'dev'),
      });
      expect(wiring.namespace?.vpcSearchDomains.split(' ')).toContain(wiring.namespace?.name);
      if (postgres) {
        const db = await liveDb(env.clients, renderedName(rendered, postgres));
        expect(wiring.names.get(postgres.slice('db/'.length))?.cnames).toEqual([db?.Endpoint?.Address]);
      }
      if (redis) {
        const cache = await liveCache(env.clients, renderedName(rendered, redis));
        const endpoint = cache?.NodeGroups?.[0]?.PrimaryEndpoint?.Address;
        expect(wiring.names.get(redis.slice('cache/'.length))?.cnames).toEqual([endpoint]);
      }

      const second = await deploy('reconcile', '--once', '--stats', '--output', 'json');

      const again = applyOf(second);
      expect(second.code, second.out).toBe(0);
      expect(changes(again.plan)).toEqual([]);
      expect(again.summary).toMatchObject({ applied: 0, noop: rendered.resources.length });
      expect(stackMutations(again.stats)).toEqual({});
    },
    SAMPLE_TIMEOUT_MS,
  );
});
