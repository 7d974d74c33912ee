import { RUNNER_NAMES, SUITE_NAMES, WORKLOAD_NAMES } from '../config.ts';
import { CONFIG_OPTION, defineCommand, list, NO_INSTALL_OPTION, positiveInt, SELECTION_OPTIONS } from '../args.ts';
import { runBench } from '../run.ts';
import { UsageError } from '../../core/usage-error.ts';

/** `isobench run` (the command when none is given): measure, write the reports, gate against a baseline. */
export const runCommand = defineCommand(
  'run',
  {
    ...SELECTION_OPTIONS,
    reference: { type: 'boolean', default: false },
    out: { type: 'string' },
    ...CONFIG_OPTION,
    json: { type: 'boolean', default: false },
    ...NO_INSTALL_OPTION,
    baseline: { type: 'string' },
    gate: { type: 'boolean', default: false },
  },
  (values) => {
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
  },
);
