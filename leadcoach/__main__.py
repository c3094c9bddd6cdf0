import sys

from leadcoach.cli import main

sys.exit(main())
