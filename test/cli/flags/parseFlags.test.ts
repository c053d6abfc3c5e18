import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CommandError } from '../../../src/cli/CommandError.ts';
import { durationFlag, poolName, serverUrl } from '../../../src/cli/flags/flagSchemas.ts';
import { describeFlags, parseFlags, type FlagDefinitions } from '../../../src/cli/flags/parseFlags.ts';

const FLAGS: FlagDefinitions = {
  pool: { type: 'string', value: 'NAME', help: 'the pool' },
  ttl: { type: 'string', value: 'DURATION', help: 'lifetime' },
  server: { type: 'string', value: 'URL', help: 'the server' },
  force: { type: 'boolean', help: 'do it anyway' },
  output: { type: 'string', short: 'o', value: 'FORMAT', help: 'table or json' },
};
const schema = z.object({
  pool: poolName,
  ttl: durationFlag('never').default(86_400_000),
  server: serverUrl.optional(),
  force: z.boolean().default(false),
  output: z.enum(['table', 'json']).default('table'),
});

function failure(args: string[]): CommandError {
  try {
    parseFlags(args, FLAGS, schema);
  } catch (error) {
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).exitCode).toBe(2);
    return error as CommandError;
  }
  throw new Error('expected a usage error');
}

describe('parseFlags', () => {
  it('reads values, short flags and defaults', () => {
    expect(parseFlags(['--pool', 'workers', '-o', 'json', '--force'], FLAGS, schema)).toEqual({
      pool: 'workers',
      ttl: 86_400_000,
      force: true,
      output: 'json',
    });
    expect(parseFlags(['--pool=gpu', '--ttl=0'], FLAGS, schema)).toMatchObject({ pool: 'gpu', ttl: 0 });
  });

  it('takes durations in whole seconds, rounded up, and 0 only where it means something', () => {
    expect(parseFlags(['--pool', 'w', '--ttl', '90m'], FLAGS, schema).ttl).toBe(5_400_000);
    expect(parseFlags(['--pool', 'w', '--ttl', '1500ms'], FLAGS, schema).ttl).toBe(2000);
    const strict = z.object({ ttl: durationFlag() });
    expect(() => parseFlags(['--ttl', '0'], { ttl: FLAGS.ttl as FlagDefinitions[string] }, strict)).toThrow(
      /--ttl must be a duration such as 30m, 6h, 24h, 7d$/,
    );
  });

  it('puts the server URL in its normal form: the audience machine tokens carry', () => {
    const parse = (server: string) => parseFlags(['--pool', 'w', '--server', server], FLAGS, schema).server;
    expect(parse('https://Kindling.Example:443/')).toBe('https://kindling.example');
    expect(parse('https://kindling.example:8443/boot//')).toBe('https://kindling.example:8443/boot');
    expect(failure(['--pool', 'w', '--server', 'https://user:pw@k.example']).message).toBe(
      '--server must not carry credentials',
    );
  });

  it('names the flag of every problem at once, and never repeats a value', () => {
    const error = failure(['--pool', 'Not_A_Pool', '--ttl', 'soon', '-o', 'yaml']);
    expect(error.message).toBe(
      '--pool must be a DNS label: lower-case letters, digits and -, at most 63 characters; ' +
        '--ttl must be a duration such as 30m, 6h, 24h, 7d, or 0 for no expiry; ' +
        '--output Invalid option: expected one of "table"|"json"',
    );
    expect(error.message).not.toContain('soon');
    expect(failure([]).message).toBe('--pool is required');
  });

  it('refuses unknown flags (suggesting the near one), missing values and positional arguments', () => {
    expect(failure(['--pol', 'workers']).message).toBe('unknown flag --pol (did you mean --pool?)');
    expect(failure(['--pool']).message).toBe('--pool needs a value');
    expect(failure(['--pool', 'w', 'extra']).message).toMatch(/^takes no positional arguments/);
  });

  it('describes the flags for help text', () => {
    expect(describeFlags(FLAGS)).toContain('  -o, --output FORMAT');
    expect(describeFlags(FLAGS)).toMatch(/^ {2}--force\s+do it anyway$/m);
  });
});
