import { ENGINES } from '../../runners/index.ts';
import { defineCommand } from '../args.ts';

/** `isobench clean`: removes what killed runs left, and only that, engine by engine. */
export const cleanCommand = defineCommand('clean', {}, () => clean((line) => process.stdout.write(`${line}\n`)));

async function clean(log: (line: string) => void): Promise<number> {
  const counts: string[] = [];
  let total = 0;
  for (const engine of ENGINES) {
    const n = await engine.clean(log);
    total += n;
    counts.push(`${n} ${engine.leftovers}`);
  }
  log(total === 0 ? 'nothing left behind by isobench' : `cleaned ${counts.join(', ')}`);
  return 0;
}
