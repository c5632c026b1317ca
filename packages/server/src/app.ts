import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { RollupService } from './analytics/rollup-service.js';
import { analyticsRoutes } from './analytics/routes.js';
import { AnalyticsService } from './analytics/service.js';
import { registerAuth, requireDeclaredAuth } from './auth/plugin.js';
import { registerRenderSlots } from './auth/render-slots.js';
import { keyRoutes } from './auth/routes.js';
import { AuthService } from './auth/service.js';
import type { Config } from './config/config.js';
import { loggerOptions } from './config/logging.js';
import type { Database } from './db/database.js';
import { healthRoutes } from './health/routes.js';
import { registerJsonBodyParser } from './http/json-body.js';
import { clientErrorHandler, frameworkErrorHandler, registerProblemHandlers } from './http/problem.js';
import { DOCS_CSP, UI_CSP } from './http/security-headers.js';
import { isClientRoute, registerWeb } from './http/web.js';
import { createProvider } from './llm/index.js';
import type { LlmProvider } from './llm/types.js';
import { PromptChangeBus } from './prompts/change-bus.js';
import { promptRoutes } from './prompts/routes.js';
import { PromptService } from './prompts/service.js';
import { TemplatePool } from './rendering/pool.js';
import { RenderService } from './rendering/service.js';
import { SignalGenerator } from './signals/generate.js';
import { signalRoutes } from './signals/routes.js';
import { SignalService } from './signals/service.js';
import { strategyRoutes } from './strategies/routes.js';
import { StrategyService } from './strategies/service.js';
import { VERSION } from './version.js';

export interface AppOptions {
  config: Config;
  database: Database;
  /** The LLM the pipeline asks; by default the one LLM_PROVIDER configures. */
  llm?: LlmProvider;
  /** Where the built web UI lives (tests point elsewhere). */
  webDist?: string;
  /** Where log lines go (default stdout; tests collect them). */
  logStream?: NodeJS.WritableStream;
}

export interface App {
  app: FastifyInstance;
  services: {
    auth: AuthService;
    strategies: StrategyService;
    prompts: PromptService;
    rendering: RenderService;
    analytics: AnalyticsService;
    signals: SignalService;
    generator: SignalGenerator;
    rollup: RollupService;
    changes: PromptChangeBus;
    templates: TemplatePool;
  };
}

/** Builds the HTTP application from config and an open database; does not listen. */
export async function buildApp({ config, database, webDist, llm, logStream }: AppOptions): Promise<App> {
  const app = Fastify({
    logger: loggerOptions(config, logStream),
    bodyLimit: 1024 * 1024,
    // The original API spelled collection routes with a trailing slash (`/api/v1/prompts/`).
    routerOptions: { ignoreTrailingSlash: true },
    // Believing any X-Forwarded-For would let a client choose its address and dodge per-IP limits.
    trustProxy: config.trustProxy,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    // One log line per request is noise at info level and costs throughput; debug shows them.
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerJsonBodyParser(app);

  const changes = new PromptChangeBus(database);
  const rollup = new RollupService(database);
  await changes.start();
  const strategies = new StrategyService(database);
  const templates = new TemplatePool(config.templates);
  const prompts = new PromptService(database, changes, templates);
  const rendering = new RenderService(database, changes, templates);
  const signals = new SignalService(database, config.breakevenEpsilon);
  const services = {
    auth: new AuthService(database, config.adminToken),
    strategies,
    prompts,
    rendering,
    analytics: new AnalyticsService(database, rollup, config.breakevenEpsilon),
    signals,
    generator: new SignalGenerator(
      database,
      prompts,
      rendering,
      strategies,
      signals,
      llm ?? createProvider(config.llm),
    ),
    rollup,
    changes,
    templates,
  };
  app.addHook('onClose', async () => {
    await changes.stop();
    await templates.close();
  });

  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: UI_CSP },
    referrerPolicy: { policy: 'no-referrer' },
  });
  requireDeclaredAuth(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Prompt Ledger API',
        version: VERSION,
        description:
          'Versioned Jinja2 prompts for LLM trading signals. Every error is RFC 9457 problem+json. ' +
          'Authenticate with `Authorization: Bearer <key>`; roles are viewer (read), editor (write prompts, record signals) and admin (keys, deletes).',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  // swagger-ui's own pages get their own policy (its onSend hook replaces helmet's header there).
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP });

  await registerAuth(app, services.auth, config.limits);
  registerRenderSlots(app, config.limits.rendersInFlightPerKey);
  const webBuilt = await registerWeb(app, webDist);
  registerProblemHandlers(app, (request, reply) =>
    webBuilt && isClientRoute(request.method, request.url, request.headers.accept)
      ? reply.sendFile('index.html')
      : undefined,
  );

  await app.register(healthRoutes(database, VERSION));
  await app.register(
    async (api) => {
      await api.register(strategyRoutes(services.strategies));
      await api.register(promptRoutes(services.prompts, services.rendering));
      await api.register(analyticsRoutes(services.analytics));
      await api.register(signalRoutes(services.signals, services.generator));
      await api.register(keyRoutes(services.auth));
    },
    { prefix: '/api/v1' },
  );
  return { app, services };
}
