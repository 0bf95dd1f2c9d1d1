"""What importing a package's module needs (``module_check.py``): pure readers, a local
index of real archives, the endpoint, and (slow) real PyPI."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import threading
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from jupyterlab_overlays.file_reads import FileReads
from jupyterlab_overlays.index_check import IndexChecks
from jupyterlab_overlays.module_check import ModuleChecks, ModuleUse, parse_use
from jupyterlab_overlays.module_reader import (
    always_imported,
    gone,
    names_in,
    network_reach,
    reset_readers,
    top_names,
)


def test_only_statements_that_always_run_are_read():
    source = """
import os, numpy as np
from matplotlib.colors import Normalize
from . import palettes
from .sineramp import sineramp
from ..core import x
try:
    import scipy
except ImportError:
    scipy = None
if False:
    import pandas
def f():
    import torch
class C:
    import jax
from __future__ import annotations
"""
    found = always_imported(source, "cc.plotting", is_package=False)
    assert ("os", True) in found and ("numpy", True) in found
    assert ("matplotlib.colors", True) in found
    assert ("matplotlib.colors.Normalize", False) in found
    assert ("cc", True) in found and ("cc.palettes", False) in found
    assert ("cc.sineramp", True) in found
    # Two levels up from a module of a top-level package: nothing to resolve.
    assert not any(path.endswith("core") for path, _ in found)
    tops = {path.split(".")[0] for path, _ in found}
    assert not tops & {"scipy", "pandas", "torch", "jax"}
    # A package's relative imports are its own; broken source gives nothing.
    assert ("a.b.c", True) in always_imported("from .c import d", "a.b", is_package=True)
    assert always_imported("def (:", "a", is_package=True) == []


def test_what_a_module_fetches_when_imported():
    # cenpy/explorer.py, in short.
    assert (
        network_reach("import requests as r\nresp = r.get('https://api.census.gov/data.json')\n")
        == "https://api.census.gov/data.json"
    )
    assert network_reach("from urllib.request import urlopen\nDATA = urlopen(URL)\n") == (
        "urllib.request.urlopen"
    )
    assert (
        network_reach("import pandas as pd\nT = pd.read_csv(url='http://x.org/t.csv')\n")
        == "http://x.org/t.csv"
    )
    # Not when imported: in functions, lambdas, under if/try; a URL a call only names.
    quiet = """
import requests
def load():
    return requests.get("https://a.b/c")
later = lambda: requests.get("https://a.b/c")
try:
    requests.get("https://a.b/c")
except Exception:
    pass
if False:
    requests.post("https://a.b/c")
DOCS = "https://a.b/docs"
warnings.warn("see https://a.b/docs")
link("https://a.b/docs")
"""
    assert network_reach(quiet) is None
    assert network_reach("def (:") is None


def test_top_names_gone_and_names_in():
    members = [
        "sklearn/__init__.py",
        "sklearn/datasets/__init__.py",
        "sklearn/datasets/_base.py",
        "six.py",
        "_cffi.cpython-311-x86_64-linux-gnu.so",
        "scikit_learn-1.0.dist-info/METADATA",
    ]
    assert top_names(members) == {"sklearn", "six", "_cffi"}
    assert gone(members, "sklearn.datasets.base")
    assert not gone(members, "sklearn.datasets._base")
    assert not gone(members, "sklearn.datasets")
    # A module of a single-file module (`six.moves`) cannot be told: not gone.
    assert not gone(members, "six.moves")
    assert names_in("from . import base\n", "base")
    assert not names_in("from ._base import load\n", "base")
    assert parse_use("colorcet:colorcet.plotting") == ("colorcet", "colorcet.plotting")
    assert parse_use("../x:y") is None
    assert parse_use("colorcet") is None


@pytest.fixture
def local_index(tmp_path):
    """A local index (http.server) of real archives:

    * ``cc`` 1.0 (wheel) requires ``dd``; ``cc/plotting.py`` imports ``mpl`` (not
      required) and ``dd_mod`` (``dd``'s module, under another name); its
      ``__init__`` imports ``os`` and ``.core``; ``cc/datasets/`` lost ``base``;
    * ``dd`` 1.0 (wheel) provides ``dd_mod``;
    * ``old`` 0.5 (an sdist, uploaded in 2019) requires ``dd`` in its
      ``egg-info/requires.txt`` and imports ``six``;
    * ``uses-old`` 1.0 (wheel) requires ``old``;
    * ``census`` 1.0 (wheel): its ``explorer`` fetches a URL when imported;
    * ``dated`` 1.0 (wheel) imports ``dateutil`` and requires ``python-dateutil`` (which
      the import names' table names for it) and ``extra``;
    * ``resourced`` 1.0 (wheel) imports ``pkg_resources`` and requires ``setuptools``,
      whose newest wheel no longer has it (as setuptools 81 dropped it).
    """
    folder = tmp_path / "files"
    folder.mkdir()

    def wheel(
        name: str, files: dict[str, str], requires: list[str], uploaded: str, version="1.0"
    ) -> dict:
        path = folder / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
        info = f"{name.replace('-', '_')}-{version}.dist-info"
        metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(
            f"Requires-Dist: {r}\n" for r in requires
        )
        with zipfile.ZipFile(path, "w") as archive:
            for member, text in files.items():
                archive.writestr(member, text)
            archive.writestr(f"{info}/METADATA", metadata)
        return {
            "filename": path.name,
            "url": f"../../files/{path.name}",
            "size": path.stat().st_size,
            "upload-time": uploaded,
            "hashes": {"sha256": hashlib.sha256(path.read_bytes()).hexdigest()},
        }

    def sdist(name: str, files: dict[str, str], uploaded: str) -> dict:
        path = folder / f"{name}-0.5.tar.gz"
        with tarfile.open(path, "w:gz") as archive:
            for member, text in files.items():
                data = text.encode()
                info = tarfile.TarInfo(f"{name}-0.5/{member}")
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
        return {
            "filename": path.name,
            "url": f"../../files/{path.name}",
            "size": path.stat().st_size,
            "upload-time": uploaded,
            "hashes": {"sha256": hashlib.sha256(path.read_bytes()).hexdigest()},
        }

    now = "2026-11-01T00:00:00Z"
    # An ancient pre-release numbered above every release (geopandas' 120828rc0).
    odd = folder / "cc-120828rc0.tar.gz"
    with tarfile.open(odd, "w:gz") as archive:
        data = b"import nothing_installs_this\n"
        info = tarfile.TarInfo("cc-120828rc0/cc/__init__.py")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    old_sdist = {
        "filename": odd.name,
        "url": f"../../files/{odd.name}",
        "size": odd.stat().st_size,
        "upload-time": "2012-08-28T00:00:00Z",
    }
    projects = {
        "cc": [
            old_sdist,
            # cc.datasets.base went in 1.0.
            wheel(
                "cc",
                {"cc/__init__.py": "", "cc/datasets/__init__.py": "", "cc/datasets/base.py": ""},
                ["dd"],
                now,
                "0.9",
            ),
            wheel(
                "cc",
                {
                    "cc/__init__.py": "import os\nfrom . import core\n",
                    "cc/core.py": "import json\n",
                    "cc/plotting.py": (
                        "import mpl.colors\nfrom dd_mod import x\nfrom . import core\n"
                    ),
                    "cc/datasets/__init__.py": "from ._base import load\n",
                    "cc/datasets/_base.py": "",
                },
                ["dd", "mpl; extra == 'plots'"],
                now,
            ),
        ],
        "dd": [wheel("dd", {"dd_mod/__init__.py": ""}, [], now)],
        "mpl": [wheel("mpl", {"mpl/__init__.py": "", "mpl/colors.py": ""}, [], now)],
        "old": [
            sdist(
                "old",
                {
                    "setup.py": "",
                    "src/old/__init__.py": "from .stats import s\n",
                    "src/old/stats.py": "from six import iteritems\nimport dd_mod\n",
                    "src/old.egg-info/requires.txt": "dd\n\n[dev]\nnose\n",
                },
                "2019-08-15T18:06:23Z",
            )
        ],
        "uses-old": [wheel("uses-old", {"uses_old/__init__.py": ""}, ["old"], now)],
        "six": [wheel("six", {"six.py": ""}, [], now)],
        "census": [
            wheel(
                "census",
                {
                    "census/__init__.py": "from . import explorer\n",
                    "census/explorer.py": (
                        "import requests as r\nAPIS = r.get('https://api.example/data.json')\n"
                    ),
                },
                ["requests"],
                now,
            )
        ],
        "requests": [wheel("requests", {"requests/__init__.py": ""}, [], now)],
        "dated": [
            wheel(
                "dated",
                {"dated/__init__.py": "import dateutil\n"},
                ["python-dateutil", "extra"],
                now,
            )
        ],
        "python-dateutil": [wheel("python-dateutil", {"dateutil/__init__.py": ""}, [], now)],
        "extra": [wheel("extra", {"extra/__init__.py": ""}, [], now)],
        "resourced": [
            wheel(
                "resourced",
                {"resourced/__init__.py": "import pkg_resources\n"},
                ["setuptools"],
                now,
            )
        ],
        # pkg_resources went in 0.9 (setuptools 82 in real life).
        "setuptools": [
            wheel("setuptools", {"setuptools/__init__.py": "", **resources}, [], now, version)
            for version, resources in [
                ("0.5", {"pkg_resources.py": ""}),
                ("0.7", {"pkg_resources/__init__.py": ""}),
                ("0.8", {"pkg_resources/__init__.py": ""}),
                ("0.9", {}),
                ("1.0", {}),
            ]
        ],
    }
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()

    async def fake_files(normalized):
        return projects.get(normalized)

    checks = IndexChecks(f"http://127.0.0.1:{server.server_port}/simple/")
    checks._files = fake_files
    checks.server = server
    yield checks
    server.shutdown()


async def test_what_a_module_imports_that_nothing_required_installs(local_index):
    lists = []
    names = local_index.archive_names

    async def recorded(name, item):
        lists.append(name)
        return await names(name, item)

    local_index.archive_names = recorded
    found = await ModuleChecks(local_index).uses(
        [
            ("cc", "cc.plotting"),
            ("cc", "cc"),
            ("cc", "cc.datasets.base"),
            ("cc", "cc.datasets"),
            ("cc", "cc.datasets.never"),
            ("old", "old"),
            ("uses-old", "uses_old"),
            ("nothing-here", "nothing_here"),
            ("census", "census"),
            ("dated", "dated"),
            ("resourced", "resourced"),
        ],
        "3.11",
    )
    plotting, top, base, datasets, never, old, uses_old, nothing, census, dated, resourced = found
    assert (plotting.status, plotting.needs, plotting.by) == ("undeclared", ["mpl"], None)
    assert "cc.plotting (cc 1.0) imports mpl" in plotting.detail
    # The release that installs is read, not the pre-release numbered above it.
    assert top == ModuleUse("cc", "cc")
    assert (base.status, datasets.status) == ("gone", "ok")
    assert "cc 1.0 has no module cc.datasets.base" in base.detail
    # The release that removed it is found, and the cap that brings it back.
    assert base.caps == {"cc": "<1.0"} and "cc <1.0 has it" in base.detail
    # A module no release had: no cap, and the flag says so.
    assert (never.status, never.caps) == ("gone", {})
    assert "no release of cc with a wheel for Python 3.11 has it" in never.detail
    # An sdist under src/, its requirements from egg-info/requires.txt.
    assert (old.status, old.needs) == ("undeclared", ["six"])
    # One level down, through a requirement with no release for years.
    assert (uses_old.status, uses_old.needs, uses_old.by) == ("undeclared", ["six"], "old")
    assert nothing == ModuleUse("nothing-here", "nothing_here")
    # Imported, it asks a server: said, with nothing to add.
    assert (census.status, census.needs) == ("network", [])
    assert "census.explorer fetches https://api.example/data.json" in census.detail
    # dateutil is python-dateutil's by the table: only its file list is read.
    assert dated == ModuleUse("dated", "dated")
    assert "python-dateutil" in lists and "extra" not in lists
    # The table names setuptools for pkg_resources; its newest wheel says otherwise.
    assert (resourced.status, resourced.needs) == ("undeclared", ["pkg_resources"])
    assert resourced.caps == {"setuptools": "<0.9"}
    assert "setuptools 0.9 removed pkg_resources, setuptools <0.9 has it" in resourced.detail
    assert plotting.caps == {} and old.caps == {}


USES = [
    ("cc", "cc.plotting"),
    ("cc", "cc.datasets.base"),
    ("old", "old"),
    ("uses-old", "uses_old"),
    ("census", "census"),
]


async def test_what_was_read_is_kept_on_disk_by_each_files_hash(local_index, tmp_path, monkeypatch):
    store = tmp_path / "reads.sqlite3"
    local_index.store = FileReads(store)
    first = await ModuleChecks(local_index).uses(USES, "3.11")
    assert [u.status for u in first] == [
        "undeclared",
        "gone",
        "undeclared",
        "undeclared",
        "network",
    ]
    # The index's files are gone (the server stopped): a new process of checks (as
    # after a restart, or the command line's next run) answers the same from the file.
    local_index.server.shutdown()
    local_index.server.server_close()
    again = IndexChecks(local_index.url, timeout=2, store=FileReads(store))
    again._files = local_index._files
    assert await ModuleChecks(again).uses(USES, "3.11") == first
    # What a reader whose code changed read is not used: it reads again (and here
    # fails; a new reader process, which has kept no archive in memory).
    monkeypatch.setattr("jupyterlab_overlays.module_check.READER_CODE", "changed")
    reset_readers()
    again = IndexChecks(local_index.url, timeout=2, store=FileReads(store))
    again._files = local_index._files
    changed = await ModuleChecks(again).uses(USES, "3.11")
    assert changed[0].status == "unknown" and "not reachable" in changed[0].detail


async def test_an_unreachable_index_says_so_and_flags_nothing():
    (found,) = await ModuleChecks(IndexChecks("http://127.0.0.1:9/simple/", timeout=2)).uses(
        [("cc", "cc.plotting")], "3.11"
    )
    assert (found.status, found.needs) == ("unknown", [])
    assert "not reachable" in found.detail


async def test_rest_endpoint_refuses_a_bad_use(jp_fetch):
    from tornado.httpclient import HTTPClientError

    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("overlays", "index-check", params={"use": "../x:y"})
    assert error.value.code == 400
    assert "package:dotted.path" in json.loads(error.value.response.body)["message"]


@pytest.mark.slow
async def test_real_pypi_modules():
    found = await ModuleChecks(IndexChecks()).uses(
        [
            ("colorcet", "colorcet.plotting"),
            ("colorcet", "colorcet"),
            ("scikit-learn", "sklearn.datasets.base"),
            ("scikit-learn", "sklearn.model_selection"),
            ("empyrical", "empyrical"),
            ("six", "six.moves"),
            ("cenpy", "cenpy"),
            ("fbprophet", "fbprophet"),
        ],
        "3.11",
    )
    plotting, colorcet, base, model_selection, empyrical, moves, cenpy, fbprophet = found
    assert plotting.status == "undeclared" and "matplotlib" in plotting.needs
    assert colorcet.status == "ok"
    assert base.status == "gone"
    assert model_selection.status == "ok"
    assert (empyrical.status, empyrical.needs) == ("undeclared", ["six"])
    assert moves.status == "ok"
    # cenpy/explorer.py asks api.census.gov for its list of APIs when imported.
    assert cenpy.status == "network" and "https://api.census.gov/data.json" in cenpy.detail
    # fbprophet imports pkg_resources, which setuptools 82.0.0 removed.
    assert (fbprophet.status, fbprophet.needs) == ("undeclared", ["pkg_resources"])
    assert fbprophet.caps == {"setuptools": "<82.0.0"}
    # No release of scikit-learn with a wheel for 3.11 has sklearn.datasets.base.
    assert base.caps == {}
    assert "no release of scikit-learn with a wheel for Python 3.11 has it" in base.detail
