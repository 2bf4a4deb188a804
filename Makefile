# xk6-chatgpt — every tool this Makefile uses is built from pinned modules into .tools/ (git-ignored),
# so a machine with only Go and make can run every target. One set of build flags (static,
# trimmed) for build and test keeps a single warm Go build cache.

SHELL        := /bin/bash
TOOLS        := $(CURDIR)/.tools/bin
STATICCHECK  := $(TOOLS)/staticcheck
ACTIONLINT   := $(TOOLS)/actionlint
XK6          := $(TOOLS)/xk6
GOSEC        := $(TOOLS)/gosec
KUBECONFORM  := $(TOOLS)/kubeconform
# the official openai npm package (6.30.1 is the newest that runs on Node 20), for the simulator's SDK test
OPENAI_NODE_VERSION := 6.30.1
OPENAI_NODE  := $(CURDIR)/.tools/node/node_modules/openai
# Jaeger v2 (module v1.62.0: the newest the proxy serves whole), the OTLP backend of the trace test
JAEGER       := $(TOOLS)/jaeger
DEBIAN_TOOLS := $(CURDIR)/.tools/debian.ok
K6           := $(CURDIR)/k6
# k6 with only the load benchmark's floor reader (extension/loadbench/k6floor): make bench's "k6 floor" client
K6_FLOOR     := $(TOOLS)/k6-floor
# Debian packages need root: sudo when not already root (GitHub's runners), nothing in a container
SUDO         := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
export CGO_ENABLED := 0
export GOFLAGS     := -trimpath -buildvcs=false
export GOTOOLCHAIN := local

GO_SOURCES := $(shell find extension -name '*.go' -not -name '*_test.go') go.mod go.sum

.PHONY: all build k6 run test test-unit bench bench-profile fuzz seeds schedules library replay docs soak soak-continuous lint fmt clean tools dashboards stack stack-down

all: lint test

## build: ./k6 with the extension (static binary; no xk6 needed)
build: $(K6)

$(K6): $(GO_SOURCES)
	go build -ldflags="-s -w" -o $(K6) ./extension/cmd/k6

## run: the scheduled monitor; without OPENAI_API_KEY it probes the embedded simulator
run: $(K6)
	$(K6) run scripts/chatgpt.js

## test: lint, unit tests (incl. JS binding), end-to-end k6 runs against simulators
test: lint test-unit

test-unit: $(K6) $(OPENAI_NODE)/package.json $(JAEGER) $(DEBIAN_TOOLS)
	K6_BIN=$(K6) OPENAI_NODE=$(OPENAI_NODE) JAEGER_BIN=$(JAEGER) XMLLINT=$$(command -v xmllint) CHROMIUM=$$(command -v chromium) \
		PROMETHEUS=$$(command -v prometheus) PROMTOOL=$$(command -v promtool) go test -count=1 -parallel 8 -timeout 10m ./...
	@go test -count=1 -run '^(TestRealworldScore|TestSecondAnnotator)$$' -v ./extension/classify | grep -E 'SCORE '  # class-and-blame accuracy on public captures (testdata/realworld), and two annotators' agreement
	@# the Kubernetes manifests: a module of its own, so the extension does not depend on k8s.io
	cd deploy && K6_BIN=$(K6) go test -count=1 -timeout 5m ./...
	go test -count=1 -run '^$$' -bench . -benchtime 1x ./... > /dev/null  # benchmarks still run (not timed)

## bench: Go benchmarks (figures, not pass/fail; compare runs with benchstat), then the end-to-end
## load benchmark (extension/loadbench: the extension under k6 vs a bare Go SSE reader, the same reader
## under k6 and k6 http+JS),
## each row BENCH_RUNS times (default 5; BENCH_RUNS=1 for a quick look; BENCH_STREAMS=500,1000 for
## chosen rows), medians with min–max
bench: $(K6) $(K6_FLOOR)
	go test -run '^$$' -bench . -benchmem ./...
	go run ./extension/loadbench -k6 $(K6) -k6-floor $(K6_FLOOR) -runs $${BENCH_RUNS:-5}

$(K6_FLOOR): $(GO_SOURCES)
	go build -ldflags="-s -w" -o $@ ./extension/loadbench/k6floor

## bench-profile: pprof CPU and allocation profiles and an execution trace of k6 with the extension
## at PROFILE_STREAMS (default 500) streams against the bench's simulator, into bench-profiles/;
## prints the CPU top and where goroutines waited to be scheduled, then the same load with the floor's
## reader under k6 (k6floor-*) and what the extension's profile holds beyond it (pprof -diff_base)
bench-profile: $(K6) $(K6_FLOOR)
	go run ./extension/loadbench -k6 $(K6) -k6-floor $(K6_FLOOR) -profile $${PROFILE_STREAMS:-500} -duration 20s
	go tool pprof -top -nodecount 40 $(K6) bench-profiles/k6-cpu-$${PROFILE_STREAMS:-500}.pprof
	go tool pprof -top -nodecount 30 -diff_base bench-profiles/k6floor-cpu-$${PROFILE_STREAMS:-500}.pprof $(K6) bench-profiles/k6-cpu-$${PROFILE_STREAMS:-500}.pprof
	go tool trace -pprof=sched bench-profiles/k6-$${PROFILE_STREAMS:-500}.trace > bench-profiles/k6-sched-$${PROFILE_STREAMS:-500}.pprof
	go tool pprof -top -nodecount 15 bench-profiles/k6-sched-$${PROFILE_STREAMS:-500}.pprof

## k6: the same as build (the name the binary goes by)
k6: $(K6)

## replay: the detector over every committed scenario in virtual time (docs/detection.md's table is these replays)
replay: $(K6)
	$(K6) x chatgpt replay scripts/scenarios/*.yaml

## docs: rewrite the generated tables of docs/ (metrics from telemetry.Defs, detection from the replays); tests fail while they differ
docs:
	UPDATE_DOCS=1 go test -count=1 -run '^TestDocs' ./extension/telemetry ./extension/replay

## seeds: replay every scenario over 100 seeds (REPLAY_SEEDS=N for another count): how typical the committed seeds are
seeds:
	REPLAY_SEEDS=$${REPLAY_SEEDS:-100} go test -count=1 -timeout 60m -run '^TestSeedSweep$$' -v ./extension/replay | grep -v '^=== \|^--- \|^PASS\|^ok'

## library: the detector on the public incident library (scripts/scenarios/incidents: LIBRARY=train,healthy by default; heldout once rules are frozen) over 100 seeds
library:
	REPLAY_SEEDS=$${REPLAY_SEEDS:-100} go test -count=1 -timeout 60m -run '^TestLibrarySweep$$' -v ./extension/replay | grep -v '^=== \|^--- \|^PASS\|^ok'

## schedules: time to detect, continuous against duty cycles (2m/15m, 2m/5m, 5m/5m), over 100 seeds
schedules:
	REPLAY_SEEDS=$${REPLAY_SEEDS:-100} go test -count=1 -timeout 60m -run '^TestScheduleSweep$$' -v ./extension/replay | grep -v '^=== \|^--- \|^PASS\|^ok'

## soak: 30 minutes of the looping demo scenario at 200 concurrent probes; RSS and goroutines must stay flat
SOAK_DURATION ?= 30m
soak: $(K6)
	K6_BIN=$(K6) SOAK_DURATION=$(SOAK_DURATION) go test -count=1 -timeout 60m -run '^TestSoak$$' -v ./extension/e2e

## soak-continuous: a continuous monitor (scripts/chatgpt.js, CHATGPT_MODE=continuous, remote write,
## checkpoints) for CONTINUOUS_DURATION (default 10m) at a 100 ms cadence; RSS and live heap slopes must stay under 1 MiB/min
CONTINUOUS_DURATION ?= 10m
soak-continuous: $(K6)
	K6_BIN=$(K6) CONTINUOUS_DURATION=$(CONTINUOUS_DURATION) go test -count=1 -timeout 60m -run '^TestContinuousMemoryFlat$$' -v ./extension/e2e | grep -v '^=== '

## fuzz: each fuzz target for FUZZTIME (default 5m); new findings land in the Go cache, crashes in testdata
FUZZTIME ?= 5m
fuzz:
	go test -run '^$$' -fuzz FuzzDecoder -fuzztime $(FUZZTIME) ./extension/stream
	go test -run '^$$' -fuzz FuzzDialects -fuzztime $(FUZZTIME) ./extension/stream
	go test -run '^$$' -fuzz FuzzClassifyRaw -fuzztime $(FUZZTIME) ./extension/classify
	go test -run '^$$' -fuzz FuzzUnquote -fuzztime $(FUZZTIME) ./extension/classify
	go test -run '^$$' -fuzz FuzzIndexFold -fuzztime $(FUZZTIME) ./extension/classify
	go test -run '^$$' -fuzz FuzzParseHAR -fuzztime $(FUZZTIME) ./extension/capture
	go test -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME) ./extension/scenario
	go test -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME) ./extension/statuspage
	go test -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME) ./extension/statefile
	go test -run '^$$' -fuzz FuzzProbe -fuzztime $(FUZZTIME) ./extension/probe

## lint: gofmt, go vet, staticcheck, actionlint (the GitHub workflows), xk6 lint --preset strict
lint: $(STATICCHECK) $(ACTIONLINT) $(XK6) $(GOSEC) $(KUBECONFORM)
	@unformatted=$$(gofmt -l extension dashboards deploy); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	go vet ./...
	$(STATICCHECK) ./...
	cd deploy && go vet ./... && $(STATICCHECK) ./...
	$(ACTIONLINT) .github/workflows/*.yml
	@# the k6-operator TestRuns against the committed schema; the core kinds (Deployment, volume
	@# claims, CronJob, RBAC, Secret) have no schema offline and are decoded strictly into
	@# k8s.io/api by deploy's tests instead. Every manifest of deploy/, in whatever subfolder.
	$(KUBECONFORM) -strict -summary -schema-location 'deploy/schemas/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json' \
		-skip Secret,ServiceAccount,Role,RoleBinding,CronJob,Deployment,PersistentVolumeClaim $$(find deploy -name '*.yaml' | sort)
	@# the k6 extension compliance checks (gosec, build, smoke, examples, types, …); the
	@# vulnerability check needs vuln.go.dev, which this network does not reach. The versions
	@# check reads the clone's release tags: a clone made without them (CI's shallow checkout)
	@# cannot answer it, so it is skipped there, saying so, and run everywhere the tags are.
	@skip=vulnerability; if [ -z "$$(git tag -l 'v[0-9]*')" ]; then \
		echo "xk6 lint: this clone has no release tags (fetch them: git fetch --tags); skipping the versions check"; \
		skip=vulnerability,versions; fi; \
	echo "$(XK6) lint --preset strict --disable $$skip"; \
	PATH=$(TOOLS):$$PATH GOFLAGS= $(XK6) lint --preset strict --disable $$skip

fmt:
	gofmt -w extension dashboards deploy

## dashboards: regenerate the Grafana dashboard JSON from dashboards/*.go
dashboards:
	go run ./dashboards/gen

## stack: Grafana, Tempo and Prometheus with the dashboards, for `make run` to feed (needs Docker)
stack:
	docker compose -f dashboards/docker-compose.yml up -d
	@echo "Grafana: http://127.0.0.1:3000 — now: K6_PROMETHEUS_RW_SERVER_URL=http://127.0.0.1:9090/api/v1/write K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true ./k6 run -o experimental-prometheus-rw --traces-output=otel=http://127.0.0.1:4318/v1/traces scripts/chatgpt.js"

stack-down:
	docker compose -f dashboards/docker-compose.yml down

tools: $(STATICCHECK) $(ACTIONLINT) $(XK6) $(GOSEC) $(KUBECONFORM) $(OPENAI_NODE)/package.json $(JAEGER) $(DEBIAN_TOOLS)

# about 2.5 min cold on 2 cores (plus downloads), then cached in .tools/
$(JAEGER): .ci/tools/jaeger/go.mod .ci/tools/jaeger/go.sum
	cd .ci/tools/jaeger && go build -ldflags="-s -w" -o $(JAEGER) github.com/jaegertracing/jaeger/cmd/jaeger

# xmllint (the JUnit report's schema check), headless Chromium (the HTML report's rendering
# check) and Prometheus with promtool (alert rule tests, dashboard queries) come from Debian's
# packages when the machine has none. Prometheus and xmllint are pinned to their upstream
# versions (Debian's own revision may move with security fixes); Chromium is whatever
# bookworm-security ships, because Debian replaces it with each new major and drops the old.
PROMETHEUS_DEB := 2.42.0*
LIBXML2_DEB    := 2.9.14*
$(DEBIAN_TOOLS):
	@command -v xmllint >/dev/null && command -v chromium >/dev/null && command -v promtool >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
		'libxml2-utils=$(LIBXML2_DEB)' chromium 'fonts-dejavu-core=2.37*' 'prometheus=$(PROMETHEUS_DEB)'; }
	mkdir -p $(dir $@) && touch $@

# Node.js comes from Debian's packages when the machine has none.
$(OPENAI_NODE)/package.json:
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm; }
	mkdir -p .tools/node
	cd .tools/node && npm install --no-audit --no-fund --loglevel=error --prefix . openai@$(OPENAI_NODE_VERSION)
	test -f $@

$(STATICCHECK): .ci/tools/go.mod .ci/tools/go.sum
	cd .ci/tools && go build -o $(STATICCHECK) honnef.co/go/tools/cmd/staticcheck

$(ACTIONLINT): .ci/tools/go.mod .ci/tools/go.sum
	cd .ci/tools && go build -o $(ACTIONLINT) github.com/rhysd/actionlint/cmd/actionlint

$(XK6): .ci/tools/go.mod .ci/tools/go.sum
	cd .ci/tools && go build -o $(XK6) go.k6.io/xk6

$(GOSEC): .ci/tools/go.mod .ci/tools/go.sum
	cd .ci/tools && go build -o $(GOSEC) github.com/securego/gosec/v2/cmd/gosec

$(KUBECONFORM): .ci/tools/go.mod .ci/tools/go.sum
	cd .ci/tools && go build -o $(KUBECONFORM) github.com/yannh/kubeconform/cmd/kubeconform

clean:
	rm -rf $(K6) .tools
