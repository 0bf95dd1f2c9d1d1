"""``GET overlays/environment``: a kernelspec's Python, probed in a subprocess."""

import json
import platform
import sys
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from tornado.httpclient import HTTPClientError

from jupyterlab_overlays import _probe
from jupyterlab_overlays.config import OverlaysConfig
from jupyterlab_overlays.environment import (
    PROBE,
    EnvironmentService,
    interpreter_of,
    kernel_env,
    parse_probe_output,
    probe_python,
    stderr_tail,
)
from jupyterlab_overlays.errors import RequestError


@pytest.fixture
def kernelspec(jp_kernel_dir):
    """Write a kernelspec into the test server's kernels folder; return its name."""

    def write(name: str, argv: list[str], language: str = "python", **extra) -> str:
        folder = Path(jp_kernel_dir) / name
        folder.mkdir(parents=True, exist_ok=True)
        spec = {"argv": argv, "display_name": name, "language": language, **extra}
        (folder / "kernel.json").write_text(json.dumps(spec))
        return name

    return write


async def get_environment(jp_fetch, **params):
    response = await jp_fetch("overlays", "environment", params=params)
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    return json.loads(response.body)


async def get_error(jp_fetch, **params) -> tuple[int, str]:
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("overlays", "environment", params=params)
    response = error.value.response
    assert response.headers["Content-Type"].startswith("application/json")
    body = json.loads(response.body)
    assert isinstance(body["message"], str) and body["message"]
    return error.value.code, body["message"]


# The server, with the native python3 kernelspec and real subprocesses.


async def test_python3_kernelspec_describes_this_interpreter(jp_fetch):
    payload = await get_environment(jp_fetch, kernel="python3")
    assert payload["kernel"] == "python3"
    assert payload["cached"] is False
    assert payload["python_version"] == platform.python_version()
    assert Path(payload["executable"]).resolve() == Path(sys.executable).resolve()
    assert {"os", "json", "asyncio"} <= set(payload["stdlib"])
    assert payload["stdlib"] == sorted(payload["stdlib"])
    assert payload["warnings"] == []
    [entry] = payload["packages"]["jupyter_server"]
    assert entry["distribution"].replace("-", "_").lower() == "jupyter_server"
    assert entry["version"] == metadata.version("jupyter_server")
    assert payload["packages"]["tornado"] == [
        {"distribution": "tornado", "version": metadata.version("tornado")}
    ]
    assert set(payload) == {
        "kernel",
        "cached",
        "python_version",
        "executable",
        "stdlib",
        "packages",
        "warnings",
    }


async def test_second_call_is_cached_and_refresh_probes_again(jp_fetch):
    first = await get_environment(jp_fetch, kernel="python3")
    second = await get_environment(jp_fetch, kernel="python3")
    refreshed = await get_environment(jp_fetch, kernel="python3", refresh="1")
    again = await get_environment(jp_fetch, kernel="python3")
    assert [first["cached"], second["cached"], refreshed["cached"], again["cached"]] == [
        False,
        True,
        False,
        True,
    ]
    assert {**first, "cached": True} == second
    assert refreshed["packages"] == first["packages"]


async def test_only_argv0_runs_without_the_kernel_arguments(jp_fetch, kernelspec, fake_tool):
    record = fake_tool("record", "").parent / "args.txt"
    wrapper = fake_tool(
        "python-wrapper", f'printf "%s\\n" "$@" > "{record}"\nexec "{sys.executable}" "$@"\n'
    )
    kernelspec("wrapped", [str(wrapper), "-m", "ipykernel_launcher", "-f", "{connection_file}"])
    payload = await get_environment(jp_fetch, kernel="wrapped")
    assert payload["python_version"] == platform.python_version()
    assert record.read_text() == f"-c\n{PROBE}\n"


async def test_a_changed_kernelspec_is_probed_again(jp_fetch, kernelspec):
    kernelspec("mine", [sys.executable])
    assert (await get_environment(jp_fetch, kernel="mine"))["cached"] is False
    assert (await get_environment(jp_fetch, kernel="mine"))["cached"] is True
    kernelspec("mine", [sys.executable], env={"SOMETHING": "else"})
    assert (await get_environment(jp_fetch, kernel="mine"))["cached"] is False


async def test_the_kernelspec_env_reaches_the_probe(jp_fetch, kernelspec, tmp_path):
    extra = tmp_path / "extra-site"
    dist_info = extra / "made_up_dist-1.2.3.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: made-up-dist\nVersion: 1.2.3\n"
    )
    (dist_info / "top_level.txt").write_text("made_up\n")
    kernelspec("extra", [sys.executable], env={"PYTHONPATH": str(extra)})
    payload = await get_environment(jp_fetch, kernel="extra")
    assert payload["packages"]["made_up"] == [{"distribution": "made-up-dist", "version": "1.2.3"}]


async def test_unknown_kernelspec_is_404_naming_it(jp_fetch):
    status, message = await get_error(jp_fetch, kernel="no-such-kernel")
    assert status == 404
    assert "no-such-kernel" in message


@pytest.mark.parametrize("params", [{}, {"kernel": ""}, {"refresh": "1"}])
async def test_missing_kernel_parameter_is_400(jp_fetch, params):
    status, message = await get_error(jp_fetch, **params)
    assert status == 400
    assert "kernel" in message


async def test_a_name_that_is_not_a_kernelspec_name_is_400(jp_fetch):
    status, message = await get_error(jp_fetch, kernel="../python3")
    assert status == 400
    assert "../python3" in message


async def test_non_python_kernelspec_is_400(jp_fetch, kernelspec):
    kernelspec("ir", ["R", "--slave", "-e", "IRkernel::main()", "--args", "{connection_file}"], "R")
    status, message = await get_error(jp_fetch, kernel="ir")
    assert status == 400
    assert "'ir'" in message and "R" in message


async def test_python_that_exits_1_is_502_with_its_stderr(jp_fetch, kernelspec, fake_tool):
    python = fake_tool(
        "python", 'echo "line one" >&2\necho "ModuleNotFoundError: nope %s" >&2\nexit 1\n'
    )
    kernelspec("broken", [str(python), "-m", "ipykernel_launcher"])
    status, message = await get_error(jp_fetch, kernel="broken")
    assert status == 502
    assert str(python) in message and "'broken'" in message
    assert "exit code 1" in message
    assert "line one\nModuleNotFoundError: nope %s" in message


async def test_python_that_prints_no_json_is_502(jp_fetch, kernelspec, fake_tool):
    python = fake_tool("python", 'echo "Python 3.11.7, hello"\necho "a warning" >&2\n')
    kernelspec("chatty", [str(python)])
    status, message = await get_error(jp_fetch, kernel="chatty")
    assert status == 502
    assert str(python) in message
    assert "did not print JSON" in message and "Python 3.11.7, hello" in message
    assert "a warning" in message


async def test_python_that_does_not_exist_is_502(jp_fetch, kernelspec, tmp_path):
    missing = tmp_path / "nowhere" / "python3"
    kernelspec("gone", [str(missing), "-m", "ipykernel_launcher"])
    status, message = await get_error(jp_fetch, kernel="gone")
    assert status == 502
    assert str(missing) in message and "cannot be run" in message


async def test_python_that_is_not_executable_is_502(jp_fetch, kernelspec, tmp_path):
    python = tmp_path / "python3"
    python.write_text("#!/bin/sh\n")
    kernelspec("noexec", [str(python)])
    status, message = await get_error(jp_fetch, kernel="noexec")
    assert status == 502
    assert str(python) in message


async def test_a_failure_is_not_cached(jp_fetch, kernelspec, fake_tool):
    python = fake_tool("python", 'echo "not yet" >&2\nexit 3\n')
    kernelspec("later", [str(python)])
    assert (await get_error(jp_fetch, kernel="later"))[0] == 502
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    assert (await get_environment(jp_fetch, kernel="later"))["cached"] is False


@pytest.mark.parametrize("authorization", ["", "token not-the-token"])
async def test_environment_refuses_unauthenticated_requests(jp_fetch, authorization):
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(
            "overlays",
            "environment",
            params={"kernel": "python3"},
            headers={"Authorization": authorization},
        )
    assert error.value.code == 403


class TestTimeout:
    @pytest.fixture
    def jp_server_config(self):
        return {
            "ServerApp": {"jpserver_extensions": {"jupyterlab_overlays": True}},
            "OverlaysConfig": {"environment_timeout": 0.5},
        }

    async def test_python_that_hangs_is_502(self, jp_fetch, kernelspec, fake_tool):
        python = fake_tool("python", "exec sleep 30\n")
        kernelspec("slow", [str(python)])
        status, message = await get_error(jp_fetch, kernel="slow")
        assert status == 502
        assert str(python) in message and "did not answer within 0.5 s" in message


# The service without a server.


async def test_service_caches_per_kernelspec(tmp_path):
    folder = tmp_path / "kernels" / "here"
    folder.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-f", "{connection_file}"],
        "display_name": "x",
        "language": "python",
    }
    (folder / "kernel.json").write_text(json.dumps(spec))
    service = EnvironmentService(
        KernelSpecManager(kernel_dirs=[str(tmp_path / "kernels")]), OverlaysConfig()
    )
    first = await service.environment("here")
    assert (first["kernel"], first["cached"]) == ("here", False)
    assert (await service.environment("HERE"))["cached"] is True
    assert (await service.environment("here", refresh=True))["cached"] is False
    with pytest.raises(RequestError) as error:
        await service.environment("elsewhere")
    assert error.value.status == 404


async def test_probe_times_out(fake_tool):
    python = fake_tool("python", "exec sleep 30\n")
    with pytest.raises(RequestError) as error:
        await probe_python(str(python), {}, 0.2)
    assert error.value.status == 502
    assert "did not answer within 0.2 s" in error.value.message


# The pure parts.


def spec(argv, language="python", env=None):
    return SimpleNamespace(argv=argv, language=language, env=env or {})


@pytest.mark.parametrize(
    ("argv", "python"),
    [
        (
            ["/opt/conda/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "/opt/conda/bin/python",
        ),
        (["/usr/bin/python3.9"], "/usr/bin/python3.9"),
        (["python", "-m", "ipykernel_launcher"], sys.executable),
        (["python3", "-m", "ipykernel_launcher"], sys.executable),
        ([f"python{sys.version_info[0]}.{sys.version_info[1]}"], sys.executable),
        (["python2.7", "-m", "ipykernel_launcher"], "python2.7"),
    ],
)
def test_interpreter_is_argv0(argv, python):
    assert interpreter_of("k", spec(argv)) == python


@pytest.mark.parametrize("language", ["python", "Python", "python3", " python "])
def test_python_languages(language):
    assert interpreter_of("k", spec(["/bin/py"], language)) == "/bin/py"


@pytest.mark.parametrize("language", ["R", "julia", "", None, "pythonic"])
def test_other_languages_are_400(language):
    with pytest.raises(RequestError) as error:
        interpreter_of("k", spec(["/bin/py"], language))
    assert error.value.status == 400
    assert "'k'" in error.value.message


@pytest.mark.parametrize("argv", [[], [""], None])
def test_a_kernelspec_without_command_is_502(argv):
    with pytest.raises(RequestError) as error:
        interpreter_of("k", spec(argv))
    assert error.value.status == 502


def test_kernel_env_adds_the_spec_env_with_substitutions():
    env = kernel_env(
        spec(["p"], env={"PYTHONPATH": "/extra:${HOME}", "KEEP": "$UNKNOWN"}),
        base={"HOME": "/home/me", "PATH": "/bin"},
    )
    assert env == {
        "HOME": "/home/me",
        "PATH": "/bin",
        "PYTHONPATH": "/extra:/home/me",
        "KEEP": "$UNKNOWN",
    }


def test_stderr_tail_keeps_the_last_lines():
    stderr = "\n".join(f"line {number}" for number in range(50)) + "\n\n"
    assert stderr_tail(stderr) == "\n".join(f"line {number}" for number in range(40, 50))
    assert stderr_tail("") == ""
    assert len(stderr_tail("x" * 10_000)) <= 2001


ANSWER = {
    "python_version": "3.12.1",
    "executable": "/opt/py/bin/python",
    "stdlib": ["json", "os"],
    "packages": {"yaml": [{"distribution": "PyYAML", "version": "6.0.1"}]},
    "warnings": [],
}


def test_parse_probe_output():
    assert parse_probe_output(json.dumps(ANSWER) + "\n") == ANSWER


def test_parse_probe_output_takes_the_last_line():
    noisy = "sitecustomize says hi\n" + json.dumps(ANSWER) + "\n\n"
    assert parse_probe_output(noisy) == ANSWER


def test_parse_probe_output_of_an_old_python():
    old = {**ANSWER, "python_version": "3.8.18", "stdlib": None, "packages": {}, "warnings": ["w"]}
    assert parse_probe_output(json.dumps(old)) == old


def test_parse_probe_output_keeps_only_the_known_fields():
    extra = {**ANSWER, "surprise": 1, "packages": {"yaml": [{"distribution": "PyYAML", "x": 1}]}}
    parsed = parse_probe_output(json.dumps(extra))
    assert set(parsed) == set(ANSWER)
    assert parsed["packages"] == {"yaml": [{"distribution": "PyYAML", "version": None}]}


@pytest.mark.parametrize(
    ("stdout", "reason"),
    [
        ("", "printed nothing"),
        ("Traceback (most recent call last):", "did not print JSON"),
        ("[1, 2]", "not an object"),
        (json.dumps({**ANSWER, "python_version": None}), "python_version"),
        (json.dumps({**ANSWER, "stdlib": "os"}), "stdlib"),
        (json.dumps({**ANSWER, "packages": []}), "packages"),
        (json.dumps({**ANSWER, "packages": {"yaml": ["PyYAML"]}}), "packages"),
        (json.dumps({**ANSWER, "warnings": "w"}), "warnings"),
    ],
)
def test_parse_probe_output_rejects(stdout, reason):
    with pytest.raises(ValueError, match=reason):
        parse_probe_output(stdout)


def test_probe_in_process_matches_this_interpreter():
    answer = _probe.describe()
    assert parse_probe_output(json.dumps(answer)) == answer
    assert answer["python_version"] == platform.python_version()
    assert answer["stdlib"] == sorted(sys.stdlib_module_names)
    for entries in answer["packages"].values():
        names = [entry["distribution"] for entry in entries]
        assert names == sorted(set(names))


def test_probe_on_a_python_without_stdlib_names_or_packages_distributions(monkeypatch):
    monkeypatch.delattr(sys, "stdlib_module_names")
    monkeypatch.delattr(metadata, "packages_distributions")
    answer = _probe.describe()
    assert answer["stdlib"] is None
    assert answer["packages"] == {}
    assert len(answer["warnings"]) == 2
    assert any("stdlib" in warning for warning in answer["warnings"])
    assert any("packages" in warning for warning in answer["warnings"])


def test_probe_dedupes_distributions(monkeypatch):
    monkeypatch.setattr(
        metadata, "packages_distributions", lambda: {"b": ["z-dist", "a-dist", "z-dist", None]}
    )
    monkeypatch.setattr(metadata, "version", {"a-dist": "1.0"}.__getitem__)
    answer = _probe.describe()
    assert answer["packages"] == {
        "b": [
            {"distribution": "a-dist", "version": "1.0"},
            {"distribution": "z-dist", "version": None},
        ]
    }


def test_probe_survives_a_broken_distribution(monkeypatch):
    def broken():
        raise RuntimeError("bad METADATA")

    monkeypatch.setattr(metadata, "packages_distributions", broken)
    answer = _probe.describe()
    assert answer["packages"] == {}
    assert "bad METADATA" in answer["warnings"][0]


def test_probe_ignores_a_json_module_in_the_working_directory(tmp_path, monkeypatch):
    import subprocess

    (tmp_path / "json.py").write_text("raise SystemExit('shadowed')\n")
    (tmp_path / "platform.py").write_text("raise SystemExit('shadowed')\n")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert parse_probe_output(result.stdout)["python_version"] == platform.python_version()
