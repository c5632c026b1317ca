/** The one place that talks HTTP: bearer key, JSON, and problem+json errors as `ApiError`. */

import type { Role } from './auth';
import { getToken } from './auth';
import type {
  Compare,
  Diff,
  Leaderboard,
  Page,
  Performance,
  Problem,
  Prompt,
  RenderResult,
  Strategy,
  TypeInfo,
  ValidateResult,
  Version,
  VersionSummary,
} from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail || problem.title || `HTTP ${status}`);
  }
}

/** Called on any 401 so the app can return to the sign-in screen. */
let onUnauthorized: (message: string) => void = () => undefined;
export function setUnauthorizedHandler(fn: (message: string) => void): void {
  onUnauthorized = fn;
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  token = getToken(),
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const problem = (data ?? {
      status: res.status,
      title: res.statusText,
      detail: res.statusText,
    }) as Problem;
    const error = new ApiError(res.status, problem);
    if (res.status === 401 && token === getToken()) onUnauthorized(error.message);
    throw error;
  }
  return data as T;
}

const qs = (params: Record<string, string | number | boolean | undefined | null>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};

export interface PromptFilters {
  page?: number;
  page_size?: number;
  template_type?: string;
  language?: string;
  strategy_id?: string;
  is_global?: string;
  is_active?: string;
  search?: string;
}

export interface PromptInput {
  name?: string;
  description?: string | null;
  template_type?: string;
  template_content?: string;
  is_active?: boolean;
  strategy_id?: number | null;
  language?: string;
  model_config?: Record<string, unknown>;
  change_note?: string | null;
  expected_version?: number;
  take_over_slot?: boolean;
}

export const api = {
  /**
   * The role of a key, found by trying: any authenticated read proves viewer; the keys list answers
   * only admins, and its 403 names the key's role.
   */
  async roleOf(token: string): Promise<Role> {
    await request('GET', '/prompts/?page_size=1', undefined, token);
    try {
      await request('GET', '/keys', undefined, token);
      return 'admin';
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) {
        const m = /has the (viewer|editor|admin) role/.exec(err.problem.detail ?? '');
        return (m?.[1] as Role | undefined) ?? 'viewer';
      }
      throw err;
    }
  },
  listPrompts: (f: PromptFilters) => request<Page<Prompt>>('GET', `/prompts/${qs({ ...f })}`),
  getPrompt: (id: number) => request<Prompt>('GET', `/prompts/${id}`),
  createPrompt: (body: PromptInput) => request<Prompt>('POST', '/prompts/', body),
  updatePrompt: (id: number, body: PromptInput) => request<Prompt>('PUT', `/prompts/${id}`, body),
  deletePrompt: (id: number) => request<void>('DELETE', `/prompts/${id}`),
  clonePrompt: (id: number, name: string) => request<Prompt>('POST', `/prompts/${id}/clone`, { name }),
  types: () => request<TypeInfo[]>('GET', '/prompts/types'),
  stats: () => request<{ by_language: Record<string, number> }>('GET', '/prompts/stats'),
  strategies: () => request<Page<Strategy>>('GET', '/strategies/?page_size=100'),
  validate: (template_content: string) =>
    request<ValidateResult>('POST', '/prompts/validate', { template_content }),
  render: (template_content: string, context: Record<string, unknown>) =>
    request<RenderResult>('POST', '/prompts/render', { template_content, context }),
  versions: (id: number) => request<VersionSummary[]>('GET', `/prompts/${id}/versions`),
  version: (id: number, v: number) => request<Version>('GET', `/prompts/${id}/versions/${v}`),
  diff: (id: number, from: number, to: number) =>
    request<Diff>('GET', `/prompts/${id}/diff${qs({ from, to })}`),
  restore: (id: number, v: number) => request<Prompt>('POST', `/prompts/${id}/versions/${v}/restore`),
  performance: (id: number, p: { version?: string; from?: string; to?: string }) =>
    request<Performance>('GET', `/prompts/${id}/performance${qs(p)}`),
  leaderboard: (metric: string, min_signals: number) =>
    request<Leaderboard>('GET', `/prompts/leaderboard${qs({ metric, min_signals, limit: 50 })}`),
  compare: (a: number, b: number) => request<Compare>('GET', `/prompts/compare${qs({ a, b })}`),
};
