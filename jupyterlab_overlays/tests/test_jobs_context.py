"""The build context: source hash, lock freshness (as pipenv decides), requirements,
the generated Containerfile, image names."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from jupyterlab_overlays.jobs import context as ctx
from jupyterlab_overlays.jobs import naming
from jupyterlab_overlays.jobs import pipfile as pf
from jupyterlab_overlays.jobs.lock import pipenv_env
from jupyterlab_overlays.workspace import repository_component

PIPFILE = """\
[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[packages]
requests = "*"
Six = "*"

[dev-packages]

[requires]
python_version = "3.11"
"""


def write_overlay(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("_", ".")).write_text(text)
    return folder


# --- source hash -----------------------------------------------------------


def test_source_hash_is_deterministic_and_ignores_other_files(tmp_path):
    one = write_overlay(tmp_path / "one", Pipfile=PIPFILE)
    two = write_overlay(tmp_path / "two", Pipfile=PIPFILE)
    (two / "notes.txt").write_text("not part of the image")
    assert ctx.source_hash(one) == ctx.source_hash(two)
    assert re.fullmatch(r"[0-9a-f]{64}", ctx.source_hash(one))


def test_source_hash_is_content_sensitive(tmp_path):
    folder = write_overlay(tmp_path / "o", Pipfile=PIPFILE)
    seen = {ctx.source_hash(folder)}
    (folder / "Pipfile").write_text(PIPFILE + "\n# a comment\n")
    seen.add(ctx.source_hash(folder))
    (folder / "Pipfile.lock").write_text("{}")
    seen.add(ctx.source_hash(folder))
    (folder / "Containerfile").write_text("FROM x\n")
    seen.add(ctx.source_hash(folder))
    assert len(seen) == 4


def test_source_hash_names_the_files(tmp_path):
    """The same bytes as a Containerfile instead of a lock are another source."""
    a = write_overlay(tmp_path / "a", Pipfile=PIPFILE, Pipfile_lock="X")
    b = write_overlay(tmp_path / "b", Pipfile=PIPFILE, Containerfile="X")
    assert ctx.source_hash(a) != ctx.source_hash(b)


def test_the_base_image_is_part_of_the_source(tmp_path):
    """The generated Containerfile names the base image: another base, another tag."""
    folder = write_overlay(tmp_path / "o", Pipfile=PIPFILE)
    default = ctx.source_hash(folder)
    assert default == ctx.source_hash(folder, ctx.DEFAULT_BASE_IMAGE)
    assert ctx.source_hash(folder, "localhost/base:1") == ctx.source_hash(
        folder, "localhost/base:1"
    )
    assert ctx.source_hash(folder, "localhost/base:1") != default
    assert ctx.source_hash(folder, "localhost/base:2") != ctx.source_hash(
        folder, "localhost/base:1"
    )
    built = ctx.build_context(folder, tmp_path / "ctx", "localhost/base:2")
    assert built.source_hash == ctx.source_hash(folder, "localhost/base:2")
    assert naming.image_tag(built.source_hash) != naming.image_tag(
        ctx.source_hash(folder, "localhost/base:1")
    )


def test_the_generated_files_are_part_of_the_source(tmp_path, monkeypatch):
    """What the extension generates counts (a new version may generate another
    Containerfile or requirements.txt), and only what the build would use."""
    folder = write_overlay(tmp_path / "o", Pipfile=PIPFILE)
    before = ctx.source_hash(folder)
    monkeypatch.setattr(ctx, "_ENSURE_TOOLS", ctx._ENSURE_TOOLS + " # changed")
    assert ctx.source_hash(folder) != before
    monkeypatch.undo()
    assert ctx.source_hash(folder) == before
    plan = ctx.plan_build(folder, "b")
    assert sorted(plan.generated) == ["Containerfile", "requirements.txt"]
    assert plan.generated["Containerfile"] == (
        ctx.build_context(folder, tmp_path / "ctx", "b").containerfile.read_text()
    )


def test_the_users_containerfile_does_not_depend_on_the_base_image(tmp_path):
    folder = write_overlay(tmp_path / "o", Pipfile=PIPFILE, Containerfile="FROM x\n")
    assert ctx.source_hash(folder, "localhost/base:1") == ctx.source_hash(folder, "other:2")
    assert "Containerfile" not in ctx.plan_build(folder, "b").generated
    before = ctx.source_hash(folder)
    (folder / "Containerfile").write_text("FROM y\n")
    assert ctx.source_hash(folder) != before


def test_an_overlay_that_cannot_be_built_hashes_its_files(tmp_path):
    folder = write_overlay(tmp_path / "o", Pipfile=PIPFILE, Pipfile_lock="not json")
    with pytest.raises(ValueError):
        ctx.plan_build(folder, "b")
    assert re.fullmatch(r"[0-9a-f]{64}", ctx.source_hash(folder))
    assert ctx.source_hash(folder, "b") == ctx.source_hash(folder, "c")


def test_image_tag():
    digest = hashlib.sha256(b"x").hexdigest()
    assert naming.image_tag(digest) == digest[:12]
    with pytest.raises(ValueError):
        naming.image_tag("not-a-hash")


# --- lock freshness: hand-made fixtures ------------------------------------


def pipenv_style_hash(pipfile: dict, canonical: bool) -> str:
    """The hash as written out in formats.md / plette, independently of ctx."""
    norm = (lambda n: re.sub(r"[-_.]+", "-", n).lower()) if canonical else (lambda n: n)
    data = {
        "_meta": {"sources": pipfile["source"], "requires": pipfile.get("requires", {})},
        "default": {norm(k): v for k, v in pipfile.get("packages", {}).items()},
        "develop": {norm(k): v for k, v in pipfile.get("dev-packages", {}).items()},
    }
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def lock_with(hash_value: str | None) -> str:
    meta = {"pipfile-spec": 6, "requires": {}, "sources": []}
    if hash_value is not None:
        meta["hash"] = {"sha256": hash_value}
    return json.dumps({"_meta": meta, "default": {}, "develop": {}})


PARSED = {
    "source": [{"url": "https://pypi.org/simple", "verify_ssl": True, "name": "pypi"}],
    "packages": {"requests": "*", "Six": "*"},
    "dev-packages": {},
    "requires": {"python_version": "3.11"},
}


def test_pipfile_hash_matches_the_documented_algorithm():
    assert pf.pipfile_hash(PIPFILE) == pipenv_style_hash(PARSED, canonical=True)
    assert pf.pipfile_hash(PIPFILE, canonical=False) == pipenv_style_hash(PARSED, False)
    assert pf.pipfile_hash(PIPFILE) != pf.pipfile_hash(PIPFILE, canonical=False)


@pytest.mark.parametrize("canonical", [True, False], ids=["pipenv-2025+", "plette"])
def test_a_lock_of_this_pipfile_is_fresh(canonical):
    lock = lock_with(pipenv_style_hash(PARSED, canonical))
    assert not pf.lock_is_stale(PIPFILE, lock)


def test_formatting_and_comments_do_not_make_a_lock_stale():
    lock = lock_with(pf.pipfile_hash(PIPFILE))
    reformatted = PIPFILE.replace('requests = "*"', "# pinned later\nrequests   =   '*'")
    assert not pf.lock_is_stale(reformatted, lock)
    # [scripts] and [pipenv] are not part of the hash.
    assert not pf.lock_is_stale(PIPFILE + '\n[scripts]\nx = "echo"\n', lock)


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.replace('requests = "*"', 'requests = "==2.31.0"'),
        lambda t: t.replace('Six = "*"', 'Six = "*"\nnumpy = "*"'),
        lambda t: t.replace('python_version = "3.11"', 'python_version = "3.12"'),
        lambda t: t.replace("verify_ssl = true", "verify_ssl = false"),
        lambda t: t + '\n[extra-category]\nfoo = "*"\n',
        lambda t: t.replace("[dev-packages]", '[dev-packages]\npytest = "*"'),
    ],
    ids=["version", "added", "python", "source", "category", "dev"],
)
def test_pipfile_changes_make_a_lock_stale(change):
    lock = lock_with(pf.pipfile_hash(PIPFILE))
    assert pf.lock_is_stale(change(PIPFILE), lock)


def test_a_pipfile_without_source_hashes_as_with_pypi():
    without = PIPFILE.split("[packages]", 1)[1]
    without = "[packages]" + without
    assert pf.pipfile_hash(without) == pf.pipfile_hash(PIPFILE)


@pytest.mark.parametrize("lock", ["not json", "{}", lock_with(None), lock_with("")])
def test_unreadable_or_hashless_locks_are_stale(lock):
    assert pf.lock_is_stale(PIPFILE, lock)


def test_an_unparsable_pipfile_makes_the_lock_stale():
    assert pf.lock_is_stale("[packages\n", lock_with(pf.pipfile_hash(PIPFILE)))


# --- lock freshness: the real pipenv ---------------------------------------


@pytest.fixture(scope="module")
def real_lock(tmp_path_factory) -> tuple[str, str]:
    """A Pipfile and the Pipfile.lock the real ``pipenv lock`` writes for it."""
    folder = tmp_path_factory.mktemp("real-lock")
    home = tmp_path_factory.mktemp("pipenv-home")
    (folder / "Pipfile").write_text(PIPFILE)
    env = pipenv_env(extra={"WORKON_HOME": str(home / "venvs")})
    result = subprocess.run(
        [sys.executable, "-m", "pipenv", "lock", "--python", sys.executable],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return PIPFILE, (folder / "Pipfile.lock").read_text()


@pytest.mark.slow
def test_real_lock_is_fresh_and_its_hash_is_ours(real_lock):
    pipfile, lock = real_lock
    assert pf.lock_hash(lock) == pf.pipfile_hash(pipfile)
    assert not pf.lock_is_stale(pipfile, lock)


@pytest.mark.slow
def test_real_lock_goes_stale_when_the_pipfile_changes(real_lock):
    pipfile, lock = real_lock
    assert pf.lock_is_stale(pipfile.replace('Six = "*"', 'six = "==1.16.0"'), lock)
    # pipenv itself treats the spelling of a name as the same package
    assert not pf.lock_is_stale(pipfile.replace("Six", "six"), lock)


@pytest.mark.slow
def test_real_lock_to_requirements(real_lock):
    _, lock = real_lock
    text, hashed = pf.lock_to_requirements(lock)
    assert hashed
    names = re.findall(r"^([A-Za-z0-9._-]+)==", text, re.MULTILINE)
    assert {"requests", "six", "urllib3", "idna", "certifi"} <= set(names)
    for block in re.split(r"\n(?=[A-Za-z])", text.split("\n", 2)[2]):
        assert "--hash=sha256:" in block, block


# --- requirements ----------------------------------------------------------

LOCK = {
    "_meta": {
        "hash": {"sha256": "0" * 64},
        "sources": [
            {"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": True},
            {"name": "internal", "url": "http://pkgs.example:8080/simple", "verify_ssl": False},
        ],
    },
    "default": {
        "six": {"hashes": ["sha256:aa", "sha256:bb"], "version": "==1.17.0"},
        "Requests": {
            "extras": ["socks", "security"],
            "hashes": ["sha256:cc"],
            "markers": "python_version >= '3.8'",
            "version": "==2.32.3",
        },
        "colorama": {
            "hashes": ["sha256:dd"],
            "markers": "sys_platform == 'win32'",
            "version": "==0.4.6",
        },
    },
    "develop": {"pytest": {"hashes": ["sha256:ee"], "version": "==8.0.0"}},
}


def test_lock_to_requirements_pins_hashes_markers_extras_and_sources():
    text, hashed = pf.lock_to_requirements(LOCK)
    assert hashed
    assert text == (
        "# Generated by jupyterlab-overlays from Pipfile.lock; do not edit.\n"
        "--index-url https://pypi.org/simple\n"
        "--extra-index-url http://pkgs.example:8080/simple\n"
        "--trusted-host pkgs.example\n"
        "colorama==0.4.6 ; sys_platform == 'win32' \\\n"
        "    --hash=sha256:dd\n"
        "Requests[security,socks]==2.32.3 ; python_version >= '3.8' \\\n"
        "    --hash=sha256:cc\n"
        "six==1.17.0 \\\n"
        "    --hash=sha256:aa \\\n"
        "    --hash=sha256:bb\n"
    )
    assert "pytest" not in text  # develop packages stay out of the image


def test_lock_to_requirements_accepts_text():
    assert pf.lock_to_requirements(json.dumps(LOCK)) == pf.lock_to_requirements(LOCK)


def test_a_git_package_drops_hashes_everywhere():
    lock = json.loads(json.dumps(LOCK))
    lock["default"]["tool"] = {"git": "https://github.com/o/tool.git", "ref": "abc123"}
    text, hashed = pf.lock_to_requirements(lock)
    assert not hashed
    assert "--hash" not in text
    assert "tool @ git+https://github.com/o/tool.git@abc123\n" in text
    assert "six==1.17.0\n" in text


def test_a_local_path_package_cannot_be_built():
    lock = {"default": {"mine": {"path": "../mine", "editable": True}}}
    with pytest.raises(pf.UnsupportedRequirement, match="mine"):
        pf.lock_to_requirements(lock)


def test_not_a_lock():
    with pytest.raises(ValueError):
        pf.lock_to_requirements({"default": []})


def test_pipfile_to_requirements():
    pipfile = """\
[packages]
requests = {version = ">=2.31", extras = ["socks"]}
pandas = "==2.2.3"
Scikit_Learn = "*"
numpy = "1.26.4"
pywin32 = {version = "*", sys_platform = "== 'win32'"}
attrs = {version = "*", markers = "python_version < '3.12'", os_name = "!= 'nt'"}

[dev-packages]
pytest = "*"
"""
    assert pf.pipfile_to_requirements(pipfile) == (
        "# Generated by jupyterlab-overlays from Pipfile [packages]; do not edit.\n"
        "--index-url https://pypi.org/simple\n"
        "attrs ; (python_version < '3.12') and (os_name != 'nt')\n"
        "numpy==1.26.4\n"
        "pandas==2.2.3\n"
        "pywin32 ; sys_platform == 'win32'\n"
        "requests[socks]>=2.31\n"
        "Scikit_Learn\n"
    )


def test_python_version():
    assert pf.python_version(PIPFILE) == "3.11"
    assert pf.python_version('[requires]\npython_full_version = "3.12.4"\n') == "3.12"
    assert pf.python_version("[packages]\n", json.dumps({"_meta": {"requires": {}}})) is None
    lock = json.dumps({"_meta": {"requires": {"python_version": "3.10"}}})
    assert pf.python_version(None, lock) == "3.10"


# --- Containerfile ---------------------------------------------------------


def steps(text: str) -> list[str]:
    return [line.split()[0] for line in text.splitlines() if re.match(r"[A-Z]+ ", line)]


def test_containerfile_installs_packages_before_the_sources():
    text = ctx.containerfile("localhost/overlays-base:bookworm", True, "3.11")
    lines = text.splitlines()
    assert lines[2] == "FROM localhost/overlays-base:bookworm"
    copy_req = lines.index("COPY requirements.txt /opt/overlay/requirements.txt")
    install = next(i for i, line in enumerate(lines) if '"install"' in line)
    copy_sources = lines.index("COPY Pipfile Pipfile.lock /opt/overlay/")
    assert copy_req < install < copy_sources
    assert "--require-hashes" in lines[install]
    # nothing of the overlay is copied before its packages are installed
    assert [i for i, line in enumerate(lines) if line.startswith("COPY")] == [
        copy_req,
        copy_sources,
    ]
    assert steps(text) == ["FROM", "RUN", "RUN", "ENV", "RUN", "COPY", "RUN", "COPY"]


def test_containerfile_provides_python_curl_and_a_venv_on_path():
    text = ctx.containerfile("python:3.11-slim", False, None)
    assert "command -v curl" in text and "command -v python3" in text
    assert 'RUN ["python3", "-m", "venv", "/opt/venv"]' in text
    assert "ENV VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:" in text
    assert "ELYRA_INSTALL_PACKAGES=" not in text  # left unset on purpose
    assert "--require-hashes" not in text  # no lock: specifiers only
    assert "COPY Pipfile /opt/overlay/" in text


def test_containerfile_does_not_depend_on_the_overlay():
    """The same base and Python give the same Containerfile: the only layer that
    changes with the packages is the requirements copy and install."""
    assert ctx.containerfile("b", True, "3.11") == ctx.containerfile("b", True, "3.11")


def test_build_context_from_a_lock(tmp_path):
    lock = json.dumps(LOCK | {"_meta": LOCK["_meta"] | {"hash": {"sha256": "f" * 64}}})
    overlay = write_overlay(tmp_path / "overlays" / "demo", Pipfile=PIPFILE, Pipfile_lock=lock)
    built = ctx.build_context(overlay, tmp_path / "ctx", "localhost/base:1")
    assert sorted(p.name for p in built.dir.iterdir()) == [
        "Containerfile",
        "Pipfile",
        "Pipfile.lock",
        "requirements.txt",
    ]
    assert built.from_lock and not built.user_containerfile
    assert built.lock_hash == "f" * 64
    assert built.python_version == "3.11"
    assert built.source_hash == ctx.source_hash(overlay, "localhost/base:1")
    assert built.source_hash != ctx.source_hash(overlay)  # another base image
    assert naming.image_tag(built.source_hash) == built.source_hash[:12]
    assert any("stale" in warning for warning in built.warnings)
    assert "--require-hashes" in built.containerfile.read_text()
    assert "six==1.17.0" in (built.dir / "requirements.txt").read_text()


def test_build_context_from_a_pipfile(tmp_path):
    overlay = write_overlay(tmp_path / "overlays" / "demo", Pipfile=PIPFILE)
    built = ctx.build_context(overlay, tmp_path / "ctx", "localhost/base:1")
    assert not built.from_lock and built.lock_hash is None
    assert (built.dir / "requirements.txt").read_text().splitlines()[2:] == ["requests", "Six"]
    assert "COPY Pipfile /opt/overlay/" in built.containerfile.read_text()


def test_the_users_containerfile_wins(tmp_path):
    overlay = write_overlay(
        tmp_path / "overlays" / "demo", Pipfile=PIPFILE, Containerfile="FROM scratch\n"
    )
    (overlay / "setup.sh").write_text("echo hi\n")
    (overlay / ".venv").mkdir()
    built = ctx.build_context(overlay, tmp_path / "ctx", "localhost/base:1")
    assert built.user_containerfile
    assert built.containerfile.read_text() == "FROM scratch\n"
    assert (built.dir / "setup.sh").is_file()  # the user's Containerfile may copy it
    assert (built.dir / "requirements.txt").is_file()
    assert not (built.dir / ".venv").exists()


def test_build_context_needs_a_pipfile(tmp_path):
    overlay = write_overlay(tmp_path / "overlays" / "empty")
    with pytest.raises(ValueError, match="no Pipfile"):
        ctx.build_context(overlay, tmp_path / "ctx", "b")


# --- image names -----------------------------------------------------------


def test_image_name():
    assert naming.image_name("localhost", None, "Demo", "Download-Dataset", "3f2a9c1") == (
        "localhost/demo-download-dataset:3f2a9c1"
    )
    assert naming.image_name("Quay.io", "My-Org", "repo", "train", "abc") == (
        "quay.io/my-org/repo-train:abc"
    )
    assert naming.image_name("registry:5000", "a/b", "p", "o", "t") == "registry:5000/a/b/p-o:t"


@pytest.mark.parametrize(
    "args",
    [
        ("local host", None, "p", "o", "t"),
        ("localhost", "bad org!", "p", "o", "t"),
        ("localhost", None, "my project", "o", "t"),
        ("localhost", None, "p", "o", "-tag"),
        ("localhost", None, "p", "o", "t" * 129),
        ("localhost", None, "p.", ".o", "t"),
    ],
)
def test_invalid_image_names(args):
    with pytest.raises(ValueError):
        naming.image_name(*args)


@pytest.mark.parametrize(
    ("folder", "component"),
    [("My Project!", "my-project"), ("work_main", "work_main"), ("a..b--c", "a.b--c")],
)
def test_repository_component(folder, component):
    assert repository_component(folder) == component
    naming.image_name("localhost", None, component, "o", "t")


def test_repository_component_of_nothing():
    with pytest.raises(ValueError):
        repository_component("!!!")
