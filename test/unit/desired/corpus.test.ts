/**
 * Loads every compose file of the shared corpus (real files from public repositories) and checks each
 * against an explicit expectation: it loads with N enabled services (no profile selected), or it is
 * rejected with a problem at a given field. Any error other than ComposeError is a crash and fails.
 *
 * Files are loaded with an empty shell environment so results do not depend on the machine. authentik's
 * `${PG_PASS:?…}` is expected to be reported as an error naming the variable, as a user without the
 * variable would see; a second case supplies the variables and shows that only the upstream `.env`
 * (which authentik asks users to create, and which is not in the corpus) is then missing.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ComposeError, type LoadComposeOptions, loadCompose } from '../../../src/desired/compose/index.js';
import type { ComposeModel } from '../../../src/desired/compose-types.js';
import { corpusDir, requireCorpus } from '../../helpers/corpus.js';

type Expectation =
  | { readonly loads: true; readonly services: number }
  | { readonly fails: string; readonly message?: string };

/** Relative path → outcome, with no profile selected and an empty shell environment. */
const EXPECTED: Readonly<Record<string, Expectation>> = {
  'awesome-compose/elasticsearch-logstash-kibana/compose.yaml': {
    fails: 'services.logstash.ports[1]',
    message: 'cannot be published: the load balancer serves HTTP(S) only',
  },
  'awesome-compose/gitea-postgres/compose.yaml': { loads: true, services: 2 },
  'awesome-compose/nextcloud-redis-mariadb/compose.yaml': { loads: true, services: 3 },
  'awesome-compose/nginx-aspnet-mysql/compose.yaml': { loads: true, services: 3 },
  'awesome-compose/nginx-flask-mysql/compose.yaml': { loads: true, services: 3 },
  'awesome-compose/nginx-golang-postgres/compose.yaml': { loads: true, services: 3 },
  'awesome-compose/nginx-wsgi-flask/compose.yaml': { loads: true, services: 2 },
  'awesome-compose/postgresql-pgadmin/compose.yaml': { loads: true, services: 2 },
  'awesome-compose/prometheus-grafana/compose.yaml': { loads: true, services: 2 },
  'awesome-compose/react-express-mongodb/compose.yaml': { loads: true, services: 3 },
  'awesome-compose/react-express-mysql/compose.yaml': { loads: true, services: 3 },
  'awesome-compose/react-rust-postgres/compose.yaml': { loads: true, services: 3 },
  'awesome-compose/traefik-golang/compose.yaml': { loads: true, services: 2 },
  'awesome-compose/wasmedge-kafka-mysql/compose.yaml': { loads: true, services: 3 },
  'awesome-compose/wordpress-mysql/compose.yaml': { loads: true, services: 2 },
  'defang-samples/bullmq-bullboard-redis/compose.yaml': { loads: true, services: 4 },
  'defang-samples/crewai/compose.yaml': { loads: true, services: 6 },
  // An override file meant for `-f compose.yaml -f compose.dev.yaml`: alone, the web and worker it
  // extends depend on `migrate`, which it does not define.
  'defang-samples/django-celery/compose.dev.yaml': { fails: 'services.web.depends_on', message: '"migrate"' },
  'defang-samples/django-celery/compose.yaml': { loads: true, services: 5 },
  'defang-samples/django-redis-postgres/compose.yaml': { loads: true, services: 4 },
  'defang-samples/fastapi-postgres-pubsub/compose.yaml': { loads: true, services: 3 },
  'defang-samples/golang-mongodb/compose.yaml': { loads: true, services: 2 },
  'defang-samples/managed-llm/compose.yaml': { loads: true, services: 2 },
  'defang-samples/mastra-nextjs/compose.yaml': { loads: true, services: 2 },
  'defang-samples/n8n/compose.yaml': { loads: true, services: 2 },
  'defang-samples/nextjs/compose.static.yaml': { loads: true, services: 1 },
  'defang-samples/nextjs/compose.yaml': { loads: true, services: 1 },
  'defang-samples/nounly/compose.yaml': { loads: true, services: 2 },
  'defang-samples/ollama/compose.yaml': { loads: true, services: 2 },
  'defang-samples/rails/compose.yaml': { loads: true, services: 3 },
  'defang-samples/svelte-mysql/compose.yaml': { loads: true, services: 2 },
  'defang-samples/vllm/compose.yaml': {
    fails: 'services.mistral.deploy.resources.reservations.devices',
    message: 'not possible on Fargate',
  },
  'other/authentik/compose.yaml': {
    fails: 'services.postgresql.environment.POSTGRES_PASSWORD',
    message: 'PG_PASS',
  },
  'other/example-voting-app/compose.yaml': { loads: true, services: 5 },
  'other/genai-stack/compose.yaml': { loads: true, services: 7 },
  'other/kong/compose.yaml': { loads: true, services: 1 },
  'other/listmonk/compose.yaml': { loads: true, services: 2 },
  'other/n8n-postgres-worker/compose.yaml': { loads: true, services: 6 },
  'other/n8n-traefik-subfolder/compose.yaml': { loads: true, services: 4 },
  'other/plausible-ce-v2.0/compose.yaml': { loads: true, services: 4 },
  'other/swarmprom/compose.yaml': { loads: true, services: 8 },
  'other/umami/compose.yaml': { loads: true, services: 2 },
};

const COMPOSE_FILE = /^compose.*\.yaml$/;
const dir = corpusDir();

function walk(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    if (statSync(path).isDirectory()) return walk(path);
    return COMPOSE_FILE.test(name)
      ? [
          relative(dir ?? '', path)
            .split(sep)
            .join('/'),
        ]
      : [];
  });
}

/** Loads a corpus file; a ComposeError is an outcome, anything else propagates (a crash). */
function loadCorpusFile(
  rel: string,
  options: Omit<LoadComposeOptions, 'file'> = {},
): ComposeModel | ComposeError {
  try {
    return loadCompose({ env: {}, ...options, file: join(dir ?? '', rel) });
  } catch (e) {
    if (e instanceof ComposeError) return e;
    throw e;
  }
}

function expectModel(result: ComposeModel | ComposeError): ComposeModel {
  if (result instanceof ComposeError) throw new Error(`expected the file to load, got:\n${result.message}`);
  return result;
}

function expectError(result: ComposeModel | ComposeError): ComposeError {
  if (!(result instanceof ComposeError)) throw new Error('expected the file to be rejected, but it loaded');
  return result;
}

describe('compose corpus presence', () => {
  it('is found, or the corpus test is skipped with a message (a failure under CI)', () => {
    expect(requireCorpus()).toBe(dir);
  });

  it('fails under CI when the corpus is absent', () => {
    expect(() => requireCorpus({ CI: 'true' }, () => undefined)).toThrow(
      '../shared/compose-corpus is missing',
    );
  });

  it('skips with a message outside CI when the corpus is absent', () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    try {
      expect(requireCorpus({}, () => undefined)).toBeUndefined();
      expect(info).toHaveBeenCalledWith(expect.stringContaining('compose corpus absent'));
    } finally {
      info.mockRestore();
    }
  });
});

describe.runIf(dir !== undefined)('compose corpus', () => {
  it('holds exactly the files of the expectation table', () => {
    expect(walk(dir ?? '').sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(Object.keys(EXPECTED)).toHaveLength(42);
  });

  const rows = Object.entries(EXPECTED).map(([file, expected]) => ({
    reason:
      'loads' in expected
        ? `${file} loads ${expected.services} services`
        : `${file} is rejected at ${expected.fails}`,
    file,
    expected,
  }));

  it.each(rows)('$reason', ({ file, expected }) => {
    const result = loadCorpusFile(file);
    if ('loads' in expected) {
      const model = expectModel(result);
      expect(Object.keys(model.services)).toHaveLength(expected.services);
      for (const name of Object.keys(model.services)) {
        expect(model.locations[`services.${name}`]?.line, `location of ${name}`).toBeGreaterThan(0);
      }
      for (const w of model.warnings) {
        expect(w.location?.line, `warning "${w.message}" has a line`).toBeGreaterThan(0);
        expect(w.field, `warning "${w.message}" has a field`).toBeTruthy();
      }
      return;
    }
    const error = expectError(result);
    const hit = error.problems.find((p) => p.field?.includes(expected.fails));
    expect(hit, `a problem at ${expected.fails} among:\n${error.message}`).toBeDefined();
    if (expected.message) expect(hit?.message).toContain(expected.message);
    for (const p of error.problems) {
      expect(p.location?.line, p.message).toBeGreaterThan(0);
      expect(p.location?.column, p.message).toBeGreaterThan(0);
    }
  });

  it.each([
    {
      reason: 'authentik, given its required variables, only lacks the .env users create',
      file: 'other/authentik/compose.yaml',
    },
  ])('$reason', ({ file }) => {
    const error = expectError(loadCorpusFile(file, { env: { PG_PASS: 'x', AUTHENTIK_SECRET_KEY: 'y' } }));
    expect(error.problems.map((p) => p.field)).toEqual([
      'services.postgresql.env_file[0]',
      'services.server.env_file[0]',
      'services.worker.env_file[0]',
    ]);
    expect(error.message).not.toContain('PG_PASS');
  });

  it.each([
    {
      reason: 'the seed profile adds the seed service',
      file: 'other/example-voting-app/compose.yaml',
      profiles: ['seed'],
      services: 6,
    },
    {
      reason: 'the database profile adds three services',
      file: 'other/kong/compose.yaml',
      profiles: ['database'],
      services: 4,
    },
    { reason: "'*' enables every profile", file: 'other/kong/compose.yaml', profiles: ['*'], services: 4 },
  ])('$reason', ({ file, profiles, services }) => {
    expect(Object.keys(expectModel(loadCorpusFile(file, { profiles })).services)).toHaveLength(services);
  });

  it('rejects the GPU service of genai-stack once its profile is selected', () => {
    const error = expectError(loadCorpusFile('other/genai-stack/compose.yaml', { profiles: ['linux-gpu'] }));
    expect(error.problems.map((p) => p.field)).toEqual([
      'services.llm-gpu.deploy.resources.reservations.devices',
    ]);
  });

  it('points at the extended file for a problem that comes from it', () => {
    const error = expectError(loadCorpusFile('defang-samples/django-celery/compose.dev.yaml'));
    const web = error.problems.find((p) => p.field?.startsWith('services.web.depends_on'));
    expect(web?.location).toEqual({
      file: join(dir ?? '', 'defang-samples/django-celery/compose.yaml'),
      line: 14,
      column: 9,
    });
  });

  it.each([
    {
      reason: 'postgres:16 gives engine 16',
      file: 'defang-samples/django-celery/compose.yaml',
      service: 'database',
      kind: 'postgres',
      version: '16',
    },
    {
      reason: 'pgvector:pg16 gives engine 16',
      file: 'defang-samples/crewai/compose.yaml',
      service: 'postgres',
      kind: 'postgres',
      version: '16',
    },
    {
      reason: 'redis:6.2 gives engine 6.2',
      file: 'defang-samples/bullmq-bullboard-redis/compose.yaml',
      service: 'redisx',
      kind: 'redis',
      version: '6.2',
    },
    {
      reason: 'redis:alpine gives no engine version',
      file: 'defang-samples/nounly/compose.yaml',
      service: 'redis',
      kind: 'redis',
      version: undefined,
    },
  ] as const)('$reason', ({ file, service, kind, version }) => {
    const s = expectModel(loadCorpusFile(file)).services[service];
    expect(s?.[kind]).toEqual(version === undefined ? {} : { engineVersion: version });
  });
});
