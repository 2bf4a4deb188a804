package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"go.k6.io/k6/v2/cmd/state"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/capture"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
	"github.com/xk6-chatgpt/xk6-chatgpt/extension/secret"
)

// classifyOutput is the stable JSON the classify command prints.
type classifyOutput struct {
	Class         classify.Class `json:"class"`
	Blame         classify.Blame `json:"blame"`
	Retryable     bool           `json:"retryable"`
	RetryAfterMs  int64          `json:"retry_after_ms"`
	RateLimitKind string         `json:"rate_limit_kind"`
	ProviderCode  string         `json:"provider_code"`
	Message       string         `json:"message"`
	Advice        string         `json:"advice"`
}

func classifyCmd(gs *state.GlobalState) *cobra.Command {
	var status int
	var headers []string
	var bodyFile string
	cmd := &cobra.Command{
		Use:   "classify",
		Short: "Classify a captured HTTP response (as `curl -i` prints it) and say whose fault it is",
		Long: "Reads a raw HTTP response (status line, headers, blank line, body) on standard input, or\n" +
			"--status/--header/--body-file, and prints one JSON object: class, blame, retryable,\n" +
			"retry_after_ms, rate_limit_kind, provider_code, message and advice. Secrets are redacted.",
		Example: "  curl -si https://api.openai.com/v1/models -H \"Authorization: Bearer $OPENAI_API_KEY\" | k6 x chatgpt classify\n" +
			"  k6 x chatgpt classify --status 429 --header 'Retry-After: 30' --body-file body.json",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var raw io.Reader
			if status != 0 {
				var b bytes.Buffer
				fmt.Fprintf(&b, "HTTP/1.1 %d\r\n", status)
				for _, h := range headers {
					if !strings.Contains(h, ":") {
						return fmt.Errorf("--header %q: want 'Name: value'", h)
					}
					b.WriteString(h + "\r\n")
				}
				b.WriteString("\r\n")
				if bodyFile != "" {
					f, err := os.Open(bodyFile) // #nosec G304 -- the operator names the file to read
					if err != nil {
						return fmt.Errorf("open body file: %w", err)
					}
					defer func() { _ = f.Close() }()
					raw = io.MultiReader(&b, f)
				} else {
					raw = &b
				}
			} else {
				if len(headers) > 0 || bodyFile != "" {
					return fmt.Errorf("--header and --body-file need --status")
				}
				raw = gs.Stdin
			}
			o, err := capture.Parse(raw)
			if err != nil {
				return fmt.Errorf("classify: %w", err)
			}
			if o.Header == nil {
				o.Header = http.Header{}
			}
			c := classify.Classify(o)
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetEscapeHTML(false)
			return enc.Encode(classifyOutput{Class: c.Class, Blame: c.Blame, Retryable: c.Retryable,
				RetryAfterMs: c.RetryAfterMs, RateLimitKind: c.RateLimitKind, ProviderCode: c.ProviderCode,
				Message: secret.Redact(c.Message), Advice: c.Advice})
		},
	}
	cmd.Flags().IntVar(&status, "status", 0, "HTTP status (instead of a raw response on stdin)")
	cmd.Flags().StringArrayVar(&headers, "header", nil, "response header 'Name: value' (repeatable; with --status)")
	cmd.Flags().StringVar(&bodyFile, "body-file", "", "file holding the response body (with --status)")
	return cmd
}
