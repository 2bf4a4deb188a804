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
//   LOAD_DURATION      how long, in k6's duration syntax ("90s", "1h30m", "2d", bare numbers are
//                      milliseconds; default 1m; ramp: up for half of it, hold, no ramp-down)
//   LOAD_PROVIDER      openai | compatible (default compatible) ; LOAD_MODEL (default gpt-4o-mini)
//   LOAD_PROMPT_WORDS  prompt size in words (default 20) ; LOAD_MAX_TOKENS answer budget (default 64)
//   LOAD_TTFT_SLO_MS   goodput's TTFT objective (default 2000) ; LOAD_ITL_SLO_MS its ITL objective (default 100)
//   LOAD_MIN_GOODPUT   threshold on goodput (default 0.95)
//   LOAD_BUDGET_USD    spend cap (default 1; 0: none): reaching it ends the run and fails it, since
//                      a load whose requests the cap holds back measures nothing
//   LOAD_GROUND_TRUTH  1: ask a stamping simulator for write stamps and report chatgpt_ttft_error
//   CHATGPT_REPORT_DIR the same reports as the monitor
import chatgpt from "k6/x/chatgpt";

const words = Number(__ENV.LOAD_PROMPT_WORDS || 20);
const duration = __ENV.LOAD_DURATION || "1m";
const budgetUSD = Number(__ENV.LOAD_BUDGET_USD || 1);

// parseDuration reads a duration the way k6 reads its own options (ParseExtendedDuration in k6's
// lib/types): a bare number is milliseconds, whole days may lead ("2d", "1d12h"), and the rest
// is Go's syntax ("1h30m", "90s", "1.5m", "500ms"). It returns milliseconds.
function parseDuration(text) {
  const s = String(text).trim();
  const bad = () => new Error(`LOAD_DURATION=${JSON.stringify(text)} is not a k6 duration (like "90s", "1h30m", "2d" or milliseconds)`);
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return Number(s);
  let days = 0;
  let rest = s;
  const d = s.indexOf("d");
  if (d >= 0) {
    if (!/^[-+]?\d+$/.test(s.slice(0, d))) throw bad();
    days = Number(s.slice(0, d));
    rest = s.slice(d + 1);
    if (rest === "") return days * 86400000;
    if (/^[-+]/.test(rest)) throw bad();
  }
  const units = { ns: 1e-6, us: 1e-3, "µs": 1e-3, "μs": 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  const sign = rest.startsWith("-") ? -1 : 1;
  rest = rest.replace(/^[-+]/, "");
  if (rest === "0") return days * 86400000;
  let ms = 0;
  const part = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  while (rest.length > 0 && part.lastIndex < rest.length) {
    const at = part.lastIndex;
    const m = part.exec(rest);
    if (!m || m.index !== at) throw bad();
    ms += Number(m[1]) * units[m[2]];
  }
  if (rest === "") throw bad();
  return days * 86400000 + (days < 0 ? -1 : 1) * sign * ms;
}

const plannedMs = parseDuration(duration);

const target = chatgpt.target({
  provider: __ENV.LOAD_PROVIDER || "compatible",
  model: __ENV.LOAD_MODEL || "gpt-4o-mini",
  prompt: `Count the words: ${Array.from({ length: words }, (_, i) => `word${i}`).join(" ")}. Reply with the count.`,
  maxTokens: Number(__ENV.LOAD_MAX_TOKENS || 64),
  components: ["chat_stream"],
  polite: false, // a load test keeps its load through 429s; the spend cap (budgetUSD) still holds
  budgetUSD,
  groundTruth: __ENV.LOAD_GROUND_TRUTH === "1",
  // goodput (chatgpt_goodput) is counted by the extension, so an iteration does no JS work
  slo: { ttft: Number(__ENV.LOAD_TTFT_SLO_MS || 2000), itl: Number(__ENV.LOAD_ITL_SLO_MS || 100) },
  timeouts: { ttfb: "30s", firstToken: "30s", stall: "10s", total: "60s" },
});

const ramp = (__ENV.LOAD_PROFILE || "constant") === "ramp";
const rate = Number(__ENV.LOAD_RATE || 20);
// The ramp climbs for half the duration and holds for the rest (whole milliseconds, each at
// least a second); what it plans to send is the area under that curve.
const upMs = Math.max(1000, Math.round(plannedMs / 2));
const holdMs = Math.max(1000, Math.round(plannedMs) - upMs);
const plannedRequests = ramp ? Math.round(((1 + rate) / 2) * (upMs / 1000) + rate * (holdMs / 1000)) : 0;

function scenario() {
  if (ramp) {
    return {
      executor: "ramping-arrival-rate",
      startRate: 1,
      timeUnit: "1s",
      preAllocatedVUs: Number(__ENV.LOAD_VUS || 50),
      maxVUs: Number(__ENV.LOAD_MAX_VUS || 2000),
      stages: [
        { target: rate, duration: `${upMs}ms` },
        { target: rate, duration: `${holdMs}ms` },
      ],
    };
  }
  return { executor: "constant-vus", vus: Number(__ENV.LOAD_VUS || 50), duration };
}

const thresholds = { chatgpt_goodput: [`rate>=${__ENV.LOAD_MIN_GOODPUT || 0.95}`] };
// Spend cap reached: the probes it holds back resolve at once, so the run would spin through
// empty iterations and report the goodput of the few requests sent before it. End it instead.
if (budgetUSD > 0) thresholds["chatgpt_probes_skipped{reason:budget}"] = [{ threshold: "count==0", abortOnFail: true }];

export const options = { scenarios: { load: scenario() }, thresholds };

// Looked up once per VU: reading a method of a Go object from JS makes a new function each time,
// a visible share of k6's own work per iteration at a thousand streams (make bench-profile).
const probeSync = target.probeSync;

export default function () {
  // Each VU keeps one stream in flight, so the blocking probeSync() does: no promise per request.
  // r.good says whether the stream met the SLO.
  probeSync("chat_stream");
}

// shortfall says, first in the summary, when the run sent fewer requests than it planned: the
// spend cap ended it, k6 dropped iterations for want of VUs, or it stopped before its duration.
function shortfall(data) {
  const count = (name) => (data.metrics[name] ? data.metrics[name].values.count : 0) || 0;
  const sent = count("chatgpt_probes");
  const held = count("chatgpt_probes_skipped{reason:budget}");
  const dropped = count("dropped_iterations");
  const ranMs = data.state.testRunDurationMs;
  const lines = [];
  if (held > 0) {
    lines.push(`✗ budget exhausted: the $${budgetUSD} spend cap (LOAD_BUDGET_USD) ended the run after ${sent} requests; ${held} more were held back`);
  }
  if (dropped > 0) lines.push(`✗ k6 dropped ${dropped} iterations: not enough VUs for the planned rate (LOAD_MAX_VUS, LOAD_VUS)`);
  if (ramp && sent + 1 < plannedRequests * 0.99) {
    lines.push(`✗ sent fewer requests than planned: ${sent} of ${plannedRequests} (${((100 * sent) / plannedRequests).toFixed(1)} %)`);
  } else if (!ramp && ranMs + 1000 < plannedMs) {
    lines.push(`✗ sent fewer requests than planned: the load stopped after ${(ranMs / 1000).toFixed(1)} s of its planned ${(plannedMs / 1000).toFixed(0)} s (${sent} sent)`);
  }
  return lines.length ? `\n${lines.map((l) => `  ${l}`).join("\n")}\n` : "";
}

export function handleSummary(data) {
  const dir = __ENV.CHATGPT_REPORT_DIR;
  const out = chatgpt.report(data, dir ? { markdown: `${dir}/load.md`, json: `${dir}/load.json`, junit: `${dir}/load.xml` } : {});
  out.stdout = shortfall(data) + (out.stdout || "");
  if (__ENV.LOAD_SUMMARY_JSON) out[__ENV.LOAD_SUMMARY_JSON] = JSON.stringify(data); // k6's own numbers, for extension/loadbench
  return out;
}
