"""`python -m backqa.cli`: the same as the `backqa` command."""

import sys

from backqa.cli import main

sys.exit(main())
