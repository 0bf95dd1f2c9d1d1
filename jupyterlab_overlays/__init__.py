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


# Where the job service is in the web app's settings (tests reach it there).
JOBS_SETTING = "jupyterlab_overlays_jobs"

#: The jupyter_events schema of job changes (events/job.yaml).
JOB_EVENT = "https://events.jupyter.org/jupyterlab_overlays/job/v1"


def _load_jupyter_server_extension(server_app):
    """Register the REST handlers on the running Jupyter server."""
    from .config import OverlaysConfig
    from .environment import EnvironmentService
    from .handlers import setup_handlers

    config = OverlaysConfig(parent=server_app)
    environments = EnvironmentService(server_app.kernel_spec_manager, config)
    jobs = _start_jobs(server_app, config)
    server_app.web_app.settings[JOBS_SETTING] = jobs
    setup_handlers(server_app.web_app, config, environments, jobs)
    server_app.log.info("jupyterlab_overlays %s: server extension loaded", __version__)


def _job_events(server_app):
    """Emit each job change as a jupyter_server event (``JOB_EVENT``), which JupyterLab
    receives on its event stream; None when the server has no event logger."""
    import time
    from pathlib import Path

    logger = getattr(server_app, "event_logger", None)
    if logger is None:
        return None
    logger.register_event_schema(Path(__file__).parent / "events" / "job.yaml")

    def emit(job) -> None:
        data = {"id": job.id, "overlay": job.overlay, "kind": job.kind.value}
        data.update(state=job.state.value, emitted=time.time())
        for key in ("step", "steps"):
            if isinstance(job.progress.get(key), int):
                data[key] = job.progress[key]
        logger.emit(schema_id=JOB_EVENT, data=data)

    return emit


def _start_jobs(server_app, config):
    """The job service, stopped when the server stops; None if its store cannot open."""
    from .jobs.service import JobService, default_backends
    from .jobs.store import JobStore, StoreError
    from .registrar import RegistrationSettings, RuntimeImages

    try:
        store = JobStore(config.jobs_dir)
    except (StoreError, OSError) as error:
        server_app.log.error("jupyterlab_overlays: no job service: %s", error)
        return None
    runtime_images = RuntimeImages(
        store,
        folder_of=lambda overlay: f"{jobs.overlays_folder()}/{overlay}",
        defaults=RegistrationSettings(
            config.register_runtime_images, config.runtime_image_pull_policy
        ),
    )
    jobs = JobService(
        config,
        store,
        default_backends(config),
        server_app.root_dir,
        log=server_app.log,
        runtime_images=runtime_images,
        on_change=_job_events(server_app),
    )

    # Cluster builds a previous server left running are followed again once the loop runs.
    from tornado.ioloop import IOLoop

    IOLoop.current().add_callback(jobs.resume)

    # jupyter_server calls ``stop_extension`` only on ExtensionApp-based extensions; this
    # one is module-based, so its shutdown hook joins ``cleanup_extensions``, which
    # ServerApp._cleanup awaits when the server stops (and pytest-jupyter after a test).
    cleanup_extensions = server_app.cleanup_extensions

    async def cleanup_extensions_and_jobs():
        try:
            await jobs.stop()
        finally:
            store.close()
            await cleanup_extensions()

    server_app.cleanup_extensions = cleanup_extensions_and_jobs
    return jobs
