import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { ApiClient } from './client';
import type { SessionState, SessionStore, User } from './session';

interface ApiContextValue {
  session: SessionStore;
  api: ApiClient;
}

const ApiContext = createContext<ApiContextValue | null>(null);

export function ApiProvider({ session, api, children }: ApiContextValue & { children: ReactNode }) {
  return <ApiContext.Provider value={{ session, api }}>{children}</ApiContext.Provider>;
}

function useApiContext(): ApiContextValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('ApiProvider is missing above this component');
  return value;
}

export function useApi(): ApiClient {
  return useApiContext().api;
}

export function useSessionStore(): SessionStore {
  return useApiContext().session;
}

export function useSession(): SessionState {
  const store = useSessionStore();
  return useSyncExternalStore(store.subscribe, store.getState);
}

/** The signed-in user; only below RequireAuth, which renders nothing else while signed out. */
export function useUser(): User {
  const state = useSession();
  if (state.status !== 'signed-in') throw new Error('useUser outside a signed-in page');
  return state.session.user;
}
