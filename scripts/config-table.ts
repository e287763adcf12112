// Prints the README's configuration table from the config schema: `npm run docs:config`.
import { configTable } from '../app/config.ts';

process.stdout.write(`${configTable()}\n`);
