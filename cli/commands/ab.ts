import { resolve } from 'node:path';
import { RUNNER_NAMES, SUITE_NAMES, WORKLOAD_NAMES } from '../config.ts';
import { AB_DEFAULT_ROUNDS, AB_DEFAULT_TRIALS, abCommand as runAb } from '../ab.ts';
import { CONFIG_OPTION, defineCommand, list, positiveInt, required, SELECTION_OPTIONS } from '../args.ts';
import { loadConfig } from '../load-config.ts';
import { resolveRunConfig, selectedRunners } from '../run.ts';
import { UsageError } from '../../core/usage-error.ts';
import { SUITES } from '../../suites/index.ts';

/** `isobench ab --a REF|FILE --b REF|FILE`: two builds in ABBA rounds on this host, gated by round. */
export const abCommand = defineCommand(
  'ab',
  { a: { type: 'string' }, b: { type: 'string' }, rounds: { type: 'string' }, ...SELECTION_OPTIONS, ...CONFIG_OPTION },
  async (values) => {
    const rounds = positiveInt(values.rounds, '--rounds') ?? AB_DEFAULT_ROUNDS;
    if (rounds % 2) throw new UsageError(`--rounds: expected an even number (rounds run A B, then B A, ...), got ${rounds}`);
    const trials = positiveInt(values.trials, '--trials') ?? AB_DEFAULT_TRIALS;
    // By default the suites whose samples `--trials` counts: each round is `--trials` trials of them.
    const suites = list(values.suite, SUITE_NAMES, '--suite') ?? SUITES.filter((d) => d.runOptions?.trials).map((d) => d.name);
    const runners = list(values.runner, RUNNER_NAMES, '--runner');
    const workloads = list(values.workload, WORKLOAD_NAMES, '--workload');
    const planned = resolveRunConfig((await loadConfig(values.config)).config, { suites, runners, workloads, trials, quick: values.quick, json: false, install: false });
    const passOn = (['runner', 'workload'] as const).flatMap((k) => (values[k] ? [`--${k}`, values[k]!] : []));
    return runAb({
      a: required('ab', values.a, '--a REF|FILE'),
      b: required('ab', values.b, '--b REF|FILE'),
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
  },
);
