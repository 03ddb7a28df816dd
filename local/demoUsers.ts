import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { localUserStore } from '../api/auth/localStores';
import type { Role } from '../api/contract';
import { DEMO_TENANTS } from './demo';

export interface DemoLogin {
  tenantId: string;
  tenantName: string;
  email: string;
  role: Role;
  password: string;
}

/** Where the demo's generated passwords are kept (0600), so every `npm start` can print the same logins. */
export const demoLoginsPath = (stateDir: string) => join(stateDir, 'api', 'demo-logins.json');

/**
 * The demo's users: an admin for every demo tenant, and an analyst and a viewer for the first, each with a
 * password generated once per state directory. A user already present (or removed and added again by hand)
 * is left as it is; only the demo's own record of the password is printed.
 */
export async function ensureDemoUsers(stateDir: string): Promise<DemoLogin[]> {
  const path = demoLoginsPath(stateDir);
  const known: DemoLogin[] = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as DemoLogin[]) : [];
  const wanted = DEMO_TENANTS.flatMap((tenant, index) =>
    (index === 1 ? (['admin', 'analyst', 'viewer'] as const) : (['admin'] as const)).map((role) => ({
      tenantId: tenant.id,
      tenantName: tenant.name,
      email: `${role}@${tenant.id}.example`,
      role,
    })),
  );
  const users = localUserStore(stateDir);
  const logins: DemoLogin[] = [];
  for (const user of wanted) {
    const remembered = known.find((login) => login.tenantId === user.tenantId && login.email === user.email);
    const exists = (await users.find(user.tenantId, user.email)) !== undefined;
    // Someone made this user by hand: its password is theirs, not ours to print.
    if (exists && !remembered) continue;
    const password = remembered?.password ?? randomBytes(12).toString('base64url');
    if (!exists) await users.add({ ...user, password });
    logins.push({ ...user, password });
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(logins, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return logins;
}
