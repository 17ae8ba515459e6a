"""PySpark in local mode: a DataFrame's text column cleaned like the CLI, other columns kept."""

from __future__ import annotations

import os
import sys

import pytest

from pyspark.sql import SparkSession

from thresh.spark import clean_dataframe


@pytest.fixture(scope="module")
def spark():
    # Workers must run the interpreter that has thresh installed (on a cluster: install the
    # wheel on every executor).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("thresh-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_clean_dataframe_matches_the_cli(spark, corpus, cli_output):
    rows = [(i, d["id"], d["text"], d["url"]) for i, d in enumerate(corpus)]
    df = spark.createDataFrame(rows, "n long, id string, text string, url string").repartition(3)
    cleaned = clean_dataframe(df, text_column="text", url_column="url")
    assert cleaned.schema == df.schema
    got = {row["n"]: row for row in cleaned.collect()}
    assert len(got) == len(corpus)
    for i, expected in enumerate(cli_output):
        assert got[i]["text"] == expected["text"], corpus[i]["id"]
        assert got[i]["id"] == corpus[i]["id"]
