"""jupyterlab-overlays: one software stack per pipeline step, inside JupyterLab."""

try:
    from ._version import __version__
except ImportError:  # pragma: no cover - only without a build
    # Running from a source tree that hatch has not built yet.
    import warnings

    warnings.warn("Importing 'jupyterlab_overlays' outside a proper installation.", stacklevel=2)
    __version__ = "dev"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-overlays"}]


def _jupyter_server_extension_points():
    return [{"module": "jupyterlab_overlays"}]


def _load_jupyter_server_extension(server_app):
    """Register the REST handlers on the running Jupyter server."""
    from .config import OverlaysConfig
    from .environment import EnvironmentService
    from .handlers import setup_handlers

    config = OverlaysConfig(parent=server_app)
    environments = EnvironmentService(server_app.kernel_spec_manager, config)
    setup_handlers(server_app.web_app, config, environments)
    server_app.log.info("jupyterlab_overlays %s: server extension loaded", __version__)
