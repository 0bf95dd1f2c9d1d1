"""Cluster builds: one Kubernetes Job per build (``OverlaysConfig.build_backend``)."""
