"""Describe the Python that runs this file, as one line of JSON on stdout.

``GET overlays/environment`` runs it with a kernelspec's interpreter (``python -c``), which
is not the server's and may be old: keep to the standard library and to syntax that every
Python 3 (and 2.7) accepts; no f-strings, no annotations.
"""

import sys


def _stdlib(warnings):
    names = getattr(sys, "stdlib_module_names", None)
    if names is None:
        warnings.append(
            "sys.stdlib_module_names needs Python 3.10: the standard library names are unknown."
        )
        return None
    return sorted(names)


def _packages(warnings):
    try:
        from importlib import metadata
    except ImportError:
        metadata = None
    if metadata is None or not hasattr(metadata, "packages_distributions"):
        warnings.append(
            "importlib.metadata.packages_distributions needs Python 3.10: "
            "the installed packages are unknown."
        )
        return {}
    try:
        by_import_name = metadata.packages_distributions()
    except Exception as error:  # a broken distribution must not hide the rest
        warnings.append("Listing the installed packages failed: " + repr(error))
        return {}

    versions = {}
    packages = {}
    for import_name, distributions in by_import_name.items():
        entries = []
        for distribution in sorted({name for name in distributions if name}):
            if distribution not in versions:
                try:
                    versions[distribution] = metadata.version(distribution)
                except Exception:
                    versions[distribution] = None
            entries.append({"distribution": distribution, "version": versions[distribution]})
        if entries:
            packages[import_name] = entries
    return packages


def describe():
    """What this interpreter is and what it can import."""
    import platform

    warnings = []
    return {
        "python_version": platform.python_version(),
        "executable": sys.executable,
        "stdlib": _stdlib(warnings),
        "packages": _packages(warnings),
        "warnings": warnings,
    }


def main():
    # ``python -c`` puts the working directory first on sys.path: a json.py or
    # platform.py in the server's folder must not shadow the standard library.
    if sys.path and sys.path[0] in ("", "."):
        del sys.path[0]
    import json

    sys.stdout.write(json.dumps(describe(), sort_keys=True) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
