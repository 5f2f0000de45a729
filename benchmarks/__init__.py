"""The benchmarks of govservice, each a script printing its figures as one JSON object.

``python -m benchmarks`` runs them all and sets each figure against its target
(:mod:`benchmarks.targets`); see ``benchmarks/README.md``.
"""
