"""deploy/k8s: every manifest validates against the Kubernetes schemas bundled in kubernetes-validate
(strict: unknown fields are errors), for the oldest supported and the newest bundled Kubernetes, and
the pieces agree with each other and with the app."""

from __future__ import annotations

import copy
from typing import Any

import kubernetes_validate
import pytest
import yaml
from kubernetes_validate.utils import SchemaNotFoundError, latest_version

from backend.app import create_app
from backend.core.settings import Settings, SettingsError
from tests.deploy.files import K8S, OLDEST_KUBERNETES, k8s_manifest_paths, k8s_resource, k8s_resources

VERSIONS = [OLDEST_KUBERNETES, latest_version()]
REQUIRED_KINDS = {
    "Namespace",
    "ConfigMap",
    "Secret",
    "PersistentVolumeClaim",
    "Deployment",
    "Service",
    "Ingress",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "NetworkPolicy",
    "Job",
    "CronJob",
}
POD_LABELS = {"app.kubernetes.io/name": "zhucuntong", "app.kubernetes.io/component": "api"}


def validate(resource: dict[str, Any], version: str) -> None:
    kubernetes_validate.validate(resource, version, strict=True)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_manifest_is_valid_kubernetes(version: str) -> None:
    resources = k8s_resources()
    assert {doc["kind"] for _, doc in resources} >= REQUIRED_KINDS
    for path, doc in resources:
        try:
            validate(doc, version)
        except Exception as exc:  # the report names the file and the resource
            pytest.fail(f"{path.name} {doc['kind']}/{doc['metadata']['name']} invalid for {version}: {exc}")


def test_validator_rejects_a_deliberately_broken_deployment() -> None:
    good = k8s_resource("Deployment", "zhucuntong-api")
    validate(good, VERSIONS[-1])

    misspelled = copy.deepcopy(good)
    container = misspelled["spec"]["template"]["spec"]["containers"][0]
    container["readynessProbe"] = container.pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError, match="readynessProbe"):
        validate(misspelled, VERSIONS[-1])

    wrong_type = copy.deepcopy(good)
    wrong_type["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(wrong_type, VERSIONS[-1])

    missing = copy.deepcopy(good)
    del missing["spec"]["template"]["spec"]["containers"][0]["name"]
    with pytest.raises(kubernetes_validate.ValidationError, match="'name' is a required property"):
        validate(missing, VERSIONS[-1])


def test_validator_rejects_a_broken_file_on_disk(tmp_path: Any) -> None:
    """The same path the manifests take (YAML text → resources → validate) fails on a bad file."""
    text = (K8S / "hpa.yaml").read_text(encoding="utf-8").replace("minReplicas: 2", "minReplicas: [2]")
    broken = tmp_path / "hpa.yaml"
    broken.write_text(text, encoding="utf-8")
    (doc,) = [d for d in yaml.safe_load_all(broken.read_text(encoding="utf-8")) if d]
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(doc, VERSIONS[-1])


def test_unknown_kind_or_api_version_is_an_error_not_a_pass() -> None:
    hpa = copy.deepcopy(k8s_resource("HorizontalPodAutoscaler", "zhucuntong-api"))
    hpa["apiVersion"] = "autoscaling/v2beta1"  # removed in Kubernetes 1.25
    with pytest.raises(SchemaNotFoundError):
        validate(hpa, VERSIONS[-1])


def test_probes_use_the_apps_health_endpoints() -> None:
    container = k8s_resource("Deployment", "zhucuntong-api")["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    (port,) = container["ports"]
    assert container["readinessProbe"]["httpGet"]["port"] == port["name"]
    assert port["containerPort"] == 8000
    assert container["args"][-1] == str(port["containerPort"])

    app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    paths = {getattr(route, "path", None) for route in app.routes}
    assert {"/readyz", "/healthz"} <= paths


def test_selectors_match_the_api_pods() -> None:
    deployment = k8s_resource("Deployment", "zhucuntong-api")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"] == POD_LABELS
    assert POD_LABELS.items() <= pod_labels.items()
    assert k8s_resource("Service", "zhucuntong-api")["spec"]["selector"] == POD_LABELS
    assert k8s_resource("PodDisruptionBudget", "zhucuntong-api")["spec"]["selector"]["matchLabels"] == POD_LABELS
    assert k8s_resource("NetworkPolicy", "zhucuntong-api")["spec"]["podSelector"]["matchLabels"] == POD_LABELS
    target = k8s_resource("HorizontalPodAutoscaler", "zhucuntong-api")["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", "zhucuntong-api")


def test_pdb_and_hpa_keep_a_pod_serving_during_disruptions() -> None:
    hpa = k8s_resource("HorizontalPodAutoscaler", "zhucuntong-api")["spec"]
    pdb = k8s_resource("PodDisruptionBudget", "zhucuntong-api")["spec"]
    deployment = k8s_resource("Deployment", "zhucuntong-api")["spec"]
    assert hpa["minReplicas"] >= 2 and deployment["replicas"] >= 2
    assert 1 <= pdb["minAvailable"] < hpa["minReplicas"]  # a drain can always evict one pod
    assert deployment["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_database_connections_fit_under_max_connections() -> None:
    config = k8s_resource("ConfigMap", "zhucuntong-config")["data"]
    max_replicas = k8s_resource("HorizontalPodAutoscaler", "zhucuntong-api")["spec"]["maxReplicas"]
    per_pod = 2 * int(config["DB_POOL_SIZE"])  # pool_size + max_overflow (backend/core/db.py)
    assert max_replicas * per_pod <= 100 - 10  # PostgreSQL's default max_connections, minus headroom


def test_ingress_routes_to_the_api_and_never_serves_metrics() -> None:
    ingress = k8s_resource("Ingress", "zhucuntong")
    service = k8s_resource("Service", "zhucuntong-api")
    (rule,) = ingress["spec"]["rules"]
    by_path = {p["path"]: p["backend"]["service"] for p in rule["http"]["paths"]}
    assert by_path["/"] == {"name": "zhucuntong-api", "port": {"name": service["spec"]["ports"][0]["name"]}}
    blocked = k8s_resource("Service", by_path["/metrics"]["name"])
    assert "selector" not in blocked["spec"], "/metrics must go to a Service with no pods"
    assert rule["host"] in ingress["spec"]["tls"][0]["hosts"]
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/force-ssl-redirect"] == "true"


def test_ingress_body_limit_matches_the_app() -> None:
    config = k8s_resource("ConfigMap", "zhucuntong-config")["data"]
    settings = Settings(database_url="sqlite+aiosqlite:///:memory:", max_upload_bytes=int(config["MAX_UPLOAD_BYTES"]))
    (limit,) = [m.kwargs["max_bytes"] for m in create_app(settings).user_middleware if "max_bytes" in m.kwargs]
    annotation = k8s_resource("Ingress", "zhucuntong")["metadata"]["annotations"]
    assert int(annotation["nginx.ingress.kubernetes.io/proxy-body-size"]) == limit


def test_every_setting_given_to_the_app_is_one_it_reads(app_setting_names: set[str]) -> None:
    given = set(k8s_resource("ConfigMap", "zhucuntong-config")["data"])
    given |= set(k8s_resource("Secret", "zhucuntong-secrets")["stringData"])
    assert given - app_setting_names == set()
    assert {"DATABASE_URL", "JWT_SECRET", "POLL_KEY_SECRET", "APP_ENV"} <= given


def test_secret_placeholders_are_refused_in_production() -> None:
    secret = k8s_resource("Secret", "zhucuntong-secrets")
    assert "data" not in secret, "no encoded values: placeholders only"
    values = secret["stringData"]
    assert "REPLACE_ME" in values["DATABASE_URL"]
    placeholder = Settings(
        app_env="production", jwt_secret=values["JWT_SECRET"], poll_key_secret=values["POLL_KEY_SECRET"]
    )
    with pytest.raises(SettingsError, match="JWT_SECRET"):
        placeholder.validate()
    assert k8s_resource("Secret", "zhucuntong-backup-db")["stringData"]["PGPASSWORD"] == "REPLACE_ME"


def test_app_pods_run_unprivileged_with_one_image() -> None:
    images = set()
    for kind, name in (("Deployment", "zhucuntong-api"), ("Job", "zhucuntong-migrate")):
        pod = k8s_resource(kind, name)["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] == 10001  # the Dockerfile's USER
        for container in pod["containers"]:
            images.add(container["image"])
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert container["envFrom"] == [
                {"configMapRef": {"name": "zhucuntong-config"}},
                {"secretRef": {"name": "zhucuntong-secrets"}},
            ]
    assert len(images) == 1 and ":" in next(iter(images)) and not next(iter(images)).endswith(":latest")
    assert k8s_resource("Job", "zhucuntong-migrate")["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"]


def test_backup_cronjob_dumps_to_a_volume() -> None:
    cron = k8s_resource("CronJob", "zhucuntong-backup")["spec"]
    assert cron["concurrencyPolicy"] == "Forbid"
    pod = cron["jobTemplate"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    script = container["command"][-1]
    assert "pg_dump --format=custom" in script and 'mv "$f.partial" "$f"' in script
    (volume,) = pod["volumes"]
    claim = volume["persistentVolumeClaim"]["claimName"]
    k8s_resource("PersistentVolumeClaim", claim)
    assert {"name": volume["name"], "mountPath": "/backups"} in container["volumeMounts"]
    assert container["envFrom"] == [{"secretRef": {"name": "zhucuntong-backup-db"}}]


def test_kustomization_lists_every_manifest_but_the_secret_and_the_migration() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    listed = set(kustomization["resources"])
    on_disk = {path.name for path in k8s_manifest_paths()}
    assert listed <= on_disk
    assert on_disk - listed == {"secret.yaml", "migrate-job.yaml"}


def test_ingress_streams_request_bodies_so_cut_uploads_resume() -> None:
    """A buffering proxy drops a cut body whole; the app keeps what reached it (resumable uploads)."""
    annotation = k8s_resource("Ingress", "zhucuntong")["metadata"]["annotations"]
    assert annotation["nginx.ingress.kubernetes.io/proxy-request-buffering"] == "off"
