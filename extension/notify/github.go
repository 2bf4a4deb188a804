package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/secret"
)

// GitHub keeps one issue per incident in Repo ("owner/name"): opened when the outage is
// detected, commented on when it escalates, closed when it recovers. It uses three REST
// endpoints: POST /repos/{repo}/issues, POST /repos/{repo}/issues/{n}/comments and
// PATCH /repos/{repo}/issues/{n}.
type GitHub struct {
	API    string // https://api.github.com (GITHUB_API_URL)
	Repo   string // owner/name (GITHUB_REPOSITORY)
	Token  string // a token allowed to write issues (GITHUB_TOKEN with `issues: write`)
	Labels []string
	Client *http.Client
}

// Name is "github".
func (g *GitHub) Name() string { return "github" }

// Send opens the incident's issue (for an escalation or a recovery too, when its opening failed
// in an earlier run), comments on it, and closes it on recovery.
func (g *GitHub) Send(ctx context.Context, e Event, run Run, n *Notice) error {
	text := Text(e, run)
	if n.Issue == 0 {
		title := Title(Event{Kind: Open, Incident: e.Incident})
		if run.Simulator != "" {
			title = "[" + run.Simulator + "] " + title
		}
		var created struct {
			Number int `json:"number"`
		}
		if err := g.call(ctx, http.MethodPost, "/issues", map[string]any{"title": secret.Redact(title, run.Secrets...),
			"body": g.body(e, text), "labels": g.Labels}, &created); err != nil {
			return err
		}
		if created.Number <= 0 {
			return fmt.Errorf("GitHub opened an issue without a number")
		}
		n.Issue = created.Number
	} else if err := g.call(ctx, http.MethodPost, fmt.Sprintf("/issues/%d/comments", n.Issue), map[string]any{"body": text}, nil); err != nil {
		return err
	}
	if e.Kind != Resolve {
		return nil
	}
	return g.call(ctx, http.MethodPatch, fmt.Sprintf("/issues/%d", n.Issue), map[string]any{"state": "closed", "state_reason": "completed"}, nil)
}

// body is the issue's first comment: the event, then the incident's facts as a list.
func (g *GitHub) body(e Event, text string) string {
	in := e.Incident
	var b strings.Builder
	b.WriteString(text + "\n\n")
	fmt.Fprintf(&b, "- incident: `%s`\n- component: `%s`\n- worst state: `%s`\n- started: %s (first bad probe)\n- detected: %s\n",
		in.ID, in.Component, in.Worst, in.StartedAt.UTC().Format(time.RFC3339), in.DetectedAt.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "- probes during it: %d, failed: %d\n", in.Samples, in.Failures)
	if in.OfficialIncident != "" {
		fmt.Fprintf(&b, "- status page: %s\n", in.OfficialIncident)
	}
	if ev := in.Evidence.String(); ev != "" {
		fmt.Fprintf(&b, "- evidence: %s\n", ev)
	}
	b.WriteString("\nThis issue closes itself when the monitor sees the recovery.\n")
	return b.String()
}

func (g *GitHub) call(ctx context.Context, method, path string, payload, out any) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	url := strings.TrimSuffix(g.API, "/") + "/repos/" + g.Repo + path
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("request: %w", err)
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("Authorization", "Bearer "+g.Token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	return do(client(g.Client), req, out)
}
