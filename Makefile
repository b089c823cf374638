# LLM Test Bench — developer targets. `make help` lists them.
GO        ?= go
BIN       := bin/llm-test-bench
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X github.com/llm-test-bench/llm-test-bench/internal/cli.Version=$(VERSION)
GOLANGCI  := v2.15.0

.PHONY: help build test lint bench run fuzz scaling cluster clean

help: ## list targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

build: ## build the binary without cgo into bin/
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/llm-test-bench

test: ## run every test with the race detector (needs PostgreSQL; see .ci/run)
	$(GO) test -race -count=1 ./...

lint: ## golangci-lint at the pinned version
	@command -v golangci-lint >/dev/null || $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI)
	golangci-lint run ./...

bench: build ## pipeline throughput vs a bare HTTP client, memory for 100,000 cases, the judge layer per assertion, API pages at 200 req/s over 1M results
	$(GO) test -run '^$$' -bench . -benchmem ./internal/runner/ ./internal/event/ ./internal/policy/ ./internal/store/sqlite/ ./internal/report/ ./internal/simulator/ ./provider/... ./internal/metrics/... ./eval/...
	$(GO) test -run '^$$' -bench Overhead -benchtime 1000x ./internal/perf/overhead/
	$(GO) run ./internal/perf/cmd/perfbench -bin $(BIN)
	$(GO) run ./internal/perf/cmd/apiload $(APILOAD_FLAGS)

run: build ## the offline quickstart: a built-in suite against the simulator, HTML report
	@$(BIN) bench --dataset builtin:reasoning --dataset builtin:coding \
	  --providers simulator:sim-large,simulator:echo --output quickstart-report.html; \
	status=$$?; if [ $$status -eq 100 ]; then \
	  echo "bench exited 100: some cases failed their assertions (the echo model is meant to), as a CI gate would report"; \
	  exit 0; fi; exit $$status

scaling: ## distributed throughput with 1, 2, 4 and 8 local worker processes (about 40s)
	LTB_DIST_SCALING=1 $(GO) test -count=1 -run TestDistributedScaling -v ./internal/cli/

cluster: ## a 3-node NATS cluster loses its leader mid distributed run (about 35s)
	LTB_NATS_CLUSTER=1 $(GO) test -count=1 -run TestClusterLosesItsLeader -v ./internal/distributed/

fuzz: ## run each fuzz test for 20s
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime 20s $$pkg || exit 1; done; done

clean:
	rm -rf bin quickstart-report.html
