"""`python -m enforcement_desk`: the command line, the same as `enforcement-desk`."""

import sys

from enforcement_desk.cli.main import main

sys.exit(main())
