"""parbench's CPython driver: runs parbench's tasks on CPython's threads, pools and asyncio.

parbench writes this file to a temporary directory and starts it with the interpreter under
test. It speaks a line-based JSON protocol on stdin/stdout, documented in parbench's
src/python/driver.rs: one "hello" line at start-up, then one reply line per request line,
until stdin closes. Every run is timed here with time.perf_counter_ns, so interpreter start-up
is outside the timing. Standard library only; the syntax stays readable by old interpreters
(no f-strings) so that one older than 3.8 can still say its version before it is refused.
"""

import json
import os
import platform
import sys

PROTOCOL = 1
MIN_VERSION = (3, 8)


def gil_status():
    """'enabled' or 'disabled': sys._is_gil_enabled() where it exists (3.13+), else enabled."""
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    if is_enabled is None:
        return "enabled"
    return "enabled" if is_enabled() else "disabled"


def free_threaded_build():
    """Whether this interpreter was built without the GIL (3.13t and later)."""
    import sysconfig

    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def say(message):
    sys.stdout.write(json.dumps(message, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def hello():
    message = {
        "parbench_driver": PROTOCOL,
        "python": "%d.%d.%d" % tuple(sys.version_info[:3]),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
    }
    if sys.version_info >= MIN_VERSION:
        import multiprocessing

        message["gil"] = gil_status()
        message["free_threaded_build"] = free_threaded_build()
        message["start_method"] = multiprocessing.get_start_method()
        message["cpus"] = os.cpu_count()
    return message


if __name__ == "__main__" and sys.version_info < MIN_VERSION:
    say(hello())
    sys.exit(3)

import asyncio  # noqa: E402
import concurrent.futures  # noqa: E402
import hashlib  # noqa: E402
import multiprocessing  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

# Byte j of task i is (i + j) mod 256, as in parbench's Rust inputs.
PATTERN = bytes(range(256))
LCG_MASK = 0xFFFFFFFF


def task_input(index, size):
    """The input of hash task `index`: `size` bytes where byte j is (index + j) mod 256."""
    start = index % 256
    copies = (start + size) // 256 + 1
    return (PATTERN * copies)[start : start + size]


def loop_result(index, iterations):
    """Pure-Python computing that holds the GIL throughout: a 32-bit linear congruential
    generator stepped `iterations` times from `index` (parbench checks it in Rust)."""
    x = index
    for _ in range(iterations):
        x = (x * 1103515245 + 12345) & LCG_MASK
    return x


def run_task(spec):
    """Runs one task; `spec` is (kind, index, parameter, input). Top-level so pools can
    pickle it by name."""
    kind, index, parameter, data = spec
    if kind == "sleep":
        time.sleep(parameter)
        return index.to_bytes(8, "little")
    if kind == "hash":
        return hashlib.sha256(data).digest()
    if kind == "loop":
        return loop_result(index, parameter).to_bytes(8, "little")
    raise ValueError("unknown task kind %r" % (kind,))


async def run_task_async(spec):
    """One task as a coroutine: waits are awaited, computing runs inline and blocks the loop."""
    if spec[0] == "sleep":
        await asyncio.sleep(spec[2])
        return spec[1].to_bytes(8, "little")
    return run_task(spec)


class Driver:
    """What lives across requests: the warm pools and the event loop, built outside timing."""

    def __init__(self):
        self.warm_pool = None
        self.warm_workers = None
        self.thread_pool = None
        self.thread_workers = None
        self.loop = None

    # Strategies: each runs every spec and returns the outputs in task order.

    def sequential(self, specs, workers):
        return [run_task(spec) for spec in specs]

    def threads(self, specs, workers):
        outputs = [None] * len(specs)
        errors = []

        def work(i):
            try:
                outputs[i] = run_task(specs[i])
            except BaseException as error:  # reported, not lost in a thread
                errors.append(error)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(specs))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
        return outputs

    def thread_pool_run(self, specs, workers):
        return list(self.thread_pool.map(run_task, specs))

    def process_pool(self, specs, workers):
        # Started and stopped inside the timed run, as `with Pool() as pool:` does.
        with multiprocessing.Pool(workers) as pool:
            outputs = pool.map(run_task, specs)
        pool.join()
        return outputs

    def process_pool_warm(self, specs, workers):
        return self.warm_pool.map(run_task, specs)

    def asyncio_run(self, specs, workers):
        async def gather():
            return await asyncio.gather(*[run_task_async(spec) for spec in specs])

        return self.loop.run_until_complete(gather())

    def asyncio_to_thread(self, specs, workers):
        async def gather():
            return await asyncio.gather(*[asyncio.to_thread(run_task, s) for s in specs])

        return self.loop.run_until_complete(gather())

    STRATEGIES = {
        "sequential": sequential,
        "threads": threads,
        "thread-pool": thread_pool_run,
        "process-pool": process_pool,
        "process-pool-warm": process_pool_warm,
        "asyncio": asyncio_run,
        "asyncio-to-thread": asyncio_to_thread,
    }

    def prepare(self, strategy, workers):
        """Builds what `strategy` reuses, before any clock starts."""
        if strategy == "asyncio-to-thread" and not hasattr(asyncio, "to_thread"):
            raise ValueError("asyncio.to_thread needs Python 3.9 or newer")
        if strategy == "process-pool-warm" and self.warm_workers != workers:
            self.close_warm_pool()
            self.warm_pool = multiprocessing.Pool(workers)
            self.warm_workers = workers
        if strategy == "thread-pool" and self.thread_workers != workers:
            self.close_thread_pool()
            self.thread_pool = concurrent.futures.ThreadPoolExecutor(workers)
            self.thread_workers = workers
        if strategy.startswith("asyncio") and self.loop is None:
            self.loop = asyncio.new_event_loop()

    def close_warm_pool(self):
        if self.warm_pool is not None:
            self.warm_pool.close()
            self.warm_pool.join()
        self.warm_pool = None
        self.warm_workers = None

    def close_thread_pool(self):
        if self.thread_pool is not None:
            self.thread_pool.shutdown(wait=True)
        self.thread_pool = None
        self.thread_workers = None

    def close(self):
        """Ends every pool (joining its workers) and the event loop."""
        self.close_warm_pool()
        self.close_thread_pool()
        if self.loop is not None:
            if hasattr(self.loop, "shutdown_default_executor"):
                self.loop.run_until_complete(self.loop.shutdown_default_executor())
            self.loop.close()
            self.loop = None

    # Requests.

    def specs(self, task, tasks):
        kind = task["kind"]
        if kind == "sleep":
            seconds = task["nanos"] / 1e9
            return [("sleep", i, seconds, None) for i in range(tasks)]
        if kind == "hash":
            size = task["bytes"]
            return [("hash", i, None, task_input(i, size)) for i in range(tasks)]
        if kind == "loop":
            return [("loop", i, task["iterations"], None) for i in range(tasks)]
        raise ValueError("unknown task kind %r" % (kind,))

    def run(self, request):
        strategy = request["strategy"]
        if strategy not in self.STRATEGIES:
            raise ValueError("unknown strategy %r" % (strategy,))
        workers = int(request["workers"])
        runs = int(request["runs"])
        if workers < 1 or runs < 1:
            raise ValueError("workers and runs must be at least 1")
        specs = self.specs(request["task"], int(request["tasks"]))
        self.prepare(strategy, workers)
        function = self.STRATEGIES[strategy]
        durations = []
        first = None
        for run in range(runs):
            start = time.perf_counter_ns()
            outputs = function(self, specs, workers)
            durations.append(time.perf_counter_ns() - start)
            if first is None:
                first = list(outputs)
            elif list(outputs) != first:
                raise ValueError("run %d gave different outputs than run 1" % (run + 1))
        digest = hashlib.sha256(b"".join(first)).hexdigest()
        return {
            "durations_ns": durations,
            "digest": digest,
            "outputs": [output.hex() for output in first],
        }

    def pool_pids(self, request):
        """The process ids of the warm pool's workers (for tests: are they gone later?)."""
        if self.warm_pool is None:
            return {"pids": []}
        return {"pids": [process.pid for process in self.warm_pool._pool]}

    def handle(self, line):
        try:
            request = json.loads(line)
            op = request.get("op")
            if op == "run":
                reply = self.run(request)
            elif op == "pool_pids":
                reply = self.pool_pids(request)
            elif op == "close":
                self.close()
                reply = {}
            else:
                raise ValueError("unknown op %r" % (op,))
            reply["ok"] = True
        except Exception as error:
            reply = {"ok": False, "error": "%s: %s" % (type(error).__name__, error)}
        return reply


def main():
    say(hello())
    driver = Driver()
    try:
        for line in sys.stdin:
            if line.strip():
                say(driver.handle(line))
    finally:
        driver.close()


if __name__ == "__main__":
    main()
