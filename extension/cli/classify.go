package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"go.k6.io/k6/v2/cmd/state"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/capture"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/secret"
)

// classifyOutput is the stable JSON the classify command prints. Provider, Entry and URL are
// printed only when known (a --provider, a HAR entry).
type classifyOutput struct {
	Class         classify.Class `json:"class"`
	Blame         classify.Blame `json:"blame"`
	Retryable     bool           `json:"retryable"`
	RetryAfterMs  int64          `json:"retry_after_ms"`
	RateLimitKind string         `json:"rate_limit_kind"`
	ProviderCode  string         `json:"provider_code"`
	Message       string         `json:"message"`
	Advice        string         `json:"advice"`
	Provider      string         `json:"provider,omitempty"`
	Entry         *int           `json:"har_entry,omitempty"`
	URL           string         `json:"url,omitempty"`
}

func classifyCmd(gs *state.GlobalState) *cobra.Command {
	var status int
	var headers []string
	var bodyFile, provider, harFile string
	var entry int
	cmd := &cobra.Command{
		Use:   "classify",
		Short: "Classify a captured HTTP response (as `curl -si` prints it, or from a HAR file) and say whose fault it is",
		Long: "Reads a raw HTTP response on standard input (status line, headers, blank line, body; every\n" +
			"status block curl prints is read — a proxy's \"200 Connection established\", 1xx and, with -L,\n" +
			"redirects — and the last one is the response), or --status/--header/--body-file, or one entry\n" +
			"of a HAR file. Prints one JSON object: class, blame, retryable, retry_after_ms,\n" +
			"rate_limit_kind, provider_code, message and advice. Secrets are redacted.\n\n" +
			"--provider names the API dialect when known (" + strings.Join(capture.Providers, ", ") + "); without it\n" +
			"the dialect is recognised from the body (and, in a HAR file, from the request's host).",
		Example: "  curl -si https://api.openai.com/v1/models -H \"Authorization: Bearer $OPENAI_API_KEY\" | k6 x chatgpt classify\n" +
			"  curl -si -x http://proxy:3128 https://api.anthropic.com/v1/messages … | k6 x chatgpt classify --provider anthropic\n" +
			"  k6 x chatgpt classify --status 429 --header 'Retry-After: 30' --body-file body.json\n" +
			"  k6 x chatgpt classify --har session.har              # the last entry that is not a healthy 2xx\n" +
			"  k6 x chatgpt classify --har session.har --entry 12   # entry 12 of log.entries, from 0",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if provider != "" && !slices.Contains(capture.Providers, provider) {
				return fmt.Errorf("--provider %q: want one of %s", provider, strings.Join(capture.Providers, ", "))
			}
			out := classifyOutput{Provider: provider}
			var o classify.Outcome
			switch {
			case harFile != "":
				if status != 0 || len(headers) > 0 || bodyFile != "" {
					return fmt.Errorf("--har reads the response from the HAR file: no --status, --header or --body-file")
				}
				f, err := os.Open(harFile) // #nosec G304 -- the operator names the file to read
				if err != nil {
					return fmt.Errorf("open HAR file: %w", err)
				}
				defer func() { _ = f.Close() }()
				e, err := capture.ParseHAR(f, entry, provider)
				if err != nil {
					return fmt.Errorf("classify: %w", err)
				}
				o, out.Provider, out.Entry, out.URL = e.Outcome, e.Provider, &e.Index, secret.Redact(e.URL)
			case cmd.Flags().Changed("entry"):
				return fmt.Errorf("--entry picks an entry of --har")
			default:
				raw, closeRaw, err := rawResponse(gs, status, headers, bodyFile)
				if err != nil {
					return err
				}
				defer closeRaw()
				if o, err = capture.ParseFor(raw, provider); err != nil {
					return fmt.Errorf("classify: %w", err)
				}
			}
			if o.Header == nil {
				o.Header = http.Header{}
			}
			c := classify.Classify(o)
			out.Class, out.Blame, out.Retryable, out.RetryAfterMs = c.Class, c.Blame, c.Retryable, c.RetryAfterMs
			out.RateLimitKind, out.ProviderCode, out.Advice = c.RateLimitKind, c.ProviderCode, c.Advice
			out.Message = secret.Redact(c.Message)
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetEscapeHTML(false)
			return enc.Encode(out)
		},
	}
	cmd.Flags().IntVar(&status, "status", 0, "HTTP status (instead of a raw response on stdin)")
	cmd.Flags().StringArrayVar(&headers, "header", nil, "response header 'Name: value' (repeatable; with --status)")
	cmd.Flags().StringVar(&bodyFile, "body-file", "", "file holding the response body (with --status)")
	cmd.Flags().StringVar(&provider, "provider", "", "API dialect of the response: "+strings.Join(capture.Providers, ", ")+" (default: recognised from the response)")
	cmd.Flags().StringVar(&harFile, "har", "", "HAR file (HTTP Archive, as browsers and proxies export it) to read the response from")
	cmd.Flags().IntVar(&entry, "entry", -1, "with --har: the entry to classify, from 0 (default: the last one that is not a healthy 2xx, else the last)")
	return cmd
}

// rawResponse is the response to parse: built from --status, --header and --body-file, or read
// from standard input.
func rawResponse(gs *state.GlobalState, status int, headers []string, bodyFile string) (io.Reader, func(), error) {
	nop := func() {}
	if status == 0 {
		if len(headers) > 0 || bodyFile != "" {
			return nil, nop, fmt.Errorf("--header and --body-file need --status")
		}
		return gs.Stdin, nop, nil
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d\r\n", status)
	for _, h := range headers {
		if !strings.Contains(h, ":") {
			return nil, nop, fmt.Errorf("--header %q: want 'Name: value'", h)
		}
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n")
	if bodyFile == "" {
		return &b, nop, nil
	}
	f, err := os.Open(bodyFile) // #nosec G304 -- the operator names the file to read
	if err != nil {
		return nil, nop, fmt.Errorf("open body file: %w", err)
	}
	return io.MultiReader(&b, f), func() { _ = f.Close() }, nil
}
