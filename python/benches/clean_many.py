"""Python-side throughput of Cleaner.clean_many against the CLI on the same JSONL shard.

    python python/benches/clean_many.py SHARD.jsonl [THRESH_BIN]

Both sides parse the JSONL and clean every record's text with the bundled defaults on all
cores; the CLI also writes its output, Python keeps the cleaned texts in memory. MB/s are over
the shard's bytes. Make a shard with scripts/bench-speed.sh (it keeps its inputs under $TMPDIR/thresh-speed-release).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import thresh


def main() -> None:
    shard = sys.argv[1]
    binary = sys.argv[2] if len(sys.argv) > 2 else "thresh"
    size = os.path.getsize(shard)

    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        subprocess.run([binary, "clean", "-q", shard], stdout=sink, check=True)
    cli = time.perf_counter() - start

    cleaner = thresh.Cleaner()
    start = time.perf_counter()
    cleaned = 0
    batch: list[str] = []
    with open(shard, encoding="utf-8") as f:
        for line in f:
            batch.append(json.loads(line)["text"])
            if len(batch) == 1024:
                cleaned += len(cleaner.clean_many(batch))
                batch = []
    if batch:
        cleaned += len(cleaner.clean_many(batch))
    python = time.perf_counter() - start

    mb = size / 1e6
    print(f"shard: {shard} ({mb:.1f} MB, {cleaned} records, {os.cpu_count()} cores)")
    print(f"thresh clean (CLI, all cores)      {mb / cli:7.1f} MB/s  {cli:6.1f} s")
    print(f"Cleaner.clean_many (Python)        {mb / python:7.1f} MB/s  {python:6.1f} s  ({cli / python:.2f}x the CLI)")


if __name__ == "__main__":
    main()
