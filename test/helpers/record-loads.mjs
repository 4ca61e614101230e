// `node --import ./test/helpers/record-loads.mjs`: appends the URL of every module the process
// resolves to the file named by PERFBOT_LOAD_LOG, one per line (the sim fence test reads it).
// Plain JavaScript on purpose: it is loaded by node itself, before (or without) tsx.
import { register } from 'node:module';

// The hooks run on Node's loader thread; appending synchronously keeps every line, even when the
// process leaves through process.exit().
const hooks = `
import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(log, resolved.url + '\\n');
  return resolved;
}
`;

const log = process.env.PERFBOT_LOAD_LOG;
if (log) register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { log } });
