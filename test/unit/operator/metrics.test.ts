import { describe, expect, it } from 'vitest';
import { escapeLabel, OperatorMetrics } from '../../../src/operator/metrics.js';

const gauges = { queueDepth: 2, delayed: 5, inFlight: 1, stacks: 7, ready: true };

describe('OperatorMetrics', () => {
  it('renders passes, the duration histogram, drift and queue gauges', () => {
    const m = new OperatorMetrics();
    m.observePass({ action: 'apply', result: 'success', durationMs: 800, driftFound: 2, driftCorrected: 2 });
    m.observePass({ action: 'plan', result: 'success', durationMs: 3_000, driftFound: 1, driftCorrected: 0 });
    m.observePass({
      action: 'apply',
      result: 'error',
      durationMs: 700_000,
      driftFound: 0,
      driftCorrected: 0,
    });
    const text = m.render(gauges);
    const lines = text.trimEnd().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        '# TYPE stackctl_passes_total counter',
        'stackctl_passes_total{action="apply",result="success"} 1',
        'stackctl_passes_total{action="plan",result="success"} 1',
        'stackctl_passes_total{action="apply",result="error"} 1',
        '# TYPE stackctl_pass_duration_seconds histogram',
        'stackctl_pass_duration_seconds_bucket{le="0.5"} 0',
        'stackctl_pass_duration_seconds_bucket{le="1"} 1',
        'stackctl_pass_duration_seconds_bucket{le="5"} 2',
        'stackctl_pass_duration_seconds_bucket{le="600"} 2',
        'stackctl_pass_duration_seconds_bucket{le="+Inf"} 3',
        'stackctl_pass_duration_seconds_count 3',
        'stackctl_pass_duration_seconds_sum 703.8',
        'stackctl_drift_found_total 3',
        'stackctl_drift_corrected_total 2',
        'stackctl_queue_depth 2',
        'stackctl_queue_delayed 5',
        'stackctl_passes_in_flight 1',
        'stackctl_stacks 7',
        'stackctl_ready 1',
      ]),
    );
    expect(m.passCount()).toBe(3);
    expect(m.passCount('error')).toBe(1);
  });

  it('sums AWS calls of passes and of the operator itself, by service and operation', () => {
    const m = new OperatorMetrics();
    const row = {
      service: 'ecs',
      operation: 'CreateService',
      kind: 'mutate' as const,
      count: 1,
      errors: 0,
      attempts: 2,
      throttles: 1,
    };
    m.addCalls([row]);
    m.addCalls([{ ...row, count: 2, errors: 1 }]);
    const text = m.render(gauges, [
      {
        service: 'dynamodb',
        operation: 'Query',
        kind: 'read',
        count: 4,
        errors: 0,
        attempts: 4,
        throttles: 0,
      },
    ]);
    expect(text).toContain(
      'stackctl_aws_calls_total{service="ecs",operation="CreateService",kind="mutate"} 3',
    );
    expect(text).toContain(
      'stackctl_aws_call_errors_total{service="ecs",operation="CreateService",kind="mutate"} 1',
    );
    expect(text).toContain(
      'stackctl_aws_throttles_total{service="ecs",operation="CreateService",kind="mutate"} 2',
    );
    expect(text).toContain('stackctl_aws_calls_total{service="dynamodb",operation="Query",kind="read"} 4');
  });

  it('reports the client-side rate limiter’s held calls and wait time only when it is on', () => {
    const on = new OperatorMetrics().render({ ...gauges, rateLimit: { calls: 3, waitedMs: 4_500 } });
    expect(on.split('\n')).toEqual(
      expect.arrayContaining([
        '# TYPE stackctl_aws_rate_limited_calls_total counter',
        'stackctl_aws_rate_limited_calls_total 3',
        'stackctl_aws_rate_limit_wait_seconds_total 4.5',
      ]),
    );
    expect(new OperatorMetrics().render(gauges)).not.toContain('stackctl_aws_rate_limit');
  });

  it('starts label-less counters at 0 so rate() works from the first scrape', () => {
    const text = new OperatorMetrics().render({ ...gauges, ready: false });
    expect(text).toContain('stackctl_drift_found_total 0');
    expect(text).toContain('stackctl_lease_lost_total 0');
    expect(text).toContain('stackctl_ready 0');
    expect(text).not.toContain('stackctl_passes_total 0');
  });

  it.each([
    { reason: 'quotes', value: 'a"b', want: 'a\\"b' },
    { reason: 'backslashes', value: 'a\\b', want: 'a\\\\b' },
    { reason: 'newlines', value: 'a\nb', want: 'a\\nb' },
  ])('escapes $reason in label values', ({ value, want }) => {
    expect(escapeLabel(value)).toBe(want);
  });
});
