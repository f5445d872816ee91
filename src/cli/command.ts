/** Where a command writes; tests pass collectors, the binary passes the process streams. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Relative file arguments resolve against this. */
  readonly cwd: string;
}

/** One `mailroom <name>` subcommand. */
export interface CliCommand {
  readonly name: string;
  /** One line for `mailroom --help`. */
  readonly summary: string;
  /** The full text for `mailroom <name> --help`. */
  readonly usage: string;
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}
