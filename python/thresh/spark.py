"""PySpark: clean a text column of a DataFrame, one Cleaner per executor process.

    from thresh.spark import clean_dataframe
    cleaned = clean_dataframe(df, text_column="text", rules=["mysite.toml"])

The rules travel to executors as settings (paths must be readable there); each Python worker
builds its Cleaner once and reuses it for every partition. Within a partition, rows are cleaned
in batches on the worker's cores.
"""

from __future__ import annotations

import os
from typing import Iterable, Iterator, Sequence

from thresh._config import CleanerConfig, cached_cleaner


def clean_partition(
    rows: Iterable,
    config: CleanerConfig,
    text_column: str = "text",
    url_column: str | None = None,
    batch_size: int = 512,
) -> Iterator:
    """Cleans the rows of one partition (a ``mapPartitions`` function); other columns are kept."""
    from pyspark.sql import Row

    cleaner = cached_cleaner(config)
    batch: list = []

    def flush():
        texts = [row[text_column] or "" for row in batch]
        urls = [row[url_column] for row in batch] if url_column else None
        for row, text in zip(batch, cleaner.clean_many(texts, urls)):
            values = row.asDict()
            values[text_column] = text
            yield Row(**values)

    for row in rows:
        batch.append(row)
        if len(batch) >= batch_size:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def clean_dataframe(
    df,
    text_column: str = "text",
    url_column: str | None = None,
    rules: Sequence[str | os.PathLike] = (),
    default_rules: bool = True,
    enable: Sequence[str] = (),
    disable: Sequence[str] = (),
):
    """A DataFrame like ``df`` with ``text_column`` cleaned; the schema and row order are kept."""
    config = CleanerConfig.of(rules, default_rules, enable, disable)
    config.build()  # A bad rule file fails here, on the driver, with its position.
    schema = df.schema
    columns = schema.fieldNames()
    rdd = df.rdd.mapPartitions(lambda rows: clean_partition(rows, config, text_column, url_column))
    return df.sparkSession.createDataFrame(rdd.map(lambda row: tuple(row[c] for c in columns)), schema)
