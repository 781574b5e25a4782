import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printBasinSchema } from './schema';

/** Where the committed schema lives. */
export const SCHEMA_FILE = fileURLToPath(new URL('../schema.graphql', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, await printBasinSchema());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
