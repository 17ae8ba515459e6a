"""The datatrove step, alone and inside a LocalPipelineExecutor reading and writing JSONL."""

from __future__ import annotations

import gzip
import json

from datatrove.data import Document
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from thresh.datatrove import ThreshCleaner


def documents(corpus):
    for doc in corpus:
        metadata = {"url": doc["url"]} if doc["url"] else {}
        yield Document(text=doc["text"], id=doc["id"], metadata=metadata)


def test_the_step_cleans_like_the_cli_and_records_removed_lines(corpus, cli_output):
    step = ThreshCleaner(batch_size=7, drop_empty=False, per_rule=True)
    out = list(step.run(documents(corpus)))
    assert [d.id for d in out] == [d["id"] for d in corpus]
    for doc, expected in zip(out, cli_output):
        assert doc.text == expected["text"], doc.id
        assert doc.metadata["thresh_lines_removed"] == expected["thresh"]["removed_lines"]
        assert doc.metadata["thresh_removed_by_rule"] == expected["thresh"]["rules"]
    stats = step.stats
    assert stats["documents"].total == len(corpus)
    assert stats["lines_removed"].total == sum(r["thresh"]["removed_lines"] for r in cli_output)


def test_emptied_documents_are_dropped_and_counted(corpus, cli_output):
    step = ThreshCleaner()
    kept = list(step.run(documents(corpus)))
    emptied = [r for r in cli_output if not r["text"].strip()]
    assert emptied, "the corpus has documents the cleaner empties"
    assert len(kept) == len(corpus) - len(emptied)
    assert step.stats["emptied"].total == len(emptied)


def test_in_a_local_pipeline(corpus, cli_output, tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    with (source / "part.jsonl").open("w", encoding="utf-8") as f:
        for doc in corpus:
            f.write(json.dumps(doc) + "\n")  # The reader puts `url` into the metadata.
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(source)),
            ThreshCleaner(drop_empty=False),
            JsonlWriter(str(tmp_path / "out")),
        ],
        tasks=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    written = {}
    for path in sorted((tmp_path / "out").iterdir()):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                written[record["id"]] = record
    expected = {doc["id"]: record for doc, record in zip(corpus, cli_output)}
    # datatrove's reader skips documents with no text; everything else comes through.
    assert set(expected) - set(written) == {doc["id"] for doc in corpus if not doc["text"]}
    for id_, record in written.items():
        # datatrove's writer leaves out empty values, such as an emptied text.
        assert record.get("text", "") == expected[id_]["text"], id_
        assert record["metadata"]["thresh_lines_removed"] == expected[id_]["thresh"]["removed_lines"]
