#!/usr/bin/env python3
"""Entry point: python run.py demo|batch|watch|check|templates (see README.md)."""

from toolkit.cli import run_as_program

if __name__ == "__main__":
    run_as_program()
