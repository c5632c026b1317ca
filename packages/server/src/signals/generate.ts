import { createHash } from 'node:crypto';
import { recordAudit } from '../audit/service.js';
import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import type { TemplateType } from '../db/schema.js';
import { UpstreamError } from '../errors.js';
import { type ChatMessage, type CompletionResult, LlmError, type LlmProvider } from '../llm/types.js';
import type { PromptView } from '../prompts/schema.js';
import type { PromptService } from '../prompts/service.js';
import type { RenderService } from '../rendering/service.js';
import type { StrategyService } from '../strategies/service.js';
import { parseSignalAnswer, SIGNAL_ANSWER_JSON_SCHEMA } from './answer.js';
import type { SignalService } from './service.js';

export interface GenerateInput {
  strategy_id?: number | null;
  symbol: string;
  timeframes: string[];
  language?: string;
  context: Record<string, unknown>;
}

interface UsedPrompt {
  template_id: number;
  version: number;
  prompt_type: TemplateType;
  timeframe: string | null;
  rendered_hash: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The LLM signal pipeline: resolve the system, analysis and consolidation prompts (the strategy's
 * active ones, else the global ones), render them, ask the provider once per timeframe and once
 * to consolidate, check the answer (one retry with the problem explained), and store the signal
 * with every prompt version and the hash of every rendered prompt.
 */
export class SignalGenerator {
  constructor(
    private readonly database: Database,
    private readonly prompts: PromptService,
    private readonly rendering: RenderService,
    private readonly strategies: StrategyService,
    private readonly signals: SignalService,
    private readonly provider: LlmProvider,
  ) {}

  async generate(actor: Actor, input: GenerateInput) {
    const language = input.language ?? 'en';
    const strategy = input.strategy_id != null ? await this.strategies.get(input.strategy_id) : null;
    const resolve = async (template_type: TemplateType) =>
      (
        await this.prompts.resolve({
          template_type,
          language,
          ...(strategy ? { strategy_id: strategy.id } : {}),
        })
      ).prompt;
    const [system, analysis, consolidation] = await Promise.all([
      resolve('system_message'),
      resolve('analysis'),
      resolve('consolidation'),
    ]);
    const base: Record<string, unknown> = {
      ...input.context,
      symbol: input.symbol,
      timeframes: input.timeframes,
      strategy: strategy ? { id: strategy.id, name: strategy.name, description: strategy.description } : null,
    };
    const used: UsedPrompt[] = [];
    const calls: CompletionResult[] = [];
    const render = async (prompt: PromptView, context: Record<string, unknown>, timeframe: string | null) => {
      const { rendered } = await this.rendering.renderPrompt(prompt.id, prompt.version, context);
      used.push({
        template_id: prompt.id,
        version: prompt.version,
        prompt_type: prompt.template_type,
        timeframe,
        rendered_hash: sha256(rendered),
      });
      return rendered;
    };
    const systemText = await render(system, base, null);
    const ask = async (stage: string, request: Parameters<LlmProvider['complete']>[0]) => {
      try {
        const result = await this.provider.complete(request);
        calls.push(result);
        return result.text;
      } catch (err) {
        await this.recordFailure(actor, input, stage, err);
        throw err;
      }
    };

    const analyses: { timeframe: string; content: string }[] = [];
    for (const timeframe of input.timeframes) {
      const context = { ...base, timeframe };
      const user = await render(analysis, context, timeframe);
      const text = await ask(`analysis ${timeframe}`, {
        messages: [
          { role: 'system', content: systemText },
          { role: 'user', content: user },
        ],
        settings: analysis.model_config,
        context,
        purpose: 'analysis',
      });
      analyses.push({ timeframe, content: text });
    }

    const consolidationContext = { ...base, analyses };
    const consolidationText = await render(consolidation, consolidationContext, null);
    const messages: ChatMessage[] = [
      { role: 'system', content: systemText },
      { role: 'user', content: consolidationText },
    ];
    const request = {
      messages,
      settings: consolidation.model_config,
      responseSchema: SIGNAL_ANSWER_JSON_SCHEMA,
      context: consolidationContext,
      purpose: 'consolidation' as const,
    };
    let answerText = await ask('consolidation', request);
    let parsed = parseSignalAnswer(answerText);
    if (!parsed.ok) {
      // One more chance, telling the model exactly what was wrong.
      const retry = {
        ...request,
        messages: [
          ...messages,
          { role: 'assistant' as const, content: answerText },
          { role: 'user' as const, content: `${parsed.problem} Answer again with only the JSON object.` },
        ],
      };
      answerText = await ask('consolidation retry', retry);
      parsed = parseSignalAnswer(answerText);
    }
    if (!parsed.ok) {
      await this.recordFailure(actor, input, 'consolidation', new Error(parsed.problem), answerText);
      throw new UpstreamError(
        `The model's answer was not a valid signal after one retry: ${parsed.problem}`,
        {
          llm_error: 'invalid_answer',
        },
      );
    }

    const a = parsed.answer;
    const last = calls.at(-1)!;
    const sum = (pick: (c: CompletionResult) => number | null) =>
      calls.every((c) => pick(c) === null) ? null : calls.reduce((n, c) => n + (pick(c) ?? 0), 0);
    const trade = a.direction !== 'no_trade';
    const signal = await this.signals.record(actor, {
      strategy_id: strategy?.id ?? null,
      symbol: input.symbol,
      timeframe: input.timeframes.join(','),
      direction: a.direction,
      entry_price: trade ? a.entry_price : null,
      stop_loss: trade ? a.stop_loss : null,
      take_profit: trade ? a.take_profit : null,
      confidence: a.confidence,
      rationale: a.rationale,
      prompt_template_id: consolidation.id,
      prompt_version: consolidation.version,
      prompt_type: 'consolidation',
      prompts: used,
      llm_provider: this.provider.name,
      llm_model: last.model,
      llm_latency_ms: Math.round(calls.reduce((n, c) => n + c.latency_ms, 0)),
      prompt_tokens: sum((c) => c.prompt_tokens),
      completion_tokens: sum((c) => c.completion_tokens),
      rendered_prompt_hash: sha256(consolidationText),
    });
    return {
      signal,
      analyses,
      llm: { provider: this.provider.name, model: last.model, calls: calls.length },
    };
  }

  /** A provider failure is a recorded event and a 502, never a crash. */
  private async recordFailure(
    actor: Actor,
    input: GenerateInput,
    stage: string,
    err: unknown,
    answer?: string,
  ) {
    const kind = err instanceof LlmError ? err.kind : 'invalid_answer';
    await this.database.db.transaction((tx) =>
      recordAudit(
        tx,
        actor,
        'signal.generate_failed',
        { type: 'signal', id: null },
        {
          symbol: input.symbol,
          stage,
          kind,
          message: (err as Error).message,
          ...(answer !== undefined ? { answer: answer.slice(0, 2_000) } : {}),
        },
      ),
    );
    if (err instanceof LlmError) {
      throw new UpstreamError(`The LLM provider failed at ${stage} (${err.kind}): ${err.message}`, {
        llm_error: err.kind,
      });
    }
  }
}
