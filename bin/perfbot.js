#!/usr/bin/env node
// The `perfbot` executable: runs the compiled CLI (built by `npm install` through the `prepare` script).
import { main } from '../dist/cli/main.js';

// Once main is done, leave: a handle some library left open must not keep a stopped bot alive.
const leave = (code) => {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 3000).unref();
};

main(process.argv.slice(2)).then(leave, (error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  leave(1);
});
