"""Cleaner settings that travel to workers (a Cleaner itself cannot be pickled)."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Sequence

from thresh._native import Cleaner


@dataclass(frozen=True)
class CleanerConfig:
    """What a worker needs to build the same Cleaner: rule files and switches."""

    rules: tuple[str, ...] = ()
    default_rules: bool = True
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    model: str | None = None
    min_article_probability: float | None = None

    @classmethod
    def of(
        cls,
        rules: Sequence[str | os.PathLike] = (),
        default_rules: bool = True,
        enable: Sequence[str] = (),
        disable: Sequence[str] = (),
        model: str | os.PathLike | None = None,
        min_article_probability: float | None = None,
    ) -> "CleanerConfig":
        # Absolute paths: workers may run in another directory.
        return cls(
            tuple(os.path.abspath(os.fspath(r)) for r in rules),
            default_rules,
            tuple(enable),
            tuple(disable),
            None if model is None else os.path.abspath(os.fspath(model)),
            min_article_probability,
        )

    def build(self) -> Cleaner:
        return Cleaner(
            rules=list(self.rules),
            default_rules=self.default_rules,
            enable=list(self.enable),
            disable=list(self.disable),
            model=self.model,
            min_article_probability=self.min_article_probability,
        )


_cache: dict[CleanerConfig, Cleaner] = {}
_lock = threading.Lock()


def cached_cleaner(config: CleanerConfig) -> Cleaner:
    """One Cleaner per process and configuration: executors and actors build it once."""
    with _lock:
        cleaner = _cache.get(config)
        if cleaner is None:
            cleaner = _cache[config] = config.build()
        return cleaner
