import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { ConfigError, RUNNER_NAMES, SUITE_NAMES, WORKLOAD_NAMES } from './config.ts';
import { ExitCode } from '../core/exit-codes.ts';
import { OutputError } from './output.ts';
import { ResultsFormatError } from '../suites/results.ts';
import { resolveRunConfig, runBench, selectedRunners } from './run.ts';
import { UsageError } from '../core/usage-error.ts';
import { doctor } from './doctor.ts';
import { clean } from './clean.ts';
import { loadConfig } from './load-config.ts';
import { gateCommand } from './gate-command.ts';
import { AB_DEFAULT_ROUNDS, AB_DEFAULT_TRIALS, abCommand } from './ab.ts';
import { GateRefusedError } from '../reports/index.ts';
import { reportCommand } from './report-command.ts';
import { SUITES } from '../suites/index.ts';

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


function list<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    if (!allowed.includes(item as T)) throw new UsageError(`${flag}: unknown "${item}"; allowed: ${allowed.join(', ')}`);
  }
  if (!items.length) throw new UsageError(`${flag}: give at least one of ${allowed.join(', ')}`);
  return items as T[];
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: expected a whole number ≥ 1, got "${value}"`);
  return n;
}

export async function main(argv: string[]): Promise<number> {
  const command = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'run';
  const rest = command === argv[0] ? argv.slice(1) : argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: command === 'report',
    options: {
      suite: { type: 'string' },
      runner: { type: 'string' },
      workload: { type: 'string' },
      trials: { type: 'string' },
      quick: { type: 'boolean', default: false },
      reference: { type: 'boolean', default: false },
      out: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean', default: false },
      'no-install': { type: 'boolean', default: false },
      baseline: { type: 'string' },
      current: { type: 'string' },
      gate: { type: 'boolean', default: false },
      a: { type: 'string' },
      b: { type: 'string' },
      rounds: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return ExitCode.Ok;
  }
  const required = (value: string | undefined, flag: string): string => {
    if (!value) throw new UsageError(`${command} needs ${flag}`);
    return value;
  };
  const gates = async () => (await loadConfig(values.config)).config.gates;
  switch (command) {
    case 'run':
      if (values.gate && !values.baseline) throw new UsageError('--gate needs --baseline FILE');
      return runBench({
        configPath: values.config,
        suites: list(values.suite, SUITE_NAMES, '--suite'),
        runners: list(values.runner, RUNNER_NAMES, '--runner'),
        workloads: list(values.workload, WORKLOAD_NAMES, '--workload'),
        trials: positiveInt(values.trials, '--trials'),
        quick: values.quick,
        reference: values.reference,
        out: values.out,
        json: values.json,
        install: !values['no-install'],
        ...(values.baseline ? { baseline: values.baseline, gate: values.gate } : {}),
      });
    case 'doctor':
      return doctor({ configPath: values.config, install: !values['no-install'] });
    case 'report':
      return reportCommand(positionals, values.out);
    case 'gate':
      return gateCommand(required(values.baseline, '--baseline FILE'), required(values.current, '--current FILE'), await gates());
    case 'ab': {
      const rounds = positiveInt(values.rounds, '--rounds') ?? AB_DEFAULT_ROUNDS;
      if (rounds % 2) throw new UsageError(`--rounds: expected an even number (rounds run A B, then B A, ...), got ${rounds}`);
      const trials = positiveInt(values.trials, '--trials') ?? AB_DEFAULT_TRIALS;
      // By default the suites whose samples `--trials` counts: each round is `--trials` trials of them.
      const suites = list(values.suite, SUITE_NAMES, '--suite') ?? SUITES.filter((d) => d.runOptions?.trials).map((d) => d.name);
      const runners = list(values.runner, RUNNER_NAMES, '--runner');
      const workloads = list(values.workload, WORKLOAD_NAMES, '--workload');
      const planned = resolveRunConfig((await loadConfig(values.config)).config, { suites, runners, workloads, trials, quick: values.quick, json: false, install: false });
      const passOn = (['runner', 'workload'] as const).flatMap((k) => (values[k] ? [`--${k}`, values[k]!] : []));
      return abCommand({
        a: required(values.a, '--a REF|FILE'),
        b: required(values.b, '--b REF|FILE'),
        rounds,
        runArgs: [
          '--suite', suites.join(','),
          '--trials', String(trials),
          ...passOn,
          ...(values.quick ? ['--quick'] : []),
          ...(values.config ? ['--config', resolve(values.config)] : []),
        ],
        config: planned,
        runners: selectedRunners(planned, runners),
      });
    }
    case 'clean':
      return clean((line) => process.stdout.write(`${line}\n`));
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** Bad input gets one clear line and exit code 2; anything else is a bug and keeps its stack. */
export async function cli(argv: string[]): Promise<never> {
  let code: number;
  try {
    code = await main(argv);
  } catch (error) {
    const e = error as Error & { code?: string };
    if (error instanceof ConfigError || error instanceof OutputError || error instanceof ResultsFormatError || error instanceof GateRefusedError) {
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
