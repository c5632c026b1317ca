import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { problems } from '../http/common.js';
import { promptIdParams } from '../prompts/schema.js';
import {
  calculateResult,
  compareQuery,
  compareResult,
  leaderboardQuery,
  leaderboardResult,
  performanceQuery,
  performanceResult,
} from './schema.js';
import type { AnalyticsService } from './service.js';

const tags = ['performance'];

export const analyticsRoutes =
  (analytics: AnalyticsService): FastifyPluginAsyncZod =>
  async (app) => {
    // 8
    app.get(
      '/prompts/:id/performance',
      {
        config: { auth: 'viewer' },
        schema: {
          tags,
          summary:
            "A prompt's performance: summary and daily rows, optionally for one version and a date range",
          params: promptIdParams,
          querystring: performanceQuery,
          response: { 200: performanceResult, ...problems.read },
        },
      },
      async (request) => analytics.performance(request.params.id, request.query),
    );
    // 9
    app.post(
      '/prompts/:id/performance/calculate',
      {
        config: { auth: 'editor' },
        schema: {
          tags,
          summary: "Recompute a prompt's daily performance rows from its signals now",
          params: promptIdParams,
          response: { 200: calculateResult, ...problems.write },
        },
      },
      async (request) => analytics.calculate(request.params.id),
    );
    // 10
    app.get(
      '/prompts/compare',
      {
        config: { auth: 'viewer' },
        schema: {
          tags,
          summary: 'Compare two prompts (or versions)',
          querystring: compareQuery,
          response: { 200: compareResult, ...problems.read },
        },
      },
      async (request) => analytics.compare(request.query),
    );
    // 11
    app.get(
      '/prompts/leaderboard',
      {
        config: { auth: 'viewer' },
        schema: {
          tags,
          summary: 'Prompt versions ranked by a metric (versions under min_signals closed trades hidden)',
          querystring: leaderboardQuery,
          response: { 200: leaderboardResult, ...problems.read },
        },
      },
      async (request) => analytics.leaderboard(request.query),
    );
  };
