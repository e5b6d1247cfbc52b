# SPDX-License-Identifier: MIT
# imports: a call-heavy start-up, as a Python program has one: import 50
# standard modules (each a few stat, open, read and mmap calls), then
# print how many were loaded so that native and tandem runs can be
# compared.  Run it as `python3 -I imports.py`.
import importlib
import sys

MODULES = """
argparse array ast asyncio base64 binascii bisect bz2 calendar
collections concurrent.futures configparser contextlib copy csv dataclasses
datetime decimal difflib email.parser enum fnmatch fractions functools
gettext glob gzip hashlib heapq html.parser http.client inspect ipaddress
json logging lzma pathlib pickle pprint random shlex socket statistics
shutil tarfile tempfile textwrap typing uuid zipfile
""".split()

for name in MODULES:
    importlib.import_module(name)
print(len(MODULES), "modules imported")
