import sys

from enforcement_desk.cli import main

sys.exit(main())
