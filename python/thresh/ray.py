"""Ray Data: clean a text column with ``Dataset.map_batches``, one Cleaner per actor.

    import ray
    from thresh.ray import clean_dataset
    ds = ray.data.read_json("data/raw/*.jsonl")
    clean_dataset(ds, text_column="text").write_json("data/clean")

or by hand: ``ds.map_batches(ThreshBatchCleaner, fn_constructor_kwargs={"rules": [...]},
concurrency=4, batch_format="pandas")``.
"""

from __future__ import annotations

import os
from typing import Sequence

from thresh._config import CleanerConfig, cached_cleaner


class ThreshBatchCleaner:
    """A callable class for ``map_batches``: builds its Cleaner once per actor."""

    def __init__(
        self,
        text_column: str = "text",
        url_column: str | None = None,
        rules: Sequence[str | os.PathLike] = (),
        default_rules: bool = True,
        enable: Sequence[str] = (),
        disable: Sequence[str] = (),
    ):
        self.cleaner = cached_cleaner(CleanerConfig.of(rules, default_rules, enable, disable))
        self.text_column = text_column
        self.url_column = url_column

    def __call__(self, batch):
        """Cleans a pandas batch (``batch_format="pandas"``) or a dict of columns."""
        texts = [t if isinstance(t, str) else "" for t in list(batch[self.text_column])]
        urls = None
        if self.url_column:
            urls = [u if isinstance(u, str) else None for u in list(batch[self.url_column])]
        batch[self.text_column] = self.cleaner.clean_many(texts, urls)
        return batch


def clean_dataset(
    ds,
    text_column: str = "text",
    url_column: str | None = None,
    rules: Sequence[str | os.PathLike] = (),
    default_rules: bool = True,
    enable: Sequence[str] = (),
    disable: Sequence[str] = (),
    concurrency: int = 1,
    batch_size: int = 256,
):
    """A Dataset like ``ds`` with ``text_column`` cleaned, by ``concurrency`` actors."""
    CleanerConfig.of(rules, default_rules, enable, disable).build()  # Fail early on bad rules.
    return ds.map_batches(
        ThreshBatchCleaner,
        fn_constructor_kwargs=dict(
            text_column=text_column,
            url_column=url_column,
            rules=list(rules),
            default_rules=default_rules,
            enable=list(enable),
            disable=list(disable),
        ),
        concurrency=concurrency,
        batch_size=batch_size,
        batch_format="pandas",
    )
