/** An empty process under the same loader (node --import tsx): the footprint every child starts from. */
import { announceReady, onStop } from '../lib/child.js';

const timer = setInterval(() => undefined, 60_000);
onStop(async () => clearInterval(timer));
announceReady({});
