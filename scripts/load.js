// xk6-chatgpt load check: many concurrent streams against an OpenAI-compatible endpoint (your
// gateway, vLLM, llama.cpp, Ollama, or the simulator), measured like the monitor measures (TTFT
// at the byte level, ITL, tokens/s, classified failures) with goodput: the share of requests
// that meet both the TTFT and the inter-token SLO.
//
// Run: OPENAI_BASE_URL=http://127.0.0.1:8000/v1 OPENAI_API_KEY=x LOAD_MODEL=my-model ./k6 run scripts/load.js
// With no OPENAI_BASE_URL it loads the embedded simulator (a rehearsal of the script itself).
//
// Knobs (all optional):
//   LOAD_PROFILE       constant (LOAD_VUS streams in flight) | ramp (arrival rate up to LOAD_RATE/s)
//   LOAD_VUS           concurrent streams for constant (default 50)
//   LOAD_RATE          peak new requests per second for ramp (default 20)
//   LOAD_DURATION      how long (default 1m; ramp: up for half of it, hold, no ramp-down)
//   LOAD_PROVIDER      openai | compatible (default compatible) ; LOAD_MODEL (default gpt-4o-mini)
//   LOAD_PROMPT_WORDS  prompt size in words (default 20) ; LOAD_MAX_TOKENS answer budget (default 64)
//   LOAD_TTFT_SLO_MS   goodput's TTFT objective (default 2000) ; LOAD_ITL_SLO_MS its ITL objective (default 100)
//   LOAD_MIN_GOODPUT   threshold on goodput (default 0.95)
//   LOAD_GROUND_TRUTH  1: ask a stamping simulator for write stamps and report chatgpt_ttft_error
//   CHATGPT_REPORT_DIR the same reports as the monitor
import chatgpt from "k6/x/chatgpt";

const words = Number(__ENV.LOAD_PROMPT_WORDS || 20);
const duration = __ENV.LOAD_DURATION || "1m";

const target = chatgpt.target({
  provider: __ENV.LOAD_PROVIDER || "compatible",
  model: __ENV.LOAD_MODEL || "gpt-4o-mini",
  prompt: `Count the words: ${Array.from({ length: words }, (_, i) => `word${i}`).join(" ")}. Reply with the count.`,
  maxTokens: Number(__ENV.LOAD_MAX_TOKENS || 64),
  components: ["chat_stream"],
  polite: false, // a load test keeps its load through 429s; the spend cap (budgetUSD) still holds
  budgetUSD: Number(__ENV.LOAD_BUDGET_USD || 1),
  groundTruth: __ENV.LOAD_GROUND_TRUTH === "1",
  // goodput (chatgpt_goodput) is counted by the extension, so an iteration does no JS work
  slo: { ttft: Number(__ENV.LOAD_TTFT_SLO_MS || 2000), itl: Number(__ENV.LOAD_ITL_SLO_MS || 100) },
  timeouts: { ttfb: "30s", firstToken: "30s", stall: "10s", total: "60s" },
});

function scenario() {
  if ((__ENV.LOAD_PROFILE || "constant") === "ramp") {
    const seconds = parseInt(duration, 10) * (duration.endsWith("m") ? 60 : 1);
    return {
      executor: "ramping-arrival-rate",
      startRate: 1,
      timeUnit: "1s",
      preAllocatedVUs: Number(__ENV.LOAD_VUS || 50),
      maxVUs: Number(__ENV.LOAD_MAX_VUS || 2000),
      stages: [
        { target: Number(__ENV.LOAD_RATE || 20), duration: `${Math.max(1, Math.round(seconds / 2))}s` },
        { target: Number(__ENV.LOAD_RATE || 20), duration: `${Math.max(1, seconds - Math.round(seconds / 2))}s` },
      ],
    };
  }
  return { executor: "constant-vus", vus: Number(__ENV.LOAD_VUS || 50), duration };
}

export const options = {
  scenarios: { load: scenario() },
  thresholds: { chatgpt_goodput: [`rate>=${__ENV.LOAD_MIN_GOODPUT || 0.95}`] },
};

export default function () {
  // Each VU keeps one stream in flight, so the blocking probeSync() does: no promise per request.
  // r.good says whether the stream met the SLO.
  target.probeSync("chat_stream");
}

export function handleSummary(data) {
  const dir = __ENV.CHATGPT_REPORT_DIR;
  const out = chatgpt.report(data, dir ? { markdown: `${dir}/load.md`, json: `${dir}/load.json`, junit: `${dir}/load.xml` } : {});
  if (__ENV.LOAD_SUMMARY_JSON) out[__ENV.LOAD_SUMMARY_JSON] = JSON.stringify(data); // k6's own numbers, for extension/loadbench
  return out;
}
