/**
 * Runs the ConnectWise simulator from the command line so any client can be pointed at it:
 *
 *   npx tsx simulator/main.ts --port 8080 --tenants demo1:2000,demo2:500 [--rpm 1000] [--latency 150,100,0.3]
 *
 * `name:N` creates a tenant with N tickets, N/20 companies, N/8 contacts and 2N time entries.
 */
import { startSimulator, type SimulatedTenant } from './index';

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

function tenantsFrom(spec: string, requestsPerMinute: number | undefined): SimulatedTenant[] {
  return spec.split(',').map((part) => {
    const [companyId = '', size = '1000'] = part.split(':');
    const tickets = Number(size);
    if (!companyId || !Number.isInteger(tickets) || tickets < 0)
      throw new Error(`Bad tenant spec '${part}' (want name:tickets)`);
    return {
      companyId,
      publicKey: `${companyId}-public`,
      privateKey: `${companyId}-private`,
      clientId: '00000000-0000-4000-8000-00000000c1d0',
      sizes: {
        tickets,
        companies: Math.ceil(tickets / 20),
        contacts: Math.ceil(tickets / 8),
        time_entries: tickets * 2,
      },
      ...(requestsPerMinute ? { requestsPerMinute } : {}),
    };
  });
}

const USAGE = `usage: npx tsx simulator/main.ts [--port 8080] [--tenants demo1:2000,demo2:500] [--rpm 1000]
                                  [--latency BASE_MS,JITTER_MS,MS_PER_RECORD]
  Serves the ConnectWise Manage REST API on 127.0.0.1 for any client. \`name:N\` is a tenant (its companyId)
  with N tickets, N/20 companies, N/8 contacts and 2N time entries; --rpm is each tenant's request budget
  (429 past it); the credentials and a curl line per tenant are printed once it listens.`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const rpm = option(args, 'rpm');
  const latency = option(args, 'latency')?.split(',').map(Number);
  const tenants = tenantsFrom(
    option(args, 'tenants') ?? 'demo1:2000,demo2:500',
    rpm ? Number(rpm) : undefined,
  );
  const simulator = await startSimulator({
    tenants,
    port: Number(option(args, 'port') ?? 8080),
    ...(latency
      ? { latency: { baseMs: latency[0] ?? 0, jitterMs: latency[1] ?? 0, perRecordMs: latency[2] ?? 0 } }
      : {}),
  });
  console.log(`ConnectWise simulator listening: ${simulator.baseUrl}`);
  for (const tenant of tenants) {
    const auth = Buffer.from(`${tenant.companyId}+${tenant.publicKey}:${tenant.privateKey}`).toString(
      'base64',
    );
    console.log(
      JSON.stringify({
        companyId: tenant.companyId,
        publicKey: tenant.publicKey,
        privateKey: tenant.privateKey,
        clientId: tenant.clientId,
        sizes: tenant.sizes,
      }),
    );
    console.log(
      `  curl -H 'Authorization: Basic ${auth}' -H 'clientId: ${tenant.clientId}' '${simulator.baseUrl}/service/tickets?pageSize=2'`,
    );
  }
  const shutdown = () => void simulator.stop().then(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((cause: unknown) => {
  console.error(cause);
  process.exit(1);
});
