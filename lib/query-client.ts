import { QueryClient } from "@tanstack/react-query";

export function createQueryClient() {
  return new QueryClient({ defaultOptions: { queries: { staleTime: 1_000, refetchOnWindowFocus: true, retry: 1 } } });
}

export type TApiError = { error: { code: string; message: string } };

/** fetch → JSON, throwing an Error with the API's message on a non-2xx answer. */
export async function apiFetch<T>(input: string, init?: RequestInit): Promise<T> {
  const res = await fetch(input, { ...init, headers: { "content-type": "application/json", ...init?.headers } });
  if (res.status === 204) return undefined as T;
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error((body as TApiError | null)?.error?.message ?? `Request failed (${res.status})`);
  return body as T;
}
