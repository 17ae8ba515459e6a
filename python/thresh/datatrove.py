"""A datatrove pipeline step that cleans each ``Document.text`` with thresh.

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from thresh.datatrove import ThreshCleaner

    LocalPipelineExecutor(pipeline=[
        JsonlReader("data/raw"),
        ThreshCleaner(rules=["mysite.toml"]),
        JsonlWriter("data/clean"),
    ], tasks=8).run()

Documents are cleaned in batches on all cores. Each document's metadata gets
``thresh_lines_removed`` (and, with ``per_rule=True``, ``thresh_removed_by_rule``); the step's
stats count documents, lines removed, and documents emptied (dropped when ``drop_empty``).
"""

from __future__ import annotations

import os
from typing import Sequence

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from thresh._config import CleanerConfig, cached_cleaner


class ThreshCleaner(PipelineStep):
    name = "🧹 thresh"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        rules: Sequence[str | os.PathLike] = (),
        default_rules: bool = True,
        enable: Sequence[str] = (),
        disable: Sequence[str] = (),
        batch_size: int = 256,
        drop_empty: bool = True,
        per_rule: bool = False,
        url_key: str = "url",
    ):
        super().__init__()
        # The Cleaner is built where the step runs (it cannot be pickled); check the rules now
        # so a bad rule file fails at once, not on every worker.
        self.config = CleanerConfig.of(rules, default_rules, enable, disable)
        cached_cleaner(self.config)
        self.batch_size = batch_size
        self.drop_empty = drop_empty
        self.per_rule = per_rule
        self.url_key = url_key

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data is None:
            return
        cleaner = cached_cleaner(self.config)
        batch = []
        for doc in data:
            batch.append(doc)
            if len(batch) >= self.batch_size:
                yield from self._clean(cleaner, batch)
                batch = []
        if batch:
            yield from self._clean(cleaner, batch)

    def _clean(self, cleaner, batch):
        with self.track_time(unit="batch"):
            urls = [doc.metadata.get(self.url_key) if isinstance(doc.metadata.get(self.url_key), str) else None for doc in batch]
            results = cleaner.run_many([doc.text for doc in batch], urls)
        for doc, result in zip(batch, results):
            self.stat_update("documents")
            self.stat_update("lines_removed", value=result.lines_removed)
            doc.text = result.text
            doc.metadata["thresh_lines_removed"] = result.lines_removed
            if self.per_rule:
                doc.metadata["thresh_removed_by_rule"] = dict(result.removed_by_rule)
            if not result.text.strip():
                self.stat_update("emptied")
                if self.drop_empty:
                    continue
            yield doc
