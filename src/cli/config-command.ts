import { readFile } from 'node:fs/promises';
import { parsePlatformConfig } from '../config/load.js';
import { platformJsonSchema } from '../config/schema-json.js';
import { asPerfError } from '../errors.js';

/**
 * `perfbot config schema` prints perfbot.yaml's JSON Schema; `perfbot config check FILE` validates a
 * file with the same rules as start-up and prints the settings in effect (defaults filled in).
 */
export async function runConfigCommand(args: readonly string[]): Promise<number> {
  const [verb, file] = args;
  if (verb === 'schema') {
    process.stdout.write(`${JSON.stringify(platformJsonSchema(), null, 2)}\n`);
    return 0;
  }
  if (verb === 'check' && file) {
    try {
      const platform = parsePlatformConfig(await readFile(file, 'utf8'), file);
      process.stdout.write(`${file}: valid\n${JSON.stringify(platform, null, 2)}\n`);
      return 0;
    } catch (error) {
      process.stderr.write(`${asPerfError(error).userMessage}\n`);
      return 1;
    }
  }
  process.stderr.write('usage: perfbot config schema | perfbot config check FILE\n');
  return 2;
}
