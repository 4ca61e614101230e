import type { Logger } from 'pino';

/**
 * During a Redis outage every connection (ours, BullMQ's duplicates, a subscriber) reports each
 * reconnect attempt as an error, several a second. One line says Redis went away, one line every
 * `quietMs` says it still is (with how many reports were folded into it), one says it is back:
 * never a stack trace per attempt.
 */
export interface OutageLog {
  error(error: unknown): void;
  recovered(): void;
}

export function createOutageLog(
  log: Logger | undefined,
  what: Record<string, unknown>,
  quietMs = 30_000,
): OutageLog {
  let down = false;
  let lastLogged = 0;
  let folded = 0;
  return {
    error(error) {
      if (!log) return;
      const reason = error instanceof Error ? error.message : String(error);
      const now = Date.now();
      if (!down) {
        down = true;
        lastLogged = now;
        log.warn({ ...what, reason }, 'Redis does not answer: retrying');
        return;
      }
      if (now - lastLogged < quietMs) {
        folded++;
        return;
      }
      log.warn({ ...what, reason, folded }, 'Redis still does not answer');
      lastLogged = now;
      folded = 0;
    },
    recovered() {
      if (!down) return;
      down = false;
      folded = 0;
      log?.info(what, 'Redis answers again');
    },
  };
}
