#!/usr/bin/python3
"""Start the MaxCompute emulator: ``tests/emulator/mc_emulator.py --help``."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mcemu.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
