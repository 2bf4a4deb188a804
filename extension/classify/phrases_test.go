package classify

import "testing"

func TestZeroAllowance(t *testing.T) {
	for _, tc := range []struct {
		hay  string
		want bool
	}{
		{"quota exceeded for metric: x/input_token_count, limit: 0, model: m\n* quota exceeded for metric: x/requests, limit: 0, model: m", true},
		{"your quota is 0 for this model", true},
		{"quota exceeded for metric: x/requests, limit: 0 | quota exceeded for metric: x/tokens, limit: 250000", false},
		{"rate limit reached: limit 3, used 3, requested 1", false},
		{"see https://ai.google.dev/gemini-api/docs/rate-limits. quota exceeded", false},
		{"limit_rpm/meta-llama/x", false},
	} {
		if got := zeroAllowance(tc.hay); got != tc.want {
			t.Errorf("zeroAllowance(%q) = %v, want %v", tc.hay, got, tc.want)
		}
	}
}

func TestModelUnsupported(t *testing.T) {
	for _, tc := range []struct {
		hay  string
		want bool
	}{
		{"model nonexistent is not supported. supported models are ['a', 'b']", true},
		{"the model `gpt-x` is not supported by this server", true},
		{"model 'command-x' not supported, use command-r", true},
		{"this model is not supported.", true},
		{"model-x: not supported", true},
		{"unsupported parameter: 'max_tokens' is not supported with this model.", false},
		{"streaming is not supported for model o1.", false},
		{"model o3 parameter 'temperature' is not supported with this model.", false},
		{"model x does not support tools", false},
		{"the model x supports tools, but 'parallel_tool_calls' is not supported yet", false},
		{"model x is ok | n is not supported", false},
		{"model x is not available.", true},
		{"the requested model is unavailable", true},
		{"model x is currently unavailable.", false},
		{"the model is temporarily unavailable, retry later.", false},
		{"model x is not available for your account.", false},
	} {
		if got := modelUnsupported(tc.hay); got != tc.want {
			t.Errorf("modelUnsupported(%q) = %v, want %v", tc.hay, got, tc.want)
		}
	}
}
