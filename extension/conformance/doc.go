// Package conformance holds the test that checks the simulator and the probes against OpenAI's
// published OpenAPI document (testdata/openai-openapi.yaml, trimmed by ./trim from the upstream
// commit its header names): every JSON response the simulator serves, every request the probes
// send and every stream event, validated by kin-openapi. It has no code of its own.
package conformance
