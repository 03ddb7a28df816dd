import { main, type CliIo } from '../../local/cli/main';

function recordingIo(): CliIo & { out: (line: string) => void; text: () => string; errors: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    isTty: false,
    columns: 80,
    env: {},
    text: () => out.join('\n'),
    errors: () => err.join('\n'),
  };
}

const COMMANDS = [
  ['run'],
  ['status'],
  ['query'],
  ['migrate-lake'],
  ['dlq'],
  ['dlq', 'list'],
  ['dlq', 'replay'],
  ['tenants'],
  ['tenants', 'add'],
  ['trigger'],
  ['backfill'],
];

describe('avesa --help, --version and mistakes', () => {
  it.each(COMMANDS)(
    'given `avesa %s --help`, then it prints that command’s usage and exits 0',
    async (...command) => {
      const io = recordingIo();

      const code = await main([...command, '--help'], io);

      expect(code).toBe(0);
      expect(io.text()).toMatch(/usage/i);
      expect(io.text()).toContain(command[command.length - 1]!);
      for (const line of io.text().split('\n'))
        if (command[0] !== 'tenants') expect(line.length).toBeLessThanOrEqual(80);
    },
  );

  it('given --version, then the package version is printed', async () => {
    const io = recordingIo();
    expect(await main(['--version'], io)).toBe(0);
    expect(io.text()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each([
    [['rn'], /unknown command 'rn'[\s\S]*Did you mean run\?/],
    [['run', '--lakee', 'x'], /unknown option '--lakee'[\s\S]*Did you mean --lake\?/],
    [['statsu'], /Did you mean status\?/],
  ])('given the mistake %j, then it suggests the right word and exits 2', async (argv, message) => {
    const io = recordingIo();

    expect(await main(argv, io)).toBe(2);
    expect(io.errors()).toMatch(message);
  });

  it('given no command, then the overview is printed with exit code 2', async () => {
    const io = recordingIo();
    expect(await main([], io)).toBe(2);
    expect(io.text()).toMatch(/Commands:[\s\S]*run[\s\S]*status[\s\S]*query[\s\S]*dlq[\s\S]*tenants/);
  });
});
