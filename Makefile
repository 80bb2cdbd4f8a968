# The two commands (see README.md):
#   make run   - install what is missing, build the release console and open it
#   make test  - install what is missing (build deps and test services), build the dev preset
#                and run the whole suite
#   make bench - build the bench preset's benchmarks and run them one after the other, with a
#                summary table at the end (bench/README.md; several minutes, never in CI)
SHELL := /bin/bash
.DEFAULT_GOAL := run

.PHONY: run test deps test-deps bench-deps release dev asan bench check-format format clean

deps:
	packaging/install-deps.sh build run

test-deps:
	packaging/install-deps.sh build test run

bench-deps:
	packaging/install-deps.sh build run bench

release: deps
	cmake --preset release
	cmake --build --preset release

run: release
	./build/release/bin/gatehouse

dev: test-deps
	cmake --preset dev
	cmake --build --preset dev

test: dev
	ctest --preset dev

asan: test-deps
	cmake --preset asan
	cmake --build --preset asan
	ctest --preset asan

bench: bench-deps
	cmake --preset bench
	cmake --build --preset bench --target gatehouse_benchmarks
	bench/run.sh build/bench

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf build
