"""The pain diary: follow one episode of back pain over time and re-assess it at every entry.

Layers: :mod:`.model` (plain records), :mod:`.followup` (pure rules: intake per entry, trend, what
changed), :mod:`.service` (use cases over :mod:`rugwijzer.storage`), and the adapters (:mod:`.web`,
``rugwijzer.cli.diary``). Kept import-light: storage imports the records from here.
"""
