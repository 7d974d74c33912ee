export { defineConfig } from './config.ts';
export type { ConfigInput, Config, RunnerName, SuiteName, WorkloadName, UnikraftImageConfig } from './config.ts';
export type { Results, Cell, Trial, Metric, Stats, Environment, Label, Accelerator } from './results.ts';
