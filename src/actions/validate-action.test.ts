import { describe, expect, it } from 'vitest';
import { validateActionForDeploy } from './validate-action.ts';

describe('validateActionForDeploy', () => {
  it('accepts a well-formed post-login action', async () => {
    const errors = await validateActionForDeploy({
      name: 'ok', supportedTriggers: ['post-login'], code: 'exports.onExecutePostLogin = async (event, api) => {};',
    });
    expect(errors).toEqual([]);
  });

  it('reports a syntax error with its line', async () => {
    const errors = await validateActionForDeploy({
      name: 'bad', supportedTriggers: ['post-login'], code: 'exports.onExecutePostLogin = async (event, api) => {\n  if (\n};',
    });
    expect(errors).toEqual([expect.objectContaining({ id: 'load_error', line: 3, msg: expect.stringMatching(/^SyntaxError: .*\(line 3, column \d+\)$/) })]);
  });

  it('reports an error thrown at the top level with its line', async () => {
    const errors = await validateActionForDeploy({ name: 'top', supportedTriggers: ['post-login'], code: '\nundefinedThing.x = 1;' });
    expect(errors).toEqual([expect.objectContaining({ id: 'load_error', line: 2, msg: expect.stringMatching(/^ReferenceError/) })]);
  });

  it('requires the handler of each supported trigger', async () => {
    const errors = await validateActionForDeploy({
      name: 'half', supportedTriggers: ['post-login', 'credentials-exchange'], code: 'exports.onExecutePostLogin = async () => {};',
    });
    expect(errors).toEqual([expect.objectContaining({ id: 'missing_handler', msg: expect.stringContaining('onExecuteCredentialsExchange') })]);
  });

  it('refuses npm dependencies that are not bundled, with a clear message', async () => {
    const errors = await validateActionForDeploy({
      name: 'deps', supportedTriggers: ['post-login'], code: 'exports.onExecutePostLogin = async () => {};',
      dependencies: [{ name: 'axios', version: '1.7.0' }, { name: 'lodash', version: '4.17.21' }],
    });
    expect(errors).toEqual([expect.objectContaining({ id: 'dependency_not_available', msg: expect.stringMatching(/'axios' cannot be installed.*bundled modules \(lodash, ms\)/) })]);
  });

  it('refuses code over 100 kB', async () => {
    const errors = await validateActionForDeploy({ name: 'huge', supportedTriggers: ['post-login'], code: `// ${'x'.repeat(101 * 1024)}` });
    expect(errors.map((e) => e.id)).toEqual(['code_too_large']);
  });

  it('stops a top level that never finishes', async () => {
    const errors = await validateActionForDeploy({ name: 'spin', supportedTriggers: ['post-login'], code: 'for (;;) {}' });
    expect(errors).toEqual([expect.objectContaining({ id: 'load_error', msg: expect.stringMatching(/did not finish/) })]);
  });
});
