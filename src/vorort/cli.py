"""The `vorort` console entry point.

Subcommands that need no database (`calc`) run without starting Django, so the law engine's
batch stays a pure, fast process. Everything else is a Django management command:
`vorort demo`, `vorort serve`, `vorort worker`, `vorort audit verify`, `vorort migrate`, ...
"""

from __future__ import annotations

import os
import sys

# Subcommands served without Django: name -> "module:function" taking argv and returning an exit code.
PURE_COMMANDS = {
    "calc": "vorort.recht.cli:main",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in PURE_COMMANDS:
        # Before NumPy is imported: no transparent huge pages for its arrays. A batch faults in about
        # a gigabyte of fresh columns once; huge pages made the kernel compact memory on those faults,
        # which cost more system time than the whole computation (decision 0106).
        os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
        module_name, function_name = PURE_COMMANDS[argv[0]].split(":")
        module = __import__(module_name, fromlist=[function_name])
        return getattr(module, function_name)(argv[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vorort.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["vorort", *argv] if argv else ["vorort", "help"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
