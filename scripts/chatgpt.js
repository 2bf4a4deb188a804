// xk6-chatgpt scheduled monitor: probes each configured component of an LLM API at a constant
// rate, checks every answer, and fails the run (exit code 99) when availability or time to first
// token breaks its threshold.
//
// Run: ./k6 run scripts/chatgpt.js   (or `make run`). With no OPENAI_API_KEY and no
// OPENAI_BASE_URL it probes the embedded simulator and says so.
//
// At its defaults (one round every 15 s: a streamed completion of at most 5 tokens, the free
// model list and the free moderation model, and the official status page once a minute) it
// costs under $1 a month on gpt-4o-mini; the README shows the arithmetic.
//
// Environment knobs (all optional):
//   OPENAI_API_KEY     API key; with it and no base URL, the real OpenAI API is probed
//   OPENAI_BASE_URL    any OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1
//   CHATGPT_PROVIDER   openai (default) | azure | anthropic | gemini | compatible (each reads its
//                      own key: AZURE_OPENAI_API_KEY + AZURE_OPENAI_ENDPOINT, ANTHROPIC_API_KEY, GEMINI_API_KEY)
//   CHATGPT_MODEL      model to probe (default: the provider's cheap one, gpt-4o-mini for OpenAI)
//   CHATGPT_COMPONENTS comma-separated components (default chat_stream,models,moderations, and
//                      status without OPENAI_BASE_URL: the official page, read once a minute)
//   CHATGPT_INTERVAL   time between probe rounds (default 15s, the cadence the detector is tuned for)
//   CHATGPT_MODE       scheduled (default): one run of CHATGPT_DURATION, for a CI schedule, with
//                      thresholds; continuous: one run that probes until it is stopped (below)
//   CHATGPT_DURATION   run length (default 1m; continuous: a year, i.e. until stopped)
//   CHATGPT_STATE      the detector's state file (required in continuous mode: a restart resumes from it)
//   CHATGPT_CHECKPOINT continuous: how often the state file is saved and notifications sent (default 1m)
//   CHATGPT_MIN_AVAILABILITY  optional extra threshold: share of probes that must succeed
//   CHATGPT_TTFT_P95_MS       optional extra threshold: 95th percentile time to first token, ms
//   CHATGPT_TARGET     simulator: probe the embedded simulator (needed in CI, or with
//                      CHATGPT_REPORT_DIR, when no key is set: otherwise the run stops at init)
//   CHATGPT_SCENARIO   with CHATGPT_TARGET=simulator, a scenario file the simulator plays (a
//                      rehearsal of an outage); CHATGPT_SPEED compresses its time (default 1)
//   CHATGPT_WEBHOOK_URL       post each incident's opening, escalation and recovery there (JSON
//                             with a Slack-compatible "text"), once across runs (CHATGPT_STATE)
//   CHATGPT_GITHUB_ISSUES     true: one GitHub issue per incident, closed on recovery (needs
//                             GITHUB_TOKEN with issues: write, and GITHUB_REPOSITORY)
//   CHATGPT_REPORT_DIR        write report.md, junit.xml, report.json, report.html and badges/ there
//   CHATGPT_HISTORY_DIR       earlier runs' report.json files, for the HTML's 90-day uptime bars
//   CHATGPT_PREVIOUS_RUN      the previous scheduled run's start (RFC 3339): late or skipped runs show
//
// Continuous mode (CHATGPT_MODE=continuous) is the always-on monitor of deploy/: one k6 process
// per location that probes at the detector's cadence until its supervisor stops it (k6-operator,
// a Deployment, docker compose, systemd). The extension checkpoints the state file every minute
// and at SIGTERM (the checkpoint option), and a restart resumes open incidents from it. The run
// declares no thresholds (it never ends; Prometheus' alert rules page) and should run with
// --summary-mode=disabled --no-thresholds, so k6 keeps no per-sample trend data, and an output:
//   K6_SUMMARY_MODE=disabled K6_NO_THRESHOLDS=true CHATGPT_MODE=continuous CHATGPT_STATE=state/detector.json \
//     K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true ./k6 run -o experimental-prometheus-rw --tag location=eu-west scripts/chatgpt.js
import { check } from "k6";
import chatgpt from "k6/x/chatgpt";

const mode = __ENV.CHATGPT_MODE || "scheduled";
if (mode !== "scheduled" && mode !== "continuous") {
  throw new Error(`CHATGPT_MODE=${mode}: use scheduled (one run of CHATGPT_DURATION) or continuous (probe until stopped)`);
}
const continuous = mode === "continuous";
if (continuous && !__ENV.CHATGPT_STATE) {
  throw new Error("CHATGPT_MODE=continuous needs CHATGPT_STATE: the state file a restarted monitor resumes its open incidents from");
}
const interval = __ENV.CHATGPT_INTERVAL || "15s";
// 8760h: a year, which k6 plans like any duration; a supervisor restarts the run long before.
const duration = __ENV.CHATGPT_DURATION || (continuous ? "8760h" : "1m");

const provider = __ENV.CHATGPT_PROVIDER || "openai";
// The official status page is compared only when probing the provider's own API (or the
// simulator standing in for it): a gateway or local server has no official page.
const ownAPI = !__ENV.OPENAI_BASE_URL;
const defaults = {
  openai: "chat_stream,models,moderations" + (ownAPI ? ",status" : ""),
  azure: "chat_stream,canary",
  anthropic: "chat_stream,models,status",
};
// A rehearsal: the simulator plays a scenario (an outage, a maintenance) for the real script.
const rehearsal = __ENV.CHATGPT_TARGET === "simulator" && __ENV.CHATGPT_SCENARIO
  ? chatgpt.simulator({ scenario: __ENV.CHATGPT_SCENARIO, speed: Number(__ENV.CHATGPT_SPEED || 1) })
  : undefined;
const target = chatgpt.target({
  provider,
  baseURL: rehearsal,
  model: __ENV.CHATGPT_MODEL || undefined,
  components: (__ENV.CHATGPT_COMPONENTS || defaults[provider] || "chat_stream,models").split(",").map((s) => s.trim()),
  // A run that lasts for months gets a daily spend cap ($1 a day, budgetUSD's default), not
  // one for its whole life, and saves its state while it runs.
  budgetPeriod: continuous ? "24h" : undefined,
  checkpoint: continuous ? __ENV.CHATGPT_CHECKPOINT || "1m" : undefined,
});
// An always-on monitor whose key went missing (a Secret misnamed, an empty variable) must stop
// and say so, not publish the embedded simulator's health as the provider's.
if (continuous && target.simulated && __ENV.CHATGPT_TARGET !== "simulator") {
  throw new Error(`CHATGPT_MODE=continuous would monitor the embedded simulator: set the ${provider} key (OPENAI_API_KEY for openai) or a base URL, or CHATGPT_TARGET=simulator to rehearse`);
}

// Exit code 99 (k6's threshold breach) when any component was in a confirmed outage during the
// run — detected now or still open from an earlier run (the state file) — or stayed degraded
// for most of it; not on a single failed probe: the detector decides. Each component has its
// own thresholds, so one dead component among healthy ones still fails the run. Declared
// maintenance is not an outage. Problems on your side (bad key, quota, region, network) cross
// their own threshold, chatgpt_local, so they page whoever owns the account rather than
// whoever watches the provider.
const thresholds = { chatgpt_local: ["rate<0.5"] };
for (const c of target.components) {
  thresholds[`chatgpt_down{component:${c}}`] = ["rate==0"];
  thresholds[`chatgpt_degraded{component:${c}}`] = ["rate<0.5"];
}
if (__ENV.CHATGPT_MIN_AVAILABILITY) thresholds.chatgpt_available = [`rate>=${__ENV.CHATGPT_MIN_AVAILABILITY}`];
if (__ENV.CHATGPT_TTFT_P95_MS) thresholds.chatgpt_ttft = [`p(95)<${__ENV.CHATGPT_TTFT_P95_MS}`];

export const options = {
  scenarios: {
    monitor: {
      executor: "constant-arrival-rate",
      rate: 1,
      timeUnit: interval,
      duration: duration,
      preAllocatedVUs: 2,
      maxVUs: 10,
      // The mode label tells the alert rules how long a silent location may be (dashboards/alerts).
      tags: { mode },
    },
  },
  // A continuous run never ends, so it has no verdict to exit with; and a threshold would make
  // k6 keep every sample of every metric for as long as it runs.
  thresholds: continuous ? {} : thresholds,
};

export default async function () {
  const results = await target.probeAll();
  for (const r of results) {
    check(r, {
      [`${r.component} served an answer`]: (r) => r.ok,
    });
    if (r.skipped) {
      console.warn(`${r.component}: ${r.message}`); // held back by Retry-After, backoff or the spend cap
    } else if (!r.ok) {
      console.warn(`${r.component}: ${r.class} (blame: ${r.blame}) ${r.message} — ${r.advice}`);
    }
  }
}

// The detector's verdict for the run (shared by all VUs): what is down, since when, and whether
// the problem is on your side.
export function teardown() {
  const s = chatgpt.state();
  console.log(`xk6-chatgpt verdict: ${s.verdict}`);
  for (const i of s.incidents) {
    const official = i.official_ack_at
      ? `, acknowledged by the status page ${i.official_ack_at} (we were ${i.detection_lead_s.toFixed(0)} s ahead)`
      : "";
    console.log(`incident ${i.id}: worst ${i.worst}, started ${i.started_at}, detected ${i.detected_at}, ` +
      `${i.resolved_at ? `resolved ${i.resolved_at}` : "still open"}, classes ${JSON.stringify(i.classes)}${official}`);
  }
  for (const a of s.alternatives) {
    console.log(`alternative ${a.target}: ${a.up ? "up" : "down"} (${a.state}, TTFT ${Math.round(a.ttft_ms)} ms)`);
  }
}

// The report: k6's summary and the verdict on stdout, and with CHATGPT_REPORT_DIR the files CI
// keeps (Markdown for the step summary, JUnit, JSON, HTML, badges).
export function handleSummary(data) {
  const dir = __ENV.CHATGPT_REPORT_DIR;
  const opts = {};
  if (dir) {
    Object.assign(opts, {
      markdown: `${dir}/report.md`,
      junit: `${dir}/junit.xml`,
      json: `${dir}/report.json`,
      html: `${dir}/report.html`,
      badges: `${dir}/badges`,
    });
  }
  if (__ENV.CHATGPT_HISTORY_DIR) opts.history = __ENV.CHATGPT_HISTORY_DIR;
  if (__ENV.CHATGPT_PREVIOUS_RUN) opts.previousRun = __ENV.CHATGPT_PREVIOUS_RUN;
  return chatgpt.report(data, opts);
}
