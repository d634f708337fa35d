# gamesock Makefile. Run `make` (or `make help`) to list the targets.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# System packages that tests and the demo need (Debian/Ubuntu names).
# gcc and libc6-dev are needed by `go test -race` (cgo); protobuf-compiler
# (protoc) and libprotobuf-dev (the well-known .proto files) by `make proto`;
# the game client's window (ebiten, which loads these libraries at run time,
# no headers needed) by the X11 and OpenGL libraries, and its test by xvfb
# and xauth (a real window on a virtual display).
APT_PACKAGES := chromium gcc libc6-dev protobuf-compiler libprotobuf-dev \
	xvfb xauth libgl1 libgl1-mesa-dri libegl1 libx11-6 libxrandr2 libxcursor1 \
	libxi6 libxinerama1 libxxf86vm1

# The .proto sources under proto/, and where protoc finds the well-known types.
PROTO_FILES   := $(shell find proto -name '*.proto' | sort)
PROTO_INCLUDE ?= /usr/include

BENCH     ?= .
BENCHTIME ?= 1s
FUZZTIME  ?= 20s
ECHO_ADDR ?= 127.0.0.1:9001
SERVER    ?= ws://127.0.0.1:8080/session
BOTS      ?= 20
DURATION  ?= 30s

.PHONY: help deps tools proto proto-check fmt-check vet lint build test e2e bench load echo server bots demo demo-headless fuzz clean

help: ## List the targets
	@grep -E '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  %-10s %s\n", $$1, $$2}'

deps: ## Install the system packages (apt-get) and Go modules needed by tests and the demo
	@missing=""; \
	for pkg in $(APT_PACKAGES); do \
		if ! dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q 'install ok installed'; then \
			missing="$$missing $$pkg"; \
		fi; \
	done; \
	if [ -n "$$missing" ]; then \
		if ! command -v apt-get >/dev/null; then \
			echo "make deps: no apt-get here; install these by hand:$$missing" >&2; \
			exit 1; \
		fi; \
		sudo=""; \
		if [ "$$(id -u)" -ne 0 ]; then sudo="sudo"; fi; \
		echo "make deps: installing$$missing"; \
		$$sudo apt-get update; \
		$$sudo env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends $$missing; \
	fi
	go mod download

tools: ## List the Go tools declared in go.mod (add one with `go get -tool`, run it with `go tool NAME`)
	go list tool

proto: deps ## Regenerate the .pb.go files next to the .proto files (Debian's protoc, protoc-gen-go from go.mod)
	$(call protoc,proto)

proto-check: deps ## Fail if the committed .pb.go files differ from what `make proto` generates
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(call protoc,$$tmp); \
	status=0; \
	for f in $(PROTO_FILES:.proto=.pb.go); do \
		want="$$tmp/$${f#proto/}"; \
		if ! cmp -s "$$want" "$$f"; then \
			echo "$$f is out of date with its .proto: run 'make proto' and commit the result"; \
			diff -u "$$f" "$$want" | head -40 || true; \
			status=1; \
		fi; \
	done; \
	exit $$status

# protoc runs Debian's protoc with the protoc-gen-go that go.mod pins, writing
# the generated files under $(1).
define protoc
protoc -I proto -I $(PROTO_INCLUDE) \
	--plugin=protoc-gen-go="$$(go tool -n protoc-gen-go)" \
	--go_out=$(1) --go_opt=paths=source_relative \
	$(PROTO_FILES)
endef

fmt-check: ## Fail, listing the files, if any Go file is not gofmt-formatted
	@files=$$(find . -name '*.go' -not -path './.git/*' -not -path '*/testdata/*' -exec gofmt -l {} +); \
	if [ -n "$$files" ]; then \
		echo "these files need gofmt:"; \
		echo "$$files"; \
		exit 1; \
	fi

vet: ## Run go vet
	go vet ./...

lint: fmt-check vet ## Run fmt-check, vet and staticcheck
	go tool staticcheck ./...

build: ## Build the game's programs into bin/ (gameserver, gameclient)
	go build -o bin/gameserver ./gameserver
	go build -o bin/gameclient ./gameclient

e2e: ## Run the end-to-end test alone: the gameserver and 50 headless bots for 20 s
	go test -race -count=1 -run '^TestEndToEnd$$' -v ./gameclient/internal/headless

test: deps proto-check lint ## Check the generated code and lint, then run all tests with the race detector (the browser test must not skip)
	GAMESOCK_REQUIRE_BROWSER=1 go test -race -count=1 -timeout 10m ./...

bench: ## Run the benchmarks, SDK and game (BENCH=regex, BENCHTIME=1s|100x)
	go test -run '^$$' -bench '$(BENCH)' -benchmem -benchtime $(BENCHTIME) -count 1 ./...

load: ## Run the echo load tool: sdk server and clients against raw TCP (100 connections x 64 B)
	go run ./sdk/internal/loadtest/cmd/echoload -conns 100 -duration 2s -rounds 5

echo: ## Start the SDK's echo server on ECHO_ADDR (default 127.0.0.1:9001)
	go run ./sdk/examples/echo -addr $(ECHO_ADDR)

server: ## Run the game server (ws://127.0.0.1:8080/session, admin on 127.0.0.1:8081)
	go run ./gameserver

bots: ## Run BOTS headless bot players for DURATION against SERVER and print their report
	go run ./gameclient -headless -bots $(BOTS) -duration $(DURATION) -server $(SERVER)

demo: ## Start the game server with bots and open the game's window (Ctrl-C stops both); without a display, say so
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
		echo "make demo: no display here for the game's window."; \
		echo "  Play it headless instead: make demo-headless (the server and 20 bot players, then their report),"; \
		echo "  or run the window under a virtual display: xvfb-run -a make demo"; \
		exit 2; \
	fi
	@$(MAKE) --no-print-directory build >/dev/null
	@bin/gameserver -log-level warn & pid=$$!; trap 'kill $$pid 2>/dev/null; wait $$pid 2>/dev/null' EXIT; \
	for i in $$(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null && break; sleep 0.1; done; \
	bin/gameclient -server $(SERVER)

demo-headless: ## Run the game server (20 s matches) and BOTS headless bots against it for DURATION, then print the report
	@$(MAKE) --no-print-directory build >/dev/null
	@bin/gameserver -log-level warn -match 20s & pid=$$!; trap 'kill $$pid 2>/dev/null; wait $$pid 2>/dev/null' EXIT; \
	for i in $$(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null && break; sleep 0.1; done; \
	bin/gameclient -headless -bots $(BOTS) -duration $(DURATION) -server $(SERVER) -replay

fuzz: ## Run each Fuzz target in the repository for FUZZTIME (default 20s) each
	@for pkg in $$(go list ./...); do \
		list=$$(go test -list '^Fuzz' "$$pkg"); \
		for target in $$(echo "$$list" | grep '^Fuzz' || true); do \
			echo "== $$pkg $$target"; \
			go test -run '^$$' -fuzz "^$${target}\$$" -fuzztime $(FUZZTIME) "$$pkg"; \
		done; \
	done

clean: ## Remove build outputs, coverage files and the test cache
	rm -rf bin/ dist/ coverage.* *.out *.prof
	go clean -testcache
