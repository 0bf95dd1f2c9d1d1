"""Server configuration for the Galata tests (``jlpm start``)."""

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

# CI and the development machines run as root.
c.ServerApp.allow_root = True  # noqa: F821

# Port 8888 is left to `make lab`, so both can run at once.
c.ServerApp.port = 8899  # noqa: F821

# Builds (tests/builds.spec.ts) use fresh buildah storage and a fresh jobs store on
# every run: a storage folder left by another setup can keep failing (see
# docs/environment.md), and old job records would show up in the sidebar.
import glob  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

# The base image alone is about 280 MB and Playwright stops the server without giving
# it a chance to clean up, so each run removes the folders of earlier ones (only one
# Galata server can run at a time: they all take port 8899).
for _old in glob.glob(os.path.join(tempfile.gettempdir(), "overlays-galata-*")):
    shutil.rmtree(_old, ignore_errors=True)
_scratch = tempfile.mkdtemp(prefix="overlays-galata-")
c.OverlaysConfig.buildah_root = os.path.join(_scratch, "buildah-root")  # noqa: F821
c.OverlaysConfig.buildah_runroot = os.path.join(_scratch, "buildah-runroot")  # noqa: F821
c.OverlaysConfig.jobs_dir = os.path.join(_scratch, "jobs")  # noqa: F821
# Elyra runtime images (written as files: no Elyra in this server) stay out of the
# user's Jupyter data dir.
os.environ["ELYRA_METADATA_PATH"] = os.path.join(_scratch, "elyra")
