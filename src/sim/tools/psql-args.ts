/** `psql`'s command line, as far as the probe uses it: `-At`, `-F`, `-c SQL`, `-f -`, `-U user`. */
export interface PsqlArgs {
  separator: string;
  unaligned: boolean;
  tuplesOnly: boolean;
  commands: string[];
  fromStdin: boolean;
  user: string;
}

const WITH_VALUE = new Set(['-F', '-v', '-d', '-U', '-c', '-f', '-h', '-p']);

export function parsePsqlArgv(argv: readonly string[]): PsqlArgs {
  const out: PsqlArgs = {
    separator: '|',
    unaligned: false,
    tuplesOnly: false,
    commands: [],
    fromStdin: false,
    user: 'postgres',
  };
  for (let i = 1; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const value = WITH_VALUE.has(arg) ? (argv[++i] ?? '') : undefined;
    if (arg === '-F') out.separator = value ?? '|';
    else if (arg === '-c') out.commands.push(value ?? '');
    else if (arg === '-f') out.fromStdin = value === '-';
    else if (arg === '-U') out.user = value ?? out.user;
    else if (/^-[A-Za-z]+$/.test(arg) && value === undefined) {
      out.unaligned ||= arg.includes('A');
      out.tuplesOnly ||= arg.includes('t');
    }
  }
  return out;
}

/** A script on stdin (`-f -`): one statement a line, the trailing `;` dropped. */
export function splitScript(stdin: string): string[] {
  return stdin
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => (l.endsWith(';') ? l.slice(0, -1) : l));
}
