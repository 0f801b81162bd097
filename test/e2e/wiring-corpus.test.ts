/**
 * End to end, real moto, through the CLI: real compose apps that connect their services by name
 * (awesome-compose's nginx-flask-mysql, gitea-postgres, nextcloud-redis-mariadb, react-express-mongodb)
 * deploy from an empty account, `stackctl check` exits 0, a second pass changes nothing, and — read
 * straight from AWS with raw SDK calls, not from stackctl's report — every service name is a Cloud Map
 * name the caller's VPC searches, every edge compose allows is admitted by the callee's security group,
 * every edge between disjoint compose networks is not, and each published port has a listener that
 * forwards to the right service's container port.
 *
 * The corpus lives outside the repository: absent, this file is skipped with a message, except under
 * CI=true where that is a failure (test/helpers/corpus.ts).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesiredStack } from '../../src/desired/resource-types.js';
import { requireCorpus } from '../helpers/corpus.js';
import { type DataEnv, startDataE2e } from './data-helpers/data-env.js';
import { copyCorpusSample, imageFlagsFor, removeProjects, stackFile } from './data-helpers/projects.js';
import { parseJson } from './helpers/harness.js';
import { admits, liveWiring, stackVpcId } from './helpers/live-wiring.js';
import { applyOf, changes } from './helpers/plan-output.js';

const CORPUS = requireCorpus();
const SAMPLE_TIMEOUT_MS = 240_000;

/** caller → callee on a port. */
type Edge = readonly [caller: string, callee: string, port: number];

interface App {
  readonly sample: string;
  readonly project: string;
  readonly cidr: string;
  /** Published port → [service, container port]. */
  readonly listeners: Readonly<Record<number, readonly [string, number]>>;
  /** Edges compose allows (shared network) that the app uses. */
  readonly reach: readonly Edge[];
  /** Edges between services on disjoint networks: must not be admitted. */
  readonly denied: readonly Edge[];
}

const APPS: readonly App[] = [
  {
    sample: 'nginx-flask-mysql',
    project: 'nfm',
    cidr: '10.51.0.0/16',
    listeners: { 80: ['proxy', 80], 8000: ['backend', 8000] },
    reach: [
      ['backend', 'db', 3306],
      ['proxy', 'backend', 8000],
    ],
    denied: [['proxy', 'db', 3306]],
  },
  {
    sample: 'gitea-postgres',
    project: 'gitea',
    cidr: '10.52.0.0/16',
    listeners: { 3000: ['gitea', 3000] },
    reach: [['gitea', 'db', 5432]],
    denied: [],
  },
  {
    sample: 'nextcloud-redis-mariadb',
    project: 'nextcloud',
    cidr: '10.53.0.0/16',
    listeners: { 80: ['nc', 80] },
    reach: [
      ['nc', 'redis', 6379],
      ['nc', 'db', 3306],
    ],
    denied: [
      ['redis', 'db', 3306],
      ['db', 'redis', 6379],
    ],
  },
  {
    sample: 'react-express-mongodb',
    project: 'rem',
    cidr: '10.54.0.0/16',
    listeners: { 3000: ['frontend', 3000] },
    reach: [
      ['frontend', 'backend', 3000],
      ['backend', 'mongo', 27017],
    ],
    denied: [['frontend', 'mongo', 27017]],
  },
];

let env: DataEnv;

beforeAll(async () => {
  if (CORPUS !== undefined) env = await startDataE2e();
});
afterAll(async () => {
  await env?.stop();
  await removeProjects();
});

describe.skipIf(CORPUS === undefined)('corpus apps that connect services by name', () => {
  it.each(APPS)(
    'awesome-compose/$sample converges wired: names resolve, groups admit, listeners route; check exits 0',
    async (app) => {
      const dir = await copyCorpusSample(join(CORPUS as string, 'awesome-compose', app.sample), {
        dev: stackFile('affordable', app.cidr),
      });
      const images = await imageFlagsFor(dir);
      const cli = env.cliIn(dir);
      const dev = (...args: string[]) => cli(...args, '-p', app.project, '--stack', 'dev');
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

      const check = await dev('check', '--output', 'json');
      expect(check.code, check.out + check.err).toBe(0);

      const lbName = rendered.resources.find((r) => r.kind === 'elbv2.LoadBalancer')?.name;
      const w = await liveWiring(env.clients, {
        project: app.project,
        stack: 'dev',
        cluster: `${app.project}-dev`,
        vpcId: await stackVpcId(env.clients, app.project, 'dev'),
        ...(lbName ? { lbName } : {}),
      });
      const services = [...new Set(app.reach.flatMap((edge) => [edge[0], edge[1]]))];
      expect(w.namespace, 'a private DNS namespace for the stack').toBeDefined();
      expect(w.namespace?.vpcSearchDomains.split(' ')).toContain(w.namespace?.name);
      for (const svc of services) {
        const name = w.names.get(svc);
        expect(name, `Cloud Map name ${svc}`).toBeDefined();
        expect(w.services.get(svc)?.registries, `${svc} registers into its name`).toContain(name?.arn);
      }
      for (const [caller, callee, port] of app.reach) {
        const from = w.services.get(caller)?.groups ?? [];
        const to = w.services.get(callee)?.groups ?? [];
        expect(admits(w, from, to, port), `${caller} → ${callee}:${port} admitted`).toBe(true);
      }
      for (const [caller, callee, port] of app.denied) {
        const from = w.services.get(caller)?.groups ?? [];
        const to = w.services.get(callee)?.groups ?? [];
        expect(admits(w, from, to, port), `${caller} → ${callee}:${port} (disjoint networks)`).toBe(false);
      }
      expect([...w.listeners.keys()].sort((a, b) => a - b)).toEqual(
        Object.keys(app.listeners)
          .map(Number)
          .sort((a, b) => a - b),
      );
      for (const [published, [svc, containerPort]] of Object.entries(app.listeners)) {
        const listener = w.listeners.get(Number(published));
        expect(listener?.targetPort, `listener ${published} → container port`).toBe(containerPort);
        expect(w.services.get(svc)?.targets).toContainEqual({
          targetGroupArn: listener?.targetGroupArn,
          containerPort,
        });
      }

      const second = await deploy('reconcile', '--once', '--output', 'json');
      expect(second.code, second.out).toBe(0);
      expect(changes(applyOf(second).plan)).toEqual([]);
    },
    SAMPLE_TIMEOUT_MS,
  );
});
