/** The API's shapes as the browser sees them (dates arrive as ISO strings). */
export type TemplateType = 'system_message' | 'analysis' | 'consolidation';
export const TEMPLATE_TYPES: TemplateType[] = ['system_message', 'analysis', 'consolidation'];
export const TYPE_LABELS: Record<TemplateType, string> = {
  system_message: 'System message',
  analysis: 'Analysis',
  consolidation: 'Consolidation',
};

export interface ModelConfig {
  model?: string;
  temperature?: number;
  max_tokens?: number;
  [key: string]: unknown;
}

export interface Prompt {
  id: number;
  name: string;
  description: string | null;
  template_type: TemplateType;
  template_content: string;
  version: number;
  is_active: boolean;
  is_global: boolean;
  strategy_id: number | null;
  language: string;
  model_config: ModelConfig;
  created_at: string;
  updated_at: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
  pages: number;
}

export interface Strategy {
  id: number;
  name: string;
  description: string | null;
  is_active: boolean;
}

export interface TypeInfo {
  template_type: TemplateType;
  description: string;
  variables: string[];
}

export interface TemplateProblem {
  message: string;
  line: number;
  column: number;
}

export interface ValidateResult {
  valid: boolean;
  errors: TemplateProblem[];
  variables: string[];
}

export interface RenderResult {
  rendered: string;
  variables_missing: string[];
  render_ms: number;
}

export interface VersionSummary {
  template_id: number;
  version: number;
  model_config: ModelConfig;
  variables: string[];
  change_note: string | null;
  created_by: string | null;
  created_at: string;
}
export interface Version extends VersionSummary {
  template_content: string;
}

export interface Diff {
  from: number;
  to: number;
  unified_diff: string;
  model_config_changes: { key: string; from?: unknown; to?: unknown }[];
  variables_added: string[];
  variables_removed: string[];
}

export type Interval = { low: number; high: number } | null;

export interface Metrics {
  signals: number;
  n_closed: number;
  n_decided: number;
  pending: number;
  wins: number;
  losses: number;
  breakevens: number;
  win_rate: number | null;
  win_rate_ci: Interval;
  expectancy_r: number | null;
  expectancy_ci: Interval;
  total_pl: number;
  profit_factor: number | null;
}

export interface Performance {
  prompt_id: number;
  version: number | null;
  summary: Metrics;
  daily: {
    evaluation_date: string;
    prompt_version: number;
    signals_generated: number;
    wins: number;
    losses: number;
    breakevens: number;
    win_rate: number | null;
    avg_r_multiple: number | null;
    total_profit_loss: number;
  }[];
  equity_curve: { exit_time: string; cumulative_r: number; cumulative_pl: number }[];
}

export interface Leaderboard {
  metric: string;
  ranked_by: string;
  min_signals: number;
  hidden_below_min: number;
  entries: {
    rank: number;
    prompt_id: number;
    name: string;
    version: number;
    n: number;
    value: number | null;
    lower_bound: number | null;
    metrics: Metrics;
  }[];
}

export interface Compare {
  a: { prompt_id: number; name: string; version: number | null; metrics: Metrics };
  b: { prompt_id: number; name: string; version: number | null; metrics: Metrics };
  win_rate: {
    a: number | null;
    b: number | null;
    diff: number | null;
    ci: Interval;
    z_test: { z: number; p: number } | null;
    fisher_p: number | null;
    prob_b_better: number;
  };
  mean_r: {
    a: number | null;
    b: number | null;
    diff: number | null;
    welch: { t: number; df: number; p: number; ci: { low: number; high: number } } | null;
  };
  required_n_per_arm: { win_rate: number | null; mean_r: number | null };
  verdict: string;
}

export interface Problem {
  status: number;
  title: string;
  detail: string;
  errors?: { field: string; message: string; line?: number; column?: number }[];
  error_type?: string;
}
