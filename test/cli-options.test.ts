import { describe, expect, it } from 'vitest';
import { runCli } from './cli-process.ts';
import { OptionError } from '../cli/args.ts';
import { main } from '../cli/main.ts';
import { UsageError } from '../core/usage-error.ts';

// None of these lines gets as far as loading a config or starting anything.
describe('each command takes its own options', () => {
  it('refuses an option of another command, naming the ones it takes', async () => {
    await expect(main(['gate', '--trials', '3', '--baseline', 'a.json', '--current', 'b.json'])).rejects.toThrow(
      new OptionError('gate does not take --trials: its options are --baseline, --current, --config (isobench --help)'),
    );
    await expect(main(['clean', '--quick'])).rejects.toThrow(new OptionError('clean does not take --quick: it takes no options (isobench --help)'));
    await expect(main(['doctor', '--json'])).rejects.toThrow(/^doctor does not take --json: its options are --config, --no-install \(/);
    await expect(main(['report', '--config', 'x.ts', 'a.json'])).rejects.toThrow(/^report does not take --config: its options are --out \(/);
    await expect(main(['ab', '--a', 'HEAD', '--reference'])).rejects.toThrow(/^ab does not take --reference: its options are --a, --b, --rounds, --suite,/);
    // The command when none is named is `run`; a short option is refused as written.
    await expect(main(['--current', 'b.json'])).rejects.toThrow(/^run does not take --current: its options are --suite, .*--baseline, --gate \(/);
    await expect(main(['run', '-x'])).rejects.toThrow(/^run does not take -x:/);
  });

  it('takes its own options, and prints the usage for --help anywhere on the line', async () => {
    // Past the options: what the command itself asks for.
    await expect(main(['gate', '--config', 'x.ts'])).rejects.toThrow(new UsageError('gate needs --baseline FILE'));
    await expect(main(['report', '--out', 'dir'])).rejects.toThrow(new UsageError('report needs at least one results.json'));
    await expect(main(['ab', '--rounds', '3'])).rejects.toThrow(/--rounds: expected an even number/);
    await expect(main(['ab', '--out', 'dir', '--help'])).resolves.toBe(0);
  });

  it('says so in one line on stderr and exits with 2 (the real CLI)', async () => {
    const gate = await runCli(['gate', '--trials', '3']);
    expect(gate).toEqual({
      status: 2,
      stdout: '',
      stderr: 'isobench: gate does not take --trials: its options are --baseline, --current, --config (isobench --help)\n',
    });
  });
});
