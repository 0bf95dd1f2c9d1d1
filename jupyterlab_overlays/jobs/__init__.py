"""Jobs: lock and build an overlay, queued, persisted, cancellable.

- ``base``: the job record, states and the backend protocol (shared interface);
- ``store``: SQLite records + log files;
- ``service``: the queue (concurrency, dedupe, cancel, restart recovery);
- ``local``: the local backend (buildah, else podman, else docker);
- ``context``: the build context (Containerfile, Pipfile[.lock]) and source hash;
- ``lock``: ``pipenv lock`` jobs.
"""
