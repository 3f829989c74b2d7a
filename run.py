#!/usr/bin/env python3
"""Entry point: python run.py demo|batch|watch|check|templates (see README.md)."""
import sys

from toolkit.cli import main

if __name__ == "__main__":
    sys.exit(main())
