"""``python3 -m mcemu`` (from tests/emulator) starts the emulator."""

from .cli import main

main()
