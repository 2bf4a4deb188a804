package module

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/notify"
)

// notifications are the run's senders, configured from the environment at init, and what they
// have told (from the state file, when the run keeps one).
type notifications struct {
	decided bool
	senders []notify.Sender
	run     notify.Run
	told    notify.Memory
}

// notifyTimeout bounds a run's notifications when it ends.
const notifyTimeout = 20 * time.Second

// useNotifications reads the notification settings once per process: CHATGPT_WEBHOOK_URL, and
// CHATGPT_GITHUB_ISSUES=true with GITHUB_TOKEN and GITHUB_REPOSITORY (GitHub Actions' own
// variables). A setting that cannot work fails the run at init, naming the variable.
func (r *RootModule) useNotifications(i *Instance) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.notes.decided {
		return nil
	}
	r.notes.decided = true
	if r.notes.told == nil {
		r.notes.told = notify.Memory{}
	}
	if hook := i.env("CHATGPT_WEBHOOK_URL"); hook != "" {
		u, err := url.Parse(hook)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("CHATGPT_WEBHOOK_URL must be an http(s) URL")
		}
		r.notes.senders = append(r.notes.senders, &notify.Webhook{URL: hook})
	}
	if gh := i.env("CHATGPT_GITHUB_ISSUES"); gh != "" && gh != "false" {
		token, repo := i.env("GITHUB_TOKEN"), i.env("GITHUB_REPOSITORY")
		for k, v := range map[string]string{"GITHUB_TOKEN": token, "GITHUB_REPOSITORY": repo} {
			if v == "" {
				return fmt.Errorf("CHATGPT_GITHUB_ISSUES is set but %s is not: GitHub issues need both GITHUB_TOKEN (with issues: write) and GITHUB_REPOSITORY", k)
			}
		}
		api := i.env("GITHUB_API_URL")
		if api == "" {
			api = "https://api.github.com"
		}
		r.notes.senders = append(r.notes.senders, &notify.GitHub{API: api, Repo: repo, Token: token, Labels: []string{"xk6-chatgpt", "outage"}})
		r.secrets.Add(token)
	}
	r.notes.run.Location = i.env("CHATGPT_LOCATION")
	r.notes.run.URL = i.env("CHATGPT_RUN_URL")
	if s, repo, id := i.env("GITHUB_SERVER_URL"), i.env("GITHUB_REPOSITORY"), i.env("GITHUB_RUN_ID"); r.notes.run.URL == "" && s != "" && repo != "" && id != "" {
		r.notes.run.URL = strings.TrimSuffix(s, "/") + "/" + repo + "/actions/runs/" + id
	}
	return nil
}

// notify tells the senders what the detector's incidents call for and records it. It never
// fails the run: a failure is logged and retried by the next run (through the state file).
func (r *RootModule) notify(ctx context.Context, log logrus.FieldLogger) {
	r.mu.Lock()
	senders, run, told := r.notes.senders, r.notes.run, r.notes.told
	run.Secrets = r.secrets.Literals()
	r.mu.Unlock()
	if len(senders) == 0 {
		return
	}
	run.Simulator = r.simulatorNote()
	ctx, cancel := context.WithTimeout(ctx, notifyTimeout)
	defer cancel()
	r.notesMu.Lock() // one Sync at a time: handleSummary and k6's exit may both call it
	defer r.notesMu.Unlock()
	if err := notify.Sync(ctx, told, r.detector().Incidents(), run, senders); err != nil {
		log.Warnf("xk6-chatgpt: %v", err)
	}
}
