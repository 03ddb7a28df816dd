import { useEffect, useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useSession, useSessionStore } from '../api/context';
import { ApiError, NetworkError } from '../api/errors';
import { Alert } from '../components/Alert';
import { Button } from '../components/Button';
import { TextField } from '../components/Field';

const LAST_TENANT = 'avesa.lastTenant';

const FIELD_NAMES: Record<string, string> = { tenantId: 'Tenant', email: 'Email', password: 'Password' };

/** What a failed login tells the user, in words they can act on. */
export function loginErrorMessage(error: unknown): string {
  if (error instanceof NetworkError) return error.message;
  if (error instanceof ApiError) {
    if (error.status === 401) return 'Wrong tenant, email or password.';
    if (error.status === 429)
      return error.retryAfterSeconds
        ? `Too many sign-in attempts. Try again in ${error.retryAfterSeconds} seconds.`
        : 'Too many sign-in attempts. Wait a minute and try again.';
    if (error.status === 400)
      return error.issues.length > 0
        ? error.issues
            .map(
              (issue) =>
                `${FIELD_NAMES[issue.parameter.replace(/^body\./, '')] ?? issue.parameter}: ${issue.message}.`,
            )
            .join(' ')
        : error.message;
    if (error.status >= 500) return 'The server could not sign you in just now. Try again in a moment.';
    return error.message;
  }
  return 'Something went wrong. Try again.';
}

/** Only paths of this app: a `next` pointing elsewhere would make the login page an open redirect. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

export default function LoginPage() {
  const store = useSessionStore();
  const state = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [tenantId, setTenantId] = useState(() => localStorage.getItem(LAST_TENANT) ?? '');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    document.title = 'Sign in · avesa';
  }, []);

  if (state.status === 'signed-in' && !pending) return <Navigate to={next} replace />;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    setPending(true);
    try {
      await store.login({ tenantId: tenantId.trim(), email: email.trim(), password });
      localStorage.setItem(LAST_TENANT, tenantId.trim());
      navigate(next, { replace: true });
    } catch (failure) {
      setError(loginErrorMessage(failure));
      setPassword('');
    } finally {
      setPending(false);
    }
  };

  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-50 px-4">
      <div className="w-full max-w-sm">
        <p className="mb-2 text-center text-2xl font-bold tracking-tight text-indigo-700">avesa</p>
        <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="mb-1 text-lg font-semibold text-slate-900">Sign in</h1>
          <p className="mb-4 text-sm text-slate-600">Your service desk, tickets and hours in one place.</p>
          {params.get('expired') && !error && (
            <div className="mb-4">
              <Alert tone="info">Your session ended. Sign in again to continue.</Alert>
            </div>
          )}
          {error && (
            <div className="mb-4">
              <Alert title="Could not sign in">
                <p>{error}</p>
              </Alert>
            </div>
          )}
          <form onSubmit={submit} className="space-y-4" noValidate={false}>
            <TextField
              label="Tenant"
              name="tenant"
              autoComplete="organization"
              required
              value={tenantId}
              onChange={(event) => setTenantId(event.target.value)}
              hint="Your company's tenant id, e.g. contoso-it"
            />
            <TextField
              label="Email"
              name="email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
            <TextField
              label="Password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
            <Button type="submit" variant="primary" className="w-full" disabled={pending}>
              {pending ? 'Signing in…' : 'Sign in'}
            </Button>
          </form>
        </div>
      </div>
    </main>
  );
}
