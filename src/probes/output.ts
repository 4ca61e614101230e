/** Helpers for tools' text output, shared by the probes. */

export function splitLines(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trimEnd());
}

/** The last `n` non-blank lines of a tool's output, for an error's context and message. */
export function lastLines(text: string, n: number): string {
  return splitLines(text)
    .filter((line) => line.trim() !== '')
    .slice(-n)
    .join('\n');
}
