"""perfbot-ray-bench: Ray task throughput, run on the head node; prints one JSON line.

perfbot passes this file's text as `python -c <text> --tiny N --cpu N --io N` (the text is a fixed
file of the repo, never user text; the counts are integers validated by perfbot). Log lines from
Ray may surround the result: perfbot looks for the one JSON line. Ray is imported inside main(),
so the file compiles and imports where Ray is not installed.
"""
import argparse
import json
import sys
import time

# One CPU-bound task: a fixed pure-Python loop (about 10-30 ms on a modern core).
CPU_LOOP = 200_000
# One I/O-bound task: a sleep stands for waiting on a remote store or service. Declared with
# num_cpus=0: a task holds one CPU slot by default (Ray's default num_cpus=1), so sleeping tasks would
# run only as many at a time as the cluster has CPUs, and the figure would count CPU slots, not waits.
IO_SLEEP_S = 0.05
RESOURCE_KEYS = ("CPU", "memory", "GPU", "object_store_memory")


def parse_args(argv):
    p = argparse.ArgumentParser(prog="ray_bench")
    p.add_argument("--tiny", type=int, default=10000, help="no-op tasks")
    p.add_argument("--cpu", type=int, default=200, help="CPU-bound tasks")
    p.add_argument("--io", type=int, default=200, help="sleep-based tasks")
    p.add_argument("--address", default="auto")
    p.add_argument("--info-only", action="store_true", help="cluster facts only, no tasks")
    return p.parse_args(argv)


def rate(count, seconds):
    return round(count / seconds, 3) if seconds > 0 else 0.0


def timed(ray, fn, args, count):
    """Submits `count` tasks at once and waits for all: tasks per second over the whole batch."""
    start = time.perf_counter()
    ray.get([fn.remote(*args) for _ in range(count)])
    return rate(count, time.perf_counter() - start)


def cluster_facts(ray):
    resources = ray.cluster_resources()
    picked = {k: float(resources[k]) for k in RESOURCE_KEYS if k in resources}
    picked.setdefault("CPU", 0.0)
    picked.setdefault("memory", 0.0)
    nodes = sum(1 for n in ray.nodes() if n.get("Alive"))
    return {"resources": picked, "ray_version": ray.__version__, "nodes": nodes}


def run(ray, args):
    @ray.remote
    def noop():
        return None

    @ray.remote
    def spin(n):
        total = 0
        for i in range(n):
            total += i * i
        return total

    @ray.remote(num_cpus=0)
    def wait(seconds):
        time.sleep(seconds)
        return None

    # Warm the worker pool first, so that start-up is not counted as throughput.
    ray.get([noop.remote() for _ in range(min(args.tiny, 200))])
    return {
        "tiny_tasks_per_sec": timed(ray, noop, (), args.tiny),
        "cpu_tasks_per_sec": timed(ray, spin, (CPU_LOOP,), args.cpu),
        "io_tasks_per_sec": timed(ray, wait, (IO_SLEEP_S,), args.io),
    }


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    import ray  # noqa: PLC0415 - imported here so that the file compiles without Ray

    ray.init(address=args.address, log_to_driver=False)
    try:
        result = {} if args.info_only else run(ray, args)
        result.update(cluster_facts(ray))
    finally:
        ray.shutdown()
    print(json.dumps(result, sort_keys=True), flush=True)


if __name__ == "__main__":
    main()
