/**
 * xk6-chatgpt: synthetic monitoring of ChatGPT, the OpenAI API and OpenAI-compatible LLM endpoints.
 *
 * @example
 * ```js
 * import chatgpt from "k6/x/chatgpt";
 * const target = chatgpt.target({ model: "auto" });
 * export default async function () {
 *   const r = await target.probe("chat_stream");
 *   console.log(r.ok, r.class, r.timings.ttft);
 * }
 * ```
 */
declare module "k6/x/chatgpt" {
  /**
   * A probed part of the service, each with its own request and success rule: chat (non-streaming
   * completion), chat_stream (SSE), responses (Responses API stream), models (token-free control),
   * embeddings, moderations (free), images (one low-quality image: costs money), web (the web
   * front door: app page or edge error), status (the official status page, which must parse as one:
   * else class status_unreadable), canary (a question of known answer; a different answer fails
   * with class wrong_answer, and the answer is on the result) and realtime (the Realtime API over a
   * WebSocket: session, one text answer).
   */
  export type Component =
    | "chat" | "chat_stream" | "responses" | "models" | "embeddings" | "moderations" | "images"
    | "web" | "status" | "canary" | "realtime";

  /**
   * Provider dialect. azure: api-key header, deployments, api-version (chat, chat_stream,
   * embeddings, images, canary, realtime); anthropic: Messages API and its events (chat, chat_stream,
   * models, canary); gemini: Google's OpenAI-compatible endpoint (chat, chat_stream, models,
   * embeddings, canary); compatible: vLLM, llama.cpp, Ollama, gateways (everything, max_tokens).
   * web and status work with every provider that has the page by default (openai, anthropic; gemini
   * web) or with webURL / statusURL.
   */
  export type Provider = "openai" | "azure" | "anthropic" | "gemini" | "compatible";

  /** Why a probe was not sent: the provider asked to wait, the component is being probed at a reduced rate while it fails, or the target's spend cap is reached. */
  export type SkipReason = "" | "retry_after" | "backoff" | "budget";

  /** A duration: a Go-style string such as "30s" or "1m30s", or milliseconds. */
  export type Duration = string | number;

  /** Outcome classes (docs/signals.md §6). */
  export type Class =
    | "ok" | "connection_error" | "timeout_connect" | "timeout_ttfb" | "timeout_total"
    | "edge_blocked" | "geo_blocked" | "edge_gateway_error" | "auth_invalid" | "account_blocked"
    | "quota_exhausted" | "permission_denied" | "model_not_found" | "model_retired" | "context_length_exceeded"
    | "content_filtered" | "request_invalid" | "rate_limited" | "capacity_overloaded"
    | "rate_limited_anomalous" | "server_error" | "stream_error_event" | "stream_truncated"
    | "stream_stalled" | "empty_response" | "answer_budget_exhausted" | "status_unreadable"
    | "wrong_answer" | "unknown";

  /** Whose fault a failure is; only "provider" and "edge" count toward an outage. "" on success. */
  export type Blame = "" | "provider" | "edge" | "network" | "account" | "client" | "unknown";

  export interface TargetOptions {
    /** The detector's name for the target, in states and incidents. Default: the provider. */
    name?: string;
    /** A fallback for the other targets: chatgpt.state() ranks the alternatives, and a primary outage's verdict names those that are up. */
    alternative?: boolean;
    /** Default "openai". */
    provider?: Provider;
    /** Default "auto": the provider's cheapest live model (docs/lifecycle.md; openai gpt-5.4-nano on 2026-12-01), moved off a model before its shutdown and at once off a retired one; anthropic claude-haiku-4-5, gemini gemini-2.5-flash-lite. Azure: the deployment (default gpt-5.4-nano). */
    model?: string;
    /**
     * Default: the provider's base URL variable (OPENAI_BASE_URL, AZURE_OPENAI_ENDPOINT,
     * ANTHROPIC_BASE_URL, GEMINI_BASE_URL), else its public API when a key is set, else the
     * embedded simulator. Azure: https://{resource}.openai.azure.com.
     */
    baseURL?: string;
    /** Default: the provider's key variable (OPENAI_API_KEY, AZURE_OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY). Never logged, returned, put in metrics, or sent to web/status pages. */
    apiKey?: string;
    /** Azure api-version. Default "2024-10-21". */
    apiVersion?: string;
    /** What probeAll() probes. Default ["chat", "chat_stream", "models"]. */
    components?: Component[];
    /** Models (Azure: deployments) of the non-chat components. Defaults: embeddings text-embedding-3-small (gemini: gemini-embedding-001), moderations omni-moderation-latest, images gpt-image-2, realtime gpt-realtime-mini. */
    modelFor?: Partial<Record<Component, string>>;
    /** The probe's question. Default "Reply with the single word: pong". */
    prompt?: string;
    /** Answer budget. Default: the model's (5 for OpenAI chat models, 64–256 for reasoning models, 16 otherwise); lower values are raised to it. */
    maxTokens?: number;
    /** Reasoning effort. Default: the cheapest the model accepts (none for gpt-5.1+, minimal for gpt-5, low for o-series); "off" sends none. */
    reasoningEffort?: "off" | "none" | "minimal" | "low" | "medium" | "high";
    /** The canary's question and expected answer (a whole word, any case). Default "What is 17 + 25? Reply with the number only." / "42". */
    canary?: { question: string; answer: string };
    /** The web front door. Default by provider (https://chatgpt.com/ for openai, https://claude.ai/ for anthropic, https://gemini.google.com/ for gemini; none for azure and compatible); the simulator's /web/ on a simulator. */
    webURL?: string;
    /** The official status page: a machine-readable feed (Statuspage v2, incident.io, Google Cloud incidents.json); a page that is not one fails the status probe (status_unreadable). Default by provider (https://status.openai.com/api/v2/summary.json for openai, https://anthropic.statuspage.io/api/v2/summary.json for anthropic; none for azure, gemini and compatible, which publish no such feed of their own). */
    statusURL?: string;
    /** How often the status component reads the official page (between reads it resolves with the last read, cached). Default "60s". */
    statusInterval?: Duration;
    /** Our components' official counterparts on the status page, e.g. { chat_stream: "Chat Completions" }. Defaults per provider (OpenAI, Anthropic, Gemini's Google Cloud products). */
    officialComponents?: Partial<Record<Component, string | string[]>>;
    /** Latency objective: results say whether they were good, and chatgpt_goodput counts them. Durations like "2s" or milliseconds. */
    slo?: { ttft?: Duration; itl?: Duration };
    /** false for load tests: no backoff, no waiting out Retry-After (the spend cap still holds), and a GC target of 400% unless GOGC is set. Default true. */
    polite?: boolean;
    /** Ask a stamping simulator (k6 x chatgpt simulate --stamps) for write stamps: results carry trueTtft and chatgpt_ttft_error measures the monitor's own accuracy. Never for real providers. */
    groundTruth?: boolean;
    /** Put the prompt and the answer on probe spans (gen_ai.input.messages / gen_ai.output.messages). Default false. */
    recordContent?: boolean;
    /** Spend cap for this target in one run (in each budgetPeriod, when set), in USD at list prices; probes that could exceed it are skipped. Default 1; 0 means no cap. */
    budgetUSD?: number;
    /** Renew the spend cap this often, counted from the first probe: a long-running monitor's daily cap ("24h"). Default none: one cap per run. */
    budgetPeriod?: Duration;
    /**
     * Confirmation probes: after a regular probe of a component the detector is in doubt about
     * (a provider or edge failure within the last 90 s and no outage confirmed yet, or a success
     * during an outage), probe() and
     * probeAll() send up to this many more, 4 s apart, while the doubt lasts, and report them in
     * the result's confirmations. The detector's thresholds are tuned with them (a 25 % partial
     * outage confirmed in about 2.5 minutes instead of about 5). 0 to 3; default 3 (0 with
     * polite: false). They obey Retry-After and the budget, not the failure-streak backoff.
     */
    confirmations?: number;
    /**
     * The detector's state file: loaded when the run starts, saved (atomically) when it ends, so
     * baselines and open incidents survive from one scheduled run to the next. Default
     * CHATGPT_STATE; none: start from the provider's priors, and the summary says so. One per
     * run: the first target that names it decides.
     * @example chatgpt.target({ state: "state/detector.json" })
     */
    state?: string;
    /** A state older than this (its last observation to this run's start) is decayed toward the priors, not trusted. Default CHATGPT_STATE_MAX_AGE, else "6h". */
    stateMaxAge?: Duration;
    /**
     * A long-running monitor's checkpoint: send due notifications and save the state file this
     * often while the run goes on (at least "1s"), not only when it ends, so a run killed without
     * warning loses at most one interval and a restart resumes its open incidents. Default
     * CHATGPT_CHECKPOINT, else none. One per run: the first target that sets it decides.
     * @example chatgpt.target({ state: "/state/detector.json", checkpoint: "1m" })
     */
    checkpoint?: Duration;
    /** Phase deadlines. Defaults: connect 10s, ttfb 60s, firstToken 60s, stall 20s, total 120s. */
    timeouts?: {
      connect?: Duration;
      ttfb?: Duration;
      firstToken?: Duration;
      stall?: Duration;
      total?: Duration;
    };
  }

  /** Phase timings in milliseconds; 0 when the phase did not happen. */
  export interface Timings {
    dns: number;
    connect: number;
    tls: number;
    /** Response headers. */
    ttfb: number;
    /** First chunk carrying answer or reasoning text (streams). */
    ttft: number;
    /** First answer (non-reasoning) text (streams): later than ttft by the reasoning a reasoning model streams first. */
    ttfa: number;
    /** Mean gap between tokens after the first (streams). */
    itl: number;
    /** Longest such gap. */
    itlMax: number;
    total: number;
  }

  /** Token accounting, from the server's usage report when it sent one. */
  export interface Usage {
    input: number;
    output: number;
    /** The part of output the model spent reasoning, when the server reports it (0 otherwise). A reasoning model that spends it all writes no answer: class answer_budget_exhausted. */
    reasoning: number;
  }

  export interface ProbeResult {
    /** A complete, non-empty answer was served (and a stream ended with its terminal marker). */
    ok: boolean;
    component: Component;
    provider: Provider;
    model: string;
    responseModel: string;
    /** HTTP status; 0 when no response arrived. */
    status: number;
    class: Class;
    blame: Blame;
    retryable: boolean;
    /** How long the provider asked to wait, ms; capped at a day (86,400,000). */
    retryAfterMs: number;
    /** "rpm" | "tpm" | "rpd" | "tpd" for rate limits. */
    rateLimitKind: string;
    /** The provider's own error code or type. */
    providerCode: string;
    timings: Timings;
    usage: Usage;
    /** Output tokens per second after the first token (streams). */
    tokensPerSecond: number;
    /** What the probe cost at list prices, USD. */
    costUsd: number;
    /** False when the model's prices are unknown (costUsd is then 0). */
    costKnown: boolean;
    /** status only: the last read of the page, returned between reads. */
    cached: boolean;
    /** OK and within the target's slo (false without one). */
    good: boolean;
    /** groundTruth only: the server's own time to first token (its write stamp minus our start), ms. */
    trueTtft: number;
    /** Set when the probe was not sent (ok is false, class is the failure that caused the wait, message says how long). */
    skipped: SkipReason;
    /** True when no usage report came and chunks were counted instead. */
    tokensEstimated: boolean;
    finishReason: string;
    /** The response's request id. Like every text a server wrote (message, codes, model), keys and anything shaped like a credential are [REDACTED], control characters removed, length bounded. */
    requestId: string;
    /** The probe span's trace id, with --traces-output (also in every chatgpt_* sample's metadata). */
    traceId: string;
    /** The component's detected state after this probe (the shared detector, see chatgpt.state()). */
    state: State;
    /** Provider's message or the failure, bounded and with secrets removed. */
    message: string;
    /** One line for a human: whose problem and what to do. */
    advice: string;
    /** The canary's answer (every component's answer with recordContent): at most 4 KiB, keys and anything shaped like a credential [REDACTED], control characters removed; "" otherwise. */
    answer: string;
    /** True for a confirmation probe (sent because the detector was in doubt; not in chatgpt_available). */
    confirmation: boolean;
    /** The confirmation probes that followed this one (probe() and probeAll(); empty when none were needed). */
    confirmations: ProbeResult[];
  }

  export interface Target {
    /** The detector's name for the target (the option; default: the provider). */
    readonly name: string;
    /** A fallback for the other targets (the option). */
    readonly alternative: boolean;
    readonly provider: Provider;
    readonly model: string;
    readonly baseURL: string;
    readonly components: Component[];
    /** True when probing a simulator (embedded or chatgpt.simulator()). */
    readonly simulated: boolean;
    /** The spend cap per run, USD (0: none). */
    readonly budgetUSD: number;
    /** Confirmation probes per regular probe of a component in doubt (the option). */
    readonly confirmations: number;
    /** Probe one component. Resolves on HTTP and stream failures (ok=false), and at once when the probe is skipped; throws only on misuse (unknown component, one the provider lacks, init context). */
    probe(component: Component): Promise<ProbeResult>;
    /** Probe one component, blocking the VU until it ends (like k6's http calls): for load tests whose VUs keep one stream each; monitors use probe(). */
    probeSync(component: Component): ProbeResult;
    /** Probe every configured component concurrently; results in configuration order. */
    probeAll(): Promise<ProbeResult[]>;
  }

  /** Configure a target. Call it in the init context; option errors throw there. */
  export function target(options?: TargetOptions): Target;

  export interface SimulatorOptions {
    /** Scenario file (YAML or JSON, docs/architecture.md "scenario"), relative to the script. None: healthy forever. */
    scenario?: string;
    /** Scenario minutes per minute; latencies are not compressed. Default 1. */
    speed?: number;
  }

  /**
   * Start an in-process simulator serving a scenario (once per process for the same options, so
   * every VU shares one scenario clock) and return its base URL. Init context only.
   *
   * @example
   * ```js
   * const url = chatgpt.simulator({ scenario: "scenarios/partial-chat-outage.yaml", speed: 60 });
   * const target = chatgpt.target({ baseURL: url });
   * ```
   */
  export function simulator(options?: SimulatorOptions): string;

  /** Component states, in the status-page vocabulary. */
  export type State = "operational" | "degraded_performance" | "partial_outage" | "major_outage" | "under_maintenance";

  export interface ComponentStatus {
    /** The target's provider; components of one target share evidence. */
    target?: string;
    component: string;
    state: State;
    /** 0 operational, 1 degraded, 2 partial, 3 major outage: the chatgpt_state gauge. */
    level: number;
    /** Signs of recovery are being confirmed. */
    recovering: boolean;
    since?: string;
    last_seen: string;
    /** Not observed for ten minutes: its state is old news. */
    stale: boolean;
    observations: number;
    /** Failures blamed on the provider or its edge. */
    failures: number;
    recent_error_rate: number;
    baseline_error_rate: number;
    /** How slow the typical recent response is against the learned baseline: the median of the last 8 responses' ratios (each the slower of its TTFT and inter-token latency). */
    latency_ratio: number;
    /** Why a degraded component is degraded, as the verdict says it: "2.1x slower than baseline (…)", or "stalling: 4 of its last 16 responses over 10x the baseline". */
    degradation?: string;
    /** "prior" until enough healthy samples are learned, then "learned". */
    baseline: "prior" | "learned" | "learned_by_hour";
    /** The account or network failure class that dominates recent probes, if any. */
    local?: string;
    incident?: string;
    /** What the provider's official status page says of it (the status component reads it). */
    official?: State;
    /** agree; unacknowledged: we see it down, the page does not; official_only: the page declares trouble our probes do not see. */
    agreement?: "agree" | "unacknowledged" | "official_only";
  }

  export interface Incident {
    id: string;
    target?: string;
    component: string;
    worst: State;
    state: State;
    /** First bad observation (RFC 3339). */
    started_at: string;
    /** When the detector confirmed it. */
    detected_at: string;
    /** Null while open. */
    resolved_at: string | null;
    /** When the trouble began by a simulator's ground truth (simulator runs only). */
    truth_started_at?: string;
    /** Failure classes seen, with counts. */
    classes: Record<string, number>;
    samples: number;
    failures: number;
    /** When the official status page first acknowledged it (its incident's first update). */
    official_ack_at?: string;
    official_incident?: string;
    /** Seconds from our detection to the page's acknowledgement: how far ahead we were (negative: the page was first). */
    detection_lead_s?: number;
    /** From the incident to its requests. */
    evidence?: IncidentEvidence;
  }

  /** What leads from an incident to the requests behind it; texts bounded (ids 128 bytes, messages 512) and redacted like every server text. */
  export interface IncidentEvidence {
    /** The first three failing (or, for a slow-down, slow) probes' request ids, to quote to the provider's support. */
    request_ids?: string[];
    /** Their trace ids (with --traces-output or K6_TRACE_PARENT). */
    trace_ids?: string[];
    first_message?: string;
    last_message?: string;
    /** Whose fault most of its failures were. */
    blame?: Blame;
    /** Where the monitor ran: CHATGPT_LOCATION, else the run's location tag. */
    location?: string;
    /** The latest TTFT and inter-token latency measured when it was detected, ms. */
    ttft_ms?: number;
    itl_ms?: number;
  }

  /** Who is at fault when a target fails, how sure, and why. */
  export interface Attribution {
    target: string;
    fault: "" | "provider" | "provider_edge" | "our_network" | "our_account" | "our_request" | "unknown";
    /** "up", "degraded", "down for everyone", "it's you" or "unknown". */
    answer: string;
    /** 0-1. */
    confidence: number;
    evidence: string[] | null;
  }

  /** A total failure of a component too short to page. */
  export interface Blip {
    target?: string;
    component: string;
    started_at: string;
    ended_at: string;
    failures: number;
    classes: Record<string, number>;
  }

  /** A fallback target's standing. */
  export interface Alternative {
    target: string;
    /** Its worst component. */
    state: State;
    /** Recent time to first token (0: not measured). */
    ttft_ms: number;
    /** Answering: not in an outage. */
    up: boolean;
  }

  export interface DetectorState {
    at: string;
    /** major_outage when every probed component is down, partial_outage when some are. */
    overall: State;
    /** One sentence for people: what is down, since when, and whether it is you. */
    verdict: string;
    down: string[];
    degraded: string[];
    /** Down here, fine on the official status page. */
    unacknowledged: string[];
    /** In trouble on the official status page, fine here. */
    official_only: string[];
    /** Under a maintenance the official page declares (alerts held). */
    maintenance: string[];
    /** Targets marked alternative: ranked, up first, then healthiest and fastest. */
    alternatives: Alternative[];
    /** Set when account errors (key, quota, region) or network errors on every component dominate: it's you, not them. */
    local?: { blame: Blame; class: Class; advice: string; components: string[] };
    components: ComponentStatus[];
    incidents: Incident[];
    /** Total failures too short to page (under 35 s): recorded, never an incident. */
    blips: Blip[];
    /** Per target with something to say: is it down for everyone, or just us? */
    attribution: Attribution[];
    /** Failures inside declared maintenance windows, per component: never an outage. */
    during_maintenance?: Record<string, number>;
    /** SIMULATOR, not a real API (or which targets were simulated), when any was. */
    simulator?: string;
    /** Where the baselines came from: the state file (and its age) or the provider's priors. */
    memory?: { source: "state_file" | "priors"; path?: string; age_s?: number; decayed?: boolean; note: string };
  }

  /**
   * The outage detector's snapshot, shared by every VU: states per component, the verdict and
   * the incidents so far. Every probe feeds it.
   * @example
   * const s = chatgpt.state();
   * if (s.overall !== "operational") console.warn(s.verdict);
   */
  export function state(): DetectorState;

  export interface ReportOptions {
    /** Include k6's summary and the verdict on stdout. Default true. */
    stdout?: boolean;
    /** Where to write the Markdown report (fits $GITHUB_STEP_SUMMARY). */
    markdown?: string;
    /** Where to write JUnit XML: a test case per component and per threshold. */
    junit?: string;
    /** Where to write the JSON report (schema: extension/report/report.schema.json, schema_version 1). */
    json?: string;
    /** Where to write the self-contained HTML report. */
    html?: string;
    /** A folder of earlier runs' JSON reports: the HTML shows 90 days of uptime and incidents. */
    history?: string;
    /** A folder for one SVG status badge per component, and overall.svg. */
    badges?: string;
    /** The previous scheduled run's start (RFC 3339): the report shows the gap. */
    previousRun?: string;
  }

  /**
   * The end-of-run report, for handleSummary: file paths (and "stdout") to contents.
   * @example
   * export function handleSummary(data) { return chatgpt.report(data, { markdown: "report.md", json: "report.json" }); }
   */
  export function report(data: object, options?: ReportOptions): Record<string, string>;

  /** The extension's version. */
  export const version: string;

  const chatgpt: { target: typeof target; simulator: typeof simulator; state: typeof state; report: typeof report; version: typeof version };
  export default chatgpt;
}
