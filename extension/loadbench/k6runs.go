package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// k6Result is one k6 run: its CPU, completions and (for the extension) TTFT errors.
type k6Result struct {
	errs        []float64
	completions int
	cpu         time.Duration
}

// runK6 runs script with n VUs for d against base, reading the extension's chatgpt_ttft_error
// and chatgpt_probes points from k6's JSON output; completions of the plain-http script are
// its iterations.
func runK6(k6, script, base string, n int, d time.Duration, dir string) (k6Result, error) {
	out := filepath.Join(dir, fmt.Sprintf("out-%s-%d.json", filepath.Base(script), n))
	cmd := exec.Command(k6, "run", "--quiet", "--no-color", "--out", "json="+out, script)
	cmd.Env = append(os.Environ(), "OPENAI_BASE_URL="+base, "OPENAI_API_KEY=x", fmt.Sprintf("LOAD_VUS=%d", n),
		fmt.Sprintf("LOAD_DURATION=%ds", int(d.Seconds())), "LOAD_GROUND_TRUTH=1", "LOAD_BUDGET_USD=0", "K6_NO_USAGE_REPORT=true")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return k6Result{}, fmt.Errorf("k6 run %s: %w\n%s", script, err, stderr.String())
	}
	st := cmd.ProcessState
	res := k6Result{cpu: st.UserTime() + st.SystemTime()}
	f, err := os.Open(out)
	if err != nil {
		return res, err
	}
	defer func() { _ = f.Close(); _ = os.Remove(out) }()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.Contains(line, []byte(`"type":"Point"`)) {
			continue
		}
		var p struct {
			Metric string `json:"metric"`
			Data   struct {
				Value float64           `json:"value"`
				Tags  map[string]string `json:"tags"`
			} `json:"data"`
		}
		if json.Unmarshal(line, &p) != nil {
			continue
		}
		switch p.Metric {
		case "chatgpt_ttft_error":
			res.errs = append(res.errs, p.Data.Value)
		case "chatgpt_probes":
			if p.Data.Tags["class"] == "ok" {
				res.completions++
			}
		case "iterations":
			if filepath.Base(script) == "k6http.js" {
				res.completions++
			}
		}
	}
	return res, sc.Err()
}
