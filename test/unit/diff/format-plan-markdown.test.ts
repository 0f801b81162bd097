import { describe, expect, it } from 'vitest';
import { formatPlanMarkdown } from '../../../src/diff/format-plan-markdown.js';
import { planStack } from '../../../src/diff/plan-stack.js';
import { desired, observed, PROJECT, STACK } from './fixtures.js';

const base = { project: PROJECT, stack: STACK };

describe('formatPlanMarkdown', () => {
  it.each([
    {
      reason: 'an in-sync stack is one heading and one line, no empty code block',
      d: [desired('ecs.Service', 'service/web', { desiredCount: 1 })],
      o: [observed('ecs.Service', 'service/web', { desiredCount: 1 })],
      contains: [`### stackctl plan: \`${PROJECT}/${STACK}\``, `No changes. Stack ${STACK} is in sync.`],
      excludes: ['```'],
    },
    {
      reason: 'changes sit in a diff block (coloured by GitHub) under a bold summary',
      d: [
        desired('ecs.Service', 'service/web', { desiredCount: 3 }),
        desired('logs.LogGroup', 'logs/web', {}),
      ],
      o: [observed('ecs.Service', 'service/web', { desiredCount: 1 })],
      contains: [
        '**Plan: 1 to create, 1 to update, 0 to replace, 0 to delete, 0 skipped, 0 conflicts.**',
        '```diff\n',
        '+ create  logs.LogGroup logs/web',
        '    desiredCount: 1 → 3',
      ],
      excludes: [],
    },
  ])('$reason', ({ d, o, contains, excludes }) => {
    const md = formatPlanMarkdown(planStack({ ...base, desired: d, observed: o }));
    for (const c of contains) expect(md).toContain(c);
    for (const e of excludes) expect(md).not.toContain(e);
  });

  it('a value holding backticks cannot close the fence early', () => {
    const md = formatPlanMarkdown(
      planStack({
        ...base,
        desired: [desired('ecs.Service', 'service/web', { command: 'echo ```done```' })],
        observed: [observed('ecs.Service', 'service/web', { command: 'x' })],
      }),
    );
    expect(md).toContain('````diff\n');
    expect(md.trimEnd().endsWith('````')).toBe(true);
  });
});
