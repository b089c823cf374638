// harness.mjs drives one vendor's official SDK, with its default settings,
// against llm-test-bench's simulator and prints what happened as one JSON
// object, for sdk_test.go to check. Usage: node harness.mjs SDK, with
// SIM_OK (a healthy simulator), SIM_LIMITED (every call answered 429) and
// SIM_CUT (every answer cut mid-body) and SIM_TOOLS (scripted tool calls)
// set to the simulators' root URLs.
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

// The tools of the tool scenarios: the simulator at SIM_TOOLS is scripted
// to call both with {"a": 2, "b": 3}; the follow-up carries the results
// 5 and 6, which the simulator echoes.
const ADD_SCHEMA = {
  type: 'object', required: ['a', 'b'],
  properties: { a: { type: 'integer', description: 'first number' }, b: { type: 'integer', description: 'second number' } },
};
const TOOL_NAMES = ['add', 'multiply'];
const TOOL_PROMPT = 'Add and multiply 2 and 3';

// norm writes a call's arguments (an object or its JSON text) as compact
// JSON with sorted keys, so the test compares them exactly.
function norm(args) {
  const v = typeof args === 'string' ? JSON.parse(args) : args;
  return JSON.stringify(Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))));
}
const calls = (list) => ({ calls: list.map(([name, args]) => ({ name, args: norm(args) })) });

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
    const tc = client(base.tools);
    const tools = TOOL_NAMES.map((name) => ({ type: 'function', function: { name, parameters: ADD_SCHEMA } }));
    const toolReq = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: TOOL_PROMPT }], tools };
    return {
      toolCall: await run(async () => {
        const r = await tc.chat.completions.create(toolReq);
        return { finish: r.choices[0].finish_reason, ...calls(r.choices[0].message.tool_calls.map((c) => [c.function.name, c.function.arguments])) };
      }),
      toolStream: await run(async () => {
        // The SDK's own accumulation of streamed calls.
        const s = tc.chat.completions.stream(toolReq);
        const r = await s.finalChatCompletion();
        return { finish: r.choices[0].finish_reason, ...calls(r.choices[0].message.tool_calls.map((c) => [c.function.name, c.function.arguments])) };
      }),
      toolResult: await run(async () => {
        const first = await tc.chat.completions.create(toolReq);
        const m = first.choices[0].message;
        const r = await tc.chat.completions.create({
          ...toolReq,
          messages: [...toolReq.messages, m, ...m.tool_calls.map((c, i) => ({ role: 'tool', tool_call_id: c.id, content: String(5 + i) }))],
        });
        return { text: r.choices[0].message.content, finish: r.choices[0].finish_reason };
      }),
      responsesTool: await run(async () => {
        const r = await tc.responses.create({
          model: 'gpt-5-mini', input: TOOL_PROMPT, tools: TOOL_NAMES.map((name) => ({ type: 'function', name, parameters: ADD_SCHEMA, strict: false })),
        });
        return calls(r.output.filter((o) => o.type === 'function_call').map((o) => [o.name, o.arguments]));
      }),
      responsesToolStream: await run(async () => {
        const s = tc.responses.stream({
          model: 'gpt-5-mini', input: TOOL_PROMPT, tools: TOOL_NAMES.map((name) => ({ type: 'function', name, parameters: ADD_SCHEMA, strict: false })),
        });
        const r = await s.finalResponse();
        return calls(r.output.filter((o) => o.type === 'function_call').map((o) => [o.name, o.arguments]));
      }),
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
    const tc = client(base.tools);
    const toolReq = {
      model: 'claude-sonnet-4-5', max_tokens: 200, messages: [{ role: 'user', content: TOOL_PROMPT }],
      tools: TOOL_NAMES.map((name) => ({ name, input_schema: ADD_SCHEMA })),
    };
    const uses = (m) => ({ finish: m.stop_reason, ...calls(m.content.filter((b) => b.type === 'tool_use').map((b) => [b.name, b.input])) });
    return {
      toolCall: await run(async () => uses(await tc.messages.create(toolReq))),
      // The SDK's own accumulation of streamed tool input (partial JSON).
      toolStream: await run(async () => uses(await tc.messages.stream(toolReq).finalMessage())),
      toolResult: await run(async () => {
        const first = await tc.messages.create(toolReq);
        const results = first.content.filter((b) => b.type === 'tool_use').map((b, i) => ({ type: 'tool_result', tool_use_id: b.id, content: String(5 + i) }));
        const r = await tc.messages.create({
          ...toolReq, messages: [...toolReq.messages, { role: 'assistant', content: first.content }, { role: 'user', content: results }],
        });
        return { text: r.content[0].text, finish: r.stop_reason };
      }),
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
    const tc = client(base.tools);
    const toolReq = {
      model, contents: TOOL_PROMPT,
      config: { tools: [{ functionDeclarations: TOOL_NAMES.map((name) => ({ name, parameters: ADD_SCHEMA })) }] },
    };
    return {
      toolCall: await run(async () => {
        const r = await tc.models.generateContent(toolReq);
        return { finish: r.candidates[0].finishReason, ...calls(r.functionCalls.map((c) => [c.name, c.args])) };
      }),
      toolStream: await run(async () => {
        const got = [];
        let finish = '';
        for await (const ch of await tc.models.generateContentStream(toolReq)) {
          for (const c of ch.functionCalls ?? []) got.push([c.name, c.args]);
          finish = ch.candidates?.[0]?.finishReason ?? finish;
        }
        return { finish, ...calls(got) };
      }),
      toolResult: await run(async () => {
        const first = await tc.models.generateContent(toolReq);
        const r = await tc.models.generateContent({
          ...toolReq,
          contents: [
            { role: 'user', parts: [{ text: TOOL_PROMPT }] },
            first.candidates[0].content,
            { role: 'user', parts: first.functionCalls.map((c, i) => ({ functionResponse: { name: c.name, response: { result: String(5 + i) } } })) },
          ],
        });
        return { text: r.text, finish: r.candidates[0].finishReason };
      }),
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
    const tc = client(base.tools);
    const tools = TOOL_NAMES.map((name) => ({ type: 'function', function: { name, parameters: ADD_SCHEMA } }));
    const toolReq = { model, messages: [{ role: 'user', content: TOOL_PROMPT }], tools };
    return {
      toolCall: await run(async () => {
        const r = await tc.chat(toolReq);
        return { finish: r.done_reason, ...calls(r.message.tool_calls.map((c) => [c.function.name, c.function.arguments])) };
      }),
      toolStream: await run(async () => {
        const got = [];
        let finish = '';
        for await (const part of await tc.chat({ ...toolReq, stream: true })) {
          for (const c of part.message?.tool_calls ?? []) got.push([c.function.name, c.function.arguments]);
          if (part.done) finish = part.done_reason;
        }
        return { finish, ...calls(got) };
      }),
      toolResult: await run(async () => {
        const first = await tc.chat(toolReq);
        const r = await tc.chat({
          ...toolReq,
          messages: [...toolReq.messages, first.message, ...first.message.tool_calls.map((c, i) => ({ role: 'tool', content: String(5 + i), tool_name: c.function.name }))],
        });
        return { text: r.message.content, finish: r.done_reason };
      }),
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
    const tc = client(base.tools);
    const tools = TOOL_NAMES.map((name) => ({ type: 'function', function: { name, parameters: ADD_SCHEMA } }));
    const toolReq = { model: 'command-a-03-2025', messages: [{ role: 'user', content: TOOL_PROMPT }], tools };
    return {
      toolCall: await run(async () => {
        const r = await tc.chat(toolReq);
        return { finish: r.finishReason, ...calls(r.message.toolCalls.map((c) => [c.function.name, c.function.arguments])) };
      }),
      toolStream: await run(async () => {
        const got = [];
        let finish = '';
        for await (const ev of await tc.chatStream(toolReq)) {
          if (ev.type === 'tool-call-start') got.push([ev.delta.message.toolCalls.function.name, '']);
          if (ev.type === 'tool-call-delta') got[got.length - 1][1] += ev.delta.message.toolCalls.function.arguments;
          if (ev.type === 'message-end') finish = ev.delta.finishReason;
        }
        return { finish, ...calls(got) };
      }),
      toolResult: await run(async () => {
        const first = await tc.chat(toolReq);
        const r = await tc.chat({
          ...toolReq,
          messages: [
            ...toolReq.messages,
            { role: 'assistant', toolCalls: first.message.toolCalls, toolPlan: first.message.toolPlan },
            ...first.message.toolCalls.map((c, i) => ({ role: 'tool', toolCallId: c.id, content: String(5 + i) })),
          ],
        });
        return { text: r.message.content[0].text, finish: r.finishReason };
      }),
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
    const tc = client(base.tools);
    const toolReq = {
      modelId: req.modelId, messages: [{ role: 'user', content: [{ text: TOOL_PROMPT }] }],
      toolConfig: { tools: TOOL_NAMES.map((name) => ({ toolSpec: { name, inputSchema: { json: ADD_SCHEMA } } })) },
    };
    const uses = (r) => ({
      finish: r.stopReason, ...calls(r.output.message.content.filter((b) => b.toolUse).map((b) => [b.toolUse.name, b.toolUse.input])),
    });
    const out = {
      toolCall: await run(async () => uses(await tc.send(new ConverseCommand(toolReq)))),
      toolStream: await run(async () => {
        const r = await tc.send(new ConverseStreamCommand(toolReq));
        const got = [];
        let finish = '';
        for await (const ev of r.stream) {
          const start = ev.contentBlockStart?.start?.toolUse;
          if (start) got.push([start.name, '']);
          const input = ev.contentBlockDelta?.delta?.toolUse?.input;
          if (input !== undefined) got[got.length - 1][1] += input;
          if (ev.messageStop) finish = ev.messageStop.stopReason;
        }
        return { finish, ...calls(got) };
      }),
      toolResult: await run(async () => {
        const first = await tc.send(new ConverseCommand(toolReq));
        const results = first.output.message.content.filter((b) => b.toolUse)
          .map((b, i) => ({ toolResult: { toolUseId: b.toolUse.toolUseId, content: [{ text: String(5 + i) }] } }));
        const r = await tc.send(new ConverseCommand({
          ...toolReq, messages: [...toolReq.messages, first.output.message, { role: 'user', content: results }],
        }));
        return { text: r.output.message.content[0].text, finish: r.stopReason };
      }),
      invokeTool: await run(async () => {
        const r = await tc.send(new InvokeModelCommand({
          modelId: req.modelId, contentType: 'application/json',
          body: JSON.stringify({
            anthropic_version: 'bedrock-2023-05-31', max_tokens: 200, messages: [{ role: 'user', content: TOOL_PROMPT }],
            tools: TOOL_NAMES.map((name) => ({ name, input_schema: ADD_SCHEMA })),
          }),
        }));
        const m = JSON.parse(new TextDecoder().decode(r.body));
        return { finish: m.stop_reason, ...calls(m.content.filter((b) => b.type === 'tool_use').map((b) => [b.name, b.input])) };
      }),
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
const base = { ok: process.env.SIM_OK, limited: process.env.SIM_LIMITED, cut: process.env.SIM_CUT, tools: process.env.SIM_TOOLS };
const result = await sdks[name](base);
process.stdout.write(JSON.stringify(result) + '\n');
// The AWS SDK keeps its HTTP/2 sessions open; end at once.
process.exit(0);
