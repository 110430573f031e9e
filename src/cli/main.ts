/**
 * The command line: `natter` opens the TUI (attached to the profile's daemon when one runs); `daemon` runs the
 * connections headless and `attach` opens a UI on it; `send`, `search`, `accounts` and `doctor` work without a UI.
 * Returns the process exit code; never throws for user errors (they are printed in plain words).
 */
import { Command, CommanderError } from 'commander';
import { NatterError, userMessageOf } from '../core/errors.js';
import { natterVersion } from './natter-version.js';

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = new Command('natter')
    .description('A terminal messenger for IRC, XMPP, Matrix and chat over email')
    .version(natterVersion(), '-V, --version')
    .option('-c, --config <file>', 'use this config file instead of the profile\'s config.toml')
    .option('--debug', 'write debug-level logs to the log file')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program.action(async () => {
    const { runTuiCommand } = await import('./tui-command.js');
    code = await runTuiCommand(program.opts());
  });
  program
    .command('send')
    .description('connect, send one message, wait until the server accepted it, and exit')
    .requiredOption('-a, --account <name>', 'account name from the config')
    .requiredOption('-t, --to <target>', 'channel, room or contact address')
    .argument('<text...>', 'the message')
    .action(async (text: string[], opts: { account: string; to: string }) => {
      const { sendCommand } = await import('./send-command.js');
      code = await sendCommand({ ...program.opts(), ...opts, text: text.join(' ') });
    });
  program
    .command('search')
    .description('search stored messages of all accounts')
    .argument('<query...>', 'words to find')
    .option('--json', 'print the results as JSON')
    .option('-a, --account <name>', 'only this account')
    .option('-f, --from <sender>', 'only messages from this sender')
    .option('-n, --limit <n>', 'at most this many results', '50')
    .action(async (query: string[], opts: { json?: boolean; account?: string; from?: string; limit: string }) => {
      const { searchCommand } = await import('./search-command.js');
      code = await searchCommand({ ...program.opts(), ...opts, query: query.join(' ') });
    });
  program
    .command('accounts')
    .description('list the configured accounts and their last known state')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { accountsCommand } = await import('./accounts-command.js');
      code = await accountsCommand({ ...program.opts(), ...opts });
    });
  program
    .command('daemon')
    .description('run every connection headless (no terminal; logs to the log file); UIs attach with `natter attach`')
    .option('-d, --detach', 'start in the background and return once it accepts UIs')
    .option('--stop', 'stop the daemon running for this profile')
    .action(async (opts: { detach?: boolean; stop?: boolean }) => {
      const { daemonCommand } = await import('./daemon-command.js');
      code = await daemonCommand({ ...program.opts(), ...opts });
    });
  program
    .command('attach')
    .description('open the interface on the daemon running for this profile (plain `natter` does too when one runs)')
    .action(async () => {
      const { attachCommand } = await import('./attach-command.js');
      code = await attachCommand(program.opts());
    });
  program
    .command('doctor')
    .description('check the config, connectivity, TLS and authentication of every account')
    .option('-a, --account <name>', 'only this account')
    .action(async (opts: { account?: string }) => {
      const { doctorCommand } = await import('./doctor-command.js');
      code = await doctorCommand({ ...program.opts(), ...opts });
    });

  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`natter: ${userMessageOf(error)}\n`);
    if (!(error instanceof NatterError) && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
  return code;
}
