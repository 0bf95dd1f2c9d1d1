"""Generate the import tables bundled with the frontend (src/imports/data/).

    .venv/bin/python scripts/generate_import_tables.py

Sources (downloaded from PyPI by pip, pinned, read from their wheels):

- stdlib-list 0.12.0 (MIT): the standard library of each Python version;
  we keep top-level names for 3.9 to 3.13, and the names of Python 2.7's
  that Python 3 no longer has (`StringIO`, `urllib2`: a notebook's fallback
  import for Python 2, never a package to install).
- pipreqs 0.5.0 (Apache-2.0): its `mapping` file of import name → PyPI
  distribution. It has known errors (generic names mapped to obscure
  packages, stdlib names, dead packages, several distributions for one name);
  the fixes below correct them and add common cases it lacks.

The output is deterministic: re-running it gives the same files.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "imports" / "data"

STDLIB_LIST = "stdlib-list==0.12.0"
PIPREQS = "pipreqs==0.5.0"
PYTHON_VERSIONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]

# pipreqs maps these generic names (almost always a local module in a
# notebook's project) to unrelated packages: `models` → asposebarcode,
# `src` → atlas, `test` → pytabix, `version` → chartio, `demo` → webunit,
# `examples` → tweepy, `App` → Zope2. Leave them unresolved.
GENERIC_NAMES = {
    "App",
    "app",
    "common",
    "config",
    "core",
    "data",
    "demo",
    "examples",
    "helpers",
    "lib",
    "main",
    "models",
    "settings",
    "src",
    "test",
    "tests",
    "tools",
    "utils",
    "version",
}

# Namespace roots are resolved by submodule in the frontend (google.cloud.storage
# → google-cloud-storage), never by their root alone.
NAMESPACE_ROOTS = {
    "argo",
    "azure",
    "backports",
    "google",
    "jaraco",
    "opentelemetry",
    "sphinxcontrib",
    "thoth",
    "zope",
}

# Corrections and additions: import name → distribution. A fix wins over pipreqs.
FIXES = {
    # pipreqs errors
    "MySQLdb": "mysqlclient",  # MySQL-python is dead and does not build on Python 3
    "socks": "PySocks",  # SocksiPy_branch is an abandoned fork
    "slugify": "python-slugify",  # two candidates in pipreqs; python-slugify is the common one
    "Levenshtein": "Levenshtein",  # python-Levenshtein is now a shim over it
    "progressbar": "progressbar2",
    "dogpile": "dogpile.cache",
    "ruamel": "ruamel.yaml",
    "antlr4": "antlr4-python3-runtime",
    "pysqlite2": "pysqlite",
    # common cases pipreqs lacks
    "Bio": "biopython",
    "OpenSSL": "pyOpenSSL",
    "PIL": "Pillow",
    "RPi": "RPi.GPIO",
    "Xlib": "python-xlib",
    "attr": "attrs",
    "bs4": "beautifulsoup4",
    "cairo": "pycairo",
    "corsheaders": "django-cors-headers",
    "cv2": "opencv-python",
    "dateutil": "python-dateutil",
    "debug_toolbar": "django-debug-toolbar",
    "docx": "python-docx",
    "dotenv": "python-dotenv",
    "engineio": "python-engineio",
    "environ": "django-environ",
    "faiss": "faiss-cpu",
    "fitz": "PyMuPDF",
    "gi": "PyGObject",
    "git": "GitPython",
    "grpc": "grpcio",
    "grpc_tools": "grpcio-tools",
    "jose": "python-jose",
    "jwt": "PyJWT",
    "kafka": "kafka-python",
    "magic": "python-magic",
    "mpl_toolkits": "matplotlib",
    "multipart": "python-multipart",
    "nacl": "PyNaCl",
    "pkg_resources": "setuptools",
    "distutils": "setuptools",  # not stdlib from 3.12; setuptools ships it
    "pptx": "python-pptx",
    "pylab": "matplotlib",
    "pythoncom": "pywin32",
    "serial": "pyserial",
    "skimage": "scikit-image",
    "sklearn": "scikit-learn",
    "umap": "umap-learn",
    "usb": "pyusb",
    "win32api": "pywin32",
    "win32con": "pywin32",
    "wx": "wxPython",
    "yaml": "PyYAML",
    "zmq": "pyzmq",
    "_pytest": "pytest",
    "allauth": "django-allauth",
    "crispy_forms": "django-crispy-forms",
    "dns": "dnspython",
    "Cryptodome": "pycryptodomex",
    "Crypto": "pycryptodome",
    "websocket": "websocket-client",
    "telegram": "python-telegram-bot",
    "discord": "discord.py",
    "tensorflow_hub": "tensorflow-hub",
    "pl_bolts": "lightning-bolts",
    "llama_cpp": "llama-cpp-python",
    "whisper": "openai-whisper",
    "fastText": "fasttext",
    "paddle": "paddlepaddle",
    "tflite_runtime": "tflite-runtime",
    "sklearn_crfsuite": "sklearn-crfsuite",
    "imblearn": "imbalanced-learn",
    "category_encoders": "category-encoders",
    # seen in real notebooks (the AICoE project template, Thoth, Kale examples)
    "gremlin_python": "gremlinpython",
    "rgf": "rgf_python",
    # Kubeflow Kale's wheel holds kale/ (kubeflow_kale-2.3.0); the project "kale" on
    # PyPI is another one (sdists of 2014, kale-0.2.4), which does not build.
    "kale": "kubeflow-kale",
}

# One import name, several distributions that provide it: the user picks.
# The first is the default until they do.
AMBIGUOUS = {
    "cv2": [
        "opencv-python",
        "opencv-python-headless",
        "opencv-contrib-python",
        "opencv-contrib-python-headless",
    ],
    "psycopg2": ["psycopg2", "psycopg2-binary"],
    "faiss": ["faiss-cpu", "faiss-gpu"],
    "onnxruntime": ["onnxruntime", "onnxruntime-gpu"],
    "bson": ["pymongo", "bson"],
    "magic": ["python-magic", "python-magic-bin"],
    "tensorflow": ["tensorflow", "tensorflow-cpu"],
    "jwt": ["PyJWT", "jwt"],
}

# Namespace packages: submodules map to their own distributions.
NAMESPACES = {
    "google": {
        "groups": ["cloud"],
        "exact": {
            "google.protobuf": "protobuf",
            "google.oauth2": "google-auth",
            "google.auth": "google-auth",
            "google.rpc": "googleapis-common-protos",
            "google.type": "googleapis-common-protos",
            "google.longrunning": "googleapis-common-protos",
            "google.api": "googleapis-common-protos",
            "google.cloud.storage_transfer": "google-cloud-storage-transfer",
        },
    },
    "azure": {
        "groups": ["ai", "keyvault", "mgmt", "monitor", "storage", "communication", "search"],
        "exact": {"azure.storage.filedatalake": "azure-storage-file-datalake"},
    },
    "backports": {"groups": [], "exact": {}},
    "jaraco": {"groups": [], "exact": {}},
    "opentelemetry": {
        "groups": ["exporter", "instrumentation"],
        "exact": {
            "opentelemetry.trace": "opentelemetry-api",
            "opentelemetry.context": "opentelemetry-api",
            "opentelemetry.metrics": "opentelemetry-api",
            "opentelemetry.propagate": "opentelemetry-api",
            "opentelemetry.baggage": "opentelemetry-api",
        },
    },
    "sphinxcontrib": {"groups": [], "exact": {}},
    # thoth.storages → thoth-storages, thoth.common → thoth-common, …
    "thoth": {"groups": [], "exact": {}},
    # argo.workflows → argo-workflows
    "argo": {"groups": [], "exact": {}},
    "zope": {"groups": [], "exact": {}},
}

# Submodules that need more than their own distribution at run time: what each
# package's own error says to install when it is missing (bokeh >= 3.5: "The separate
# bokeh_sampledata is needed in order to use the sampledata module"; dask: 'Dask
# dataframe requirements are not installed … pip install "dask[dataframe]"'; ray:
# 'Run `pip install "ray[tune]"` to fix'; holoviews: "No module named 'datashader'").
# Each seen in a fresh venv with only the package installed. Requirement strings: an
# extra of the package itself joins its requirement.
COMPANIONS = {
    "bokeh.sampledata": ["bokeh-sampledata"],
    "dask.array": ["dask[array]"],
    "dask.dataframe": ["dask[dataframe]"],
    "dask.distributed": ["dask[distributed]"],
    "holoviews.operation.datashader": ["datashader"],
    "ray.data": ["ray[data]"],
    "ray.serve": ["ray[serve]"],
    "ray.tune": ["ray[tune]"],
}


def normalize(name: str) -> str:
    """PEP 503 normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def download(requirement: str, folder: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "-q",
            "--no-deps",
            "-d",
            str(folder),
            requirement,
        ],
        check=True,
    )
    name = requirement.split("==")[0].replace("-", "_")
    return next(folder.glob(f"{name}-*.whl"))


def stdlib_tables(wheel: Path) -> dict[str, list[str]]:
    tables = {}
    with zipfile.ZipFile(wheel) as archive:
        for version in PYTHON_VERSIONS:
            text = archive.read(f"stdlib_list/lists/{version}.txt").decode()
            names = {line.strip().split(".")[0] for line in text.splitlines() if line.strip()}
            # The 3.9 list was read off a conda build: drop its build artefacts
            # and add the public C modules it lacks.
            names -= {"lib"} | {name for name in names if name.startswith("_sysconfigdata_")}
            if version == "3.9":
                names |= {"nt", "pyexpat"}
            tables[version] = sorted(names)
    # The known change the frontend relies on: distutils left in 3.12.
    if "distutils" not in tables["3.11"] or "distutils" in tables["3.12"]:
        raise SystemExit("stdlib-list no longer shows distutils leaving in 3.12")
    return tables


def python2_only(wheel: Path) -> list[str]:
    """Top-level names of Python 2.7's standard library that no Python 3 has."""
    with zipfile.ZipFile(wheel) as archive:
        lists = [name for name in archive.namelist() if name.startswith("stdlib_list/lists/")]
        tops = {}
        for name in lists:
            version = name.rsplit("/", 1)[1].removesuffix(".txt")
            text = archive.read(name).decode()
            tops[version] = {line.strip().split(".")[0] for line in text.splitlines() if line}
    python3 = set().union(*(names for version, names in tops.items() if version.startswith("3.")))
    return sorted(tops["2.7"] - python3 - {""})


def distribution_table(wheel: Path, stdlib: set[str]) -> tuple[dict[str, str], list[str]]:
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read("pipreqs/mapping").decode()
    candidates: dict[str, set[str]] = {}
    for line in text.splitlines():
        if ":" not in line:
            continue
        module, distribution = (part.strip() for part in line.split(":", 1))
        candidates.setdefault(module, set()).add(distribution)

    report = []
    table = {}
    for module, distributions in sorted(candidates.items()):
        if module in FIXES:
            continue
        if module in GENERIC_NAMES or module in NAMESPACE_ROOTS or module in stdlib:
            report.append(f"dropped {module}: {', '.join(sorted(distributions))}")
            continue
        if len(distributions) > 1:
            report.append(f"dropped {module} (several): {', '.join(sorted(distributions))}")
            continue
        (distribution,) = distributions
        if normalize(distribution) == normalize(module):
            continue  # the identity rule finds it anyway
        table[module] = distribution
    table.update(FIXES)
    return dict(sorted(table.items())), report


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        stdlib_wheel = download(STDLIB_LIST, folder)
        stdlib = stdlib_tables(stdlib_wheel)
        python2 = python2_only(stdlib_wheel)
        every_stdlib = set().union(*map(set, stdlib.values()))
        table, report = distribution_table(download(PIPREQS, folder), every_stdlib)

    OUT.mkdir(parents=True, exist_ok=True)
    header = "Generated by scripts/generate_import_tables.py; do not edit by hand."
    (OUT / "stdlib.json").write_text(
        json.dumps(
            {
                "_comment": header,
                "source": f"{STDLIB_LIST} (MIT)",
                "versions": stdlib,
                "python2": python2,
            },
            indent=1,
        )
        + "\n"
    )
    (OUT / "distributions.json").write_text(
        json.dumps(
            {
                "_comment": header,
                "source": f"{PIPREQS} mapping (Apache-2.0), with this project's fixes",
                "modules": table,
                "ambiguous": AMBIGUOUS,
                "namespaces": NAMESPACES,
                "companions": COMPANIONS,
            },
            indent=1,
        )
        + "\n"
    )
    print(f"stdlib: {', '.join(f'{v}: {len(n)}' for v, n in stdlib.items())} names")
    print(f"distributions: {len(table)} import names whose distribution differs")
    print(f"{len(report)} pipreqs entries left out:")
    for line in report:
        print("  " + line)


if __name__ == "__main__":
    main()
