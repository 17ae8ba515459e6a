"""thresh: strip site chrome from scraped text.

    >>> import thresh
    >>> cleaner = thresh.Cleaner()
    >>> cleaner.clean("Advertisement\\n\\nThe council met on Monday to approve the budget.\\n")
    'The council met on Monday to approve the budget.\\n'

A ``Cleaner`` compiles its rules once; share it between threads. ``clean_many`` and
``run_many`` clean a batch on all cores with the GIL released. Adapters for datatrove, PySpark
and Ray Data live in ``thresh.datatrove``, ``thresh.spark`` and ``thresh.ray``.
"""

from thresh._native import Cleaned, Cleaner, RuleError, __version__

__all__ = ["Cleaner", "Cleaned", "RuleError", "__version__"]
