import type { CliCommand, CliIo } from './command.ts';
import { authCommand } from './commands/auth.ts';
import { checkZoneCommand } from './commands/check-zone.ts';
import { dkimCommand } from './commands/dkim.ts';
import { serveCommand } from './commands/serve.ts';
import { spfCommand } from './commands/spf.ts';

/** Every subcommand, in the order `--help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  checkZoneCommand,
  serveCommand,
  spfCommand,
  dkimCommand,
  authCommand,
];

const HELP = `mailroom — an interactive lab for SMTP, POP3, IMAP, SPF, DKIM and DMARC

Usage: mailroom <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`).join('\n')}

Run 'mailroom <command> --help' for a command's options.
`;

/** Entry point of the `mailroom` binary; resolves to the process exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(HELP);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`mailroom: unknown command '${name}'\n\n${HELP}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage);
    return 0;
  }
  return command.run(rest, io);
}
