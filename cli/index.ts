export { defineConfig } from './config.ts';
export type { ConfigInput, Config, RunnerName, SuiteName, WorkloadName } from './config.ts';
export type { UnikraftImageConfig } from '../runners/index.ts';
export type { Results, Cell, Trial, Metric, Stats, Environment, Label, Accelerator } from '../suites/results.ts';
