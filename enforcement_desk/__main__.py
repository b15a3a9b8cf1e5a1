import sys

from enforcement_desk.cli.main import main

sys.exit(main())
