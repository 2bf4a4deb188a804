/**
 * xk6-chatgpt: synthetic monitoring of ChatGPT, the OpenAI API and OpenAI-compatible LLM endpoints.
 *
 * @example
 * ```js
 * import chatgpt from "k6/x/chatgpt";
 * const target = chatgpt.target({ model: "gpt-4o-mini" });
 * export default async function () {
 *   const r = await target.probe("chat_stream");
 *   console.log(r.ok, r.class, r.timings.ttft);
 * }
 * ```
 */
declare module "k6/x/chatgpt" {
  /** A probed part of the service. */
  export type Component = "chat" | "chat_stream" | "models";

  /** Provider dialect. */
  export type Provider = "openai" | "compatible";

  /** A duration: a Go-style string such as "30s" or "1m30s", or milliseconds. */
  export type Duration = string | number;

  /** Outcome classes (DESIGN §5). */
  export type Class =
    | "ok" | "ok_slow" | "connection_error" | "timeout_connect" | "timeout_ttfb" | "timeout_total"
    | "edge_blocked" | "geo_blocked" | "edge_gateway_error" | "auth_invalid" | "account_blocked"
    | "quota_exhausted" | "permission_denied" | "model_not_found" | "context_length_exceeded"
    | "content_filtered" | "request_invalid" | "rate_limited" | "capacity_overloaded"
    | "rate_limited_anomalous" | "server_error" | "stream_error_event" | "stream_truncated"
    | "stream_stalled" | "empty_response" | "wrong_answer" | "unknown";

  /** Whose fault a failure is; only "provider" and "edge" count toward an outage. "" on success. */
  export type Blame = "" | "provider" | "edge" | "network" | "account" | "client" | "unknown";

  export interface TargetOptions {
    /** Default "openai". "compatible" sends max_tokens instead of max_completion_tokens. */
    provider?: Provider;
    /** Default "gpt-4o-mini". */
    model?: string;
    /** Default $OPENAI_BASE_URL, else https://api.openai.com/v1 with a key, else the embedded simulator. */
    baseURL?: string;
    /** Default $OPENAI_API_KEY. Never logged, returned, or put in metrics. */
    apiKey?: string;
    /** What probeAll() probes. Default ["chat", "chat_stream", "models"]. */
    components?: Component[];
    /** The probe's question. Default "Reply with the single word: pong". */
    prompt?: string;
    /** Answer budget. Default 16 (some models reject fewer). */
    maxTokens?: number;
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
    /** First answer (non-reasoning) text (streams). */
    ttfa: number;
    /** Mean gap between tokens after the first (streams). */
    itl: number;
    /** Longest such gap. */
    itlMax: number;
    total: number;
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
    retryAfterMs: number;
    /** "rpm" | "tpm" | "rpd" | "tpd" for rate limits. */
    rateLimitKind: string;
    /** The provider's own error code or type. */
    providerCode: string;
    timings: Timings;
    usage: { input: number; output: number };
    /** Output tokens per second after the first token (streams). */
    tokensPerSecond: number;
    /** True when no usage report came and chunks were counted instead. */
    tokensEstimated: boolean;
    finishReason: string;
    requestId: string;
    traceId: string;
    /** The component's detected state after this probe (the shared detector, see chatgpt.state()). */
    state: State;
    /** Provider's message or the failure, bounded and with secrets removed. */
    message: string;
    /** One line for a human: whose problem and what to do. */
    advice: string;
  }

  export interface Target {
    readonly provider: Provider;
    readonly model: string;
    readonly baseURL: string;
    readonly components: Component[];
    /** True when probing the embedded simulator. */
    readonly simulated: boolean;
    /** Probe one component. Resolves on HTTP and stream failures (ok=false); throws only on misuse. */
    probe(component: Component): Promise<ProbeResult>;
    /** Probe every configured component concurrently; results in configuration order. */
    probeAll(): Promise<ProbeResult[]>;
  }

  /** Configure a target. Call it in the init context; option errors throw there. */
  export function target(options?: TargetOptions): Target;

  export interface SimulatorOptions {
    /** Scenario file (YAML or JSON, DESIGN §7), relative to the script. None: healthy forever. */
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
    /** Latest response's latency over the learned baseline. */
    latency_ratio: number;
    /** "prior" until enough healthy samples are learned, then "learned". */
    baseline: "prior" | "learned";
    /** The account or network failure class that dominates recent probes, if any. */
    local?: string;
    incident?: string;
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
    /** Failure classes seen, with counts. */
    classes: Record<string, number>;
    samples: number;
    failures: number;
  }

  export interface DetectorState {
    at: string;
    /** major_outage when every probed component is down, partial_outage when some are. */
    overall: State;
    /** One sentence for people: what is down, since when, and whether it is you. */
    verdict: string;
    down: string[];
    degraded: string[];
    /** Set when account errors (key, quota, region) or network errors on every component dominate: it's you, not them. */
    local?: { blame: Blame; class: Class; advice: string; components: string[] };
    components: ComponentStatus[];
    incidents: Incident[];
  }

  /**
   * The outage detector's snapshot, shared by every VU: states per component, the verdict and
   * the incidents so far. Every probe feeds it.
   * @example
   * const s = chatgpt.state();
   * if (s.overall !== "operational") console.warn(s.verdict);
   */
  export function state(): DetectorState;

  /** The extension's version. */
  export const version: string;

  const chatgpt: { target: typeof target; simulator: typeof simulator; state: typeof state; version: typeof version };
  export default chatgpt;
}
