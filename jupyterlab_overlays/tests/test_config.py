import pytest
from traitlets import TraitError
from traitlets.config import Config

from jupyterlab_overlays.config import OverlaysConfig


def test_defaults_look_for_every_known_tool():
    config = OverlaysConfig()
    assert config.build_tools == ["buildah", "podman", "docker"]
    assert config.probe_timeout > 0


def test_reads_jupyter_config():
    config = OverlaysConfig(
        config=Config({"OverlaysConfig": {"build_tools": ["podman"], "probe_timeout": 2.5}})
    )
    assert config.build_tools == ["podman"]
    assert config.probe_timeout == 2.5


def test_rejects_an_unknown_tool():
    with pytest.raises(TraitError, match="Unknown build tool"):
        OverlaysConfig(build_tools=["kaniko"])


def test_rejects_a_non_positive_timeout():
    with pytest.raises(TraitError, match="positive"):
        OverlaysConfig(probe_timeout=0)


def test_environment_timeout_defaults_to_30_seconds_and_is_configurable():
    assert OverlaysConfig().environment_timeout == 30
    config = OverlaysConfig(config=Config({"OverlaysConfig": {"environment_timeout": 90}}))
    assert config.environment_timeout == 90


@pytest.mark.parametrize("value", [0, -1])
def test_rejects_a_non_positive_environment_timeout(value):
    with pytest.raises(TraitError, match="environment_timeout must be a positive"):
        OverlaysConfig(environment_timeout=value)


def test_the_index_cache_is_in_the_jupyter_data_dir_unless_set(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    assert OverlaysConfig().index_cache == str(
        tmp_path / "data" / "overlays" / "index-files.sqlite3"
    )
    config = OverlaysConfig(config=Config({"OverlaysConfig": {"index_cache": ""}}))
    assert config.index_cache == ""
