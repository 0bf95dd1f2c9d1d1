"""What a cluster build sends and how it reads what comes back (``jobs/kube/spec.py``)."""

from __future__ import annotations

import base64
import re
import shlex
import subprocess

import pytest

from jupyterlab_overlays.jobs.kube import spec

SETTINGS = spec.BuildSettings(builder_image="quay.io/buildah/stable:v1.39", deadline=600, ttl=60)


def make_context(tmp_path, files: dict[str, bytes]):
    for name, data in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return spec.context_data(tmp_path)


def test_labels_are_the_four_the_issue_names_and_fit_label_values():
    values = spec.labels("f" * 32, "train-model", "a" * 64)
    assert values == {
        "app.kubernetes.io/managed-by": "jupyterlab-overlays",
        "jupyterlab-overlays/overlay": "train-model",
        "jupyterlab-overlays/job-id": "f" * 32,
        "jupyterlab-overlays/source-hash": "a" * 63,
    }
    assert spec.selector(values).count(",") == 3


@pytest.mark.parametrize("overlay", ["a", "train-model", "x" * 64, "Data_Set.v2"])
def test_job_names_are_dns_labels(overlay):
    name = spec.job_name(overlay, "0123456789abcdef")
    assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", name), name
    assert len(name) <= 63
    assert name.endswith("-01234567")


def test_context_files_become_keys_with_their_paths(tmp_path):
    data = make_context(
        tmp_path,
        {"Containerfile": b"FROM x\n", "sub/dir/a.py": b"print(1)\n", "b.bin": b"\xff\x00"},
    )
    paths = {item["path"]: item["key"] for item in data.items}
    assert set(paths) == {"Containerfile", "sub/dir/a.py", "b.bin"}
    assert all(re.fullmatch(r"[-._a-zA-Z0-9]+", key) for key in paths.values())
    assert data.data[paths["sub/dir/a.py"]] == "print(1)\n"
    assert base64.b64decode(data.binary_data[paths["b.bin"]]) == b"\xff\x00"
    assert data.size == len("FROM x\n") + len("print(1)\n") + len(base64.b64encode(b"\xff\x00"))


def test_a_context_over_the_limit_names_its_size_and_biggest_files(tmp_path):
    assert make_context(tmp_path, {"big.csv": b"x" * 2000, "small": b"y" * 10}).size == 2010
    with pytest.raises(spec.ContextTooBig) as error:
        spec.context_data(tmp_path, limit=1000)
    assert "2,010 bytes, more than a Kubernetes ConfigMap holds (1,000)" in str(error.value)
    assert "big.csv (2,000 bytes), small (10 bytes)" in str(error.value)


def test_the_job_is_one_try_with_deadline_ttl_and_no_api_token(tmp_path):
    data = make_context(tmp_path, {"Containerfile": b"FROM x\n"})
    values = spec.labels("j" * 32, "demo", "h" * 64)
    job = spec.job_manifest(
        "overlay-build-demo-jjjjjjjj", "r.example/p-demo:abc", {}, data, values, SETTINGS
    )
    assert job["spec"]["backoffLimit"] == 0
    assert job["spec"]["activeDeadlineSeconds"] == 600
    assert job["spec"]["ttlSecondsAfterFinished"] == 60
    pod = job["spec"]["template"]
    assert pod["metadata"]["labels"] == values
    assert pod["spec"]["restartPolicy"] == "Never"
    assert pod["spec"]["automountServiceAccountToken"] is False
    assert "hostUsers" not in pod["spec"] and "serviceAccountName" not in pod["spec"]
    (container,) = pod["spec"]["containers"]
    assert container["volumeMounts"] == [
        {"name": "context", "mountPath": "/context", "readOnly": True}
    ]
    assert pod["spec"]["volumes"][0]["configMap"]["name"] == "overlay-build-demo-jjjjjjjj"


def test_settings_reach_the_pod(tmp_path):
    data = make_context(tmp_path, {"Containerfile": b"FROM x\n"})
    settings = spec.BuildSettings(
        builder_image="b",
        deadline=1,
        ttl=1,
        push_secret="quay-push",  # noqa: S106 (a name)
        service_account="builder",
        host_users=False,
    )
    job = spec.job_manifest("n", "i", {}, data, spec.labels("j", "o", None), settings)
    pod = job["spec"]["template"]["spec"]
    assert pod["hostUsers"] is False
    assert pod["serviceAccountName"] == "builder"
    assert pod["volumes"][1] == {"name": "push-secret", "secret": {"secretName": "quay-push"}}
    assert "--authfile /push/.dockerconfigjson" in pod["containers"][0]["command"][2]


def test_the_pod_template_merges_without_losing_our_labels_or_container():
    template = {
        "metadata": {"labels": {"a": "1"}},
        "spec": {"containers": [{"name": "build", "image": "b"}], "restartPolicy": "Never"},
    }
    override = {
        "metadata": {"labels": {"a": "mine", "team": "x"}, "annotations": {"k": "v"}},
        "spec": {
            "nodeSelector": {"gpu": "no"},
            "containers": [
                {"name": "build", "resources": {"limits": {"memory": "4Gi"}}},
                {"name": "sidecar", "image": "s"},
            ],
        },
    }
    merged = spec.merge_template(template, override)
    assert merged["metadata"] == {"labels": {"a": "1", "team": "x"}, "annotations": {"k": "v"}}
    assert merged["spec"]["containers"][0] == {
        "name": "build",
        "image": "b",
        "resources": {"limits": {"memory": "4Gi"}},
    }
    assert merged["spec"]["containers"][1]["name"] == "sidecar"
    assert merged["spec"]["nodeSelector"] == {"gpu": "no"}
    assert template["spec"]["containers"] == [{"name": "build", "image": "b"}]  # not changed


def test_the_builder_script_is_valid_shell_and_quotes_what_it_is_given():
    script = spec.builder_script("r.example/x:1", {"io.x/overlay": "a b'c"}, SETTINGS)
    assert subprocess.run(["/bin/sh", "-n", "-c", script]).returncode == 0  # noqa: S603
    assert "--isolation=chroot" in script and "--storage-driver=vfs" in script
    assert shlex.quote("io.x/overlay=a b'c") in script
    assert "--tls-verify=true" in script
    assert "--authfile" not in script and "--creds" not in script
    openshift = spec.builder_script("i", {}, spec.BuildSettings("b", 1, 1, openshift_token=True))
    assert (
        '--creds "serviceaccount:$(cat /var/run/secrets/kubernetes.io/serviceaccount/token)"'
        in openshift
    )


def test_the_configmap_is_owned_by_the_job():
    owned = spec.owned_by({"metadata": {"name": "n"}}, {"metadata": {"name": "n", "uid": "u-1"}})
    assert owned["metadata"]["ownerReferences"] == [
        {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "name": "n",
            "uid": "u-1",
            "blockOwnerDeletion": False,
        }
    ]


def pod(phase="Pending", conditions=(), containers=()):
    return {
        "metadata": {"name": "p"},
        "status": {
            "phase": phase,
            "conditions": list(conditions),
            "containerStatuses": list(containers),
        },
    }


def test_pending_reasons_in_words():
    assert spec.pending_reason(pod()) is None
    unschedulable = pod(
        conditions=[
            {
                "type": "PodScheduled",
                "status": "False",
                "reason": "Unschedulable",
                "message": "0/3 nodes are available",
            }
        ]
    )
    assert spec.pending_reason(unschedulable) == "Unschedulable: 0/3 nodes are available"
    creating = pod(
        containers=[{"name": "build", "state": {"waiting": {"reason": "ContainerCreating"}}}]
    )
    assert spec.pending_reason(creating) is None
    pull = pod(
        containers=[
            {
                "name": "build",
                "state": {"waiting": {"reason": "ErrImagePull", "message": "not found"}},
            }
        ]
    )
    assert spec.pending_reason(pull) == "ErrImagePull: not found"


def test_failure_reasons_say_exit_code_oom_and_deadline():
    failed = pod(
        "Failed",
        containers=[{"name": "build", "state": {"terminated": {"exitCode": 2, "reason": "Error"}}}],
    )
    assert spec.failure_reason(failed, None, 60) == "the build pod failed: exit code 2 (Error)"
    oom = pod(
        "Failed",
        containers=[
            {"name": "build", "state": {"terminated": {"exitCode": 137, "reason": "OOMKilled"}}}
        ],
    )
    assert spec.failure_reason(oom, None, 60).startswith(
        "the build pod ran out of memory (OOMKilled, exit code 137)"
    )
    job = {
        "status": {
            "conditions": [{"type": "Failed", "status": "True", "reason": "DeadlineExceeded"}]
        }
    }
    assert spec.failure_reason(failed, job, 60).startswith(
        "the build took longer than its deadline (60 s"
    )
    assert spec.failure_reason(None, None, 60) == "the build pod failed"


def test_the_digest_is_the_last_marker_line():
    assert (
        spec.digest_from_log(
            [
                "x",
                "jupyterlab-overlays: pushed sha256:1",
                "jupyterlab-overlays: pushed sha256:2",
                "y",
            ]
        )
        == "sha256:2"
    )
    assert spec.digest_from_log(["no marker"]) is None
