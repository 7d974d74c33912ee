#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so that bench.config.ts files load as they are.
import { register } from 'tsx/esm/api';

register();
const { cli } = await import('../cli/main.ts');
await cli(process.argv.slice(2));
