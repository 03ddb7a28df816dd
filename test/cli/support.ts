import type { CliIo } from '../../local/cli/main';

/** A CLI io that records every line, with the given environment. */
export function recordingIo(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (line) => out.push(line), err: (line) => err.push(line), isTty: false, env };
  return { io, out, err, all: () => [...out, ...err].join('\n') };
}
