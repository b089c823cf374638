// harness.mjs drives one vendor's official SDK, with its default settings,
// against llm-test-bench's simulator and prints what happened as one JSON
// object, for sdk_test.go to check. Usage: node harness.mjs SDK, with
// SIM_OK (a healthy simulator), SIM_LIMITED (every call answered 429) and
// SIM_CUT (every answer cut mid-body) set to the simulators' root URLs.
// Each scenario records its outcome or the error it met; the harness
// itself judges nothing.

import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { Ollama } from 'ollama';
import { CohereClientV2 } from 'cohere-ai';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
} from '@aws-sdk/client-bedrock-runtime';

const PROMPT = 'one two three four five six seven eight';

// run records what f returns, or the error it throws with its class, its
// HTTP status when it has one, the text streamed before it and the time
// taken.
async function run(f) {
  const start = Date.now();
  const partial = { text: '' };
  try {
    const out = await f(partial);
    return { ok: true, ms: Date.now() - start, ...out };
  } catch (err) {
    const cause = err?.cause;
    return {
      ok: false,
      ms: Date.now() - start,
      class: err?.constructor?.name ?? typeof err,
      status: err?.status ?? err?.statusCode ?? err?.status_code ?? err?.$metadata?.httpStatusCode ?? 0,
      message: String(err?.message ?? err),
      cause: cause ? `${cause.constructor?.name}: ${cause.code ?? ''} ${cause.message ?? cause}` : '',
      text: partial.text,
    };
  }
}

const sdks = {
  async openai(base) {
    const client = (url) => new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-simulated' });
    const chatOf = (c) => c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }] });
    const streamOf = async (c, partial) => {
      const s = await c.chat.completions.create({
        model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }], stream: true, stream_options: { include_usage: true },
      });
      let usage = null;
      for await (const ch of s) {
        partial.text += ch.choices[0]?.delta?.content ?? '';
        if (ch.usage) usage = { input: ch.usage.prompt_tokens, output: ch.usage.completion_tokens };
      }
      return { text: partial.text, usage };
    };
    const ok = client(base.ok);
    return {
      chat: await run(async () => {
        const r = await chatOf(ok);
        return { text: r.choices[0].message.content, usage: { input: r.usage.prompt_tokens, output: r.usage.completion_tokens } };
      }),
      stream: await run((p) => streamOf(ok, p)),
      embed: await run(async () => {
        const r = await ok.embeddings.create({ model: 'text-embedding-3-small', input: ['the cat sat', 'a dog barked'] });
        return { count: r.data.length, dim: r.data[0].embedding.length };
      }),
      responses: await run(async () => {
        const r = await ok.responses.create({ model: 'gpt-5-mini', input: PROMPT });
        return { text: r.output_text, usage: { input: r.usage.input_tokens, output: r.usage.output_tokens } };
      }),
      responsesStream: await run(async (p) => {
        const s = await ok.responses.create({ model: 'gpt-5-mini', input: PROMPT, stream: true });
        let usage = null;
        for await (const ev of s) {
          if (ev.type === 'response.output_text.delta') p.text += ev.delta;
          if (ev.type === 'response.completed') usage = { input: ev.response.usage.input_tokens, output: ev.response.usage.output_tokens };
        }
        return { text: p.text, usage };
      }),
      rateLimit: await run(() => chatOf(client(base.limited))),
      cutStream: await run((p) => streamOf(client(base.cut), p)),
      cutAnswer: await run(async () => ({ text: (await chatOf(client(base.cut))).choices[0].message.content })),
    };
  },

  async anthropic(base) {
    const client = (url) => new Anthropic({ baseURL: url, apiKey: 'sk-ant-simulated' });
    const req = { model: 'claude-sonnet-4-5', max_tokens: 200, messages: [{ role: 'user', content: PROMPT }] };
    const chatOf = (c) => c.messages.create(req);
    const streamOf = async (c, partial) => {
      const s = await c.messages.create({ ...req, stream: true });
      const usage = { input: 0, output: 0 };
      for await (const ev of s) {
        if (ev.type === 'message_start') usage.input = ev.message.usage.input_tokens;
        if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') partial.text += ev.delta.text;
        if (ev.type === 'message_delta') usage.output = ev.usage.output_tokens;
      }
      return { text: partial.text, usage };
    };
    const ok = client(base.ok);
    return {
      chat: await run(async () => {
        const r = await chatOf(ok);
        return { text: r.content[0].text, usage: { input: r.usage.input_tokens, output: r.usage.output_tokens } };
      }),
      stream: await run((p) => streamOf(ok, p)),
      countTokens: await run(async () => {
        const r = await ok.messages.countTokens({ model: req.model, messages: req.messages });
        return { count: r.input_tokens };
      }),
      rateLimit: await run(() => chatOf(client(base.limited))),
      cutStream: await run((p) => streamOf(client(base.cut), p)),
      cutAnswer: await run(async () => ({ text: (await chatOf(client(base.cut))).content[0].text })),
    };
  },

  async gemini(base) {
    const client = (url) => new GoogleGenAI({ apiKey: 'simulated', httpOptions: { baseUrl: url } });
    const model = 'gemini-2.5-flash';
    const chatOf = (c) => c.models.generateContent({ model, contents: PROMPT });
    const streamOf = async (c, partial) => {
      const s = await c.models.generateContentStream({ model, contents: PROMPT });
      let usage = null;
      for await (const ch of s) {
        partial.text += ch.text ?? '';
        if (ch.usageMetadata) usage = { input: ch.usageMetadata.promptTokenCount, output: ch.usageMetadata.candidatesTokenCount };
      }
      return { text: partial.text, usage };
    };
    const ok = client(base.ok);
    return {
      chat: await run(async () => {
        const r = await chatOf(ok);
        return { text: r.text, usage: { input: r.usageMetadata.promptTokenCount, output: r.usageMetadata.candidatesTokenCount } };
      }),
      stream: await run((p) => streamOf(ok, p)),
      embed: await run(async () => {
        const r = await ok.models.embedContent({ model: 'gemini-embedding-001', contents: ['the cat sat', 'a dog barked'] });
        return { count: r.embeddings.length, dim: r.embeddings[0].values.length };
      }),
      countTokens: await run(async () => ({ count: (await ok.models.countTokens({ model, contents: PROMPT })).totalTokens })),
      rateLimit: await run(() => chatOf(client(base.limited))),
      cutStream: await run((p) => streamOf(client(base.cut), p)),
      cutAnswer: await run(async () => ({ text: (await chatOf(client(base.cut))).text })),
    };
  },

  async ollama(base) {
    const client = (url) => new Ollama({ host: url });
    const model = 'llama3.2';
    const messages = [{ role: 'user', content: PROMPT }];
    const chatOf = (c) => c.chat({ model, messages });
    const streamOf = async (c, partial) => {
      const s = await c.chat({ model, messages, stream: true });
      let usage = null;
      for await (const part of s) {
        partial.text += part.message?.content ?? '';
        if (part.done) usage = { input: part.prompt_eval_count, output: part.eval_count };
      }
      return { text: partial.text, usage };
    };
    const ok = client(base.ok);
    return {
      chat: await run(async () => {
        const r = await chatOf(ok);
        return { text: r.message.content, usage: { input: r.prompt_eval_count, output: r.eval_count } };
      }),
      stream: await run((p) => streamOf(ok, p)),
      embed: await run(async () => {
        const r = await ok.embed({ model: 'all-minilm', input: ['the cat sat', 'a dog barked'] });
        return { count: r.embeddings.length, dim: r.embeddings[0].length };
      }),
      generate: await run(async () => {
        const r = await ok.generate({ model, prompt: PROMPT });
        return { text: r.response, usage: { input: r.prompt_eval_count, output: r.eval_count } };
      }),
      info: await run(async () => {
        const [v, ps, show, legacy] = await Promise.all([
          ok.version(), ok.ps(), ok.show({ model }), ok.embeddings({ model: 'all-minilm', prompt: 'the cat sat' }),
        ]);
        return { text: v.version, count: ps.models.length, dim: show.details.family ? legacy.embedding.length : 0 };
      }),
      rateLimit: await run(() => chatOf(client(base.limited))),
      cutStream: await run((p) => streamOf(client(base.cut), p)),
      cutAnswer: await run(async () => ({ text: (await chatOf(client(base.cut))).message.content })),
    };
  },

  async cohere(base) {
    const client = (url) => new CohereClientV2({ token: 'simulated', environment: url });
    const req = { model: 'command-a-03-2025', messages: [{ role: 'user', content: PROMPT }] };
    const chatOf = (c) => c.chat(req);
    const streamOf = async (c, partial) => {
      const s = await c.chatStream(req);
      let usage = null;
      for await (const ev of s) {
        if (ev.type === 'content-delta') partial.text += ev.delta?.message?.content?.text ?? '';
        if (ev.type === 'message-end') {
          const t = ev.delta?.usage?.tokens;
          usage = { input: t?.inputTokens, output: t?.outputTokens };
        }
      }
      return { text: partial.text, usage };
    };
    const ok = client(base.ok);
    return {
      chat: await run(async () => {
        const r = await chatOf(ok);
        return { text: r.message.content[0].text, usage: { input: r.usage.tokens.inputTokens, output: r.usage.tokens.outputTokens } };
      }),
      stream: await run((p) => streamOf(ok, p)),
      embed: await run(async () => {
        const r = await ok.embed({ model: 'embed-v4.0', inputType: 'search_document', embeddingTypes: ['float'], texts: ['the cat sat', 'a dog barked'] });
        return { count: r.embeddings.float.length, dim: r.embeddings.float[0].length };
      }),
      rerank: await run(async () => {
        const r = await ok.rerank({ model: 'rerank-v3.5', query: 'capital of France', documents: ['Bananas are yellow.', 'Paris is the capital of France.'] });
        return { count: r.results.length, text: String(r.results[0].index) };
      }),
      rateLimit: await run(() => chatOf(client(base.limited))),
      cutStream: await run((p) => streamOf(client(base.cut), p)),
      cutAnswer: await run(async () => ({ text: (await chatOf(client(base.cut))).message.content[0].text })),
    };
  },

  async bedrock(base) {
    const client = (url) => new BedrockRuntimeClient({
      region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'AKIDSIMULATED', secretAccessKey: 'simulated' },
    });
    const req = { modelId: 'anthropic.claude-3-haiku-20240307-v1:0', messages: [{ role: 'user', content: [{ text: PROMPT }] }] };
    const chatOf = (c) => c.send(new ConverseCommand(req));
    const streamOf = async (c, partial) => {
      const r = await c.send(new ConverseStreamCommand(req));
      let usage = null;
      for await (const ev of r.stream) {
        partial.text += ev.contentBlockDelta?.delta?.text ?? '';
        if (ev.metadata) usage = { input: ev.metadata.usage.inputTokens, output: ev.metadata.usage.outputTokens };
      }
      return { text: partial.text, usage };
    };
    const ok = client(base.ok);
    const out = {
      chat: await run(async () => {
        const r = await chatOf(ok);
        return { text: r.output.message.content[0].text, usage: { input: r.usage.inputTokens, output: r.usage.outputTokens } };
      }),
      stream: await run((p) => streamOf(ok, p)),
      invoke: await run(async () => {
        const r = await ok.send(new InvokeModelCommand({
          modelId: req.modelId, contentType: 'application/json',
          body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 200, messages: [{ role: 'user', content: PROMPT }] }),
        }));
        const m = JSON.parse(new TextDecoder().decode(r.body));
        return { text: m.content[0].text, usage: { input: m.usage.input_tokens, output: m.usage.output_tokens } };
      }),
      rateLimit: await run(() => chatOf(client(base.limited))),
      cutStream: await run((p) => streamOf(client(base.cut), p)),
      cutAnswer: await run(async () => ({ text: (await chatOf(client(base.cut))).output.message.content[0].text })),
    };
    return out;
  },
};

const name = process.argv[2];
if (!sdks[name]) {
  console.error(`usage: node harness.mjs ${Object.keys(sdks).join('|')}`);
  process.exit(2);
}
const base = { ok: process.env.SIM_OK, limited: process.env.SIM_LIMITED, cut: process.env.SIM_CUT };
const result = await sdks[name](base);
process.stdout.write(JSON.stringify(result) + '\n');
// The AWS SDK keeps its HTTP/2 sessions open; end at once.
process.exit(0);
