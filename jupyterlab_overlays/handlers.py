"""REST handlers: parse, authorize, call a service module, answer JSON.

Every handler raises ``RequestError`` for what it refuses; ``OverlaysHandler`` answers
it, once for all, as ``{"message": …}`` with the error's status.
"""

from __future__ import annotations

import asyncio
import json
import re

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from . import index_report, providers
from .config import OverlaysConfig
from .config_files import (
    check_name,
    parse_write_body,
    read_config_file,
    root_dir_of,
    write_config_file,
)
from .environment import EnvironmentService
from .errors import RequestError
from .file_reads import FileReads
from .index_check import IndexChecks
from .info import server_info
from .jobs.service import JobService
from .jobs.store import MAX_PAGE
from .module_check import ModuleChecks
from .registrar import RegistrationSettings
from .runtime_images import list_images, metadata_dir
from .workspace import check_overlay_name

NAMESPACE = "overlays"
#: An image reference as builds write them: registry/path:tag (no options, no spaces).
IMAGE_REF_RE = re.compile(r"[a-z0-9][a-z0-9._/:@-]{0,254}")
MAX_IMAGES = 50


class OverlaysHandler(APIHandler):
    """Base handler: authorization resource, the extension's settings and services, and
    the one place a ``RequestError`` becomes an answer."""

    auth_resource = NAMESPACE

    def initialize(
        self,
        config: OverlaysConfig,
        environments: EnvironmentService,
        jobs: JobService | None = None,
    ) -> None:
        self.overlays_config = config
        self.environments = environments
        self.jobs = jobs

    def write_error(self, status_code: int, **kwargs) -> None:
        """A ``RequestError`` is answered as ``{"message": …}`` with its status; anything
        else as jupyter_server answers it."""
        error = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(error, RequestError):
            self.set_status(error.status)
            self.finish({"message": error.message})
            return
        super().write_error(status_code, **kwargs)

    def log_exception(self, typ, value, tb) -> None:
        # Not APIHandler's for a RequestError: it would log the message as a %-format
        # string, and the message may quote stderr.
        if isinstance(value, RequestError):
            self.log.warning(
                "%s %s: %d %s", self.request.method, self.request.path, value.status, value.message
            )
            return
        super().log_exception(typ, value, tb)

    def service(self) -> JobService:
        """The job service; 503 when its store could not be opened at start."""
        if self.jobs is None:
            raise RequestError(503, "The job service is not available on this server.")
        return self.jobs


class InfoHandler(OverlaysHandler):
    """``GET overlays/info``: version and local build tools."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        root_dir = self.settings.get("server_root_dir", ".")
        self.finish(await server_info(self.overlays_config, root_dir))


class EnvironmentHandler(OverlaysHandler):
    """``GET overlays/environment?kernel=<kernelspec>[&refresh=1]``: what its Python imports."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        kernel = self.get_query_argument("kernel", "")
        refresh = self.get_query_argument("refresh", "0").lower() in {"1", "true", "yes"}
        if not kernel:
            raise RequestError(400, "Missing the kernel parameter (a kernelspec name).")
        self.finish(await self.environments.environment(kernel, refresh=refresh))


class ConfigFileHandler(OverlaysHandler):
    """``GET``/``PUT overlays/config-files/<name>``: ``.thoth.yaml`` or ``.aicoe-ci.yaml``.

    The contents API refuses hidden files; these two, at the root only, are served here.
    """

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        check_name(name)
        self.finish(read_config_file(root_dir_of(self.contents_manager), name))

    @web.authenticated
    @authorized
    async def put(self, name: str) -> None:
        check_name(name)
        root_dir = root_dir_of(self.contents_manager)
        content, expected = parse_write_body(self.request.body)
        self.finish(write_config_file(root_dir, name, content, expected))


class JobsHandler(OverlaysHandler):
    """``GET overlays/jobs``: ``{"jobs": [...], "next": <id> | null}``, newest first.

    Query parameters, all optional:

    - ``overlay=<name>``: only that overlay's jobs.
    - ``limit=N`` (1 to 500): at most N jobs; without it, all of them.
    - ``before=<job id>``: only jobs created before that job. ``next`` is the id to pass
      as ``before`` for the next page, null when there is none (always null without
      ``limit``). A ``before`` that is not a job id is 400; one no job has is 404.
    - ``view=current``: only what the sidebar needs: every queued or running job and, per
      overlay, its newest job of each kind and its newest succeeded build (bounded by
      3 per overlay + the active jobs); ``next`` is null; and ``runtime_images``, what
      happened to each overlay's Elyra runtime image (``registrar.Registration``). Not
      with ``limit`` or ``before`` (400). ``view=all`` is the default.

    ``POST overlays/jobs`` ``{"overlay": <name>, "kind": "build" | "lock",
    "runtime_image"?: {"register": bool, "pull_policy": …}}``: ``202`` with ``Location``
    and the job. When a queued or running job of that overlay and kind has the same source
    hash, that job is the answer (still ``202``, its own ``Location``). A successful build
    is registered as an Elyra runtime image by the server (``runtime_image``: the user's
    settings; default: the server's config).
    """

    VIEWS = ("all", "current")

    @web.authenticated
    @authorized
    async def get(self) -> None:
        overlay = self.get_query_argument("overlay", None)
        if overlay is not None:
            check_overlay_name(overlay)
        view = self.get_query_argument("view", "all")
        if view not in self.VIEWS:
            raise RequestError(400, f"view must be 'all' or 'current', not {view[:50]!r}.")
        limit = self._limit()
        before = self.get_query_argument("before", None)
        if view == "current":
            if limit is not None or before is not None:
                raise RequestError(400, "view=current takes no limit or before.")
            jobs = [job.to_json() for job in self.service().current(overlay=overlay)]
            images = self.service().registrations()
            if overlay is not None:
                images = {name: value for name, value in images.items() if name == overlay}
            self.finish({"jobs": jobs, "next": None, "runtime_images": images})
            return
        jobs, next_id = self.service().page(overlay=overlay, limit=limit, before=before)
        self.finish({"jobs": [job.to_json() for job in jobs], "next": next_id})

    def _limit(self) -> int | None:
        raw = self.get_query_argument("limit", None)
        if raw is None:
            return None
        if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_PAGE):
            raise RequestError(
                400, f"limit must be a whole number from 1 to {MAX_PAGE}, not {raw[:50]!r}."
            )
        return int(raw)

    @web.authenticated
    @authorized
    async def post(self) -> None:
        try:
            body = json.loads(self.request.body or b"")
        except ValueError:
            raise RequestError(400, "The body is not JSON.") from None
        if not isinstance(body, dict):
            raise RequestError(400, 'The body must be {"overlay": …, "kind": …}.')
        service = self.service()
        settings = None
        if service.runtime_images is not None:
            settings = RegistrationSettings.parse(
                body.get("runtime_image"), service.runtime_images.defaults
            )
        job, _created = await service.submit(
            body.get("overlay"), body.get("kind"), runtime_image=settings
        )
        self.set_status(202)
        self.set_header("Location", url_path_join(self.base_url, NAMESPACE, "jobs", job.id))
        self.finish(job.to_json())


class JobHandler(OverlaysHandler):
    """``GET overlays/jobs/<id>``: the job. ``DELETE``: cancel it (409 once it has ended)."""

    @web.authenticated
    @authorized
    async def get(self, job_id: str) -> None:
        self.finish(self.service().get(job_id).to_json())

    @web.authenticated
    @authorized
    async def delete(self, job_id: str) -> None:
        self.finish((await self.service().cancel(job_id)).to_json())


class JobRegisterHandler(OverlaysHandler):
    """``POST overlays/jobs/<id>/register`` ``{"runtime_image"?: {...}}``: make the image of
    that build (one that succeeded, maybe an earlier one: a way back) its overlay's Elyra
    runtime image; answers the registration. 409 when the job is not a build that
    succeeded, when this server keeps no runtime images, or when the image is gone."""

    @web.authenticated
    @authorized
    async def post(self, job_id: str) -> None:
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise RequestError(400, "The body is not JSON.") from None
        if not isinstance(body, dict):
            raise RequestError(400, 'The body must be {"runtime_image": {...}} or empty.')
        service = self.service()
        job = service.get(job_id)
        if job.kind.value != "build" or job.state.value != "succeeded" or not job.image:
            raise RequestError(
                409, f"Job {job_id} is a {job.kind.value} that {job.state.value}: no image to use."
            )
        images = service.runtime_images
        if images is None:
            raise RequestError(409, "This server does not register runtime images.")
        service.overlay_dir(job.overlay)  # 404 when the overlay is gone
        if ((await service.image_info(job.image)) or {}).get("exists") is False:
            raise RequestError(
                409, f"The image {job.image} is no longer on this machine: build the overlay again."
            )
        settings = RegistrationSettings.parse(body.get("runtime_image"), images.defaults)
        registration = await images.register_build(job, job.image, settings)
        self.finish(registration.to_json())


class ImagesHandler(OverlaysHandler):
    """``GET overlays/images?image=<ref>[&image=…]``: whether each built image is still
    where builds put it, and its size: ``{"images": {<ref>: {"exists", "size"} | null}}``
    (null: the backend cannot tell, as for images pushed by cluster builds)."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        images = [ref.strip() for ref in self.get_arguments("image") if ref.strip()]
        if not images:
            raise RequestError(400, "Name at least one image: ?image=<ref>.")
        if len(images) > MAX_IMAGES:
            raise RequestError(400, f"At most {MAX_IMAGES} images at a time.")
        bad = [ref for ref in images if not IMAGE_REF_RE.fullmatch(ref)]
        if bad:
            raise RequestError(400, f"Not an image reference: {bad[0][:100]!r}.")
        service = self.service()
        answers = await asyncio.gather(*(service.image_info(ref) for ref in images))
        self.finish({"images": dict(zip(images, answers, strict=True))})


class JobLogHandler(OverlaysHandler):
    """``GET overlays/jobs/<id>/log?offset=N``: ``{"text", "offset" (next), "ended"}``."""

    @web.authenticated
    @authorized
    async def get(self, job_id: str) -> None:
        raw = self.get_query_argument("offset", "0")
        # ASCII digits only ("²" is a digit to str.isdigit), and no more than a file holds.
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
            raise RequestError(400, f"offset must be a number of bytes, not {raw[:50]!r}.")
        self.finish(self.service().read_log(job_id, int(raw)))


class OverlayStatusHandler(OverlaysHandler):
    """``GET overlays/overlay-status?overlay=<name>``: source hash and lock state.

    The folder is found as the job service finds it, so the hash is the one a build of
    that overlay would record.
    """

    @web.authenticated
    @authorized
    async def get(self) -> None:
        name = check_overlay_name(self.get_query_argument("overlay", ""))
        # Off the event loop: it reads and hashes the overlay's files.
        self.finish(await asyncio.to_thread(self.service().overlay_status, name))


class RuntimeImagesHandler(OverlaysHandler):
    """``GET overlays/runtime-images``: Elyra's runtime image files, and their folder
    (where the server registers images when Elyra is not installed)."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        folder = metadata_dir()
        self.finish({"folder": str(folder), "images": list_images(folder)})


class IndexCheckHandler(OverlaysHandler):
    """``GET overlays/index-check?name=<n>[&name=…][&import=<a.b>…][&use=<p>:<a.b>…]``: whether
    each name (or name with a version specifier, ``scikit-learn==0.20.3``) can be
    installed from the package index for that Python (``index_check.py``), and which
    project provides each dotted import path (``import_providers.py``):
    ``{"index": <url>, "results": [{"name", "status", "use", "detail", "pins"}, …],
    "imports": [{"module", "provider", "detail"}, …], "uses": [{"package", "module",
    "status", "needs", "by", "detail"}, …]}`` for each ``use=<package>:<a.b>``: what
    importing it needs that nothing installs, or that it is gone (``module_check.py``)."""

    checks: IndexChecks | None = None
    module_checks: ModuleChecks | None = None

    @web.authenticated
    @authorized
    async def get(self) -> None:
        names = [name.strip() for name in self.get_arguments("name") if name.strip()]
        modules = [name.strip() for name in self.get_arguments("import") if name.strip()]
        uses = [use.strip() for use in self.get_arguments("use") if use.strip()]
        python = self.get_argument("python", "3.11")
        why = index_report.problem(names, modules, python, uses)
        if why:
            raise RequestError(400, why)
        if IndexCheckHandler.checks is None:
            cache = self.overlays_config.index_cache
            store = FileReads(cache or None, enabled=bool(cache))
            IndexCheckHandler.checks = IndexChecks(store=store)
            # Module checks ask the index a lot: through a client and threads of their own.
            IndexCheckHandler.module_checks = ModuleChecks(IndexChecks(separate=True, store=store))
        self.finish(
            await index_report.report(
                IndexCheckHandler.checks,
                names,
                modules,
                python,
                uses,
                IndexCheckHandler.module_checks,
            )
        )


class ProvidersHandler(OverlaysHandler):
    """``GET overlays/providers?module=<m>[&module=…]``: the distribution that provides
    each import name the frontend's table does not know (``providers.py``):
    ``{"source": …, "providers": {<module>: {"distribution", "version"}}}``; names
    nobody provides alone are left out."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        modules = [name.strip() for name in self.get_arguments("module") if name.strip()]
        if not modules:
            raise RequestError(400, "Name at least one module: ?module=<name>.")
        if len(modules) > providers.MAX_MODULES:
            raise RequestError(400, f"At most {providers.MAX_MODULES} modules at a time.")
        bad = [name for name in modules if not providers.MODULE_RE.fullmatch(name)]
        if bad:
            raise RequestError(400, f"Not a module name: {bad[0][:100]!r}.")
        # Reading the table the first time takes a moment: not on the event loop.
        found = await asyncio.get_running_loop().run_in_executor(None, providers.lookup, modules)
        self.finish({"source": providers.source(), "providers": found})


class OverlayRenamedHandler(OverlaysHandler):
    """``POST overlays/overlay-renamed`` ``{"overlay": <old>, "new_name": <new> | null,
    "runtime_image"?: {...}}``: the frontend renamed (or, with null, deleted) an overlay;
    its runtime image and (on a rename) its ended jobs follow. Answers
    ``{"runtime_images": [registration, ...], "jobs_moved": <count>}``."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        try:
            body = json.loads(self.request.body or b"")
        except ValueError:
            raise RequestError(400, "The body is not JSON.") from None
        if not isinstance(body, dict):
            raise RequestError(400, 'The body must be {"overlay": …, "new_name": …}.')
        overlay = check_overlay_name(body.get("overlay"))
        new_name = body.get("new_name")
        if new_name is not None:
            check_overlay_name(new_name)
        service = self.service()
        images = service.runtime_images
        registrations = []
        if images is not None:
            settings = RegistrationSettings.parse(body.get("runtime_image"), images.defaults)
            registrations = await images.renamed(overlay, new_name, settings)
        # After the runtime image, which reads the builds under the old name.
        moved = service.overlay_renamed(overlay, new_name) if new_name is not None else 0
        self.finish(
            {"runtime_images": [item.to_json() for item in registrations], "jobs_moved": moved}
        )


def setup_handlers(
    web_app,
    config: OverlaysConfig,
    environments: EnvironmentService,
    jobs: JobService | None = None,
) -> None:
    """Add the extension's routes under ``<base_url>/overlays/``."""
    base_url = web_app.settings["base_url"]
    routes = [
        ("info", InfoHandler),
        ("environment", EnvironmentHandler),
        # One path segment: a name with a "/" in it never reaches the handler.
        ("config-files/([^/]+)", ConfigFileHandler),
        ("jobs", JobsHandler),
        ("jobs/([^/]+)", JobHandler),
        ("jobs/([^/]+)/log", JobLogHandler),
        ("jobs/([^/]+)/register", JobRegisterHandler),
        ("images", ImagesHandler),
        ("overlay-status", OverlayStatusHandler),
        ("runtime-images", RuntimeImagesHandler),
        ("overlay-renamed", OverlayRenamedHandler),
        ("index-check", IndexCheckHandler),
        ("providers", ProvidersHandler),
    ]
    services = {"config": config, "environments": environments, "jobs": jobs}
    web_app.add_handlers(
        ".*$",
        [(url_path_join(base_url, NAMESPACE, path), handler, services) for path, handler in routes],
    )
