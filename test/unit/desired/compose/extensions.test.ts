import { describe, expect, it } from 'vitest';
import { loadError, loadOk, yaml } from './project.js';

function web(...lines: readonly string[]): string {
  return `services:\n  web:\n    image: nginx\n${lines.map((l) => `    ${l}`).join('\n')}\n`;
}

function only(...lines: readonly string[]) {
  const service = loadOk(web(...lines)).services.web;
  if (!service) throw new Error('web missing');
  return service;
}

describe('stackctl extensions', () => {
  it.each([
    {
      reason: 'x-stackctl-postgres: true',
      lines: ['x-stackctl-postgres: true'],
      image: 'postgres:16-alpine',
      expected: { postgres: { engineVersion: '16' } },
    },
    {
      reason: 'x-defang-postgres: true',
      lines: ['x-defang-postgres: true'],
      image: 'postgres:14.5',
      expected: { postgres: { engineVersion: '14' } },
    },
    {
      reason: 'a postgres object',
      lines: ['x-stackctl-postgres: { allow-downgrade: true }'],
      image: 'postgres:15',
      expected: { postgres: { engineVersion: '15', allowDowngrade: true } },
    },
    {
      reason: 'x-defang-redis',
      lines: ['x-defang-redis: true'],
      image: 'redis:7.2-alpine',
      expected: { redis: { engineVersion: '7.2' } },
    },
    {
      reason: 'x-stackctl-redis without a versioned tag',
      lines: ['x-stackctl-redis: true'],
      image: 'redis:alpine',
      expected: { redis: {} },
    },
    {
      reason: 'x-stackctl-autoscaling: true',
      lines: ['x-stackctl-autoscaling: true'],
      image: 'app',
      expected: { autoscaling: {} },
    },
    {
      reason: 'an autoscaling object',
      lines: ['x-defang-autoscaling: { min: 2, max: 6, target-cpu: 70 }'],
      image: 'app',
      expected: { autoscaling: { min: 2, max: 6, targetCpu: 70 } },
    },
  ])('reads $reason', ({ lines, image, expected }) => {
    const model = loadOk(
      `services:\n  db:\n    image: ${image}\n${lines.map((l) => `    ${l}`).join('\n')}\n`,
    );
    expect(model.services.db).toMatchObject(expected);
    expect(model.warnings).toEqual([]);
  });

  it('treats false as not requested', () => {
    const service = only('x-stackctl-postgres: false');
    expect(service.postgres).toBeUndefined();
  });

  it('prefers x-stackctl over x-defang when both are set, with a warning', () => {
    const model = loadOk(web('x-defang-autoscaling: { max: 3 }', 'x-stackctl-autoscaling: { max: 5 }'));
    expect(model.services.web?.autoscaling).toEqual({ max: 5 });
    expect(model.warnings.map((w) => w.field)).toEqual(['services.web.x-stackctl-autoscaling']);
  });

  it('rejects autoscaling with min above max', () => {
    expect(loadError(web('x-stackctl-autoscaling: { min: 4, max: 2 }')).problems.map((p) => p.field)).toEqual(
      ['services.web.x-stackctl-autoscaling'],
    );
  });
});

describe('YAML features', () => {
  it('expands anchors, aliases and << merge keys, explicit keys winning', () => {
    const model = loadOk(
      yaml`
        x-env: &env
          A: from-anchor
          B: from-anchor
        x-base: &base
          image: app
          environment:
            <<: *env
            B: explicit
        services:
          one:
            <<: *base
          two:
            <<: *base
            image: other
      `,
    );
    expect(model.services.one).toMatchObject({
      image: 'app',
      environment: { A: 'from-anchor', B: 'explicit' },
    });
    expect(model.services.two?.image).toBe('other');
  });

  it('keeps the top-level name', () => {
    expect(loadOk('name: shop\nservices:\n  web:\n    image: x\n').name).toBe('shop');
    expect(loadOk('services:\n  web:\n    image: x\n').name).toBeUndefined();
  });
});
