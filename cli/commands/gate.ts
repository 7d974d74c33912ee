import { CONFIG_OPTION, defineCommand, required } from '../args.ts';
import { loadConfig } from '../load-config.ts';
import { gateResults } from '../publish-gate.ts';
import { readResults } from '../../suites/results-io.ts';

/** `isobench gate --baseline FILE --current FILE`: two saved runs, gated with the config's gates. */
export const gateCommand = defineCommand('gate', { baseline: { type: 'string' }, current: { type: 'string' }, ...CONFIG_OPTION }, async (values) => {
  const baselinePath = required('gate', values.baseline, '--baseline FILE');
  const currentPath = required('gate', values.current, '--current FILE');
  const { gates } = (await loadConfig(values.config)).config;
  const [baseline, current] = await Promise.all([readResults(baselinePath), readResults(currentPath)]);
  return gateResults(baseline, current, gates);
});
