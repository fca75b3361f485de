"""``python -m rugwijzer`` works like the ``rugwijzer`` command."""

from rugwijzer.cli.app import main

main()
