import sys

from leadcoach.cli import main

# Guarded: the report batch's worker processes start with "spawn", which imports the main
# module again (as __mp_main__); unguarded, each worker would run the command once more.
if __name__ == "__main__":
    sys.exit(main())
