import type { SuiteName } from '../core/config.ts';
import { coldStartSuite } from './cold-start.ts';
import { densitySuite } from './density.ts';
import { memorySuite } from './memory.ts';
import { throughputSuite } from './throughput.ts';
import type { Suite } from './types.ts';
import { wakeSuite } from './wake/suite.ts';

export const SUITES: Record<SuiteName, Suite> = {
  'cold-start': coldStartSuite,
  memory: memorySuite,
  throughput: throughputSuite,
  density: densitySuite,
  wake: wakeSuite,
};
