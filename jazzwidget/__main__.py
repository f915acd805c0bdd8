"""`python -m jazzwidget` runs the command-line interface."""

import sys

from jazzwidget.cli import main

sys.exit(main())
