/**
 * A local HTTP server that speaks just enough of OpenAI's `POST /v1/chat/completions` and
 * Anthropic's `POST /v1/messages` for the real SDKs to talk to it. Each test scripts the replies
 * (one per request, in order) and reads back the requests the SDK actually sent.
 */
import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type StubReply =
  /** A JSON body (status 200 unless given). */
  | { status?: number; json: unknown; headers?: Record<string, string> }
  /** Any body with any content type: HTML error pages, truncated JSON… */
  | { status?: number; raw: string; contentType: string; headers?: Record<string, string> }
  /** Accept the request and never answer. */
  | { hang: true }
  /** Send status and headers, part of the body, then stall: the SDK's own timeout does not cover this. */
  | { stallBody: string }
  /** Answer, but only after a delay. */
  | { delayMs: number; reply: StubReply }
  /** Close the connection without a response. */
  | { reset: true };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (the raw text if it was not JSON). */
  body: unknown;
}

export interface LlmStub {
  /** `http://127.0.0.1:port`, no trailing slash. */
  url: string;
  requests: RecordedRequest[];
  /** Queues replies for the next requests, in order. Unscripted requests get a 500 saying so. */
  reply(...replies: StubReply[]): void;
  close(): Promise<void>;
}

export async function startLlmStub(): Promise<LlmStub> {
  const queue: StubReply[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep the raw text; the test will see the SDK sent something odd
    }
    const path = (req.url ?? '').split('?')[0]!;
    requests.push({ method: req.method ?? '', path, headers: req.headers, body });
    if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/v1/messages')) {
      return send(res, { status: 404, json: { error: { message: `stub: no route ${req.method} ${path}` } } });
    }
    const next = queue.shift() ?? {
      status: 500,
      json: { error: { message: 'stub: no reply scripted for this request', type: 'stub_error' } },
    };
    await send(res, next);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply: (...replies) => queue.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function send(res: ServerResponse, reply: StubReply): Promise<void> {
  if ('hang' in reply) return;
  if ('reset' in reply) {
    res.socket?.destroy();
    return;
  }
  if ('delayMs' in reply) {
    await new Promise((r) => setTimeout(r, reply.delayMs));
    if (!res.socket || res.socket.destroyed) return;
    return send(res, reply.reply);
  }
  if ('stallBody' in reply) {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(reply.stallBody.length * 2),
    });
    res.write(reply.stallBody);
    return;
  }
  const [text, contentType] =
    'json' in reply ? [JSON.stringify(reply.json), 'application/json'] : [reply.raw, reply.contentType];
  res.writeHead(reply.status ?? 200, {
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(text)),
    ...reply.headers,
  });
  res.end(text);
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Replies in OpenAI's chat-completions protocol. */
export const openaiReply = {
  ok(
    content: string,
    usage: { prompt_tokens: number; completion_tokens: number } | null = {
      prompt_tokens: 42,
      completion_tokens: 17,
    },
    model = 'stub-gpt',
  ): StubReply {
    return {
      json: {
        id: 'chatcmpl-stub',
        object: 'chat.completion',
        created: 1_700_000_000,
        model,
        choices: [
          { index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop' },
        ],
        ...(usage
          ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } }
          : {}),
      },
    };
  },
  error(
    status: number,
    message: string,
    extra: { type?: string; code?: string; param?: string; headers?: Record<string, string> } = {},
  ): StubReply {
    const { headers, ...fields } = extra;
    return {
      status,
      json: {
        error: {
          message,
          type: fields.type ?? 'invalid_request_error',
          code: fields.code ?? null,
          param: fields.param ?? null,
        },
      },
      ...(headers ? { headers } : {}),
    };
  },
};

/** Replies in Anthropic's Messages protocol. */
export const anthropicReply = {
  ok(
    text: string,
    usage: Record<string, number | null> = { input_tokens: 30, output_tokens: 12 },
    model = 'stub-claude',
  ): StubReply {
    return {
      json: {
        id: 'msg_stub',
        type: 'message',
        role: 'assistant',
        model,
        content: [{ type: 'text', text }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage,
      },
    };
  },
  error(status: number, type: string, message: string, headers?: Record<string, string>): StubReply {
    return { status, json: { type: 'error', error: { type, message } }, ...(headers ? { headers } : {}) };
  },
};

/** What a misconfigured base URL or a captive proxy answers: a web page, with status 200. */
export const htmlPage: StubReply = {
  raw: '<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>',
  contentType: 'text/html; charset=utf-8',
};

/** JSON cut off half-way, with a JSON content type and a matching length. */
export const truncatedJson: StubReply = {
  raw: '{"id":"x","choices":[{"index":0,"message":{"role":"assist',
  contentType: 'application/json',
};
