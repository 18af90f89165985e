# PyFleet: `make run` for a local cluster with the operator, `make test` for everything CI runs.
SHELL := /bin/bash
MVN ?= mvn -B -ntp

.PHONY: help run test vm-boot mutation chaos bench unit-test build check-generated control-plane cluster-up cluster-down cluster-status clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

run: ## local control plane + 3 fake nodes, CRDs, samples, and the operator in the foreground
	hack/run.sh

test: control-plane ## unit tests, the control-plane self-test, integration tests (a real VM boot among them), Ctrl-C on make run, mutation testing, generated files
	hack/timed.sh cluster-selftest hack/cluster-selftest.sh
	hack/timed.sh argocd-test hack/tools.sh argocd-test
	PYFLEET_VM_BOOT=1 hack/timed.sh verify $(MVN) verify
	hack/timed.sh run-stop-test hack/run-stop-test.sh
	hack/timed.sh mutation $(MAKE) mutation
	hack/timed.sh check-generated hack/check-generated.sh

vm-boot: control-plane ## only the real VM boot: a pool's user-data booted under QEMU, its apps answering (minutes)
	PYFLEET_VM_BOOT=1 $(MVN) verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=VMBootIT

mutation: ## PIT over the pure core; fails under 85% test strength (report: target/pit-reports/index.html)
	$(MVN) -Pmutation test-compile org.pitest:pitest-maven:mutationCoverage

chaos: control-plane ## the reliability tests in their long form (make test runs their short form)
	$(MVN) verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dit.test='dev.pyfleet.reliability.*IT' -Dpyfleet.chaos=long

bench: control-plane ## benchmarks (not part of make test); results go to docs/benchmarks.md
	$(MVN) -Pbench verify

unit-test: ## unit tests only (no cluster)
	$(MVN) test

build: ## the operator jar (target/quarkus-app)
	$(MVN) package -DskipTests

check-generated: build ## fail when crds/ or deploy/argocd/argocd-cm-pyfleet.yaml differ from what is generated
	hack/check-generated.sh

control-plane: ## build (once) and cache the Kubernetes, etcd and KWOK binaries
	@start=$$SECONDS; hack/build-control-plane.sh >/dev/null; \
	  echo "control-plane binaries ready in $$((SECONDS - start))s"

cluster-up: ## start the local control plane on its own (KUBECONFIG: hack/cluster.sh kubeconfig)
	hack/cluster.sh up

cluster-down: ## stop the local control plane
	hack/cluster.sh down

cluster-status: ## what of the local control plane runs
	hack/cluster.sh status

clean: ## remove build output (the binary cache outside the repo stays)
	$(MVN) clean
