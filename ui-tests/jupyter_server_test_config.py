"""Server configuration for the Galata tests (``jlpm start``)."""

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

# CI and the development machines run as root.
c.ServerApp.allow_root = True  # noqa: F821

# Port 8888 is left to `make lab`, so both can run at once.
c.ServerApp.port = 8899  # noqa: F821
