"""Ray Data, locally: map_batches with one Cleaner per actor cleans like the CLI."""

from __future__ import annotations

import pytest

import ray

from thresh.ray import clean_dataset


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def test_clean_dataset_matches_the_cli(local_ray, corpus, cli_output):
    items = [{"n": i, "text": d["text"], "url": d["url"]} for i, d in enumerate(corpus)]
    ds = ray.data.from_items(items)
    rows = clean_dataset(ds, text_column="text", url_column="url", concurrency=2, batch_size=5).take_all()
    got = {row["n"]: row["text"] for row in rows}
    assert got == {i: r["text"] for i, r in enumerate(cli_output)}
