"""Elyra runtime images of overlays, kept by the server: registered when a build succeeds,
renamed and removed with their overlay.

Where: Elyra's own metadata API, in this process, when Elyra is importable in the server
(``ElyraStore``); else the runtime-image JSON files where Elyra looks for them
(``FileStore``, ``runtime_images.py``), which Elyra reads whenever it is installed.

Only images tagged ``overlay`` are replaced or removed; a runtime image the user made under
the same name is left alone and the registration says so. Each overlay's image is
``overlay-<name>`` (``workspace.runtime_image_name``), tagged with the overlay's name, so
an overlay never takes another one's image.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from .errors import RequestError
from .runtime_images import (
    OVERLAY_TAG,
    PULL_POLICIES,
    SCHEMA_NAME,
    delete_image,
    is_ours,
    metadata_dir,
    read_image,
    write_image,
)
from .workspace import runtime_image_name

_log = logging.getLogger(__name__)


@dataclass
class RegistrationSettings:
    """What the user chose (frontend settings, sent with each build; or the server's
    config for builds asked for through the REST API alone)."""

    register: bool = True
    pull_policy: str = "IfNotPresent"

    @classmethod
    def parse(cls, value: object, default: RegistrationSettings) -> RegistrationSettings:
        """The ``runtime_image`` member of a POST jobs body; RequestError(400) if bad."""
        if value is None:
            return default
        if not isinstance(value, dict) or set(value) - {"register", "pull_policy"}:
            raise RequestError(
                400, '"runtime_image" must be {"register": true|false, "pull_policy": …}.'
            )
        register = value.get("register", default.register)
        policy = value.get("pull_policy", default.pull_policy)
        if not isinstance(register, bool):
            raise RequestError(400, '"runtime_image.register" must be true or false.')
        if policy not in PULL_POLICIES:
            raise RequestError(
                400, f'"runtime_image.pull_policy" must be one of {", ".join(PULL_POLICIES)}.'
            )
        return cls(register, policy)


@dataclass
class Registration:
    """What happened to one overlay's runtime image (kept per overlay by the job store)."""

    overlay: str
    #: ``overlay-<name>``.
    name: str
    #: The image it names; None once removed.
    image: str | None
    #: created, updated, unchanged, removed or failed.
    outcome: str
    #: ``elyra`` (Elyra's API) or ``file`` (a runtime-image file); None when unknown.
    store: str | None
    #: The build it names.
    job_id: str | None = None
    #: Why it failed.
    error: str | None = None
    #: The source hash of the build it names (to tell when the overlay changed since).
    source_hash: str | None = None

    def to_json(self) -> dict:
        return asdict(self)


def registration_line(registration: Registration) -> str:
    """What a build's log says about its runtime image."""
    where = "in Elyra" if registration.store == "elyra" else "as a runtime-image file"
    if registration.outcome == "failed":
        return (
            f"The Elyra runtime image {registration.name} was not updated: {registration.error}\n"
        )
    if registration.outcome == "unchanged":
        return f"The Elyra runtime image {registration.name} already names {registration.image}\n"
    return (
        f"Registered {registration.image} as the Elyra runtime image {registration.name} {where}\n"
    )


class Store(Protocol):
    kind: str

    def get(self, name: str) -> dict | None: ...

    def save(self, name: str, instance: dict, exists: bool) -> None: ...

    def remove(self, name: str) -> bool: ...


class FileStore:
    """Runtime-image files in Elyra's folder (``runtime_images.metadata_dir``)."""

    kind = "file"

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or metadata_dir()

    def get(self, name: str) -> dict | None:
        return read_image(self.folder, name)

    def save(self, name: str, instance: dict, exists: bool) -> None:
        write_image(self.folder, name, instance)

    def remove(self, name: str) -> bool:
        try:
            delete_image(self.folder, name)
        except RequestError as error:
            if error.status == 404:
                return False
            raise
        return True


class ElyraStore:
    """Elyra's metadata API (``MetadataManager``), in this process: Elyra validates
    and caches what is written, exactly as for an image made in its own panel."""

    kind = "elyra"

    def __init__(self) -> None:
        from elyra.metadata.error import MetadataNotFoundError
        from elyra.metadata.manager import MetadataManager
        from elyra.metadata.metadata import Metadata

        self._not_found = MetadataNotFoundError
        self._metadata = Metadata
        self._manager = MetadataManager(schemaspace="runtime-images")

    def get(self, name: str) -> dict | None:
        try:
            instance = self._manager.get(name)
        except self._not_found:
            return None
        return {"display_name": instance.display_name, "metadata": dict(instance.metadata)}

    def save(self, name: str, instance: dict, exists: bool) -> None:
        metadata = self._metadata(
            name=name,
            display_name=instance["display_name"],
            schema_name=SCHEMA_NAME,
            metadata=instance["metadata"],
        )
        if exists:
            self._manager.update(name, metadata)
        else:
            self._manager.create(name, metadata)

    def remove(self, name: str) -> bool:
        try:
            self._manager.remove(name)
        except self._not_found:
            return False
        return True


def find_store() -> Store:
    """Elyra's API when Elyra is importable here, else the files."""
    try:
        return ElyraStore()
    except ImportError:
        return FileStore()


def owner_of(instance: dict) -> str | None:
    """The overlay a runtime image of this extension names in its tags (the tag other
    than ``overlay``; ``overlay`` itself for an overlay of that name); None when it
    cannot tell or when the image is not ours."""
    if not is_ours(instance):
        return None
    others = [tag for tag in instance["metadata"]["tags"] if tag != OVERLAY_TAG]
    if len(others) == 1:
        return others[0]
    return None if others else OVERLAY_TAG


def runtime_image_for(
    overlay: str, image: str, source_hash: str | None, folder: str, pull_policy: str
) -> dict:
    """The runtime image instance (without its name) registered for a built image."""
    source = f" (source hash {source_hash[:12]})" if source_hash else ""
    return {
        "schema_name": SCHEMA_NAME,
        "display_name": f"Overlay {overlay}",
        "metadata": {
            "image_name": image,
            "description": f"Built by jupyterlab-overlays from {folder}{source}",
            "pull_policy": pull_policy,
            # Elyra wants unique tags: an overlay named "overlay" has one.
            "tags": list(dict.fromkeys([OVERLAY_TAG, overlay])),
        },
    }


def _same(a: dict, b: dict) -> bool:
    """Whether two runtime images say the same (the name and the pull secret aside)."""

    def key(instance: dict) -> tuple:
        metadata = instance.get("metadata") or {}
        return (
            instance.get("display_name"),
            metadata.get("image_name"),
            metadata.get("description", ""),
            metadata.get("pull_policy", "IfNotPresent"),
            sorted(metadata.get("tags") or []),
        )

    return key(a) == key(b)


class RuntimeImageRegistrar:
    """Registers, renames and removes the runtime images of overlays in one store."""

    def __init__(self, store: Store | None = None) -> None:
        self._store = store

    @property
    def store(self) -> Store:
        """Found when first needed (importing Elyra takes a moment)."""
        if self._store is None:
            self._store = find_store()
        return self._store

    def register(
        self,
        overlay: str,
        image: str,
        *,
        job_id: str,
        source_hash: str | None,
        folder: str,
        pull_policy: str,
        previous_owner: str | None = None,
    ) -> Registration:
        """Make ``overlay-<name>`` name ``image``; a failure is a Registration saying why."""
        name = runtime_image_name(overlay)
        wanted = runtime_image_for(overlay, image, source_hash, folder, pull_policy)
        store: Store | None = None
        try:
            store = self.store
            current = store.get(name)
            if current is not None:
                if not is_ours(current):
                    raise RequestError(
                        409,
                        f"A runtime image named {name} already exists and was not made by "
                        "jupyterlab-overlays; it was left alone.",
                    )
                owner = owner_of(current)
                if owner is not None and owner not in {overlay, previous_owner or overlay}:
                    raise RequestError(
                        409,
                        f"The runtime image {name} belongs to the overlay {owner}; "
                        "rename one of the two overlays.",
                    )
                # What the user set in Elyra and this extension does not manage.
                secret = (current.get("metadata") or {}).get("pull_secret")
                if secret:
                    wanted["metadata"]["pull_secret"] = secret
            if current is not None and _same(current, wanted):
                outcome = "unchanged"
            else:
                store.save(name, wanted, exists=current is not None)
                outcome = "updated" if current is not None else "created"
            return Registration(
                overlay, name, image, outcome, store.kind, job_id, source_hash=source_hash
            )
        except Exception as error:  # reported to the user, never fails the build
            return Registration(
                overlay,
                name,
                image,
                "failed",
                getattr(store, "kind", None),
                job_id,
                _why(error),
                source_hash,
            )

    def remove(self, overlay: str) -> Registration:
        """Remove ``overlay-<name>`` if it is this overlay's (not a user's, not another
        overlay's of the same name)."""
        name = runtime_image_name(overlay)
        store: Store | None = None
        try:
            store = self.store
            current = store.get(name)
            removed = (
                current is not None
                and is_ours(current)
                and owner_of(current) in {None, overlay}
                and store.remove(name)
            )
            outcome = "removed" if removed else "unchanged"
            return Registration(overlay, name, None, outcome, store.kind)
        except Exception as error:
            return Registration(
                overlay, name, None, "failed", getattr(store, "kind", None), error=_why(error)
            )


def _why(error: Exception) -> str:
    if isinstance(error, RequestError):
        return error.message
    _log.warning("Runtime image registration failed", exc_info=True)
    return str(error) or type(error).__name__


class RuntimeImages:
    """The runtime images of one workspace's overlays: what the job service calls when a
    build succeeds and when an overlay is renamed or deleted, with what happened kept in
    the job store (``JobStore.registrations``) for the sidebar."""

    def __init__(
        self,
        store,
        folder_of,
        defaults: RegistrationSettings,
        registrar: RuntimeImageRegistrar | None = None,
    ) -> None:
        #: The job store (``jobs.store.JobStore``).
        self.jobs = store
        #: ``folder_of(overlay)``: the overlay's folder in the workspace, for descriptions.
        self.folder_of = folder_of
        self.defaults = defaults
        self.registrar = registrar or RuntimeImageRegistrar()
        self._lock = asyncio.Lock()

    def registrations(self) -> dict[str, dict]:
        return self.jobs.registrations()

    async def build_succeeded(
        self, job, image: str, settings: RegistrationSettings
    ) -> Registration | None:
        """Register the image of ``job``, a build that is about to be recorded as
        succeeded, unless registration is off or a newer build of its overlay has
        already succeeded (an older build that ended later)."""
        if not settings.register:
            return None
        newest = next(
            (
                other
                for other in self.jobs.current(overlay=job.overlay)
                if other.kind.value == "build" and other.state.value == "succeeded"
            ),
            None,
        )
        if newest is not None and newest.created > job.created:
            return None
        return await self.register_build(job, image, settings)

    async def register_build(self, job, image: str, settings: RegistrationSettings) -> Registration:
        """Make ``image``, built by ``job``, its overlay's runtime image: when the build
        succeeds, or when the user picks an earlier build to go back to."""
        registration = await self._run(
            self.registrar.register,
            job.overlay,
            image,
            job_id=job.id,
            source_hash=job.source_hash,
            folder=self.folder_of(job.overlay),
            pull_policy=settings.pull_policy,
        )
        self.jobs.save_registration(job.overlay, registration.to_json())
        return registration

    async def renamed(
        self, overlay: str, new_name: str | None, settings: RegistrationSettings
    ) -> list[Registration]:
        """Follow an overlay renamed (``new_name``) or deleted (None): its runtime image
        goes; a renamed overlay that was built gets one under its new name, naming the
        same image (its builds are recorded under the old name)."""
        if not settings.register:
            return []
        registrations = []
        keep = new_name is not None and runtime_image_name(new_name) == runtime_image_name(overlay)
        last = self.jobs.registrations().get(overlay)
        if not keep:
            registrations.append(await self._run(self.registrar.remove, overlay))
        self.jobs.save_registration(overlay, None)
        built = next(
            (
                job
                for job in self.jobs.current(overlay=overlay)
                if job.kind.value == "build" and job.state.value == "succeeded" and job.image
            ),
            None,
        )
        image = built.image if built else (last or {}).get("image")
        if new_name is not None and image:
            registration = await self._run(
                self.registrar.register,
                new_name,
                image,
                job_id=built.id if built else (last or {}).get("job_id"),
                source_hash=built.source_hash if built else None,
                folder=self.folder_of(new_name),
                pull_policy=settings.pull_policy,
                previous_owner=overlay,
            )
            self.jobs.save_registration(new_name, registration.to_json())
            registrations.append(registration)
        return registrations

    async def _run(self, function, *args, **kwargs):
        """One change at a time, off the event loop (Elyra's API reads and writes files)."""
        async with self._lock:
            return await asyncio.to_thread(function, *args, **kwargs)
