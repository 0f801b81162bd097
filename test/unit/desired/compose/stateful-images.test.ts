import { describe, expect, it } from 'vitest';
import { COMPOSE_WARNING } from '../../../../src/desired/compose/index.js';
import { loadOk } from './project.js';

describe('stateful images without a managed extension', () => {
  it.each([
    {
      reason: 'postgres has x-stackctl-postgres',
      image: 'postgres:16-alpine',
      expected: 'x-stackctl-postgres',
    },
    {
      reason: 'redis has x-stackctl-redis',
      image: 'docker.io/library/redis:7',
      expected: 'x-stackctl-redis',
    },
    {
      reason: 'valkey is served by x-stackctl-redis',
      image: 'valkey/valkey:8',
      expected: 'x-stackctl-redis',
    },
    { reason: 'mysql has no managed form', image: 'mysql:8.0', expected: 'lost on every restart' },
    { reason: 'mariadb has no managed form', image: 'mariadb:10.6.4-focal', expected: 'no managed form' },
    { reason: 'mongo has no managed form', image: 'mongo@sha256:abc', expected: 'no managed form' },
  ])('warns for $image: $reason', ({ image, expected }) => {
    const model = loadOk(`services:\n  data:\n    image: ${image}\n`);
    const warning = model.warnings.find((w) => w.code === COMPOSE_WARNING.statefulImage);
    expect(warning?.message).toContain(expected);
    expect(warning?.message).toContain('service "data"');
    expect(warning?.field).toBe('services.data.image');
    expect(warning?.location?.line).toBe(3);
  });

  it.each([
    {
      reason: 'managed through the extension',
      yamlText: 'image: postgres:16\n    x-stackctl-postgres: true',
    },
    { reason: 'not a stateful image', yamlText: 'image: nginx:1.27' },
    {
      reason: 'a run-once task using the image as a client (migrations with psql)',
      yamlText: 'image: postgres:16-alpine\n    restart: "no"\n    command: psql -c "select 1"',
    },
    { reason: 'a repository that merely contains the word', yamlText: 'image: pgvector/pgvector:pg16' },
  ])('does not warn when $reason', ({ yamlText }) => {
    const model = loadOk(`services:\n  data:\n    ${yamlText}\n`);
    expect(model.warnings.some((w) => w.code === COMPOSE_WARNING.statefulImage)).toBe(false);
  });
});
