"""Server configuration for the Galata tests of the Elyra hand-off (``jlpm start:elyra``).

The server runs from ``.venv-elyra`` (scripts/elyra-venv.sh): Elyra 4.1.1 beside this
JupyterLab, with this extension loaded from the source tree. Same settings as
jupyter_server_test_config.py, on port 8900 with folders of its own.
"""

import glob
import os
import shutil
import tempfile

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

c.ServerApp.allow_root = True  # noqa: F821
c.ServerApp.port = 8900  # noqa: F821

# A prefix the main configuration's clean-up (overlays-galata-*) does not match: both
# servers start together.
for _old in glob.glob(os.path.join(tempfile.gettempdir(), "overlays-elyra-galata-*")):
    shutil.rmtree(_old, ignore_errors=True)
_scratch = tempfile.mkdtemp(prefix="overlays-elyra-galata-")
c.OverlaysConfig.buildah_root = os.path.join(_scratch, "buildah-root")  # noqa: F821
c.OverlaysConfig.buildah_runroot = os.path.join(_scratch, "buildah-runroot")  # noqa: F821
c.OverlaysConfig.jobs_dir = os.path.join(_scratch, "jobs")  # noqa: F821
# Elyra's runtime images and other metadata stay out of the user's Jupyter data dir.
os.environ["ELYRA_METADATA_PATH"] = os.path.join(_scratch, "elyra")
