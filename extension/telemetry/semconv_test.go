package telemetry

import "testing"

func TestParseSemconv(t *testing.T) {
	for _, tc := range []struct {
		env    string
		want   Semconv
		schema string
	}{
		{"", Semconv{Old: true}, SchemaV141},
		{"http", Semconv{Old: true}, SchemaV141},
		{"gen_ai_latest_experimental", Semconv{New: true}, SchemaGenAI42},
		{"http/dup, gen_ai_latest_experimental", Semconv{New: true}, SchemaGenAI42},
		{"gen_ai_latest_experimental/dup", Semconv{Old: true, New: true}, SchemaGenAI42},
		{"gen_ai_latest_experimental/dup,gen_ai_latest_experimental", Semconv{Old: true, New: true}, SchemaGenAI42},
		{"gen_ai_latest", Semconv{Old: true}, SchemaV141},
	} {
		got := ParseSemconv(tc.env)
		if got != tc.want || got.SchemaURL() != tc.schema {
			t.Errorf("%q: %+v %s, want %+v %s", tc.env, got, got.SchemaURL(), tc.want, tc.schema)
		}
	}
}
