// Drives the official `openai` npm package against simulators (run by sdk_node_test.go).
// SIM_URLS maps a fault id ("" for healthy) to a simulator's base URL; OPENAI_NODE is the
// installed package's directory. Prints one "ok <case>" line per check; exits 1 on the first
// failure.
import { pathToFileURL } from "node:url";
import path from "node:path";

const { default: OpenAI } = await import(pathToFileURL(path.join(process.env.OPENAI_NODE, "index.mjs")).href);
const urls = JSON.parse(process.env.SIM_URLS);
const client = (fault) => new OpenAI({ baseURL: urls[fault], apiKey: "sk-sim-sdk-test", maxRetries: 0, timeout: 5000 });
const chat = { model: "gpt-4o-mini", messages: [{ role: "user", content: "Reply with the single word: pong" }] };

function check(name, cond, detail) {
  if (!cond) {
    console.log(`FAIL ${name}: ${detail}`);
    process.exit(1);
  }
  console.log(`ok ${name}`);
}

async function failure(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  return null;
}

const done = await client("").chat.completions.create(chat);
check("completion", done.choices[0].message.content.startsWith("Pong") && done.usage.completion_tokens > 0, JSON.stringify(done));

let text = "", usage = null, finish = null;
for await (const chunk of await client("").chat.completions.create({ ...chat, stream: true, stream_options: { include_usage: true } })) {
  text += chunk.choices[0]?.delta?.content ?? "";
  finish = chunk.choices[0]?.finish_reason ?? finish;
  usage = chunk.usage ?? usage;
}
check("stream", text.startsWith("Pong") && finish === "stop" && usage?.completion_tokens > 0, `${text} ${finish} ${JSON.stringify(usage)}`);

let rtext = "", status = null;
for await (const ev of await client("").responses.create({ model: "gpt-4o-mini", input: "ping", stream: true })) {
  if (ev.type === "response.output_text.delta") rtext += ev.delta;
  if (ev.type === "response.completed") status = ev.response.status;
}
check("responses stream", rtext.length > 0 && status === "completed", `${rtext} ${status}`);

const models = await client("").models.list();
check("models", models.data.length > 0, JSON.stringify(models.data));

const errs = [
  ["rl_rpm", OpenAI.RateLimitError],
  ["server_500", OpenAI.InternalServerError],
  ["cf_502_json", OpenAI.InternalServerError],
  ["auth_401", OpenAI.AuthenticationError],
  ["model_404", OpenAI.NotFoundError],
  ["geo_403", OpenAI.PermissionDeniedError],
  ["conn_refused", OpenAI.APIConnectionError],
];
for (const [fault, type] of errs) {
  const e = await failure(() => client(fault).chat.completions.create(chat));
  check(`${fault} is ${type.name}`, e instanceof type, `${e?.constructor?.name}: ${e?.message}`);
}

const e = await failure(async () => {
  for await (const _ of await client("stream_error_record").chat.completions.create({ ...chat, stream: true })) {
    // consume until the error record
  }
});
check("stream_error_record is APIError", e instanceof OpenAI.APIError && /server had an error/.test(e.message), `${e?.constructor?.name}: ${e?.message}`);
