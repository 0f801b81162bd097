import { describe, expect, it } from 'vitest';
import { parseDriftIgnore } from '../../../src/diff/drift/ignore-rules.js';
import { formatPlanText } from '../../../src/diff/format-plan.js';
import { applyIgnoreChanges } from '../../../src/diff/ignore-changes.js';
import { planToJsonValue } from '../../../src/diff/plan-json.js';
import { planStack } from '../../../src/diff/plan-stack.js';
import type { Plan } from '../../../src/diff/types.js';
import { desired, observed, PROJECT, STACK } from './fixtures.js';

const SOURCE = '.stackctl/prod.yaml';
const rules = (...lines: string[]) => parseDriftIgnore(lines.join('\n'), SOURCE);

const td = (image: string, cpu = '256') => ({
  family: 'shop-prod-web',
  cpu,
  containerDefinitions: [{ name: 'web', image, essential: true }],
});

function only(plan: Plan) {
  const [step] = plan.steps;
  if (step === undefined || plan.steps.length !== 1) throw new Error('one step expected');
  return step;
}

describe('applyIgnoreChanges', () => {
  it.each([
    {
      reason: 'a field rule takes the live value of that field and lists it',
      rule: 'ecs.TaskDefinition:taskdef/web:containerDefinitions[*].image',
      path: 'containerDefinitions[0].image',
      live: 'registry/web:from-pipeline',
      expectIgnored: 1,
    },
    {
      reason: 'a parent field covers its children',
      rule: 'ecs.TaskDefinition:taskdef/web:containerDefinitions',
      path: 'containerDefinitions[0].image',
      live: 'registry/web:from-pipeline',
      expectIgnored: 1,
    },
    {
      reason: 'a whole-resource rule (no field) covers every delta',
      rule: 'ecs.TaskDefinition:taskdef/*',
      path: 'containerDefinitions[0].image',
      live: 'registry/web:from-pipeline',
      expectIgnored: 1,
    },
    {
      reason: 'a rule for another field leaves the delta alone',
      rule: 'ecs.TaskDefinition:taskdef/web:cpu',
      path: 'containerDefinitions[0].image',
      live: 'registry/web:from-pipeline',
      expectIgnored: 0,
    },
    {
      reason: 'a rule for another resource leaves the delta alone',
      rule: 'ecs.TaskDefinition:taskdef/api:containerDefinitions',
      path: 'containerDefinitions[0].image',
      live: 'registry/web:from-pipeline',
      expectIgnored: 0,
    },
  ])('$reason', ({ rule, path, live, expectIgnored }) => {
    const d = desired('ecs.TaskDefinition', 'taskdef/web', td('registry/web:1.0'));
    const out = applyIgnoreChanges(rules(rule), d, [
      { path, desired: 'registry/web:1.0', observed: live, replace: true },
    ]);
    expect(out.ignored).toHaveLength(expectIgnored);
    const image = (out.desired.spec.containerDefinitions as { image: string }[])[0]?.image;
    expect(image).toBe(expectIgnored === 1 ? live : 'registry/web:1.0');
    if (expectIgnored === 1) expect(out.ignored[0]).toEqual({ path, rule, source: `${SOURCE}:1` });
  });

  it.each([
    { reason: 'a tag another tool added is kept at its value', observedValue: 'cc-42', expected: 'cc-42' },
    { reason: 'a tag another tool removed stays removed', observedValue: undefined, expected: undefined },
  ])('tags: $reason', ({ observedValue, expected }) => {
    const d = desired('ecs.Service', 'service/web', { desiredCount: 1 }, { tags: { 'cost-center': 'cc-1' } });
    const out = applyIgnoreChanges(rules('ecs.Service:*:tags.cost-center'), d, [
      { path: 'tags.cost-center', desired: 'cc-1', observed: observedValue, replace: false },
    ]);
    expect(out.desired.tags['cost-center']).toBe(expected);
    expect(out.ignored.map((f) => f.path)).toEqual(['tags.cost-center']);
  });

  it('never leaves an ownership tag to another owner, whatever the rule says', () => {
    const d = desired('ecs.Service', 'service/web', { desiredCount: 1 });
    const out = applyIgnoreChanges(rules('*:*:tags.*'), d, [
      { path: 'tags.stackctl:logical-id', desired: 'service/web', observed: undefined, replace: false },
      { path: 'tags.cost-center', desired: 'cc-1', observed: 'cc-9', replace: false },
    ]);
    expect(out.ignored.map((f) => f.path)).toEqual(['tags.cost-center']);
  });

  it('returns the very same resource when no rule applies (no copy, nothing listed)', () => {
    const d = desired('ecs.Service', 'service/web', { desiredCount: 1 });
    const out = applyIgnoreChanges([], d, [
      { path: 'desiredCount', desired: 1, observed: 3, replace: false },
    ]);
    expect(out.desired).toBe(d);
    expect(out.ignored).toEqual([]);
  });
});

describe('planStack with ignoreChanges', () => {
  const base = { project: PROJECT, stack: STACK };

  it.each([
    {
      reason: 'the only delta is owned elsewhere: noop, with the field listed',
      desiredSpec: td('registry/web:1.0'),
      liveSpec: td('registry/web:from-pipeline'),
      type: 'noop',
    },
    {
      reason: 'another field still changes: a new revision, carrying the live image',
      desiredSpec: td('registry/web:1.0', '512'),
      liveSpec: td('registry/web:from-pipeline'),
      type: 'update',
    },
  ])('$reason', ({ desiredSpec, liveSpec, type }) => {
    const plan = planStack({
      ...base,
      desired: [desired('ecs.TaskDefinition', 'taskdef/web', desiredSpec)],
      observed: [observed('ecs.TaskDefinition', 'taskdef/web', liveSpec)],
      ignoreChanges: rules('ecs.TaskDefinition:taskdef/web:containerDefinitions[*].image'),
    });
    const step = only(plan);
    expect(step.action.type).toBe(type);
    expect(step.ignored?.map((f) => f.path)).toEqual(['containerDefinitions[0].image']);
    if (step.action.type === 'update') {
      // The new revision carries the live image, not the declared one: the other owner's deploy survives.
      const image = (step.action.desired.spec.containerDefinitions as { image: string }[])[0]?.image;
      expect(image).toBe('registry/web:from-pipeline');
      expect(step.action.deltas.map((d) => d.path)).toEqual(['cpu']);
    }
  });

  it('an update of another field sends the live value of the ignored one', () => {
    const plan = planStack({
      ...base,
      desired: [desired('ecs.Service', 'service/web', { desiredCount: 2, enableExecuteCommand: true })],
      observed: [observed('ecs.Service', 'service/web', { desiredCount: 5, enableExecuteCommand: false })],
      ignoreChanges: rules('ecs.Service:service/web:desiredCount  # autoscaled by a schedule'),
    });
    const step = only(plan);
    expect(step.action.type).toBe('update');
    if (step.action.type !== 'update') return;
    expect(step.action.desired.spec.desiredCount).toBe(5);
    expect(step.action.deltas.map((d) => d.path)).toEqual(['enableExecuteCommand']);
  });

  it('a create is made as declared: nobody else owns a resource that does not exist', () => {
    const plan = planStack({
      ...base,
      desired: [desired('ecs.TaskDefinition', 'taskdef/web', td('registry/web:1.0'))],
      observed: [],
      ignoreChanges: rules('ecs.TaskDefinition:*'),
    });
    const step = only(plan);
    expect(step.action.type).toBe('create');
    expect(step.ignored).toBeUndefined();
  });

  it('the plan shows what it left alone, in text and JSON, never silently', () => {
    const plan = planStack({
      ...base,
      desired: [desired('ecs.TaskDefinition', 'taskdef/web', td('registry/web:1.0'))],
      observed: [observed('ecs.TaskDefinition', 'taskdef/web', td('registry/web:from-pipeline'))],
      ignoreChanges: rules('ecs.TaskDefinition:taskdef/web:containerDefinitions[*].image'),
    });
    const text = formatPlanText(plan, { color: false });
    expect(text).toContain('= ignore  ecs.TaskDefinition taskdef/web');
    expect(text).toContain(
      'containerDefinitions[0].image: ignored, owned elsewhere (ecs.TaskDefinition:taskdef/web:containerDefinitions[*].image at .stackctl/prod.yaml:1)',
    );
    expect(text).toContain(`No changes. Stack ${STACK} is in sync; 1 field left to other owners.`);
    expect(planToJsonValue(plan).steps[0]?.ignored).toEqual([
      {
        path: 'containerDefinitions[0].image',
        rule: 'ecs.TaskDefinition:taskdef/web:containerDefinitions[*].image',
        source: `${SOURCE}:1`,
      },
    ]);
  });
});
