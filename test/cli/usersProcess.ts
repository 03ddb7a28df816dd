/**
 * `avesa users` in a process of its own, for tests that need a second process beside the one holding the
 * server's stores: `node -r tsx/cjs test/cli/usersProcess.ts add --tenant ...`.
 */
import { Command, CommanderError } from 'commander';
import { registerUsersCommand } from '../../local/cli/users';

const program = new Command('avesa').exitOverride();
registerUsersCommand(
  program,
  {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    isTty: false,
    env: process.env,
  },
  (code) => (process.exitCode = code),
);
program.parseAsync(['users', ...process.argv.slice(2)], { from: 'user' }).catch((error: unknown) => {
  if (!(error instanceof CommanderError)) process.stderr.write(`${String(error)}\n`);
  process.exitCode = 2;
});
