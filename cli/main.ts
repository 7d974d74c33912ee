import { resolve } from 'node:path';
import { ConfigError, RUNNER_NAMES, SUITE_NAMES, WORKLOAD_NAMES } from './config.ts';
import { ExitCode } from '../core/exit-codes.ts';
import { OutputError } from './output.ts';
import { ResultsFormatError } from '../suites/results.ts';
import { UsageError } from '../core/usage-error.ts';
import { AB_DEFAULT_ROUNDS, AB_DEFAULT_TRIALS } from './ab.ts';
import { GateRefusedError } from '../reports/index.ts';
import { OptionError, type Command } from './args.ts';
import { abCommand } from './commands/ab.ts';
import { cleanCommand } from './commands/clean.ts';
import { doctorCommand } from './commands/doctor.ts';
import { gateCommand } from './commands/gate.ts';
import { reportCommand } from './commands/report.ts';
import { runCommand } from './commands/run.ts';

const USAGE = `usage: isobench [run] [options]          measure (npm run bench -- [options])
       isobench doctor [--no-install]     check the host: Docker, QEMU, KVM, cores, memory
       isobench report <results.json...> [--out DIR]   render HTML/CSV/Markdown from saved results (several: one comparison)
       isobench gate --baseline FILE --current FILE    exit 1 on a significant regression
       isobench ab --a REF|FILE --b REF|FILE [--rounds N] [run options]
                                           run two builds in ABBA rounds on this host and gate B against A by round
                                           (default ${AB_DEFAULT_ROUNDS} rounds of ${AB_DEFAULT_TRIALS} cold-start trials)
       isobench clean                      remove what a killed run left (containers by label, QEMU by pid file)

run options:
  --suite LIST       ${SUITE_NAMES.join(',')} (default: the config's suites)
  --runner LIST      ${RUNNER_NAMES.join(',')} (default: every enabled runner)
  --workload LIST    ${WORKLOAD_NAMES.join(',')} (default: the config's workloads)
  --trials N         cold-start trials per cell
  --quick            the quick profile (fewer trials, shorter loads)
  --reference        throughput: also run wrk / redis-benchmark / pgbench on the same instance, record the ratio
  --out DIR          output folder (default: testbed.outDir, reports/out)
  --config FILE      config file (default: ./bench.config.ts, else the embedded default)
  --json             print results.json on stdout (progress goes to stderr)
  --no-install       never install packages or start dockerd; print the command instead
  --baseline FILE --gate   after the run, gate it against FILE (exit 1 on a regression)
exit codes: 0 done (gate: no regression detected), 1 gate failed, 2 usage, config or input error (gate: a design
            that can never detect a regression), 3 host not ready, 4 gate could not judge every row,
            70 internal error, 130 interrupted (SIGINT), 143 terminated (SIGTERM)`;


/** The commands, each over its own options (cli/commands/). */
const COMMANDS: readonly Command[] = [runCommand, doctorCommand, reportCommand, gateCommand, abCommand, cleanCommand];

export async function main(argv: string[]): Promise<number> {
  const name = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'run';
  const rest = name === argv[0] ? argv.slice(1) : argv;
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command "${name}"`);
  const parsed = command.parse(rest);
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return ExitCode.Ok;
  }
  return parsed.run();
}

/** Bad input gets one clear line and exit code 2; anything else is a bug and keeps its stack. */
export async function cli(argv: string[]): Promise<never> {
  let code: number;
  try {
    code = await main(argv);
  } catch (error) {
    const e = error as Error & { code?: string };
    const oneLine = [ConfigError, OutputError, ResultsFormatError, GateRefusedError, OptionError].some((kind) => error instanceof kind);
    if (oneLine) {
      process.stderr.write(`isobench: ${e.message}\n`);
      code = ExitCode.Usage;
    } else if (error instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`isobench: ${e.message}\n\n${USAGE}\n`);
      code = ExitCode.Usage;
    } else {
      process.stderr.write(`isobench: ${e.stack ?? String(error)}\n`);
      code = 70;
    }
  }
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}

/** process.exit drops what a pipe has not taken yet: a --json on a pipe was cut at 64 KiB. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => stream.write('', () => resolve()));
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  await cli(process.argv.slice(2));
}
