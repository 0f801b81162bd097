/**
 * An error carrying a list of problems prints each problem exactly once, under a heading.
 */
import { describe, expect, it } from 'vitest';
import { describeError } from '../../../src/cli/output.js';
import { ComposeError } from '../../../src/desired/compose/errors.js';
import { StackFileError } from '../../../src/desired/stack/errors.js';
import { StackctlError } from '../../../src/errors.js';

const location = { file: 'compose.yaml', line: 3, column: 5 };

describe('describeError with a problem list', () => {
  it.each([
    {
      reason: 'a compose error, whose message is the problems themselves',
      err: new ComposeError([
        new StackctlError('X', 'image is required', { location, field: 'services.api' }),
        new StackctlError('Y', 'ports must be a list', {
          location: { ...location, line: 9 },
          field: 'services.web',
        }),
      ]),
      want: '2 problems:\n  compose.yaml:3:5: services.api: image is required\n  compose.yaml:9:5: services.web: ports must be a list',
    },
    {
      reason: 'a compose error with one problem',
      err: new ComposeError([
        new StackctlError('X', 'image is required', { location, field: 'services.api' }),
      ]),
      want: '1 problem:\n  compose.yaml:3:5: services.api: image is required',
    },
    {
      reason: 'a stack file error, whose message has its own heading',
      err: new StackFileError('.stackctl/dev.yaml', [
        {
          code: 'A',
          message: 'unknown key',
          location: { file: '.stackctl/dev.yaml', line: 2 },
          field: 'foo',
        },
        { code: 'B', message: 'bad unit', location: { file: '.stackctl/dev.yaml', line: 4 }, field: 'cpu' },
      ]),
      want: 'stack file .stackctl/dev.yaml is invalid (2 problems):\n  .stackctl/dev.yaml:2: foo: unknown key\n  .stackctl/dev.yaml:4: cpu: bad unit',
    },
  ])('prints every problem once ($reason)', ({ err, want }) => {
    const text = describeError(err);

    expect(text).toBe(want);
  });
});
